"""Issue 12 item 6 (and item 1): `usedforsecurity=False` only where the code shows a non-security
use, never where the names say the hash protects something, and never below Python 3.9."""

from __future__ import annotations

import pytest

from healers.finding import Finding
from tests.helpers import run_codemod


def at(line: int, column: int) -> Finding:
    return Finding(code="bandit:B324", path="m.py", line=line, column=column, message="")


FIXES = [
    pytest.param(
        "import hashlib\n\ndef etag(data):\n    return hashlib.md5(data).hexdigest()\n",
        at(4, 12),
        "import hashlib\n\ndef etag(data):\n"
        "    return hashlib.md5(data, usedforsecurity=False).hexdigest()\n",
        id="an ETag",
    ),
    pytest.param(
        "import hashlib\ncache_key = hashlib.sha1(b'x').hexdigest()\n",
        at(2, 13),
        "import hashlib\ncache_key = hashlib.sha1(b'x', usedforsecurity=False).hexdigest()\n",
        id="a cache key",
    ),
]


@pytest.mark.parametrize(("before", "finding", "after"), FIXES)
def test_non_security_hashes_are_declared(before: str, finding: Finding, after: str) -> None:
    assert run_codemod("HashNotForSecurity", before, [finding], (3, 9)).text == after


NOOPS = [
    pytest.param(
        "import hashlib\n\ndef password_hash(p):\n    return hashlib.md5(p).hexdigest()\n",
        at(4, 12),
        "function name 'password_hash'",
        id="click's password_hash",
    ),
    pytest.param(
        "import hashlib\nimport hmac\n\ndef _lazy_sha1(s=b''):\n    return hashlib.sha1(s)\n",
        at(5, 12),
        "the module's use of hmac",
        id="itsdangerous: a module that signs through hmac",
    ),
    pytest.param(
        "import hashlib\ntoken = hashlib.md5(b'x').hexdigest()\n",
        at(2, 9),
        "variable name 'token'",
        id="a token",
    ),
    pytest.param(
        "import hashlib\nclass Signer:\n    def digest(self):\n        return hashlib.sha1(b'')\n",
        at(4, 16),
        "class name 'Signer'",
        id="a signer class",
    ),
]


@pytest.mark.parametrize(("source", "finding", "named"), NOOPS)
def test_security_uses_are_reported_with_the_replacement(
    source: str, finding: Finding, named: str
) -> None:
    done = run_codemod("HashNotForSecurity", source, [finding], (3, 9))
    assert done.text == source
    [(_, why)] = done.unfixed
    assert named in why and "hashlib.sha256" in why


def test_usedforsecurity_is_not_written_below_python_3_9() -> None:
    source = "import hashlib\ncache_key = hashlib.md5(b'x').hexdigest()\n"
    done = run_codemod("HashNotForSecurity", source, [at(2, 13)], (3, 8))
    assert done.text == source
    assert done.unfixed == ((0, "usedforsecurity= needs Python 3.9; the project declares 3.8"),)


DECLINED = [
    pytest.param(
        "import hashlib\nh = hashlib.new('sha1', usedforsecurity=True)\n",
        at(2, 5),
        "the code declares usedforsecurity: the hash protects something",
        id="an explicit usedforsecurity=True is the author's word",
    ),
    pytest.param(
        "import crypt\nh = crypt.crypt('pw', salt=crypt.METHOD_MD5)\n",
        at(2, 5),
        "crypt's method is the format of the password hashes it stores",
        id="crypt: a stronger method changes the stored hashes",
    ),
    pytest.param(
        "import crypt\ns = crypt.mksalt(crypt.METHOD_CRYPT)\n",
        at(2, 5),
        "crypt's method is the format of the password hashes it stores",
        id="crypt.mksalt",
    ),
]


@pytest.mark.parametrize(("source", "finding", "why"), DECLINED)
def test_declined_with_the_reason(source: str, finding: Finding, why: str) -> None:
    done = run_codemod("HashNotForSecurity", source, [finding], (3, 9))
    assert done.text == source
    [(_, reason)] = done.unfixed
    assert reason.startswith(why)
