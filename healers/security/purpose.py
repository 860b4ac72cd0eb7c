"""Whether a flagged value is used for security: the names around it say so (`token = ...`,
`def make_password()`, `salt=...`), or nothing does and a security rewrite would be churn."""

from __future__ import annotations

import re
from collections.abc import Mapping

import libcst as cst
import libcst.matchers as m

# Words of the names that hold, receive or return a value that must not be guessable.
SECURITY_WORDS = frozenset(
    {"token", "tokens", "secret", "secrets", "password", "passwords", "passwd", "pwd", "pass"}
    | {"passphrase", "nonce", "salt", "key", "keys", "apikey", "otp", "totp", "hotp", "pin"}
    | {"csrf", "xsrf", "session", "sessionid", "auth", "credential", "credentials", "cipher"}
    | {"crypt", "crypto", "encrypt", "iv", "signature", "sign", "hmac", "verifier", "challenge"}
    | {"captcha", "reset", "invite", "activation", "uuid", "sid", "jwt", "oauth", "secure"}
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
Parents = Mapping[cst.CSTNode, cst.CSTNode]


def words(name: str) -> set[str]:
    """`make_API_token` -> {"make", "api", "token"}."""
    return {w.lower() for w in _WORD.findall(name)}


def _names(node: cst.CSTNode) -> list[str]:
    """The names an assignment target, a call's callee or a keyword stand for."""
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, cst.Attribute):
        return [node.attr.value]
    if isinstance(node, cst.Subscript):
        keys = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
        strings = [k.evaluated_value for k in keys if isinstance(k, cst.SimpleString)]
        return [*_names(node.value), *(s for s in strings if isinstance(s, str))]
    if isinstance(node, (cst.Tuple, cst.List)):
        return [n for e in node.elements for n in _names(e.value)]
    return []


def around(node: cst.CSTNode, parents: Parents) -> list[str]:
    """The names that hold, receive or return the value of `node`, up to its function."""
    found: list[str] = []
    while node in parents:
        parent = parents[node]
        if isinstance(parent, cst.Assign):
            found += [n for t in parent.targets for n in _names(t.target)]
        elif isinstance(parent, (cst.AnnAssign, cst.AugAssign)):
            found += _names(parent.target)
        elif isinstance(parent, cst.Arg) and parent.keyword is not None:
            found.append(parent.keyword.value)
        elif isinstance(parent, cst.Call) and node is not parent.func:
            found += _names(parent.func)
        elif isinstance(parent, cst.DictElement) and m.matches(parent.key, m.SimpleString()):
            key = cst.ensure_type(parent.key, cst.SimpleString).evaluated_value
            found += [key] if isinstance(key, str) else []
        elif isinstance(parent, (cst.FunctionDef, cst.ClassDef)):
            found.append(parent.name.value)
            if isinstance(parent, cst.FunctionDef):
                break
        node = parent
    return found


def for_security(node: cst.CSTNode, parents: Parents) -> bool:
    """Do the names around the value say it must not be guessable?"""
    return any(words(name) & SECURITY_WORDS for name in around(node, parents))
