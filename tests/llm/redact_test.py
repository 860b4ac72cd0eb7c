"""What never leaves the machine: secret-looking literals and .env values, redacted and put back."""

from __future__ import annotations

from pathlib import Path

import pytest

from healers.llm import redact


@pytest.mark.parametrize(
    ("value", "name"),
    [
        pytest.param("change-me-2019", "ADMIN_PASSWORD", id="assigned to a password"),
        pytest.param("abcd1234", "api_key", id="an api key by name"),
        pytest.param("AKIAIOSFODNN7EXAMPLE", "", id="an AWS key id"),
        pytest.param("ghp_" + "a1B2" * 9, "", id="a GitHub token"),
        pytest.param("sk-proj-AbCdEfGhIjKlMnOpQr", "x", id="an OpenAI-style key"),
        pytest.param("-----BEGIN RSA PRIVATE KEY-----", "", id="a private key"),
        pytest.param("q8Zr2LxV9mWn4TkY7bHs3JpD6fGc", "", id="high entropy"),
    ],
)
def test_looks_secret(value: str, name: str) -> None:
    assert redact.looks_secret(value, name)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        pytest.param("config.yaml", "DEFAULT_CONFIG", id="a file name"),
        pytest.param("abc", "password", id="too short to redact"),
        pytest.param("Do not use bare except here", "", id="a sentence"),
        pytest.param("https://directory.example.com/api/users", "URL", id="a URL"),
        pytest.param("<redacted-3>", "token", id="a placeholder"),
    ],
)
def test_looks_secret_noop(value: str, name: str) -> None:
    assert not redact.looks_secret(value, name)


SOURCE = '''\
ADMIN_PASSWORD = "change-me-2019"
URL = "https://example.com"


def connect(host):
    return login(host, token="t0k3n-value-here", user="admin")


KEY = """-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA7bq
-----END RSA PRIVATE KEY-----"""
'''


def test_a_file_is_scrubbed_and_restored_line_for_line() -> None:
    red = redact.for_file(SOURCE, ["postgres://u:pw@h/db"])
    shown = red.scrub(SOURCE + 'DSN = "postgres://u:pw@h/db"\n')
    for secret in ("change-me-2019", "t0k3n-value-here", "MIIEowIBAAKCAQEA7bq", "u:pw@h"):
        assert secret not in shown
    assert "https://example.com" in shown and 'user="admin"' in shown
    assert shown.count("\n") == SOURCE.count("\n") + 1  # the line numbers hold
    assert red.restore(shown) == SOURCE + 'DSN = "postgres://u:pw@h/db"\n'


def test_a_new_secret_in_a_patch_is_noticed() -> None:
    red = redact.for_file(SOURCE, ["postgres://u:pw@h/db"])
    assert red.new_secret(['    password = "s3cr3t-new-one"\n'], SOURCE)
    assert red.new_secret(["    x = 'AKIAIOSFODNN7EXAMPLE'\n"], SOURCE)
    assert red.new_secret(['    dsn = "postgres://u:pw@h/db"\n'], SOURCE)  # a .env value
    assert not red.new_secret(['ADMIN_PASSWORD = "change-me-2019"  # moved\n'], SOURCE)
    assert not red.new_secret(['    return login(host, user="admin")\n'], SOURCE)


def test_env_values_are_read_from_the_env_files(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text('# db\nDB_URL="postgres://u:pw@h/db"\nDEBUG=1\n')
    (tmp_path / ".env.local").write_text("export TOKEN=abcdef123\n")
    assert redact.env_values(tmp_path) == ["postgres://u:pw@h/db", "abcdef123"]
