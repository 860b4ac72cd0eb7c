"""Security codemods that change one argument of a flagged call (or one flagged literal): a
safer keyword value, a safe loader, a stricter policy. Each keeps every other argument."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
import libcst.matchers as m

from healers.finding import Finding, Transformed
from healers.security.flagged import (
    FlaggedRewriter,
    Rewrite,
    dotted,
    keyword,
    rewrite_flagged,
    set_keyword,
)

REQUEST_TIMEOUT = 60  # seconds; the value codemodder uses too, long enough for slow APIs
WEAK_HASHES = frozenset({"md4", "md5", "sha", "sha1", "new"})
_FALSE = m.Name("False")


def _calls(source: str, findings: Sequence[Finding], rewrite: Rewrite) -> Transformed:
    return rewrite_flagged(source, findings, (cst.Call,), rewrite)


def _last(call: cst.Call) -> str:
    return dotted(call.func).rpartition(".")[2]


def _has_star_kwargs(call: cst.Call) -> bool:
    return any(a.star == "**" for a in call.args)


def _hash_not_for_security(
    t: FlaggedRewriter, node: cst.CSTNode, f: Finding
) -> cst.CSTNode | str | None:
    call = cst.ensure_type(node, cst.Call)
    if _last(call) not in WEAK_HASHES:
        return None
    if _has_star_kwargs(call):
        return "usedforsecurity may come in **kwargs"
    # hashlib.md5(data) -> hashlib.md5(data, usedforsecurity=False)
    return set_keyword(call, "usedforsecurity", cst.Name("False"))


def hash_not_for_security(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """bandit B324: declare an md5/sha1 as not used for security; the digest stays the same."""
    return _calls(source, findings, _hash_not_for_security)


def _verify_on(t: FlaggedRewriter, node: cst.CSTNode, f: Finding) -> cst.CSTNode | str | None:
    call = cst.ensure_type(node, cst.Call)
    verify = keyword(call, "verify")
    if verify is None or not m.matches(verify.value, _FALSE):
        return None
    # requests.get(url, verify=False) -> requests.get(url, verify=True)
    return set_keyword(call, "verify", cst.Name("True"))


def verify_certificates(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """bandit B501: `verify=False` -> `verify=True`."""
    return _calls(source, findings, _verify_on)


def _timeout(t: FlaggedRewriter, node: cst.CSTNode, f: Finding) -> cst.CSTNode | str | None:
    call = cst.ensure_type(node, cst.Call)
    if keyword(call, "timeout") is not None:
        return None
    if _has_star_kwargs(call):
        return "the timeout may come in **kwargs"
    # requests.get(url) -> requests.get(url, timeout=60)
    return set_keyword(call, "timeout", cst.Integer(str(REQUEST_TIMEOUT)))


def add_request_timeout(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """bandit B113: a request without a timeout waits forever on a silent server."""
    return _calls(source, findings, _timeout)


def _safe_yaml(t: FlaggedRewriter, node: cst.CSTNode, f: Finding) -> cst.CSTNode | str | None:
    call = cst.ensure_type(node, cst.Call)
    name = _last(call)
    if name not in ("load", "load_all"):
        return None
    if not isinstance(call.func, cst.Attribute):
        return "called as a bare name: safe_load would need a new import"
    loader = keyword(call, "Loader")
    positional = [a for a in call.args if a.keyword is None]
    if loader is None and len(positional) == 1 and not any(a.star for a in call.args):
        # yaml.load(text) -> yaml.safe_load(text)
        return call.with_changes(func=call.func.with_changes(attr=cst.Name(f"safe_{name}")))
    if loader is None:
        return "the loader is passed positionally or in *args"
    # yaml.load(text, Loader=yaml.Loader) -> yaml.load(text, Loader=yaml.SafeLoader)
    module = call.func.value
    return set_keyword(call, "Loader", cst.Attribute(module, cst.Name("SafeLoader")))


def safe_yaml_load(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """bandit B506: yaml.load with a loader that builds arbitrary objects -> the safe loader."""
    return _calls(source, findings, _safe_yaml)


def _flask_debug_off(t: FlaggedRewriter, node: cst.CSTNode, f: Finding) -> cst.CSTNode | str | None:
    call = cst.ensure_type(node, cst.Call)
    debug = keyword(call, "debug")
    if debug is None or not m.matches(debug.value, m.Name("True")):
        return None
    # app.run(debug=True) -> app.run(debug=False)
    return set_keyword(call, "debug", cst.Name("False"))


def flask_debug_off(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """bandit B201: the Werkzeug debugger runs any code a visitor types."""
    return _calls(source, findings, _flask_debug_off)


def _autoescape(t: FlaggedRewriter, node: cst.CSTNode, f: Finding) -> cst.CSTNode | str | None:
    call = cst.ensure_type(node, cst.Call)
    if _last(call) != "Environment":
        return None
    current = keyword(call, "autoescape")
    if current is not None and not m.matches(current.value, _FALSE):
        return "autoescape is computed at run time"
    if current is None and _has_star_kwargs(call):
        return "autoescape may come in **kwargs"
    # jinja2.Environment(autoescape=False) -> jinja2.Environment(autoescape=True)
    return set_keyword(call, "autoescape", cst.Name("True"))


def jinja2_autoescape(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """bandit B701: templates rendered without escaping are an XSS."""
    return _calls(source, findings, _autoescape)


_ADD_POLICY = m.Call(func=m.Attribute(attr=m.Name("AutoAddPolicy") | m.Name("WarningPolicy")))


def _reject_unknown_hosts(
    t: FlaggedRewriter, node: cst.CSTNode, f: Finding
) -> cst.CSTNode | str | None:
    call = cst.ensure_type(node, cst.Call)
    if _last(call) != "set_missing_host_key_policy" or len(call.args) != 1:
        return None
    policy = call.args[0].value
    if not m.matches(policy, _ADD_POLICY):
        return "the policy is not paramiko.AutoAddPolicy() spelled as an attribute"
    func = cst.ensure_type(cst.ensure_type(policy, cst.Call).func, cst.Attribute)
    # c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    #   -> c.set_missing_host_key_policy(paramiko.RejectPolicy())
    new_policy = cst.Call(func=func.with_changes(attr=cst.Name("RejectPolicy")))
    return call.with_changes(args=[call.args[0].with_changes(value=new_policy)])


def paramiko_reject_policy(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """bandit B507: accepting unknown host keys lets anyone in the middle read the session."""
    return _calls(source, findings, _reject_unknown_hosts)


def _data_filter(t: FlaggedRewriter, node: cst.CSTNode, f: Finding) -> cst.CSTNode | str | None:
    call = cst.ensure_type(node, cst.Call)
    if _last(call) not in ("extractall", "extract"):
        return None
    if keyword(call, "filter") is not None:
        return "a filter is already given"
    if _has_star_kwargs(call):
        return "a filter may come in **kwargs"
    # tar.extractall(path) -> tar.extractall(path, filter="data")
    return set_keyword(call, "filter", cst.SimpleString('"data"'))


def tarfile_data_filter(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """bandit B202: members named ../x or /etc/x, or links, write outside the target folder."""
    return _calls(source, findings, _data_filter)


def _weights_only(t: FlaggedRewriter, node: cst.CSTNode, f: Finding) -> cst.CSTNode | str | None:
    call = cst.ensure_type(node, cst.Call)
    if _last(call) != "load":
        return None
    current = keyword(call, "weights_only")
    if current is None and _has_star_kwargs(call):
        return "weights_only may come in **kwargs"
    if current is not None and not m.matches(current.value, _FALSE):
        return "weights_only is computed at run time"
    # torch.load(path) -> torch.load(path, weights_only=True)
    return set_keyword(call, "weights_only", cst.Name("True"))


def torch_weights_only(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """bandit B614: torch.load unpickles arbitrary objects unless weights_only=True."""
    return _calls(source, findings, _weights_only)


def _loopback(t: FlaggedRewriter, node: cst.CSTNode, f: Finding) -> cst.CSTNode | str | None:
    literal = cst.ensure_type(node, cst.SimpleString)
    if literal.evaluated_value != "0.0.0.0":  # nosec B104 - the value looked for, not bound
        return None
    quote = literal.quote
    # "0.0.0.0" -> "127.0.0.1"
    return literal.with_changes(value=f"{literal.prefix}{quote}127.0.0.1{quote}")


def bind_loopback(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """bandit B104: listen on the loopback interface only."""
    return rewrite_flagged(source, findings, (cst.SimpleString,), _loopback)
