"""Type codemods, by name (a rule's `fix`): this healer's literal registry."""

from __future__ import annotations

from healers.codemod import Codemods
from healers.typecheck.hints import AnnotateReturn, UseTypingName
from healers.typecheck.literals import AnnotateEmptyLiteral
from healers.typecheck.nonechecks import RaiseIfNone
from healers.typecheck.optional import AddReturnNone, MakeOptionalExplicit
from healers.typecheck.silencers import RemoveUnusedIgnore, UnwrapRedundantCast

CODEMODS: Codemods = {
    "AddReturnNone": AddReturnNone,
    "AnnotateEmptyLiteral": AnnotateEmptyLiteral,
    "AnnotateReturn": AnnotateReturn,
    "MakeOptionalExplicit": MakeOptionalExplicit,
    "RaiseIfNone": RaiseIfNone,
    "RemoveUnusedIgnore": RemoveUnusedIgnore,
    "UnwrapRedundantCast": UnwrapRedundantCast,
    "UseTypingName": UseTypingName,
}
