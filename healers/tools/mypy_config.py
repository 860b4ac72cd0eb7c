"""mypy's configuration under --untrusted: a copy of the project's own without what would run the
project's code (`plugins`, `python_executable`) or write files (`junit_xml`, the `*_report`s),
so a pull request cannot make a report-only scan import `evil.py`."""

from __future__ import annotations

import configparser
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from healers import toml

RUNS_CODE = frozenset({"plugins", "python_executable"})
WRITES = frozenset({"junit_xml", "cache_dir"})
CONFIG_DIR = ("${MYPY_CONFIG_FILE_DIR}", "$MYPY_CONFIG_FILE_DIR")


class UnsafeConfig(ValueError):
    """The project's mypy configuration cannot be copied without its code (a value heal cannot
    write back): under --untrusted mypy does not run on it."""


@dataclass(frozen=True)
class Copied:
    path: str  # the copy heal hands to mypy
    plugins: tuple[str, ...]  # the plugins it left out, for the report


def _dropped(key: str) -> bool:
    name = key.strip().lower().replace("-", "_")
    return name in RUNS_CODE or name in WRITES or name.endswith("_report")


def _plugins(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(",") if p.strip())
    if isinstance(value, list):
        return tuple(str(p) for p in value)
    return (str(value),)


def copy(root: Path, name: str, into: Path) -> Copied:
    """Write the safe copy of `root/name` (mypy.ini, .mypy.ini, setup.cfg or pyproject.toml)
    into the folder `into`; `$MYPY_CONFIG_FILE_DIR` keeps meaning the project's folder."""
    original = root / name
    if name.endswith(".toml"):
        return _copy_toml(original, into)
    return _copy_ini(original, into)


def _copy_ini(original: Path, into: Path) -> Copied:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(original.read_text(encoding="utf-8"), str(original))
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise UnsafeConfig(f"{original}: cannot be read: {exc}") from None
    safe = configparser.RawConfigParser()
    plugins: tuple[str, ...] = ()
    for section in parser.sections():
        if section != "mypy" and not section.startswith("mypy-"):
            continue
        safe.add_section(section)
        for key, value in parser.items(section):
            if key.strip().lower() == "plugins":
                plugins += _plugins(value)
            if not _dropped(key):
                safe.set(section, key, str(_here(value, original.parent)))
    target = into / "mypy.ini"
    with target.open("w", encoding="utf-8") as handle:
        safe.write(handle)
    return Copied(str(target), plugins)


def _copy_toml(original: Path, into: Path) -> Copied:
    try:
        data = toml.loads(original.read_text(encoding="utf-8"))
    except (toml.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UnsafeConfig(f"{original}: cannot be read: {exc}") from None
    tool = data.get("tool")
    table = tool.get("mypy") if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise UnsafeConfig(f"{original}: [tool.mypy] is not a table")
    plugins = _plugins(table["plugins"]) if "plugins" in table else ()
    kept = {k: _here(v, original.parent) for k, v in table.items() if not _dropped(k)}
    lines = ["[tool.mypy]", *(f"{json.dumps(k)} = {_value(v)}" for k, v in kept.items())]
    target = into / "pyproject.toml"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Copied(str(target), plugins)


def _here(value: object, folder: Path) -> object:
    """The value with mypy's $MYPY_CONFIG_FILE_DIR spelled out: the copy lives elsewhere."""
    if isinstance(value, str):
        for spelling in CONFIG_DIR:
            value = value.replace(spelling, str(folder))
        return value
    if isinstance(value, list):
        return [_here(v, folder) for v in value]
    if isinstance(value, dict):
        return {k: _here(v, folder) for k, v in value.items()}
    return value


def _value(value: object) -> str:
    """A TOML value (inline tables and arrays): what a [tool.mypy] table holds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        pairs = (f"{json.dumps(str(k))} = {_value(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    raise UnsafeConfig(f"[tool.mypy] holds a value heal cannot copy: {value!r}")
