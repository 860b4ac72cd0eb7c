"""Logic healer: heal's own libcst rules for code that cannot do what it says, and ruff's logic
codes (F, B, PLE, PLW, ...) -> the logic codemods, each proposed for a human's approval."""

from __future__ import annotations

from healers.healer import Healer

HEALER = Healer("logic", ("ruff", "heal"), "logic", has_rules=True)
