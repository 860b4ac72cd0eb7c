"""`[tool.healers.llm]`: its settings, their errors, and the key read from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from healers import config, toml
from healers.llm import settings


def test_the_table_is_read() -> None:
    conf = config.parse(
        {
            "llm": {
                "base-url": "http://localhost:11434/v1",
                "model": "qwen2.5-coder:7b",
                "api-key-env": "OLLAMA_KEY",
                "max-concurrent": 2,
                "timeout": 30,
                "max-requests": 10,
                "max-tokens": 512,
                "propose": True,
            }
        },
        "pyproject.toml",
    )
    llm = conf.llm
    assert (llm.base_url, llm.model, llm.api_key_env) == (
        "http://localhost:11434/v1",
        "qwen2.5-coder:7b",
        "OLLAMA_KEY",
    )
    assert (llm.max_concurrent, llm.timeout, llm.max_requests, llm.max_tokens) == (2, 30.0, 10, 512)
    assert llm.propose and llm.configured
    assert config.Config().llm.max_concurrent == 5 and not config.Config().llm.configured


@pytest.mark.parametrize(
    ("table", "says"),
    [
        pytest.param(
            {"api-key": "sk-..."}, "never reads a key from a file", id="a key in the file"
        ),
        pytest.param({"max-concurrent": 0}, "at least 1", id="no concurrency"),
        pytest.param({"max-tokens": 1.5}, "an integer", id="a fraction"),
        pytest.param({"timeout": "slow"}, "a number", id="not a number"),
        pytest.param({"propose": "yes"}, "true or false", id="not a boolean"),
        pytest.param({"api-key-env": "MY KEY"}, "a variable name", id="not a name"),
        pytest.param({"modle": "x"}, "unknown key `modle`", id="a typo"),
    ],
)
def test_errors_name_the_key(table: dict[str, object], says: str) -> None:
    with pytest.raises(config.ConfigError, match=says):
        config.parse({"llm": table}, "pyproject.toml")


def test_the_key_comes_from_the_named_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = settings.LlmConfig(api_key_env="HEAL_TEST_KEY")
    monkeypatch.setenv("HEAL_TEST_KEY", "sk-test")
    assert settings.api_key(conf) == "sk-test"
    monkeypatch.delenv("HEAL_TEST_KEY")
    with pytest.raises(settings.SettingError, match="HEAL_TEST_KEY, which is not set"):
        settings.api_key(conf)
    assert settings.api_key(settings.LlmConfig()) == ""  # Ollama, llama.cpp: none needed


def test_the_readme_example_is_a_valid_table() -> None:
    text = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    start = text.index("[tool.healers.llm]\nbase-url")
    table = toml.loads(text[start : text.index("```", start)])["tool"]["healers"]
    llm = config.parse(table, "README.md").llm
    assert (llm.base_url, llm.model) == ("http://localhost:11434/v1", "qwen2.5-coder:7b")
    assert llm.configured and not llm.propose and llm.api_key_env == ""
