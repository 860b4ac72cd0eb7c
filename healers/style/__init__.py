"""Style healer: ruff's style codes (E, W, UP, SIM, RUF, ...), fixed with ruff's own edits."""

from __future__ import annotations

from healers.healer import Healer

HEALER = Healer("style", ("ruff",), "style", has_codemods=False)
