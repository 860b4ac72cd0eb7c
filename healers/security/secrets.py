"""Security codemods for secrets: hard-coded passwords read from the environment instead, and
`random` replaced by the operating system's generator (a proposal: only a person knows whether
the value is a secret or a simulation that needs its seed)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial

import libcst as cst
import libcst.matchers as m

from healers.codemod import Rewrite, to
from healers.finding import Finding
from healers.imports import order
from healers.security.flagged import FlaggedCodemod, dotted

_QUOTED = re.compile(r": '(.*)'$", re.DOTALL)
_STATE_CALLS = re.compile(r"\.(seed|getstate|setstate)\(")
# random's module functions that SystemRandom offers with the same signature and meaning
SYSTEM_RANDOM = frozenset(
    {"betavariate", "choice", "choices", "expovariate", "gauss", "getrandbits", "randbytes"}
    | {"randint", "random", "randrange", "sample", "shuffle", "triangular", "uniform"}
)


def env_name(target: str) -> str:
    """`db_password` -> `DB_PASSWORD`; `self.apiKey` -> `API_KEY`."""
    last = target.rpartition(".")[2]
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", last)
    return re.sub(r"[^A-Za-z0-9]+", "_", snake).strip("_").upper() or "SECRET"


def _environ(name: str) -> cst.Subscript:
    # os.environ["NAME"]: a missing variable fails loudly rather than running with no secret
    return cst.Subscript(
        value=cst.Attribute(cst.Name("os"), cst.Name("environ")),
        slice=[cst.SubscriptElement(cst.Index(cst.SimpleString(f'"{name}"')))],
    )


def _secret_value(f: Finding) -> str | None:
    match = _QUOTED.search(f.message)
    return match.group(1) if match else None


def _is_secret(value: cst.BaseExpression, secret: str | None) -> bool:
    return isinstance(value, cst.SimpleString) and value.evaluated_value == secret


class SecretFromEnvironment(FlaggedCodemod):
    """bandit B105/B106/B107: a hard-coded password -> os.environ["NAME"] (name from the code)."""

    kinds = (cst.SimpleString, cst.Call, cst.FunctionDef)

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        secret = _secret_value(finding)
        if isinstance(node, cst.SimpleString):  # B105: password = "..."
            return self._assigned(node)
        if isinstance(node, cst.Call):  # B106: connect(password="...")
            args = [a for a in node.args if a.keyword is not None and _is_secret(a.value, secret)]
            if len(args) != 1 or args[0].keyword is None:
                return "the hard-coded secret was not found among the keyword arguments"
            self.imports.add("os")
            # connect(password="hunter2") -> connect(password=os.environ["PASSWORD"])
            return partial(_from_env_argument, args[0].keyword.value)
        if isinstance(node, cst.FunctionDef):  # B107: def f(password="...")
            params = node.params
            found = [
                p
                for p in (*params.params, *params.kwonly_params)
                if p.default is not None and _is_secret(p.default, secret)
            ]
            if len(found) != 1:
                return "the hard-coded default was not found among the parameters"
            self.imports.add("os")
            # def f(password="s3cret") -> def f(password=os.environ["PASSWORD"])
            return partial(_from_env_default, found[0].name.value)
        return None

    def _assigned(self, literal: cst.SimpleString) -> Rewrite | str:
        parent = self.parents.get(literal)
        targets: Sequence[cst.BaseAssignTargetExpression] = ()
        if isinstance(parent, cst.Assign) and parent.value is literal:
            targets = [target.target for target in parent.targets]
        elif isinstance(parent, cst.AnnAssign) and parent.value is literal:
            targets = [parent.target]
        names = [dotted(target) for target in targets]
        if len(names) != 1 or not names[0]:
            return "the secret is not assigned to one name (a comparison, a dict, ...)"
        self.imports.add("os")
        # password = "hunter2" -> password = os.environ["PASSWORD"]
        return to(_environ(env_name(names[0])))


def _from_env_argument(keyword: str, node: cst.CSTNode) -> cst.CSTNode:
    call = cst.ensure_type(node, cst.Call)
    new = [
        a.with_changes(value=_environ(env_name(keyword)))
        if a.keyword is not None and a.keyword.value == keyword
        else a
        for a in call.args
    ]
    return call.with_changes(args=new)


def _from_env_default(name: str, node: cst.CSTNode) -> cst.CSTNode:
    func = cst.ensure_type(node, cst.FunctionDef)

    def read(params: Sequence[cst.Param]) -> list[cst.Param]:
        value = _environ(env_name(name))
        return [p.with_changes(default=value) if p.name.value == name else p for p in params]

    params = func.params.with_changes(
        params=read(func.params.params), kwonly_params=read(func.params.kwonly_params)
    )
    return func.with_changes(params=params)


class UseSystemRandom(FlaggedCodemod):
    """bandit B311: `random` is predictable; the OS generator (secrets.SystemRandom) is not."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        func = cst.ensure_type(node, cst.Call).func
        if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
            return "called as a bare name: which module it comes from is not certain"
        if func.value.value != "random":
            return None
        if _STATE_CALLS.search(self.source):
            # SystemRandom's seed() does nothing and getstate() raises: a seeded use would change
            return "the module seeds or saves a generator's state: the system generator has none"
        if func.attr.value == "Random":
            return self._instance(cst.ensure_type(node, cst.Call))
        if func.attr.value not in SYSTEM_RANDOM:
            return f"random.{func.attr.value} has no counterpart in the system generator"
        self.imports.add("secrets")
        # random.randint(1, 6) -> secrets.SystemRandom().randint(1, 6)
        system = cst.Call(func=cst.Attribute(cst.Name("secrets"), cst.Name("SystemRandom")))
        return lambda new: _receiver(cst.ensure_type(new, cst.Call), system)

    def _instance(self, call: cst.Call) -> Rewrite | str:
        if call.args:
            return "random.Random is given a seed: the numbers are meant to be reproducible"
        self.imports.add("secrets")
        # random.Random() -> secrets.SystemRandom()
        return to(cst.Call(func=cst.Attribute(cst.Name("secrets"), cst.Name("SystemRandom"))))

    def finish(self, module: cst.Module) -> cst.Module | str:
        done = super().finish(module)
        if isinstance(done, str) or len(m.findall(done, m.Name("random"))) != 1:
            return done  # `random` is used still (or imported more than once)
        # import random (now unused) -> (nothing)
        body: list[cst.BaseStatement] = list(done.body)
        alone = m.SimpleStatementLine([m.Import([m.ImportAlias(m.Name("random"))])])
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine) and m.matches(stmt, alone):
                order.remove_import(body, stmt)
                break
        return done.with_changes(body=body)


def _receiver(call: cst.Call, value: cst.BaseExpression) -> cst.Call:
    return call.with_changes(
        func=cst.ensure_type(call.func, cst.Attribute).with_changes(value=value)
    )
