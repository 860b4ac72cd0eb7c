"""Property tests: every performance codemod, on small programs hypothesis builds from templates,
gives code that compiles and computes the same values as the original."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from healers import analysis, catalogue, registry
from tests.helpers import run_codemod

NAMES = st.sampled_from(["acc", "out", "text", "buf", "line_"])
VARS = st.sampled_from(["v", "item", "word", "x"])
TEXTS = st.lists(st.text(alphabet="ab1 ;-", max_size=6), max_size=6)
PATTERNS = st.sampled_from([r"\d+", r"[a-z]+", r"a|b", r"(a)(1)?", r"\s*;\s*", "-"])
SETTINGS = settings(max_examples=30, deadline=None)


def healed(source: str, rule: str) -> str:
    """The source after the rule's codemod fixed every finding of the rule in it."""
    found = [f for f in analysis.run_rules("m.py", source, registry.own_table()) if f.name == rule]
    assert found, f"{rule} did not fire on:\n{source}"
    result = run_codemod(catalogue.load().rules[rule].fix, source, found)
    assert result.fixed and not result.unfixed, (result.unfixed, source)
    compile(result.text, "m.py", "exec", dont_inherit=True)
    return result.text


def call(source: str, *args: Any) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, "m.py", "exec", dont_inherit=True), namespace)  # our own templates
    try:
        return ("ok", namespace["f"](*copy.deepcopy(args)))
    except Exception as exc:  # the same exception type counts as the same behaviour
        return ("raised", type(exc).__name__)


def same_values(before: str, after: str, *args: Any) -> None:
    assert call(after, *args) == call(before, *args), after


@SETTINGS
@given(
    acc=NAMES,
    var=VARS,
    init=st.sampled_from(["", "<", "start:"]),
    part=st.sampled_from(["{v}", "{v} * 2", '"<" + {v} + ">"', "str(len({v}))"]),
    form=st.sampled_from(["{a} += {p}", "{a} = {a} + {p}"]),
    guarded=st.booleans(),
    xs=TEXTS,
)
def test_join_string_parts(
    acc: str, var: str, init: str, part: str, form: str, guarded: bool, xs: list[str]
) -> None:
    step = form.format(a=acc, p=part.format(v=var))
    body = f"        if {var}:\n            {step}\n" if guarded else f"        {step}\n"
    source = f"def f(xs):\n    {acc} = {init!r}\n    for {var} in xs:\n{body}    return {acc}\n"
    same_values(source, healed(source, "string-concat-in-loop"), xs)


@SETTINGS
@given(
    index=st.sampled_from(["i", "j", "k"]),
    expr=st.sampled_from(["xs[{i}]", "xs[{i}] * 2", "({i}, xs[{i}])", "xs[{i}] + str({i})"]),
    after_loop=st.booleans(),
    xs=TEXTS,
)
def test_iterate_directly(index: str, expr: str, after_loop: bool, xs: list[str]) -> None:
    tail = f"    return out, {index}\n" if after_loop else "    return out\n"
    source = (
        f"def f(xs):\n    out = []\n    {index} = -1\n"
        f"    for {index} in range(len(xs)):\n        out.append({expr.format(i=index)})\n{tail}"
    )
    same_values(source, healed(source, "range-len-indexing"), xs)


@SETTINGS
@given(
    items=st.lists(st.one_of(st.integers(-3, 3), st.sampled_from(["a", "b", "x"])), max_size=4),
    negated=st.booleans(),
    xs=st.lists(st.one_of(st.integers(-3, 3), st.sampled_from(["a", "b", "c"])), max_size=6),
)
def test_use_set_literal(items: list[object], negated: bool, xs: list[object]) -> None:
    op = "not in" if negated else "in"
    source = (
        f"def f(xs):\n    return [v for v in xs if v {op} {items!r}]\n"
        if len(items) % 2
        else f"def f(xs):\n    out = []\n    for v in xs:\n        if v {op} {items!r}:\n"
        "            out.append(v)\n    return out\n"
    )
    same_values(source, healed(source, "membership-in-list-literal"), xs)


@SETTINGS
@given(
    pattern=PATTERNS,
    use=st.sampled_from(
        [
            "bool(re.match({p}, s{f}))",
            "bool(re.search({p}, s{f}))",
            "re.findall({p}, s{f})",
            're.sub({p}, "#", s{f})',
            "re.split({p}, s{f})",
            "re.compile({p}{f}).findall(s)",
        ]
    ),
    flags=st.sampled_from(["", ", re.IGNORECASE", ", flags=re.I | re.M"]),
    xs=TEXTS,
)
def test_compile_regex_once(pattern: str, use: str, flags: str, xs: list[str]) -> None:
    if flags and use.startswith(("re.sub", "re.split")):
        flags = ", flags=re.I"  # positionally these take count/maxsplit first
    expr = use.format(p=f"r{pattern!r}", f=flags)
    source = f"import re\n\n\ndef f(xs):\n    return [{expr} for s in xs]\n"
    same_values(source, healed(source, "regex-compiled-in-loop"), xs)


@SETTINGS
@given(
    key=st.sampled_from(["", ", key=lambda v: -v", ", key=str"]),
    reverse=st.sampled_from(["", ", reverse=True", ", reverse=False"]),
    end=st.sampled_from(["0", "-1"]),
    xs=st.lists(st.integers(-50, 50), min_size=1, max_size=8, unique=True),
)
def test_use_min_max(key: str, reverse: str, end: str, xs: list[int]) -> None:
    source = f"def f(xs):\n    return sorted(xs{key}{reverse})[{end}]\n"
    if key == ", key=str" and len({str(v) for v in xs}) != len(xs):
        return  # ties under the key are where min/max differ (the rule says so: unsafe)
    same_values(source, healed(source, "sorted-min-max"), xs)


@SETTINGS
@given(
    start=st.sampled_from(["list(xs)", "[]", "[0]"]),
    front=st.sampled_from(["insert", "pop"]),
    xs=st.lists(st.integers(0, 9), max_size=6),
)
def test_use_deque(start: str, front: str, xs: list[int]) -> None:
    if front == "pop":
        refill = "        if len(out) < 3:\n            q.append(len(q))\n"
        loop = f"    while q:\n        out.append(q.pop(0))\n{refill}"
    else:
        loop = "    for v in xs:\n        q.insert(0, v)\n    out = [v for v in q]\n"
    source = f"def f(xs):\n    q = {start}\n    out = []\n{loop}    return out, len(q)\n"
    same_values(source, healed(source, "list-pop-front-in-loop"), xs)
