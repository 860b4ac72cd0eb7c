"""Stage 1, select: the repository, the project root inside it, and the Python files to look at."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from healers import shard as shards
from healers import target, toml, tools
from healers.config import Config, ConfigError
from healers.paths import relative

PY_SUFFIXES = (".py", ".pyi")
SKIP_DIRS = frozenset(
    {".git", ".hg", ".heal", ".venv", "venv", "env", "__pycache__", "build", "dist", "node_modules"}
    | {".tox", ".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages"}
)


class SelectError(ValueError):
    """A path heal must not touch (outside the repository) or cannot find."""


@dataclass(frozen=True)
class Project:
    repo: Path  # the repository holding the selected paths: nothing outside it is written
    root: Path  # the project: where its configuration lives; finding paths are relative to it
    files: tuple[str, ...]  # the selected Python files, relative to root, POSIX
    hook: bool  # True when the files were named on the command line (pre-commit)
    notes: tuple[str, ...] = ()  # what selecting did that the report should say
    shard: str = ""  # "K/N" when --shard selected a share of the files (shard.py)

    @property
    def state_dir(self) -> Path:
        return self.root / ".heal"


PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py")
# The analyzers' config files: copied with the Python files for --diff's shadow project.
TOOL_CONFIG_FILES = (
    "pyproject.toml",
    "setup.cfg",
    "mypy.ini",
    ".mypy.ini",
    "ruff.toml",
    ".ruff.toml",
)


def find_git(start: Path) -> Path | None:
    """The nearest enclosing directory with `.git` (a directory, or a file in a worktree)."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def boundary(targets: Sequence[Path], words: Sequence[str] = ()) -> Path:
    """The repository of the selected paths, never the working directory by accident: their
    git top level; without git, the nearest folder above them with pyproject.toml, setup.cfg or
    setup.py; without either, the folder they are in. Paths of two repositories are refused."""
    common = Path(os.path.commonpath([str(t) for t in targets]))
    folder = common if common.is_dir() else common.parent
    repos = [find_git(t if t.is_dir() else t.parent) for t in targets]
    for i, repo in enumerate(repos):
        if repo != repos[0]:
            word = words[i] if i < len(words) else str(targets[i])
            where = f"the repository {repos[0]}" if repos[0] else "no git repository"
            raise SelectError(f"{word}: outside {where}, where the other paths are")
    if repos[0] is not None:
        return repos[0]
    for above in (folder, *folder.parents):
        if any((above / marker).is_file() for marker in PROJECT_MARKERS):
            return above
    return folder


def find_root(target: Path, repo: Path) -> Path:
    """The nearest directory at or above `target`, inside `repo`, that has a pyproject.toml."""
    folder = target if target.is_dir() else target.parent
    while folder != repo and repo in folder.parents:
        if (folder / "pyproject.toml").is_file() or (folder / "setup.cfg").is_file():
            return folder
        folder = folder.parent
    return repo


def _locate(word: str, cwd: Path, *, scan: bool, notes: list[str]) -> Path:
    """A path from the command line as heal uses it: absolute, and with every folder above it
    resolved, so the repository and `.heal/` are where the file really is. The last part stays a
    name (a linked file is read, and written through only inside the repository); a folder named
    for --scan is followed and the report says so. Hook mode takes files only."""
    if word == "":
        raise SelectError("an empty file name")
    full = Path(os.path.normpath(cwd / word))
    if not os.path.lexists(full):
        raise SelectError(f"{word}: no such file or directory")
    if full.is_dir():
        if not scan:
            raise SelectError(f"{word}: a directory; name files, or use --scan {word}")
        real = Path(os.path.realpath(full))
        if full.is_symlink():
            notes.append(f"--scan {word}: a symbolic link to {real}; scanned {real}")
        return real
    return Path(os.path.realpath(full.parent)) / full.name


def _walk(folder: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        found += [Path(dirpath, f) for f in sorted(filenames)]
    return found


def excluded(rel: str, patterns: Sequence[str]) -> bool:
    """`rel` (repository-relative, POSIX) matches one of `[tool.healers] exclude`."""
    for pattern in patterns:
        if pattern.endswith("/") and (rel + "/").startswith(pattern):
            return True
        if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern.rstrip("/") + "/*"):
            return True
    return False


