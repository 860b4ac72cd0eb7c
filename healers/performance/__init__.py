"""Performance healer: heal's own libcst rules for slow patterns (most of them in loops) and
ruff's PERF, C4 and FURB codes -> the performance codemods."""

from __future__ import annotations

from healers.healer import Healer

HEALER = Healer("performance", ("ruff", "heal"), "performance", has_rules=True)
