"""Codemod registry: name (a rule's `fix`) -> function(source, findings) -> Transformed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from healers.codemods import imports, security, security_secrets, security_shell, security_temp
from healers.finding import Finding, Transformed

Codemod = Callable[[str, Sequence[Finding]], Transformed]

CODEMODS: dict[str, Codemod] = {
    "AddStdlibImport": imports.add_stdlib_import,
    "MoveImportUnderTypeChecking": imports.move_import_under_type_checking,
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
}
