"""`python -m healers.scaffold <category>/<rule-id>`: what it refuses (exit 2, one line), the
rule file it writes (every field, TODOs, loadable), and the codemod stub with its CODEMODS entry
(imports, never rewrites, passes mypy --strict and ruff)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from healers import catalogue, codemod, registry, scaffold, toml
from healers.catalogue import RULE_KEYS
from healers.finding import CATEGORIES, Finding
from tests.helpers import REPO, git

CODEMOD_CATEGORIES = [c for c in CATEGORIES if c != "style"]  # style is fixed by ruff's edits


def rule_files() -> set[Path]:
    return set((REPO / "rules").rglob("*.toml"))


def test_each_healer_names_its_own_package() -> None:
    for category, healer in registry.HEALERS.items():
        assert healer.category == category
        package = importlib.import_module(f"healers.{healer.package}")
        assert package.HEALER is healer


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        pytest.param(["nope/some-rule"], "'nope' is not a category", id="bad category"),
        pytest.param(["some-rule"], "is not a category", id="no category"),
        pytest.param(["logic/Some_Rule"], "'Some_Rule' is not kebab-case", id="non-kebab id"),
        pytest.param(["logic/self-comparison"], "already exists", id="existing rule"),
        pytest.param(["type/self-comparison"], "already exists", id="existing id elsewhere"),
        pytest.param(["logic/x", "--code", "ruff:B006"], "already belongs", id="claimed code"),
        pytest.param(["logic/x", "--code", "B015"], "not tool-prefixed", id="code without tool"),
        pytest.param(["style/x"], "ruff's own edits", id="style codemod"),
        pytest.param(["logic/x", "--fix", "none", "--codemod", "X"], "--fix none", id="both"),
        pytest.param(["logic/x", "--codemod", "use_it"], "not a class name", id="bad class"),
        pytest.param(["logic/x", "--codemod", "DefaultToNone"], "already exists", id="class"),
    ],
)
def test_refuses_in_one_line(argv: list[str], says: str, capsys: Any) -> None:
    before = rule_files()
    assert scaffold.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert says in err
    assert rule_files() == before


@pytest.mark.parametrize("fix", ["", "analyzer", "none"])
def test_rule_file_has_every_field_and_loads(fix: str) -> None:
    req = scaffold.request("logic/pointless-comparison", fix=fix)
    text = scaffold.rule_text(req)
    data = toml.loads(text)
    assert set(data) == RULE_KEYS
    rule = catalogue.parse_rule(req.rule_id, "logic", data, source="rules/logic/x.toml")
    assert rule.fix == (fix or "FixPointlessComparison")
    assert rule.codes == ("TODO:pointless-comparison",)
    assert "TODO" in rule.summary and "TODO" in rule.why and "TODO" in rule.fix_safety
    assert "TODO" in rule.examples[0].before and "TODO" in rule.unchanged[0].before


def test_a_given_code_is_claimed() -> None:
    req = scaffold.request("logic/pointless-comparison", code="ruff:B015", codemod="UseAssert")
    data = toml.loads(scaffold.rule_text(req))
    assert (data["codes"], data["fix"]) == (["ruff:B015"], "UseAssert")


@pytest.mark.parametrize("category", CODEMOD_CATEGORIES)
def test_stub_joins_the_registry_and_never_rewrites(category: Any) -> None:
    """The category's codemods module with the stub added still runs, registers the class, and
    the class declines every finding with its TODO reason."""
    req = scaffold.request(f"{category}/new-rule", codemod="NewRuleFix")
    path = scaffold.codemods_module(category)
    text = scaffold.add_codemod(
        path.read_text(encoding="utf-8"),
        "NewRuleFix",
        scaffold.stub(req),
        scaffold.STUB_IMPORTS,
        str(path),
    )
    space: dict[str, Any] = {"__name__": f"scaffolded_{category}"}
    exec(compile(text, str(path), "exec"), space)  # nosec B102 - heal's own module, edited
    table = space["CODEMODS"]
    assert list(table)[-1] == "NewRuleFix"
    assert set(table) - {"NewRuleFix"} == set(registry.HEALERS[category].codemods_by_name())
    finding = Finding("ruff:B015", "example.py", 1, 1, "m")
    result = table["NewRuleFix"].run("x == 1\n", [finding])
    assert result == codemod.Unchanged(((0, "TODO: NewRuleFix does not rewrite anything yet"),))


def test_missing_imports_are_added_once() -> None:
    text = (
        '"""m."""\n\nfrom __future__ import annotations\n\nfrom healers.codemod import Codemods\n\n'
        "CODEMODS: Codemods = {}\n"
    )
    new = scaffold.add_codemod(
        text, "A", "class A(FindingCodemod):\n    pass\n", scaffold.STUB_IMPORTS, "m.py"
    )
    assert new == (
        '"""m."""\n\nfrom __future__ import annotations\n\nfrom healers.codemod import Codemods\n'
        "from healers.codemod import FindingCodemod\nfrom healers.finding import Finding\n\n"
        'class A(FindingCodemod):\n    pass\n\n\nCODEMODS: Codemods = {\n    "A": A,\n}\n'
    )
    with pytest.raises(scaffold.ScaffoldError, match="A is already defined"):
        scaffold.add_codemod(new, "A", "class A: ...\n", (), "m.py")
    with pytest.raises(scaffold.ScaffoldError, match="no literal `CODEMODS"):
        scaffold.add_codemod('"""m."""\n', "A", "class A: ...\n", (), "m.py")


@pytest.mark.slow  # a copy of the checkout, ruff and mypy --strict on all of healers/
def test_scaffolded_rule_passes_mypy_and_ruff(own_checkout: tuple[Path, dict[str, str]]) -> None:
    root, env = own_checkout

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, check=False
        )

    made = run("-m", "healers.scaffold", "logic/pointless-comparison", "--code", "ruff:B015")
    assert made.returncode == 0, made.stderr
    assert "next: fill in the TODOs" in made.stdout
    style = run("-m", "healers.scaffold", "style/some-style-rule", "--fix", "analyzer")
    assert style.returncode == 0, style.stderr
    changed = sorted(git(root, "status", "--porcelain", "--untracked-files=all").splitlines())
    assert changed == [
        " M healers/logic/codemods.py",
        "?? rules/logic/pointless-comparison.toml",
        "?? rules/style/some-style-rule.toml",
    ]
    for check in (
        ["-m", "ruff", "check", "healers", "tests"],
        ["-m", "ruff", "format", "--check", "healers", "tests"],
        ["-m", "mypy", "--strict", "healers"],
    ):
        done = run(*check)
        assert done.returncode == 0, f"{check}: {done.stdout}{done.stderr}"
    loaded = run(
        "-c",
        "from healers import catalogue, registry; "
        "print(catalogue.load().by_code['ruff:B015'].fix in registry.codemods())",
    )
    assert loaded.stdout == "True\n", loaded.stderr
    # the docs command reads the new rules (its pages and captures are still to be made)
    stale = run("-m", "healers.docs", "--check")
    assert stale.returncode == 1, stale.stderr
    assert "missing: rules/logic/pointless-comparison.md" in stale.stdout
