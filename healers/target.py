"""The oldest Python a project declares, read from every standard place: heal's target."""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from healers import toml

Version = tuple[int, int]
RUFF_OLDEST = (3, 7)  # ruff's oldest --target-version; an older declaration is treated as it
_SPEC = re.compile(r"(>=|~=|==|>|===)\s*(\d+)\.(\d+)")
_CLASSIFIER = re.compile(r"Programming Language :: Python :: (\d+)\.(\d+)\s*$")
_SETUP_PY = re.compile(r"""python_requires\s*=\s*(?:[rbuRBU]?)(["'])(.+?)\1""")
_RUFF = re.compile(r"py(\d)(\d+)")


@dataclass(frozen=True)
class Target:
    """The oldest version any declaration allows, and where it was declared."""

    version: Version | None
    source: str = ""  # e.g. "setup.cfg [options] python_requires = >= 3.7"

    @property
    def ruff(self) -> str | None:
        """ruff's name for it ("py37"); None: ruff's own default."""
        return None if self.version is None else f"py{self.version[0]}{self.version[1]}"

    @property
    def note(self) -> str:
        if self.version is None:
            return (
                "the project declares no Python version (requires-python, python_requires, "
                "classifiers, ruff's target-version, mypy's python_version): ruff's default "
                "target is used"
            )
        return f"target Python {self.version[0]}.{self.version[1]}, from {self.source}"


def from_spec(spec: str) -> Version | None:
    """The oldest Python 3 a specifier admits: ">= 3.7" -> (3, 7), ">3.7" -> (3, 8)."""
    found: list[Version] = []
    for op, major, minor in _SPEC.findall(spec):
        version = (int(major), int(minor) + (1 if op == ">" else 0))
        found.append(version)
    if not found:
        return None
    return max(min(found), RUFF_OLDEST)


def _float_version(value: object) -> Version | None:
    """mypy's python_version: "3.7", or a TOML float 3.7 (3.10 reads as 3.1: use a string)."""
    found = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", str(value))
    return (int(found.group(1)), int(found.group(2))) if found else None


def _classifiers(values: object) -> Version | None:
    lines = values.splitlines() if isinstance(values, str) else values
    if not isinstance(lines, list):
        return None
    found = [_CLASSIFIER.search(str(c)) for c in lines]
    versions = [(int(f.group(1)), int(f.group(2))) for f in found if f and f.group(1) == "3"]
    return min(versions) if versions else None


def _pyproject(root: Path) -> Iterator[tuple[Version | None, str]]:
    try:
        data = toml.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, toml.TOMLDecodeError, UnicodeDecodeError):
        return
    project = data.get("project")
    if isinstance(project, dict):
        spec = project.get("requires-python")
        if isinstance(spec, str):
            yield from_spec(spec), f"pyproject.toml [project] requires-python = {spec!r}"
        yield _classifiers(project.get("classifiers")), "pyproject.toml [project] classifiers"
    tool = data.get("tool")
    if isinstance(tool, dict):
        ruff = tool.get("ruff")
        if isinstance(ruff, dict):
            yield _ruff(ruff.get("target-version")), "pyproject.toml [tool.ruff] target-version"
        mypy = tool.get("mypy")
        if isinstance(mypy, dict) and "python_version" in mypy:
            found = _float_version(mypy["python_version"])
            yield found, "pyproject.toml [tool.mypy] python_version"


def _ruff(value: object) -> Version | None:
    found = _RUFF.fullmatch(str(value)) if isinstance(value, str) else None
    return (int(found.group(1)), int(found.group(2))) if found else None


def _ini(path: Path) -> configparser.ConfigParser | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, configparser.Error):
        return None
    return parser


def _setup_cfg(root: Path) -> Iterator[tuple[Version | None, str]]:
    parser = _ini(root / "setup.cfg") if (root / "setup.cfg").is_file() else None
    if parser is not None:
        spec = parser.get("options", "python_requires", fallback=None)
        if spec:
            yield from_spec(spec), f"setup.cfg [options] python_requires = {spec.strip()!r}"
        listed = parser.get("metadata", "classifiers", fallback=None)
        yield _classifiers(listed), "setup.cfg [metadata] classifiers"
    for name in ("mypy.ini", ".mypy.ini", "setup.cfg"):
        mypy = _ini(root / name) if (root / name).is_file() else None
        value = mypy.get("mypy", "python_version", fallback=None) if mypy else None
        if value:
            yield _float_version(value), f"{name} [mypy] python_version"


def _others(root: Path) -> Iterator[tuple[Version | None, str]]:
    setup_py = root / "setup.py"
    if setup_py.is_file():
        text = setup_py.read_text(encoding="utf-8", errors="replace")
        literal = _SETUP_PY.search(text)
        if literal:
            spec = literal.group(2)
            yield from_spec(spec), f"setup.py python_requires={spec!r}"
        yield _classifiers(_CLASSIFIER_LINES.findall(text)), "setup.py classifiers"
    for name in ("ruff.toml", ".ruff.toml"):
        try:
            data = toml.loads((root / name).read_text(encoding="utf-8"))
        except (OSError, toml.TOMLDecodeError, UnicodeDecodeError):
            continue
        yield _ruff(data.get("target-version")), f"{name} target-version"


_CLASSIFIER_LINES = re.compile(r"Programming Language :: Python :: \d+\.\d+")


def declared(root: Path) -> Target:
    """The oldest version any standard place admits (the first place naming it, as its source)."""
    best: tuple[Version, str] | None = None
    for version, source in (*_pyproject(root), *_setup_cfg(root), *_others(root)):
        if version is not None and version[0] == 3 and (best is None or version < best[0]):
            best = (max(version, RUFF_OLDEST), source)
    return Target(None) if best is None else Target(best[0], best[1])
