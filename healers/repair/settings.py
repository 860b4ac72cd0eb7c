"""`[tool.healers.repair]` and `[tool.healers] writable`: how often `heal repair` asks again, and
where its patches may write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


class SettingError(ValueError):
    """A broken `[tool.healers.repair]` or `writable` value; config.py reports it as ConfigError."""


@dataclass(frozen=True)
class RepairConfig:
    max_attempts: int = 3  # patches asked for per failing test, each with the last failure fed back


def parse(table: object, where: str) -> RepairConfig:
    """Validate `[tool.healers.repair]`; unknown keys and wrong types are errors naming the key."""
    if not isinstance(table, dict):
        raise SettingError(f"{where}: [tool.healers.repair] must be a table")
    values: dict[str, int] = {}
    for key, value in table.items():
        at = f"{where}: [tool.healers.repair] {key}"
        if key != "max-attempts":
            raise SettingError(
                f"{where}: unknown key `{key}` in [tool.healers.repair] (max-attempts)"
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 20:
            raise SettingError(f"{at}: must be an integer from 1 to 20, not {value!r}")
        values["max_attempts"] = value
    return RepairConfig(**values)


def writable(value: object, where: str) -> tuple[str, ...]:
    """`writable = ["src/app", "lib/util.py"]`: folders or files relative to the project root,
    inside it (no absolute path, no `..`), as POSIX paths without a trailing slash."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise SettingError(f"{where}: [tool.healers] writable must be a list of paths")
    out = []
    for item in items:
        path = PurePosixPath(item.strip().replace("\\", "/"))
        if not str(item).strip() or path.is_absolute() or ".." in path.parts:
            raise SettingError(
                f"{where}: [tool.healers] writable: {item!r} must be a path inside the project"
            )
        out.append(str(path))
    return tuple(out)
