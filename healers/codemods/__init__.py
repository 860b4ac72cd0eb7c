"""Codemod registry: name (a rule's `fix`) -> function(source, findings) -> Transformed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from healers.codemods import imports, logic, performance
from healers.finding import Finding, Transformed

Codemod = Callable[[str, Sequence[Finding]], Transformed]

CODEMODS: dict[str, Codemod] = {
    "AddStdlibImport": imports.add_stdlib_import,
    "MoveImportUnderTypeChecking": imports.move_import_under_type_checking,
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
