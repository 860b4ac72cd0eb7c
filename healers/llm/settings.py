"""`[tool.healers.llm]`: the model endpoint `--propose` asks, and the limits of one run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


class SettingError(ValueError):
    """A broken `[tool.healers.llm]` value; config.py reports it as a ConfigError."""


@dataclass(frozen=True)
class LlmConfig:
    base_url: str = ""  # an OpenAI-compatible endpoint: https://api.openai.com/v1, Ollama's ...
    model: str = ""
    api_key_env: str = ""  # the NAME of the variable that holds the key; never the key itself
    max_concurrent: int = 5  # requests in flight at once
    timeout: float = 120.0  # seconds for one request
    max_requests: int = 50  # requests per run, retries with the failure fed back included
    max_tokens: int = 2048  # the longest reply asked for
    retries: int = 2  # the client's own retries, with backoff, on 429 and 5xx
    propose: bool = False  # `heal --scan` proposes without --propose

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.model)


# key -> (field, type, lowest allowed value)
_NUMBERS: dict[str, tuple[str, type, float]] = {
    "max-concurrent": ("max_concurrent", int, 1),
    "timeout": ("timeout", float, 0.001),
    "max-requests": ("max_requests", int, 0),
    "max-tokens": ("max_tokens", int, 1),
    "retries": ("retries", int, 0),
}
_STRINGS = {"base-url": "base_url", "model": "model", "api-key-env": "api_key_env"}


def _number(key: str, value: object, at: str) -> int | float:
    _, kind, lowest = _NUMBERS[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingError(f"{at}: must be a number, not {value!r}")
    if kind is int and not isinstance(value, int):
        raise SettingError(f"{at}: must be an integer, not {value!r}")
    if value < lowest:
        raise SettingError(f"{at}: must be at least {lowest:g}, not {value!r}")
    return int(value) if kind is int else float(value)


def parse(table: object, where: str) -> LlmConfig:
    """Validate `[tool.healers.llm]`; unknown keys and wrong types are errors naming the key."""
    if not isinstance(table, dict):
        raise SettingError(f"{where}: [tool.healers.llm] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        at = f"{where}: [tool.healers.llm] {key}"
        if key in _STRINGS:
            if not isinstance(value, str):
                raise SettingError(f"{at}: must be a string, not {value!r}")
            values[_STRINGS[key]] = value.strip()
        elif key in _NUMBERS:
            values[_NUMBERS[key][0]] = _number(key, value, at)
        elif key == "propose":
            if not isinstance(value, bool):
                raise SettingError(f"{at}: must be true or false, not {value!r}")
            values["propose"] = value
        elif key in ("api-key", "key"):
            raise SettingError(
                f"{at}: heal never reads a key from a file; name the environment variable "
                'that holds it: api-key-env = "OPENAI_API_KEY"'
            )
        else:
            known = ", ".join([*_STRINGS, *_NUMBERS, "propose"])
            raise SettingError(f"{where}: unknown key `{key}` in [tool.healers.llm] ({known})")
    env = values.get("api_key_env", "")
    if env and not env.replace("_", "").isalnum():
        raise SettingError(f"{where}: [tool.healers.llm] api-key-env must be a variable name")
    return LlmConfig(**values)


def api_key(conf: LlmConfig) -> str:
    """The key from the environment variable `api-key-env` names ("" when none is named: Ollama,
    llama.cpp and vLLM need none). A named variable that is not set is an error."""
    if not conf.api_key_env:
        return ""
    key = os.environ.get(conf.api_key_env, "")
    if not key:
        raise SettingError(
            f"[tool.healers.llm] api-key-env names {conf.api_key_env}, which is not set"
        )
    return key
