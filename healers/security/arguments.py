"""Security codemods that change one argument of a flagged call (or one flagged literal): a
safer keyword value, a safe loader, a stricter policy. Each keeps every other argument."""

from __future__ import annotations

import re

import libcst as cst
import libcst.matchers as m

from healers.codemod import Rewrite, changes
from healers.finding import Finding
from healers.security.flagged import FlaggedCodemod, dotted, keyword, set_keyword, with_keyword

REQUEST_TIMEOUT = 60  # seconds, unless [tool.healers] request-timeout says; codemodder's too
SECURITY_WORDS = re.compile(r"passw|pwd|token|secret|sign|hmac|auth|credential", re.IGNORECASE)
WEAK_HASHES = frozenset({"md4", "md5", "sha", "sha1", "new"})
_FALSE = m.Name("False")
_ADD_POLICIES = ("AutoAddPolicy", "WarningPolicy")
DEFAULT_CONTEXT = frozenset({"purpose", "cafile", "capath", "cadata"})  # its keywords


def _last(call: cst.Call) -> str:
    return dotted(call.func).rpartition(".")[2]


def _has_star_kwargs(call: cst.Call) -> bool:
    return any(a.star == "**" for a in call.args)


class HashNotForSecurity(FlaggedCodemod):
    """bandit B324: declare an md5/sha1 as not used for security; the digest stays the same.
    A proposal (whether it is true only a person knows). Not where the code says it protects
    something (a password, token, secret, signature, HMAC in the names around the call, a module
    that uses hmac, `usedforsecurity=True`), not below Python 3.9, and never for crypt."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        if _last(call) in ("crypt", "mksalt"):
            # a stronger method (METHOD_SHA512) would change every new hash the code stores
            return (
                "crypt's method is the format of the password hashes it stores: a stronger one "
                "changes them (and crypt is gone in Python 3.13: use hashlib.scrypt)"
            )
        if _last(call) not in WEAK_HASHES:
            return None
        if _has_star_kwargs(call):
            return "usedforsecurity may come in **kwargs"
        declared = keyword(call, "usedforsecurity")
        if declared is not None and not m.matches(declared.value, _FALSE):
            return "the code declares usedforsecurity: the hash protects something"
        if self.target is not None and self.target < (3, 9):
            shown = f"{self.target[0]}.{self.target[1]}"
            return f"usedforsecurity= needs Python 3.9; the project declares {shown}"
        named = self._security_name(call, finding.path)
        if named:
            return (
                f"{named} says this hash protects something: not declared as non-security; "
                "use hashlib.sha256 (hmac with sha256 for signatures, hashlib.scrypt or "
                "pbkdf2_hmac for passwords)"
            )
        # hashlib.md5(data) -> hashlib.md5(data, usedforsecurity=False)
        return with_keyword("usedforsecurity", cst.Name("False"))

    def _security_name(self, call: cst.Call, path: str) -> str:
        """The name around the call that is a security word (function, class, variable, the
        module's file name), or "the module's use of hmac"; "" when none is."""
        names = [("the file", path.rpartition("/")[2].removesuffix(".py"))]
        node: cst.CSTNode = call
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                names.append(("the " + type(node).__name__[:-3].lower(), node.name.value))
            elif isinstance(node, cst.Assign):
                names += [("the variable", dotted(t.target)) for t in node.targets]
        for kind, name in names:
            if SECURITY_WORDS.search(name):
                return f"{kind} name {name!r}"
        if re.search(r"^\s*(import hmac|from hmac import)", self.module.code, re.MULTILINE):
            return "the module's use of hmac"
        return ""


class VerifyCertificates(FlaggedCodemod):
    """bandit B501: `verify=False` -> `verify=True`; B323: `ssl._create_unverified_context()`
    -> `ssl.create_default_context()`, which checks the certificate and the host name."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        if _last(call) == "_create_unverified_context":
            if not isinstance(call.func, cst.Attribute):
                return "called as a bare name: create_default_context would need a new import"
            if any(a.keyword is None or a.keyword.value not in DEFAULT_CONTEXT for a in call.args):
                return "an argument create_default_context does not take (protocol, cert_reqs...)"
            # ssl._create_unverified_context() -> ssl.create_default_context()
            return lambda new: _rename(cst.ensure_type(new, cst.Call), "create_default_context")
        verify = keyword(call, "verify")
        if verify is None or not m.matches(verify.value, _FALSE):
            return None
        # requests.get(url, verify=False) -> requests.get(url, verify=True)
        return with_keyword("verify", cst.Name("True"))


class AddRequestTimeout(FlaggedCodemod):
    """bandit B113: a request without a timeout waits forever on a silent server."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        if keyword(call, "timeout") is not None:
            return None
        if _has_star_kwargs(call):
            return "the timeout may come in **kwargs"
        seconds = self.settings.get("request-timeout", REQUEST_TIMEOUT)
        value = int(seconds) if float(seconds).is_integer() else seconds
        literal = cst.Integer(str(value)) if isinstance(value, int) else cst.Float(repr(value))
        # requests.get(url) -> requests.get(url, timeout=60)
        return with_keyword("timeout", literal)


class SafeYamlLoad(FlaggedCodemod):
    """bandit B506: yaml.load with a loader that builds arbitrary objects -> the safe loader."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
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
            return lambda new: _rename(cst.ensure_type(new, cst.Call), f"safe_{name}")
        if loader is None:
            return "the loader is passed positionally or in *args"
        # yaml.load(text, Loader=yaml.Loader) -> yaml.load(text, Loader=yaml.SafeLoader)
        return _safe_loader


def _rename(call: cst.Call, method: str) -> cst.Call:
    func = cst.ensure_type(call.func, cst.Attribute)
    return call.with_changes(func=func.with_changes(attr=cst.Name(method)))


def _safe_loader(node: cst.CSTNode) -> cst.CSTNode:
    call = cst.ensure_type(node, cst.Call)
    module = cst.ensure_type(call.func, cst.Attribute).value
    return set_keyword(call, "Loader", cst.Attribute(module, cst.Name("SafeLoader")))


class FlaskDebugOff(FlaggedCodemod):
    """bandit B201: the Werkzeug debugger runs any code a visitor types."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        debug = keyword(cst.ensure_type(node, cst.Call), "debug")
        if debug is None or not m.matches(debug.value, m.Name("True")):
            return None
        # app.run(debug=True) -> app.run(debug=False)
        return with_keyword("debug", cst.Name("False"))


class Jinja2Autoescape(FlaggedCodemod):
    """bandit B701: templates rendered without escaping are an XSS."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        if _last(call) != "Environment":
            return None
        current = keyword(call, "autoescape")
        if current is not None and not m.matches(current.value, _FALSE):
            return "autoescape is computed at run time"
        if current is None and _has_star_kwargs(call):
            return "autoescape may come in **kwargs"
        # jinja2.Environment(autoescape=False) -> jinja2.Environment(autoescape=True)
        return with_keyword("autoescape", cst.Name("True"))


class ParamikoRejectPolicy(FlaggedCodemod):
    """bandit B507: accepting unknown host keys lets anyone in the middle read the session."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        if _last(call) != "set_missing_host_key_policy" or len(call.args) != 1:
            return None
        policy = call.args[0].value
        named = policy.func if isinstance(policy, cst.Call) else policy  # paramiko takes both
        last = named.attr if isinstance(named, cst.Attribute) else named
        if not isinstance(last, cst.Name) or last.value not in _ADD_POLICIES:
            return "the policy is not paramiko's AutoAddPolicy or WarningPolicy"
        if isinstance(named, cst.Name):
            self.imports.add("paramiko")  # AutoAddPolicy() -> paramiko.RejectPolicy()
        # c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        #   -> c.set_missing_host_key_policy(paramiko.RejectPolicy())
        return _reject_policy


def _reject_policy(node: cst.CSTNode) -> cst.CSTNode:
    call = cst.ensure_type(node, cst.Call)
    policy = call.args[0].value
    named = policy.func if isinstance(policy, cst.Call) else policy
    if isinstance(named, cst.Attribute):
        reject: cst.BaseExpression = named.with_changes(attr=cst.Name("RejectPolicy"))
    else:
        reject = cst.Attribute(cst.Name("paramiko"), cst.Name("RejectPolicy"))
    new_policy = policy.with_changes(func=reject) if isinstance(policy, cst.Call) else reject
    return call.with_changes(args=[call.args[0].with_changes(value=new_policy)])


class TarfileDataFilter(FlaggedCodemod):
    """bandit B202: members named ../x or /etc/x, or links, write outside the target folder."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        if _last(call) not in ("extractall", "extract"):
            return None
        if keyword(call, "filter") is not None:
            return "a filter is already given"
        if _has_star_kwargs(call):
            return "a filter may come in **kwargs"
        # tar.extractall(path) -> tar.extractall(path, filter="data")
        return with_keyword("filter", cst.SimpleString('"data"'))


class TorchWeightsOnly(FlaggedCodemod):
    """bandit B614: torch.load unpickles arbitrary objects unless weights_only=True."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        if _last(call) != "load":
            return None
        current = keyword(call, "weights_only")
        if current is None and _has_star_kwargs(call):
            return "weights_only may come in **kwargs"
        if current is not None and not m.matches(current.value, _FALSE):
            return "weights_only is computed at run time"
        # torch.load(path) -> torch.load(path, weights_only=True)
        return with_keyword("weights_only", cst.Name("True"))


class BindLoopback(FlaggedCodemod):
    """bandit B104: listen on the loopback interface only."""

    kinds = (cst.SimpleString,)

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        literal = cst.ensure_type(node, cst.SimpleString)
        if literal.evaluated_value != "0.0.0.0":  # nosec B104 - the value looked for, not bound
            return None
        quote = literal.quote
        # "0.0.0.0" -> "127.0.0.1"
        return changes(value=f"{literal.prefix}{quote}127.0.0.1{quote}")
