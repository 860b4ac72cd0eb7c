"""Security codemods for weak crypto parameters: an RSA/DSA key size or an EC curve bandit calls
breakable, and a fixed SSL/TLS protocol version bandit calls broken."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from healers.codemod import Rewrite
from healers.finding import Finding
from healers.security.flagged import FlaggedCodemod, dotted, keyword, with_arg

MIN_KEY_BITS = 2048  # what bandit accepts for RSA and DSA
WEAK_CURVES = frozenset({"SECP192R1", "SECT163K1", "SECT163R2"})
STRONG_CURVE = "SECP384R1"
# the fixed-version constants bandit flags -> the constant that negotiates the best version
TLS_CONSTANTS = {
    **dict.fromkeys(
        ("PROTOCOL_SSLv2", "PROTOCOL_SSLv3", "PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1"), "PROTOCOL_TLS"
    ),
    **dict.fromkeys(
        ("SSLv2_METHOD", "SSLv23_METHOD", "SSLv3_METHOD", "TLSv1_METHOD", "TLSv1_1_METHOD"),
        "TLS_METHOD",
    ),
}
TLS_KEYWORDS = ("ssl_version", "method")


def _key_size_arg(call: cst.Call, name: str) -> cst.Arg | None:
    """The argument that holds the key size: `key_size=`/`bits=`, else its position."""
    found = keyword(call, "key_size") or keyword(call, "bits")
    if found is not None:
        return found
    positional = [a for a in call.args if a.keyword is None and not a.star]
    # rsa.generate_private_key(public_exponent, key_size, ...); the others take the size first
    index = 1 if name.endswith("rsa.generate_private_key") else 0
    return positional[index] if len(positional) > index else None


class UseStrongKeySize(FlaggedCodemod):
    """bandit B505: an RSA/DSA key under 2048 bits -> 2048; a weak EC curve -> SECP384R1."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        name = dotted(call.func)
        if name.rpartition(".")[2] not in ("generate_private_key", "generate"):
            return None
        if "EC key" in finding.message:
            curve = keyword(call, "curve") or (call.args[0] if call.args else None)
            value = curve.value if curve is not None else None
            if not isinstance(value, cst.Attribute) or value.attr.value not in WEAK_CURVES:
                return "the curve is not a weak curve named as an attribute (ec.SECT163R2)"
            # ec.generate_private_key(ec.SECT163R2) -> ec.generate_private_key(ec.SECP384R1)
            new_curve = value.with_changes(attr=cst.Name(STRONG_CURVE))
            return with_arg(_index(call, curve), new_curve)
        size = _key_size_arg(call, name)
        if size is None or not isinstance(size.value, cst.Integer):
            return "the key size is computed at run time"
        if size.value.evaluated_value >= MIN_KEY_BITS:
            return None
        # rsa.generate_private_key(65537, 1024) -> rsa.generate_private_key(65537, 2048)
        return with_arg(_index(call, size), cst.Integer(str(MIN_KEY_BITS)))


def _index(call: cst.Call, arg: cst.Arg | None) -> int:
    return next(i for i, a in enumerate(call.args) if a is arg)


class UseModernTls(FlaggedCodemod):
    """bandit B502/B503: a fixed broken SSL/TLS version -> the constant that negotiates the best
    version both sides support (`ssl.PROTOCOL_TLS`, pyOpenSSL's `SSL.TLS_METHOD`)."""

    kinds = (cst.Call, cst.FunctionDef)

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        if isinstance(node, cst.FunctionDef):  # B503: def f(version=ssl.PROTOCOL_SSLv2)
            params = node.params
            weak = [
                p
                for p in (*params.posonly_params, *params.params, *params.kwonly_params)
                if p.default is not None and _weak(p.default)
            ]
            if not weak:
                return "the insecure default was not found among the parameters"
            # def f(v=ssl.PROTOCOL_SSLv2) -> def f(v=ssl.PROTOCOL_TLS)
            return lambda new: _modern_defaults(cst.ensure_type(new, cst.FunctionDef))
        call = cst.ensure_type(node, cst.Call)
        args = [keyword(call, k) for k in TLS_KEYWORDS]
        weak_args = [a for a in args if a is not None and _weak(a.value)]
        if not weak_args:
            return None
        # ssl.wrap_socket(s, ssl_version=ssl.PROTOCOL_TLSv1) -> ..., ssl_version=ssl.PROTOCOL_TLS
        return lambda new: _modern_keywords(cst.ensure_type(new, cst.Call))


def _weak(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Attribute) and value.attr.value in TLS_CONSTANTS


def _modern(value: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(value, cst.Attribute) and value.attr.value in TLS_CONSTANTS:
        return value.with_changes(attr=cst.Name(TLS_CONSTANTS[value.attr.value]))
    return value


def _modern_keywords(call: cst.Call) -> cst.Call:
    args = [
        a.with_changes(value=_modern(a.value))
        if a.keyword is not None and a.keyword.value in TLS_KEYWORDS
        else a
        for a in call.args
    ]
    return call.with_changes(args=args)


def _modern_defaults(func: cst.FunctionDef) -> cst.FunctionDef:
    def fixed(ps: Sequence[cst.Param]) -> list[cst.Param]:
        return [p.with_changes(default=_modern(p.default)) if p.default else p for p in ps]

    params = func.params
    return func.with_changes(
        params=params.with_changes(
            posonly_params=fixed(params.posonly_params),
            params=fixed(params.params),
            kwonly_params=fixed(params.kwonly_params),
        )
    )
