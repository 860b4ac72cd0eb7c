from __future__ import annotations

import pytest

from healers import config


def test_defaults_without_a_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert config.load(tmp_path / "pyproject.toml", explicit=False) == config.Config(
        source=str(tmp_path / "pyproject.toml")
    )


def test_reads_the_table(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[tool.healers]\nselect = ["security", "ruff:F4"]\nfail-on = "P1"\nmax-passes = 3\n'
        'exclude = ["gen/"]\nunsafe-fixes = true\ntimeout = 2.5\n'
    )
    conf = config.load(path, explicit=False)
    assert conf.select == ("security", "ruff:F4")
    assert (conf.fail_on, conf.max_passes, conf.unsafe_fixes, conf.timeout) == ("P1", 3, True, 2.5)
    assert conf.exclude == ("gen/",)


def test_request_timeout_reaches_the_codemods(tmp_path):
    path = tmp_path / "pyproject.toml"
    assert config.load(path, explicit=False).request_timeout == 60
    path.write_text("[tool.healers]\nrequest-timeout = 7.5\n")
    conf = config.load(path, explicit=False)
    assert conf.request_timeout == 7.5
    assert config.codemod_settings(conf) == {"request-timeout": 7.5}


@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param("colour = 1", "colour", id="unknown key"),
        pytest.param('fail-on = "P9"', "fail-on", id="bad priority"),
        pytest.param("max-passes = 0", "max-passes", id="max-passes too small"),
        pytest.param("max-passes = true", "max-passes", id="bool is not an int"),
        pytest.param('unsafe-fixes = "yes"', "unsafe-fixes", id="not a bool"),
        pytest.param("timeout = -1", "timeout", id="negative timeout"),
        pytest.param("request-timeout = 0", "request-timeout", id="request-timeout zero"),
        pytest.param('request-timeout = "60"', "request-timeout", id="request-timeout a string"),
        pytest.param("request-timeout = true", "request-timeout", id="request-timeout a bool"),
        pytest.param("select = [1]", "select", id="not strings"),
        pytest.param('select = ["Not A Selector!"]', "select", id="bad selector"),
    ],
)
def test_errors_name_the_key(tmp_path, body, named):
    path = tmp_path / "pyproject.toml"
    path.write_text(f"[tool.healers]\n{body}\n")
    with pytest.raises(config.ConfigError, match=named):
        config.load(path, explicit=False)


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.healers\n")
    with pytest.raises(config.ConfigError, match="not valid TOML"):
        config.load(path, explicit=False)


def test_explicit_file_may_hold_top_level_keys_and_must_exist(tmp_path):
    path = tmp_path / "heal.toml"
    path.write_text('fail-on = "P0"\n')
    assert config.load(path, explicit=True).fail_on == "P0"
    with pytest.raises(config.ConfigError, match="no such configuration file"):
        config.load(tmp_path / "missing.toml", explicit=True)
