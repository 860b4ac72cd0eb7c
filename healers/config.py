"""`[tool.healers]` in the target's pyproject.toml (or a file given with --config) -> Config."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healers import toml
from healers.finding import CATEGORIES, PRIORITIES, Priority
from healers.llm import settings
from healers.llm.settings import LlmConfig
from healers.repair import settings as repair_settings
from healers.repair.settings import RepairConfig


class ConfigError(ValueError):
    """A broken configuration: the message names the file and the key."""


PLAN_FIXES = 200  # fixes a report-only run plans that the cache does not know yet (foresee.py)


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fail_on: Priority = "P3"
    max_passes: int = 5
    unsafe_fixes: bool = False
    timeout: float = 30.0  # seconds per file for a codemod worker
    verify_cmd: str = ""  # the project's own check (its tests), run after each fix pass
    verify_timeout: float = 1800.0  # seconds for one run of verify_cmd
    verify_budget: int = 0  # runs of verify_cmd bisection may spend per pass (0: by the fixes)
    demote_min_fixes: int = 5  # learned trust: a rule needs this many fixes before demotion ...
    demote_rollback_rate: float = 0.2  # ... and more than this share of them rolled back
    # rule id -> approval level ("never" | "high-severity" | "always" | "block"): policy as data
    approval: tuple[tuple[str, str], ...] = ()
    allow_unapproved_high: bool = False  # lifts the HIGH gate; heal warns on every run
    request_timeout: float = 60  # seconds: the timeout AddRequestTimeout writes (bandit B113)
    llm: LlmConfig = field(default_factory=LlmConfig)  # [tool.healers.llm]: --propose's endpoint
    python: str = ""  # the project's interpreter, for mypy's --python-executable
    max_file_size: int = 2_000_000  # bytes: a larger file is a heal:file-too-large finding
    extend_select: tuple[str, ...] = ()  # selectors reported even where heal's defaults leave out
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, selectors), ruff's way
    analyzers: tuple[str, ...] = ()  # the analyzers to start (default: ruff, mypy, bandit, heal)
    plan_fixes: int | None = PLAN_FIXES  # None: a report-only run plans every fix (foresee.py)
    hold_the_line: bool = True  # in the pre-commit hook, only findings on changed lines count
    writable: tuple[str, ...] | None = None  # where `heal repair` may write (None: the packages)
    repair: RepairConfig = field(default_factory=RepairConfig)  # [tool.healers.repair]
    source: str = ""  # the file the settings came from, for messages


def _strings(value: object, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return tuple(value)


def check_selector(selector: str, where: str) -> str:
    """A selector is a category, a tool-prefixed code or prefix (`ruff:F4`), or a rule id."""
    tool, sep, _ = selector.partition(":")
    if selector in CATEGORIES or (sep and tool in ("ruff", "mypy", "bandit", "heal")):
        return selector
    if selector and all(part.isalnum() for part in selector.split("-")) and selector.islower():
        return selector
    raise ConfigError(
        f"{where}: unknown selector {selector!r} (use a category such as 'style', "
        "a code such as 'ruff:F401', or a rule id such as 'unused-import')"
    )


VERIFY_KEYS = (
    "verify-cmd",
    "verify-timeout",
    "verify-budget",
    "demote-min-fixes",
    "demote-rollback-rate",
)
# Upper bounds of the timeouts, in seconds: beyond them a wait overflows (1e308) or never ends.
MAX_TIMEOUT = {"timeout": 3600.0, "verify-timeout": 86400.0}


def _seconds(key: str, value: object, at: str) -> float:
    """A timeout: a finite number of seconds, above 0 and at most MAX_TIMEOUT (inf, nan and
    1e308 are errors, not waits that never end or overflow)."""
    limit = MAX_TIMEOUT[key]
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or not 0 < number <= limit:
        raise ConfigError(
            f"{at}: must be a number of seconds above 0, at most {limit:g}, not {value!r}"
        )
    return float(number)


def _verify_setting(key: str, value: object, at: str) -> object:
    """Settings of verification and learned trust (issue 6)."""
    if key == "verify-cmd":
        if not isinstance(value, str):
            raise ConfigError(f"{at}: must be a command line (a string), not {value!r}")
        return value.strip()
    if key == "verify-timeout":
        return _seconds(key, value, at)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{at}: must be a number, not {value!r}")
    if key in ("demote-min-fixes", "verify-budget") and (not isinstance(value, int) or value < 1):
        raise ConfigError(f"{at}: must be an integer of at least 1, not {value!r}")
    if key == "demote-rollback-rate" and not 0 <= value <= 1:
        raise ConfigError(f"{at}: must be a share from 0 to 1, not {value!r}")
    return value if key in ("demote-min-fixes", "verify-budget") else float(value)


def _approval(value: object, at: str) -> tuple[tuple[str, str], ...]:
    levels = ("never", "high-severity", "always", "block")
    if not isinstance(value, dict):
        raise ConfigError(
            f'{at}: must be a table of rule id = level, e.g. {{ "rule-id" = "always" }}'
        )
    for rule, level in value.items():
        check_selector(rule, at)
        if level not in levels:
            raise ConfigError(f"{at}: {rule} must be one of {', '.join(levels)}, not {level!r}")
    return tuple(sorted(value.items()))


def _llm(value: object, where: str) -> LlmConfig:
    try:
        return settings.parse(value, where)
    except settings.SettingError as exc:
        raise ConfigError(str(exc)) from None


def _repair(key: str, value: object, where: str) -> object:
    """`writable` and `[tool.healers.repair]`: heal repair's settings."""
    try:
        if key == "writable":
            return repair_settings.writable(value, where)
        return repair_settings.parse(value, where)
    except repair_settings.SettingError as exc:
        raise ConfigError(str(exc)) from None


