"""The performance codemods on the findings of heal's own rules: cases the catalogue's examples
leave out, and the family base (sites found again with the rule's checks, on shared metadata)."""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from healers import analysis, registry
from healers.finding import Finding
from healers.performance.codemods import UseSetLiteral
from healers.sites import NOT_FOUND
from tests.helpers import run_codemod


def findings(source: str, rule: str) -> list[Finding]:
    return [f for f in analysis.run_rules("m.py", source, registry.own_table()) if f.name == rule]


def run(source: str) -> object:
    namespace: dict[str, object] = {}
    exec(compile(source, "m.py", "exec", dont_inherit=True), namespace)  # our own sample
    return namespace["f"](["a", "b"])  # type: ignore[operator] # the sample defines f(xs)


def test_two_strings_grown_in_one_loop() -> None:
    """Both accumulators of the loop get their list before it and their join after it (the
    codemod once wrapped the loop for the last one only, leaving `s_parts` undefined)."""
    source = (
        "def f(xs):\n"
        '    s = ""\n'
        '    t = ""\n'
        "    for x in xs:\n"
        "        s += x\n"
        "        t = t + x + x\n"
        "    return s, t\n"
    )
    found = findings(source, "string-concat-in-loop")
    assert [f.line for f in found] == [5, 6]
    result = run_codemod("JoinStringParts", source, found)
    assert result.fixed == (0, 1)
    assert result.text == (
        "def f(xs):\n"
        '    s = ""\n'
        '    t = ""\n'
        "    s_parts = []\n"
        "    t_parts = []\n"
        "    for x in xs:\n"
        "        s_parts.append(x)\n"
        "        t_parts.append(x + x)\n"
        '    s += "".join(s_parts)\n'
        '    t += "".join(t_parts)\n'
        "    return s, t\n"
    )
    assert run(result.text) == run(source)


def test_a_finding_without_a_site_of_its_rule() -> None:
    source = "def f(xs):\n    for x in xs:\n        if x in [1, 2]:\n            pass\n"
    found = findings(source, "membership-in-list-literal")
    elsewhere = replace(found[0], line=2)
    result = run_codemod("UseSetLiteral", source, [elsewhere, found[0]])
    assert result.fixed == (1,)
    assert result.unfixed == ((0, NOT_FOUND),)
    assert "if x in {1, 2}:" in result.text


def test_the_rule_runs_on_the_codemods_metadata() -> None:
    """Positions and scopes are resolved once per file: the rule's context shares the wrapper."""
    codemod = UseSetLiteral(cst.parse_module("x = 1\n"), None)
    assert codemod.ctx.wrapper is codemod.wrapper
    assert codemod.ctx.positions is codemod.positions


def test_a_one_character_pattern_is_named_for_its_character() -> None:
    """bandit's report(): two hoisted patterns were `_REPORT_PATTERN` and `_REPORT_PATTERN_2`."""
    source = (
        "import re\n\n\ndef f(xs):\n    out = []\n    for x in xs:\n"
        '        out.append(re.sub("}", "}}", re.sub("{", "{{", x)))\n    return out\n'
    )
    found = findings(source, "regex-compiled-in-loop")
    result = run_codemod("CompileRegexOnce", source, found)
    assert result.fixed == (0, 1)
    assert '_RIGHT_CURLY_BRACKET_PATTERN = re.compile("}")\n' in result.text
    assert '_LEFT_CURLY_BRACKET_PATTERN = re.compile("{")\n' in result.text
    assert run(result.text) == run(source)