def select(
    paths: Sequence[str],
    *,
    scan: str | None,
    cwd: Path,
    config_for: Callable[[Path], Config],
    list_files: bool = True,
    shard: shards.Shard | None = None,
) -> tuple[Project, Config]:
    """Resolve the command line into a Project; a path outside the repository is an error. With
    `list_files` False (a command that analyzes nothing) the Project has no files."""
    notes: list[str] = []
    words = [scan] if scan is not None else list(paths)
    resolved = [_locate(w, cwd, scan=scan is not None, notes=notes) for w in words]
    repo = boundary(resolved, words) if resolved else boundary([cwd.resolve()])
    common = Path(os.path.commonpath([str(p) for p in resolved])) if resolved else repo
    root = find_root(common, repo)
    config = config_for(root)
    if not list_files:
        return Project(repo, root, (), hook=False, notes=tuple(notes)), config
    if scan is not None:
        listed = tools.git_files(root, resolved[0])
        if listed is None:
            candidates = [relative(str(p), str(root)) for p in _walk(resolved[0])]
        else:
            candidates = listed
        files = [
            f for f in candidates if f.endswith(PY_SUFFIXES) and (root / f).is_file()
        ]  # git lists deleted-but-tracked files too
    else:
        files = [relative(str(p), str(root)) for p in resolved if p.is_file()]
        files = [f for f in files if f.endswith(PY_SUFFIXES)]
    files = [f for f in files if not excluded(f, config.exclude)]
    chosen = _one_per_file(root, files)
    proj = Project(repo, root, chosen, hook=scan is None, notes=tuple(notes))
    return (proj if shard is None else _share(proj, shard)), config


def _share(proj: Project, shard: shards.Shard) -> Project:
    """The project with only `shard`'s share of its files (by repository-relative path)."""
    if proj.hook:
        raise SelectError("--shard splits a --scan; the hook checks the files it is given")
    folder = proj.root.relative_to(proj.repo).as_posix()
    prefix = "" if folder == "." else folder + "/"
    files = shards.select(proj.files, shard, prefix)
    return replace(proj, files=files, shard=str(shard))


def _one_per_file(root: Path, files: Sequence[str]) -> tuple[str, ...]:
    """A symlink and its target are one file: keep the target's own name (else the first
    name), or the second write would find the file "changed on disk during the run"."""
    chosen: dict[Path, str] = {}
    for rel in sorted(set(files)):
        real = (root / rel).resolve()
        if real not in chosen or (root / chosen[real]).is_symlink():
            chosen[real] = rel
    return tuple(sorted(chosen.values()))


def target_version(root: Path) -> str | None:
    """ruff's `--target-version` (e.g. "py37"): the oldest Python any standard place declares
    (`target.declared`); None when none does (ruff's default)."""
    try:
        data = toml.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, toml.TOMLDecodeError, UnicodeDecodeError):
        data = {}
    table = data.get("project", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{root / 'pyproject.toml'}: [project] must be a table")
    spec = table.get("requires-python", "")
    if not isinstance(spec, str):
        raise ConfigError(
            f"{root / 'pyproject.toml'}: [project] requires-python must be a string such as "
            f'">=3.10", not {spec!r}'
        )
    return target.declared(root).ruff


def tool_config(root: Path) -> dict[str, str | None]:
    """The target project's own config file for each analyzer, or None for heal's default."""
    pyproject = root / "pyproject.toml"
    tables: dict[str, object] = {}
    if pyproject.is_file():
        try:
            tables = toml.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
        except (toml.TOMLDecodeError, UnicodeDecodeError):
            tables = {}
    if not isinstance(tables, dict):
        raise ConfigError(f"{pyproject}: [tool] must be a table")
    for tool in ("ruff", "mypy", "bandit"):  # the tables heal looks at: what each tool reads
        if tool in tables and not isinstance(tables[tool], dict):
            raise ConfigError(f"{pyproject}: [tool.{tool}] must be a table, not {tables[tool]!r}")

    def first(*candidates: tuple[str, bool]) -> str | None:
        for name, present in candidates:
            if present and (root / name).is_file():
                return name
        return None

    setup_cfg = root / "setup.cfg"
    cfg_text = (
        setup_cfg.read_text(encoding="utf-8", errors="replace") if setup_cfg.is_file() else ""
    )
    return {
        "ruff": first(
            ("ruff.toml", True), (".ruff.toml", True), ("pyproject.toml", "ruff" in tables)
        ),
        "mypy": first(
            ("mypy.ini", True),
            (".mypy.ini", True),
            ("pyproject.toml", "mypy" in tables),
            ("setup.cfg", "[mypy]" in cfg_text),
        ),
        "bandit": first(("pyproject.toml", "bandit" in tables)),
    }
