"""The rule catalogue as data: every rule file is well-formed; prefix tables classify codes."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from typing import Any

import pytest

from healers import catalogue, toml
from healers.catalogue import CatalogueError, parse_rule
from healers.finding import CATEGORY_PRIORITY, Finding
from healers.registry import codemods

RULE_FILES = sorted(
    f"{folder.name}/{entry.name}"
    for folder in resources.files("healers.rules").iterdir()
    if folder.is_dir() and not folder.name.startswith(("_", "."))
    for entry in folder.iterdir()
    if entry.name.endswith(".toml")
)


def read_rule(rel: str) -> dict[str, Any]:
    return toml.loads(resources.files("healers.rules").joinpath(rel).read_text(encoding="utf-8"))


def rules() -> list[Any]:
    return sorted(catalogue.load().rules.values(), key=lambda r: r.id)


def rule_params() -> list[Any]:
    return [pytest.param(rule, id=rule.id) for rule in rules()]


def test_there_are_rule_files() -> None:
    assert RULE_FILES, "rules/<category>/*.toml: the catalogue is empty"
    assert len(catalogue.load().rules) == len(RULE_FILES)


@pytest.mark.parametrize("rel", RULE_FILES)
def test_rule_file_loads(rel: str) -> None:
    category, _, name = rel.partition("/")
    rule = parse_rule(name.removesuffix(".toml"), category, read_rule(rel), source=f"rules/{rel}")
    assert rule.summary.strip()
    assert rule.why.strip(), "why: the docs' 'Why is this bad?' needs it"
    assert catalogue.load().rules[rule.id] == rule


@pytest.mark.parametrize("rel", RULE_FILES)
def test_rule_file_has_no_todo_left(rel: str) -> None:
    """`python -m healers.scaffold` writes TODOs where only a person can say what to write."""
    text = resources.files("healers.rules").joinpath(rel).read_text(encoding="utf-8")
    assert "TODO" not in text, "fill in the TODOs the scaffold left (CONTRIBUTING.md)"


def test_no_code_is_claimed_twice() -> None:
    claims = Counter(code for rule in rules() for code in rule.codes)
    assert [code for code, n in claims.items() if n > 1] == []


@pytest.mark.parametrize("rule", rule_params())
def test_codes_lead_back_to_the_rule(rule: Any) -> None:
    for code in rule.codes:
        finding = Finding(code=code, path="example.py", line=1, column=1, message="m")
        assert catalogue.load().rule_for(finding) is rule


@pytest.mark.parametrize("rule", rule_params())
def test_fix_names_a_codemod_or_the_analyzer(rule: Any) -> None:
    assert rule.fix in ("analyzer", "none", *codemods())


def test_every_codemod_is_used() -> None:
    used = {rule.fix for rule in rules()}
    assert sorted(set(codemods()) - used) == []


@pytest.mark.parametrize("rule", rule_params())
def test_fixable_rule_shows_a_fix(rule: Any) -> None:
    if rule.fix == "none":
        pytest.skip("no fix to show")
    assert any(ex.before != ex.after for ex in rule.examples), "needs an [[example]] that changes"


@pytest.mark.parametrize("rule", rule_params())
def test_rule_has_a_lookalike(rule: Any) -> None:
    assert rule.unchanged, "needs at least one [[unchanged]] look-alike"


@pytest.mark.parametrize("rule", rule_params())
def test_rule_has_an_example(rule: Any) -> None:
    assert rule.examples, "needs at least one [[example]]: the docs and tests/rules use it"


GOOD: dict[str, Any] = {
    "summary": "Import a standard-library name that is used but never imported",
    "codes": ["ruff:F821"],
    "fix": "none",
}


@pytest.mark.parametrize(
    ("rule_id", "change", "key"),
    [
        pytest.param("good-id", {"sumary": "typo"}, "sumary", id="unknown key"),
        pytest.param("good-id", {"priority": "P9"}, "priority", id="bad priority"),
        pytest.param("good-id", {"safety": "maybe"}, "safety", id="bad safety"),
        pytest.param("good-id", {"approval": "sometimes"}, "approval", id="bad approval"),
        pytest.param("Bad_Id", {}, "Bad_Id", id="non-kebab id"),
        pytest.param("good-id", {"codes": None}, "codes", id="missing codes"),
        pytest.param("good-id", {"codes": []}, "codes", id="empty codes"),
        pytest.param("good-id", {"codes": ["F821"]}, "codes", id="code without its tool"),
        pytest.param("good-id", {"summary": None}, "summary", id="missing summary"),
        pytest.param("good-id", {"why": 3}, "why", id="why not a string"),
        pytest.param("good-id", {"example": [{"after": "x"}]}, "before", id="example no before"),
    ],
)
def test_malformed_rule_names_file_and_key(rule_id: str, change: dict[str, Any], key: str) -> None:
    data = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(CatalogueError) as info:
        parse_rule(rule_id, "import", data, source="rules/import/bad.toml")
    assert "rules/import/bad.toml" in str(info.value)
    assert key in str(info.value)


def test_folder_must_be_a_category() -> None:
    with pytest.raises(CatalogueError, match=r"rules/imports/x\.toml.*'imports'"):
        parse_rule("x", "imports", GOOD, source="rules/imports/x.toml")


def test_good_rule_parses_with_defaults() -> None:
    rule = parse_rule("good-id", "import", GOOD, source="rules/import/good-id.toml")
    assert (rule.priority, rule.safety, rule.approval) == ("P2", "safe", "never")


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("ruff:F401", "import"),
        ("ruff:I001", "import"),
        ("ruff:S101", "security"),
        ("ruff:S506", "security"),
        ("ruff:E501", "style"),
        ("ruff:E722", "logic"),
        ("ruff:F841", "style"),
        ("ruff:F811", "logic"),
        ("ruff:PERF401", "performance"),
        ("ruff:C401", "performance"),
        ("ruff:B006", "logic"),
        ("ruff:UP006", "style"),
        ("ruff:UP035", "import"),
        ("ruff:ANN001", "type"),
        ("ruff:ZZZ999", "style"),
        ("mypy:anything", "type"),
        ("mypy:union-attr", "type"),
        ("bandit:B999", "security"),
        ("bandit:B506", "security"),
    ],
)
def test_prefix_table(code: str, category: str) -> None:
    finding = Finding(code=code, path="example.py", line=1, column=1, message="m", name="some-name")
    rule = catalogue.load().rule_for(finding)
    assert rule.category == category
    if code not in catalogue.load().by_code:
        assert rule.priority == CATEGORY_PRIORITY[category]
        assert rule.codes == (code,)


def test_unclaimed_codes_get_the_tools_default_fix() -> None:
    cat = catalogue.load()

    def rule_for(code: str, severity: str = "") -> Any:
        return cat.rule_for(Finding(code, "example.py", 1, 1, "m", severity=severity))

    assert (rule_for("ruff:ZZZ999").fix, rule_for("ruff:ZZZ999").approval) == ("analyzer", "never")
    assert rule_for("mypy:zzz-unknown").fix == "none"
    assert rule_for("mypy:zzz-unknown").id == "mypy-zzz-unknown"
    assert (rule_for("bandit:B999").fix, rule_for("bandit:B999").approval) == (
        "none",
        "high-severity",
    )
