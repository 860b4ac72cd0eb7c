"""Where a repair may write: `[tool.healers] writable`, else the project's package folders; never
a test unless a writable entry names tests, never outside the project."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SKIPPED = frozenset({"tests", "test", "testing", "docs", "build", "dist", ".heal", ".git"})


def is_test(path: str) -> bool:
    p = PurePosixPath(path)
    return (
        any(part in ("tests", "test", "testing") for part in p.parts[:-1])
        or p.name.startswith("test_")
        or p.name.endswith("_test.py")
        or p.name == "conftest.py"
    )


@dataclass(frozen=True)
class Writable:
    entries: tuple[str, ...]  # folders or files, relative to the project root
    configured: bool  # from [tool.healers] writable (else the package folders)

    def why_not(self, path: str) -> str:
        """ "" when a patch may change `path`, else why not."""
        p = PurePosixPath(path)
        if p.is_absolute() or ".." in p.parts:
            return f"{path} is outside the project"
        holders = [e for e in self.entries if e == "." or p == PurePosixPath(e) or _under(p, e)]
        if not holders:
            return f"{path} is outside writable ({self.describe()})"
        if is_test(path) and not any(is_test(f"{e}/x.py") or is_test(e) for e in holders):
            return f"{path} is a test, and writable names no tests"
        return ""

    def describe(self) -> str:
        where = ", ".join(self.entries) or "nothing"
        return where if self.configured else f"{where}: the package folders"


def _under(path: PurePosixPath, entry: str) -> bool:
    return PurePosixPath(entry) in path.parents


def packages(root: Path) -> tuple[str, ...]:
    """The project's package folders: folders holding an __init__.py at the root or in src/
    (tests, docs and build output left out)."""
    found = []
    for base in (root, root / "src"):
        if not base.is_dir():
            continue
        for child in sorted(base.iterdir()):
            name = child.name
            if name in SKIPPED or name.startswith(".") or child.is_symlink():
                continue
            if child.is_dir() and (child / "__init__.py").is_file():
                found.append(child.relative_to(root).as_posix())
    return tuple(found)


def of(root: Path, configured: tuple[str, ...] | None) -> Writable:
    if configured is not None:
        return Writable(configured, True)
    return Writable(packages(root), False)