ANALYZERS = ("ruff", "mypy", "bandit", "heal")
SWITCHES = ("unsafe-fixes", "hold-the-line", "allow-unapproved-high")  # true or false
KNOWN = ", ".join(
    (
        "select, ignore, extend-select, per-file-ignores, exclude, fail-on, max-passes",
        "unsafe-fixes, timeout, approval, allow-unapproved-high, analyzers, hold-the-line",
        "request-timeout, llm, python, max-file-size, writable, repair, plan-fixes",
        *VERIFY_KEYS,
    )
)


def _per_file(value: object, at: str, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`per-file-ignores = { "tests/*" = ["bandit:B101", "security"] }`, as ruff spells it."""
    if not isinstance(value, dict):
        raise ConfigError(
            f'{at}: must be a table of glob = [selectors], e.g. {{ "tests/*" = ["S"] }}'
        )
    return tuple(
        (
            glob,
            tuple(
                check_selector(s, at)
                for s in _strings(selectors, f"per-file-ignores.{glob}", where)
            ),
        )
        for glob, selectors in value.items()
    )


def _plan_fixes(value: object, at: str) -> int | None:
    """`plan-fixes`: true plans every fix (None: no limit), false none (0), or at most N."""
    if value is True:
        return None
    if value is False:
        return 0
    if not isinstance(value, int) or value < 0:
        raise ConfigError(f"{at}: must be true, false or a number of fixes (0 or more): {value!r}")
    return value


def _analyzers(value: object, at: str, where: str) -> tuple[str, ...]:
    names = _strings(value, "analyzers", where)
    unknown = [n for n in names if n not in ANALYZERS]
    if unknown:
        raise ConfigError(f"{at}: unknown analyzer {unknown[0]!r} (known: {', '.join(ANALYZERS)})")
    return names


def parse(table: dict[str, Any], where: str) -> Config:
    """Validate a `[tool.healers]` table; unknown keys and wrong types are errors naming the key."""
    values: dict[str, Any] = {"source": where}
    for key, value in table.items():
        at = f"{where}: [tool.healers] {key}"
        if key in ("select", "ignore", "extend-select"):
            chosen = tuple(check_selector(s, at) for s in _strings(value, key, where))
            values[key.replace("-", "_")] = chosen
        elif key == "per-file-ignores":
            values["per_file_ignores"] = _per_file(value, at, where)
        elif key == "exclude":
            values[key] = _strings(value, key, where)
        elif key == "fail-on":
            if value not in PRIORITIES:
                raise ConfigError(f"{at}: must be one of {', '.join(PRIORITIES)}, not {value!r}")
            values["fail_on"] = value
        elif key == "max-passes":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
                raise ConfigError(f"{at}: must be an integer from 1 to 100, not {value!r}")
            values["max_passes"] = value
        elif key in SWITCHES:
            if not isinstance(value, bool):
                raise ConfigError(f"{at}: must be true or false, not {value!r}")
            values[key.replace("-", "_")] = value
        elif key == "plan-fixes":
            values["plan_fixes"] = _plan_fixes(value, at)
        elif key == "timeout":
            values["timeout"] = _seconds(key, value, at)
        elif key == "python":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{at}: must be the path of an interpreter, not {value!r}")
            values["python"] = value
        elif key == "max-file-size":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{at}: must be a number of bytes above 0, not {value!r}")
            values["max_file_size"] = value
        elif key in VERIFY_KEYS:
            values[key.replace("-", "_")] = _verify_setting(key, value, at)
        elif key == "approval":
            values["approval"] = _approval(value, at)
        elif key == "request-timeout":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(f"{at}: must be a positive number of seconds, not {value!r}")
            values["request_timeout"] = value
        elif key == "analyzers":
            values["analyzers"] = _analyzers(value, at, where)
        elif key == "llm":
            values["llm"] = _llm(value, where)
        elif key in ("writable", "repair"):
            values[key] = _repair(key, value, where)
        else:
            raise ConfigError(f"{where}: unknown key `{key}` in [tool.healers] (known: {KNOWN})")
    return Config(**values)


def codemod_settings(config: Config) -> dict[str, float]:
    """The settings codemods read (`FindingCodemod.settings`), by their `[tool.healers]` key."""
    return {"request-timeout": config.request_timeout}


def load(path: Path, *, explicit: bool) -> Config:
    """Read the config from a pyproject.toml (its [tool.healers]) or a file given with --config."""
    if not path.is_file():
        if explicit:
            raise ConfigError(f"{path}: no such configuration file")
        return Config()
    try:
        data = toml.loads(path.read_text(encoding="utf-8"))
    except (toml.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: [tool] must be a table, not {tool!r}")
    table = tool.get("healers")
    if table is None:
        # a --config file may hold the settings at its top level (a heal.toml)
        table = {k: v for k, v in data.items() if k != "tool"} if explicit else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.healers] must be a table")
    return parse(table, str(path))
