"""docs/ and the examples' captured findings are generated from rules/ by `python -m healers.docs`;
these tests keep them current."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from healers import captures, catalogue, docs
from healers.finding import Example

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
CAPTURES = REPO / captures.PATH


def test_committed_docs_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    code = docs.main(["--check", "--out", str(DOCS), "--captures", str(CAPTURES)])
    out = capsys.readouterr().out
    assert code == 0, f"run `python -m healers.docs` to regenerate:\n{out}"


def test_a_stale_capture_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An example edited since its findings were captured: --check names it and the command."""
    data = captures.load(CAPTURES)
    rule = min(data["rules"])
    data["rules"][rule]["example 0"]["sha256"] = "0" * 64
    del data["rules"][rule]["unchanged 0"]
    data["rules"]["gone-rule"] = {"example 0": {"sha256": "", "findings": {}}}
    (tmp_path / "captures.json").write_text(captures.dumps(data), encoding="utf-8")
    argv = ["--check", "--out", str(DOCS), "--captures", str(tmp_path / "captures.json")]
    assert docs.main(argv) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"stale capture: {rule}[example 0]",
        f"missing capture: {rule}[unchanged 0]",
        "extra capture: gone-rule[example 0]",
    ]
    assert "run python -m healers.docs" in err


def test_every_rule_and_prefix_is_documented() -> None:
    cat = catalogue.load()
    index = docs.render_index(cat)
    for rule in cat.rules.values():
        assert f"[{rule.id}](rules/{rule.category}/{rule.id}.md)" in index
    assert "| ruff | `PERF` | performance | P2 |" in index
    assert "| mypy | (any other code) | type | P1 |" in index


def test_generated_files_say_so() -> None:
    for text in docs.render(catalogue.load()).values():
        assert text.startswith(docs.HEADER + "\n")


def test_render_is_deterministic() -> None:
    assert docs.render(catalogue.load()) == docs.render(catalogue.load())


def test_write_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the committed captures are current (test_committed_docs_are_current): writing the docs
    # replays them and analyzes nothing
    shutil.copyfile(CAPTURES, tmp_path / "captures.json")
    out = ["--out", str(tmp_path / "docs"), "--captures", str(tmp_path / "captures.json")]
    assert docs.main(["--check", *out]) == 1
    assert "missing: rules.md" in capsys.readouterr().out
    assert docs.main(out) == 0
    assert docs.main(["--check", *out]) == 0
    assert (tmp_path / "captures.json").read_bytes() == CAPTURES.read_bytes()
    (tmp_path / "docs" / "rules" / "style").mkdir(exist_ok=True)
    (tmp_path / "docs" / "rules" / "style" / "gone.md").write_text("old\n", encoding="utf-8")
    capsys.readouterr()
    assert docs.main(["--check", *out]) == 1
    assert capsys.readouterr().out == "extra: rules/style/gone.md\n"
    assert docs.main(out) == 0
    assert not (tmp_path / "docs" / "rules" / "style" / "gone.md").exists()
    assert docs.main(["--check", *out]) == 0


def first_rule() -> Any:
    cat = catalogue.load()
    return cat.rules[min(cat.rules)]


def other(value: str, choices: tuple[str, ...]) -> str:
    return next(choice for choice in choices if choice != value)


@pytest.mark.parametrize(
    ("field", "index_too"),
    [
        ("summary", True),
        ("priority", True),
        ("approval", True),
        ("fix", True),
        ("codes", True),
        ("why", False),
        ("fix_safety", False),
        ("examples", False),
    ],
)
def test_changed_rule_changes_its_page(tmp_path: Path, field: str, index_too: bool) -> None:
    cat = catalogue.load()
    docs.write(docs.render(cat), tmp_path)
    rule = first_rule()
    new: dict[str, Any] = {
        "summary": rule.summary + " (changed)",
        "priority": other(rule.priority, ("P0", "P3")),
        "approval": other(rule.approval, ("always", "never")),
        "fix": other(rule.fix, ("none", "analyzer")),
        "codes": (*rule.codes, "ruff:ZZZ999"),
        "why": rule.why + " Also this.",
        "fix_safety": rule.fix_safety + " Also this.",
        "examples": (Example("x = 1\n", "x = 2\n"), *rule.examples),
    }
    changed = dataclasses.replace(rule, **{field: new[field]})
    other_cat = dataclasses.replace(cat, rules={**cat.rules, rule.id: changed})
    stale = docs.compare(docs.render(other_cat), tmp_path)
    page = f"stale: rules/{rule.category}/{rule.id}.md"
    assert stale == (["stale: rules.md", page] if index_too else [page])
    docs.write(docs.render(other_cat), tmp_path)
    assert docs.compare(docs.render(other_cat), tmp_path) == []
    if field == "examples":
        page_text = (tmp_path / "rules" / rule.category / f"{rule.id}.md").read_text("utf-8")
        assert "## Use instead\n\n```python\nx = 2\n```" in page_text


def test_rule_page_has_ruffs_headings() -> None:
    for rule in catalogue.load().rules.values():
        page = docs.render_rule(rule)
        headings = [line for line in page.splitlines() if line.startswith("## ")]
        expected = ["## What it does", "## Why is this bad?", "## Example", "## Use instead"]
        if rule.examples and rule.examples[0].before == rule.examples[0].after:
            expected.remove("## Use instead")
        assert headings == [*expected, "## Fix safety"], rule.id
        assert docs.fix_label(rule) in page
        assert rule.examples[0].before.strip() in page
