"""Security healer: bandit's findings (and ruff's S codes) -> the security codemods; a
HIGH-severity finding waits for a human (the approval gate) whatever the fix."""

from __future__ import annotations

from healers.healer import Healer

HEALER = Healer("security", ("bandit", "ruff"), "security")
