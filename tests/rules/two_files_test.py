"""Adding a rule with a codemod is two hand-written files (issue 10): in a copy of this checkout,
the rule's TOML file and its codemod class with its CODEMODS entry; `python -m healers.docs`
renders its page and captures its examples; its generated tests of both tiers pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from healers import scaffold
from tests.helpers import git

pytestmark = pytest.mark.slow  # a copy of the checkout, the real analyzers, pytest twice

RULE = "pointless-comparison"  # for B015, a ruff code no rule file claims: a test-only rule
TOML = """\
summary = "A comparison whose result is thrown away"
codes = ["ruff:B015"]
priority = "P1"
fix = "AssertComparison"
safety = "unsafe"
approval = "never"
why = '''
`x == 1` on a line of its own computes a value and drops it: an assignment or an assert was meant.
'''
fix_safety = '''
heal turns the comparison into an assert, which raises when it is false. It leaves a comparison
that calls something: `python -O` drops an assert, and the call with it.
'''

[[example]]
before = '''
def check(x: int) -> int:
    x == 1
    return x
'''
after = '''
def check(x: int) -> int:
    assert x == 1
    return x
'''

[[unchanged]]
code = '''
def check(x: int) -> int:
    x == compute(x)
    return x


def compute(x: int) -> int:
    return x
'''
"""
CODEMOD = '''\
class AssertComparison(FindingCodemod):
    """A comparison whose result is thrown away -> an assert of it."""

    def fix(self, finding: Finding) -> str | None:
        for node in self.at(finding, cst.Expr):
            if not isinstance(node.value, cst.Comparison):
                continue
            if m.findall(node.value, m.Call()):
                return "the comparison calls something: python -O would drop the call"
            # x == 1 -> assert x == 1
            self.replace(node, lambda done: cst.Assert(cst.ensure_type(done, cst.Expr).value))
            return None
        return "no comparison statement where ruff reported it"
'''
IMPORTS = (
    "import libcst as cst",
    "import libcst.matchers as m",
    "from healers.codemod import FindingCodemod",
    "from healers.finding import Finding",
)


def run(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )


def passed(root: Path, env: dict[str, str], marker: str) -> list[str]:
    """The generated tests of RULE in one tier, run by rule id in the copy: their ids."""
    args = ["-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", "-m", marker, "-k", RULE]
    proc = run(root, env, *args, "tests")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "SKIPPED" not in proc.stdout, proc.stdout[-4000:]
    return [
        line.removeprefix("PASSED ")
        for line in proc.stdout.splitlines()
        if line.startswith("PASSED ")
    ]


def test_a_rule_with_a_codemod_is_two_hand_written_files(
    own_checkout: tuple[Path, dict[str, str]],
) -> None:
    root, env = own_checkout
    where = run(root, env, "-c", "import healers.rules as r; print(list(r.__path__)[0])")
    assert Path(where.stdout.strip()).resolve() == (root / "rules").resolve(), where.stderr
    # the two files, by hand
    (root / "rules" / "logic" / f"{RULE}.toml").write_text(TOML, encoding="utf-8")
    module = root / "healers" / "logic" / "codemods.py"
    text = module.read_text(encoding="utf-8")
    module.write_text(
        scaffold.add_codemod(text, "AssertComparison", CODEMOD, IMPORTS, str(module)), "utf-8"
    )
    scaffold.tidy(module)
    changed = sorted(git(root, "status", "--porcelain", "--untracked-files=all").splitlines())
    assert changed == [" M healers/logic/codemods.py", f"?? rules/logic/{RULE}.toml"]
    # the one command: docs and captures
    docs = run(root, env, "-m", "healers.docs")
    assert docs.returncode == 0, docs.stderr
    assert f"wrote: docs/rules/logic/{RULE}.md" in docs.stdout.splitlines()
    assert f"captured: {RULE}[example 0]" in docs.stdout.splitlines()
    page = (root / "docs" / "rules" / "logic" / f"{RULE}.md").read_text(encoding="utf-8")
    assert "codemod `AssertComparison` (unsafe)" in page
    assert "assert x == 1" in page
    assert run(root, env, "-m", "healers.docs", "--check").returncode == 0
    # its generated tests, both tiers, by rule id
    fast = passed(root, env, "not slow")
    example, lookalike = f"{RULE}[example 0]", f"{RULE}[unchanged 0]"
    assert {
        f"tests/rules/examples_test.py::test_example[{example}]",
        f"tests/rules/examples_test.py::test_lookalike_is_untouched[{lookalike}]",
    } <= set(fast), fast
    slow = passed(root, env, "slow")
    assert {
        f"tests/rules/analyzers_test.py::test_analyzer_fires_on_before_not_on_after[{example}]",
        f"tests/rules/analyzers_test.py::test_captures_are_what_the_analyzers_report[{example}]",
        f"tests/rules/cli_test.py::test_example[{example}]",
        f"tests/rules/cli_test.py::test_lookalike_is_untouched[{lookalike}]",
    } <= set(slow), slow
