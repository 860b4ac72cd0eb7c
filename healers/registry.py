"""The six healers and their codemods: every codemod name (a rule's `fix`) -> its class."""

from __future__ import annotations

from healers.codemod import Codemods
from healers.imports.codemods import CODEMODS as IMPORTS
from healers.logic.codemods import CODEMODS as LOGIC
from healers.performance.codemods import CODEMODS as PERFORMANCE
from healers.security.codemods import CODEMODS as SECURITY
from healers.typecheck.codemods import CODEMODS as TYPECHECK

CODEMODS: Codemods = {**TYPECHECK, **IMPORTS, **SECURITY, **PERFORMANCE, **LOGIC}
