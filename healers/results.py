"""What a codemod job returns, as a closed union (Fixed | Unchanged | Skipped), and its JSON form
between the worker and heal: kept apart from the codemod base so that heal's process does not
import libcst to read a result."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Version = tuple[int, int]  # the oldest Python the project admits, (3, 9)


@dataclass(frozen=True)
class Fixed:
    """The file's new text; `fixed` and `skipped` index the findings the codemod was given."""

    text: str
    fixed: tuple[int, ...]
    skipped: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Unchanged:
    """Nothing was rewritten; why, finding by finding."""

    skipped: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Skipped:
    """The file as a whole was not worked on (libcst cannot round-trip it, the worker failed)."""

    reason: str


Result = Fixed | Unchanged | Skipped


def encode(result: Result) -> dict[str, Any]:
    """A result as the worker sends it back (JSON)."""
    if isinstance(result, Fixed):
        return {"fixed": list(result.fixed), "text": result.text, "skipped": list(result.skipped)}
    if isinstance(result, Unchanged):
        return {"skipped": list(result.skipped)}
    return {"error": result.reason}


def decode(raw: Mapping[str, Any] | str) -> Result:
    """What the worker sent back; a string is why the job failed (timed out, worker died)."""
    if isinstance(raw, str):
        return Skipped(raw)
    if "error" in raw:
        return Skipped(str(raw["error"]))
    skipped = tuple((int(i), str(why)) for i, why in raw["skipped"])
    if "fixed" in raw:
        return Fixed(str(raw["text"]), tuple(int(i) for i in raw["fixed"]), skipped)
    return Unchanged(skipped)


def version(target: str | None) -> Version | None:
    """ruff's target name ("py39") -> (3, 9); None when the project does not say."""
    found = re.fullmatch(r"py3(\d+)", target or "")
    return (3, int(found.group(1))) if found else None
