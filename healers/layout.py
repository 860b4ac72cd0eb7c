"""The project's layout rules: its line length (ruff, black, flake8, pycodestyle, isort settings)
and the formatter heal may run on a fix's range (ruff format, or ruff format with black's
settings), read from the project's own configuration files."""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healers import toml

# where the settings below live, beside pyproject.toml, setup.cfg and ruff.toml
CONFIG_FILES = ("tox.ini", ".flake8", ".isort.cfg", ".pre-commit-config.yaml")
DEFAULT_LENGTH = 88  # ruff's and black's default, what heal's own ruff selection checks


@dataclass(frozen=True)
class Formatter:
    """How to run `ruff format` the way the project formats: its ruff config, or black's
    settings given to ruff (black-compatible), at the project's line length."""

    name: str  # "ruff format" or "black"
    config: str | None  # the project's ruff config file, for ruff format
    settings: tuple[str, ...]  # `--config KEY=VALUE` overrides (black's settings)


@dataclass(frozen=True)
class Layout:
    line_length: int
    source: str  # where the limit comes from: "flake8 max-line-length in setup.cfg"
    formatter: Formatter | None = None
    # where the project's flake8/pycodestyle checks W503 (its own `ignore` list replaces the
    # default one, which holds W503): a line must not start with a binary operator
    no_break_before_operator: str = ""


def _toml(path: Path) -> dict[str, Any]:
    try:
        return toml.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, toml.TOMLDecodeError, UnicodeDecodeError):
        return {}


def _ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    if path.is_file():
        try:
            parser.read_string(path.read_text(encoding="utf-8", errors="replace"), str(path))
        except configparser.Error:
            return configparser.ConfigParser(interpolation=None)
    return parser


def _int(value: object) -> int | None:
    text = str(value).strip()
    return int(text) if re.fullmatch(r"\d{2,4}", text) else None


def _ignores_e501(section: configparser.SectionProxy) -> bool:
    listed = ",".join(section.get(k, "") for k in ("ignore", "extend-ignore", "extend_ignore"))
    return any(code.strip() in ("E501", "E50", "E5", "E") for code in re.split(r"[,\s]+", listed))


def _selects_b950(section: configparser.SectionProxy) -> bool:
    listed = ",".join(section.get(k, "") for k in ("select", "extend-select", "extend_select"))
    return any(code.strip() in ("B9", "B95", "B950") for code in re.split(r"[,\s]+", listed))


