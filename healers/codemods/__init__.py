"""Codemod registry: name (a rule's `fix`) -> function(source, findings, target) -> Transformed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from healers.codemods import (
    hints,
    imports,
    logic,
    optional,
    performance,
    security,
    security_secrets,
    security_shell,
    security_temp,
    silencers,
)
from healers.finding import Finding, Transformed


class Codemod(Protocol):
    """`target`: the oldest Python the project admits, (3, 9), or None when it does not say."""

    def __call__(
        self, source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None, /
    ) -> Transformed: ...


CODEMODS: dict[str, Codemod] = {
    "AddReturnNone": optional.add_return_none,
    "AddStdlibImport": imports.add_stdlib_import,
    "AnnotateEmptyLiteral": hints.annotate_empty_literal,
    "AnnotateReturn": hints.annotate_return,
    "GuardNone": optional.guard_none,
    "MakeOptionalExplicit": optional.make_optional_explicit,
    "MoveImportUnderTypeChecking": imports.move_import_under_type_checking,
    "RemoveUnusedIgnore": silencers.remove_unused_ignore,
    "UnwrapRedundantCast": silencers.unwrap_redundant_cast,
    "UseTypingName": hints.use_typing_name,
    # security (bandit)
    "AddRequestTimeout": security.add_request_timeout,
    "BindLoopback": security.bind_loopback,
    "FlaskDebugOff": security.flask_debug_off,
    "HashNotForSecurity": security.hash_not_for_security,
    "Jinja2Autoescape": security.jinja2_autoescape,
    "MktempToNamedTemporaryFile": security_temp.mktemp_to_named_temporary_file,
    "ParamikoRejectPolicy": security.paramiko_reject_policy,
    "SafeYamlLoad": security.safe_yaml_load,
    "SecretFromEnvironment": security_secrets.secret_from_environment,
    "SubprocessWithoutShell": security_shell.subprocess_without_shell,
    "TarfileDataFilter": security.tarfile_data_filter,
    "TorchWeightsOnly": security.torch_weights_only,
    "UseSystemRandom": security_secrets.use_system_random,
    "VerifyCertificates": security.verify_certificates,
    # performance (healers/performance.py)
    "UseSetLiteral": performance.use_set_literal,
    "UseMinMax": performance.use_min_max,
    "CompileRegexOnce": performance.compile_regex_once,
    "IterateDirectly": performance.iterate_directly,
    "JoinStringParts": performance.join_string_parts,
    "UseDeque": performance.use_deque,
    # logic (healers/logic.py): proposed only, every one needs a human's approval
    "UnpackAssertTuple": logic.unpack_assert_tuple,
    "RemoveSelfAssignment": logic.remove_self_assignment,
    "RemoveUnreachable": logic.remove_unreachable,
    "RemoveDuplicateBranch": logic.remove_duplicate_branch,
    "ResolveConstantCondition": logic.resolve_constant_condition,
    "DefaultToNone": logic.default_to_none,
}
