"""The `heal` console script and `python -m healers`: heal's main, once the libraries heal itself
imports are there (a missing one is exit 2 naming it, not a traceback from an import)."""

from __future__ import annotations

import importlib.util
import sys

EXIT_ERROR = 2


def required() -> dict[str, str]:
    """Module -> the distribution that provides it, for heal's own imports."""
    needed = {"libcst": "libcst"}
    if sys.version_info < (3, 11):
        needed["tomli"] = "tomli"
    return needed


def _importable(module: str) -> bool:
    """Is `module` there to import? Found, not imported: libcst alone costs a third of a second
    and the main process never needs it (its workers do)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def main() -> int:
    missing = [dist for module, dist in required().items() if not _importable(module)]
    if missing:
        names = " ".join(missing)
        print(
            f"heal: error: {names} is not installed for {sys.executable} "
            f"(heal needs it: pip install {names})",
            file=sys.stderr,
        )
        return EXIT_ERROR
    from healers.cli import main as heal

    return heal()