def _ini_limits(root: Path) -> list[tuple[int, str]]:
    """flake8 and pycodestyle (79 unless set) and isort (when set) in the ini-style files."""
    found = []
    for name in ("setup.cfg", "tox.ini", ".flake8", ".isort.cfg"):
        parser = _ini(root / name)
        for section in ("flake8", "pycodestyle", "pep8", "isort", "settings"):
            if not parser.has_section(section) or (section == "settings") != (name == ".isort.cfg"):
                continue
            table = parser[section]
            if section in ("isort", "settings"):
                limit = _int(table.get("line_length", table.get("line-length", "")))
                if limit is None and table.get("profile", "").strip() == "black":
                    limit = 88
                if limit is not None:
                    found.append((limit, f"isort line_length in {name}"))
                continue
            key = "max-line-length" if "max-line-length" in table else "max_line_length"
            limit = _int(table.get(key, "79")) or 79
            if not _ignores_e501(table):
                found.append((limit, f"{section} max-line-length in {name}"))
            elif _selects_b950(table):  # bugbear's B950: 10% past max-line-length
                found.append((limit * 11 // 10, f"flake8 B950 (max-line-length + 10%) in {name}"))
    return found


def _ruff(root: Path) -> tuple[str | None, dict[str, Any]]:
    for name in ("ruff.toml", ".ruff.toml"):
        if (root / name).is_file():
            return name, _toml(root / name)
    ruff = _toml(root / "pyproject.toml").get("tool", {}).get("ruff")
    return ("pyproject.toml", ruff) if isinstance(ruff, dict) else (None, {})


def read(root: Path) -> Layout:
    """The shortest line length the project's tools ask for; its formatter if heal can run it."""
    tools = _toml(root / "pyproject.toml").get("tool", {})
    limits = _ini_limits(root)
    ruff_file, ruff = _ruff(root)
    if ruff_file is not None:
        limits.append((_int(ruff.get("line-length", 88)) or 88, f"ruff line-length in {ruff_file}"))
    black = tools.get("black") if isinstance(tools, dict) else None
    if isinstance(black, dict):
        limits.append((_int(black.get("line-length", 88)) or 88, "black line-length"))
    isort = tools.get("isort") if isinstance(tools, dict) else None
    if isinstance(isort, dict) and _int(isort.get("line_length", "")):
        limits.append((_int(isort["line_length"]) or 88, "isort line_length in pyproject.toml"))
    if limits:
        length, source = min(limits)
    else:
        length, source = DEFAULT_LENGTH, "ruff's default (the project sets no line length)"
    return Layout(length, source, _formatter(root, ruff_file, ruff, black), _w503(root))


_W503_PATTERN = re.compile(r"[,\s]+")


def _w503(root: Path) -> str:
    """The file whose flake8 or pycodestyle section checks W503, or ""."""
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        parser = _ini(root / name)
        for section in ("flake8", "pycodestyle", "pep8"):
            if not parser.has_section(section):
                continue
            table = parser[section]
            ignored = _W503_PATTERN.split(table.get("ignore", ""))
            if "ignore" in table and not {"W503", "W50", "W5", "W"} & set(ignored):
                return f"{section} in {name}"
    return ""


def _formatter(
    root: Path, ruff_file: str | None, ruff: dict[str, Any], black: object
) -> Formatter | None:
    hooks = root / ".pre-commit-config.yaml"
    text = hooks.read_text(encoding="utf-8", errors="replace") if hooks.is_file() else ""
    if "format" in ruff or re.search(r"id:\s*ruff-format\b", text):
        return Formatter("ruff format", ruff_file, ())
    if isinstance(black, dict) or re.search(r"id:\s*black\b", text):
        options = black if isinstance(black, dict) else {}
        settings = []
        if options.get("skip-string-normalization") or options.get("skip_string_normalization"):
            settings.append("format.quote-style='preserve'")
        if options.get("skip-magic-trailing-comma") or options.get("skip_magic_trailing_comma"):
            settings.append("format.skip-magic-trailing-comma=true")
        return Formatter("black", None, tuple(settings))
    return None


_SORTER_HOOK = re.compile(r"id:\s*(isort|reorder-python-imports|usort)\b")


def import_sorter(root: Path, skip: Callable[[str], bool] = lambda rel: False) -> str:
    """The project's own import sorter, where heal can see one: an isort section (pyproject,
    .isort.cfg, setup.cfg, tox.ini) or an isort / reorder-python-imports / usort pre-commit
    hook, or the code's own convention (in the files `skip` does not leave out, by their
    POSIX path under `root`); "" when there is none. Its order is the project's, not I001's."""
    hooks = root / ".pre-commit-config.yaml"
    text = hooks.read_text(encoding="utf-8", errors="replace") if hooks.is_file() else ""
    hook = _SORTER_HOOK.search(text)
    if hook:
        return f"{hook.group(1)} (.pre-commit-config.yaml)"
    tools = _toml(root / "pyproject.toml").get("tool")
    if isinstance(tools, dict) and isinstance(tools.get("isort"), dict):
        return "isort ([tool.isort] in pyproject.toml)"
    for name, section in ((".isort.cfg", "settings"), ("setup.cfg", "isort"), ("tox.ini", "isort")):
        parser = _ini(root / name)
        if parser.has_section(section) or parser.has_section(f"tool:{section}"):
            return f"isort ({name})"
    return _one_name_per_import(root, skip)


_FROM_IMPORT = re.compile(r"^from\s+([\w.]+)\s+import\s+(.*)$", re.M)
_NOT_THE_PROJECT = frozenset({"node_modules", "venv", "build", "dist", "site-packages"})
_SAMPLED_FILES = 400  # enough to see a convention, few enough to read in milliseconds


def _one_name_per_import(root: Path, skip: Callable[[str], bool]) -> str:
    """The convention of reorder-python-imports (or isort's force_single_line) read from the
    code when no config shows the tool (an sdist leaves out .pre-commit-config.yaml): every
    `from M import` names one name, and files import from one module on several lines, which
    ruff's I001 would merge. "" when the code does not show it."""
    single = repeated = 0
    for path in _python_files(root, skip):
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                head = handle.read(32_768)
        except OSError:
            continue
        modules = []
        for module, names in _FROM_IMPORT.findall(head):
            if "," in names or "(" in names:
                return ""
            modules.append(module)
        single += len(modules)
        repeated += len(modules) - len(set(modules))
    if single < 20 or repeated < 3:
        return ""
    return f"one name per `from` import ({single} in its code, none with more)"


def _python_files(root: Path, skip: Callable[[str], bool]) -> list[Path]:
    """Up to _SAMPLED_FILES of the project's .py files, outside hidden and build folders."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _NOT_THE_PROJECT)
        paths = [Path(folder, f) for f in sorted(files) if f.endswith(".py")]
        found += [p for p in paths if not skip(p.relative_to(root).as_posix())]
        if len(found) >= _SAMPLED_FILES:
            return found[:_SAMPLED_FILES]
    return found
