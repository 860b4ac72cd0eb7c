"""Type codemods, by name (a rule's `fix`): this healer's literal registry."""

from __future__ import annotations

from healers.codemod import Codemods, legacy
from healers.typecheck import hints, optional, silencers

CODEMODS: Codemods = {
    "AddReturnNone": legacy(optional.add_return_none),
    "AnnotateEmptyLiteral": legacy(hints.annotate_empty_literal),
    "AnnotateReturn": legacy(hints.annotate_return),
    "GuardNone": legacy(optional.guard_none),
    "MakeOptionalExplicit": legacy(optional.make_optional_explicit),
    "RemoveUnusedIgnore": legacy(silencers.remove_unused_ignore),
    "UnwrapRedundantCast": legacy(silencers.unwrap_redundant_cast),
    "UseTypingName": legacy(hints.use_typing_name),
}
