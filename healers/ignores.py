"""What is not reported by default, and where: bandit's informational checks anywhere, the
checks that fire on every test (asserts, test secrets, `random`) in test files; ruff-style
`per-file-ignores` and `extend-select` in `[tool.healers]` change it."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence

# Test files as pytest and unittest name them.
TEST_FILES = ("tests/*", "*/tests/*", "test/*", "*/test/*", "test_*.py", "*_test.py", "conftest.py")
# In tests: `assert` is the point (B101), secrets are fixtures (B105-B107), random is fine (B311).
IN_TESTS = tuple(
    f"{tool}:{p}{n}"
    for tool, p in (("bandit", "B"), ("ruff", "S"))
    for n in (101, 105, 106, 107, 311)
)
# bandit's own docs call these informational: `import subprocess`, a call without a shell.
ANYWHERE = ("bandit:B404", "bandit:B603", "ruff:S404", "ruff:S603")
PerFile = Sequence[tuple[str, Sequence[str]]]
DEFAULTS: PerFile = (*((glob, IN_TESTS) for glob in TEST_FILES), ("*", ANYWHERE))


def is_test_file(path: str) -> bool:
    return any(matches_path(path, glob) for glob in TEST_FILES)


def matches_path(path: str, glob: str) -> bool:
    """ruff's per-file-ignores globs, as far as heal needs them: a pattern without a slash
    matches the file name, one with a slash the path from the project root (`*` crosses `/`)."""
    glob = glob.removeprefix("./")
    if "/" not in glob:
        return fnmatch.fnmatchcase(path.rpartition("/")[2], glob)
    return fnmatch.fnmatchcase(path, glob) or fnmatch.fnmatchcase(path, glob.rstrip("/") + "/*")


def selectors_for(path: str, per_file: PerFile, *, defaults: bool = True) -> list[str]:
    """The selectors left out in `path`: heal's defaults (unless `defaults` is False), then the
    project's `per-file-ignores`."""
    tables = [*(DEFAULTS if defaults else ()), *per_file]
    return [s for glob, selectors in tables if matches_path(path, glob) for s in selectors]
