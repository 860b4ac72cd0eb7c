"""Type healer: mypy's findings (and ruff's ANN, PYI and FA codes) -> the type codemods,
whose fixes are checked by running mypy again (a pass that adds a type error is rolled back)."""

from __future__ import annotations

from healers.healer import Healer

HEALER = Healer("type", ("mypy", "ruff"), "typecheck")
