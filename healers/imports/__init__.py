"""Import healer: ruff's import codes (I, F401, ...), mypy's undefined names, and heal's own
analyzer of import cycles among the project's modules -> the import codemods."""

from __future__ import annotations

from healers.healer import Healer
from healers.imports.cycles import find_cycles

HEALER = Healer("import", ("ruff", "mypy"), "imports", analyze_project=find_cycles)
