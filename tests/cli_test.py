"""`heal` end to end: the real CLI on real git repositories, with real ruff, mypy and bandit."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import healers
from tests.helpers import (
    CONTRACT_CATEGORIES,
    CONTRACT_PRIORITIES,
    CONTRACT_STATUSES,
    LEFT,
    Run,
    commit_all,
    copy_sample,
    findings_for,
    git,
    heal,
    heal_env,
    heal_process,
    make_repo,
    python_files,
    shadow_module,
    snapshot,
    start_heal,
)

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

# compiled once: the checks below run them in loops (heal's regex-compiled-in-loop)
FINGERPRINT = re.compile(r"[0-9a-f]{16}")
RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
TOOL_CODE = re.compile(r"(ruff|mypy|bandit|heal):\S+")
ANNOTATION = re.compile(r"::(error|warning|notice) ([^:]*)::(.*)")
ESCAPED = re.compile("%(25|0D|0A)")
FIXABLE_IMPORT = '"""Uses nothing it imports."""\n\nimport os\n\nX = 1\n'
ONLY_STYLE = '"""Only a style finding: trailing whitespace."""\n\nX = 1  \n'
CLEAN = '"""Nothing to find here."""\n\nX = 1\n'
NEEDS_PATH = (
    '"""Uses Path without importing it."""\n\n\ndef home() -> Path:\n    return Path("~")\n'
)


def scan_json(repo: Path, *args: str) -> tuple[Run, dict[str, Any]]:
    run = heal(repo, "--scan", ".", "--output-format", "json", *args)
    assert run.code != 2, run.err
    return run, run.json()


def compiles(path: Path) -> None:
    compile(path.read_bytes(), str(path), "exec", dont_inherit=True)


# --- the sample repository, scanned once and shared by the read-only tests ---------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("read-only") / "sample")


@pytest.fixture(scope="module")
def sample_scan(sample: Path) -> dict[str, Any]:
    return scan_json(sample)[1]


def test_scan_json_follows_the_contract(sample: Path, sample_scan: dict[str, Any]) -> None:
    payload = sample_scan
    assert {"heal_version", "findings", "summary"} <= set(payload)
    assert payload["heal_version"] == healers.__version__
    findings = payload["findings"]
    assert findings
    prints = [f["fingerprint"] for f in findings]
    assert all(FINGERPRINT.fullmatch(p) for p in prints), prints
    assert len(set(prints)) == len(prints)
    for f in findings:
        assert RULE_ID.fullmatch(f["rule"]), f
        assert TOOL_CODE.fullmatch(f["code"]), f
        assert f["category"] in CONTRACT_CATEGORIES, f
        assert f["priority"] in CONTRACT_PRIORITIES, f
        assert f["status"] in CONTRACT_STATUSES, f
        path = f["path"]
        assert not path.startswith(("./", "/")) and "\\" not in path, f
        assert not Path(path).is_absolute()
        assert (sample / path).is_file(), f
        assert isinstance(f["line"], int) and f["line"] >= 1, f
        if f["code"].startswith("bandit:"):  # LOW severity is a warning: P2 (issue 12)
            wanted = "P2" if f["severity"] == "low" else "P0"
            assert (f["category"], f["priority"]) == ("security", wanted), f
    keys = [(f["priority"], f["path"], f["line"]) for f in findings]
    assert keys == sorted(keys)
    assert {f["category"] for f in findings} == CONTRACT_CATEGORIES
    assert {f["code"].partition(":")[0] for f in findings} >= {"ruff", "mypy", "bandit"}

    summary = payload["summary"]
    statuses = Counter(f["status"] for f in findings)
    assert summary["found"] == len(findings)
    assert summary["fixed"] == statuses["fixed"] == 0  # no --fix: nothing was written
    assert summary["remaining"] == sum(statuses[s] for s in LEFT)
    assert summary["blocked"] == statuses["blocked"]
    assert summary["needs_approval"] == statuses["needs-approval"]
    by_category = Counter(f["category"] for f in findings)
    assert summary["by_category"] == {c: by_category[c] for c in CONTRACT_CATEGORIES}
    by_priority = Counter(f["priority"] for f in findings)
    assert summary["by_priority"] == {p: by_priority[p] for p in CONTRACT_PRIORITIES}


def test_hook_mode_reports_only_the_named_file(sample: Path, sample_scan: dict[str, Any]) -> None:
    run = heal(sample, "src/app/app.py", "--output-format", "json")
    assert run.code != 2, run.err
    findings = run.json()["findings"]
    assert findings
    assert {f["path"] for f in findings} == {"src/app/app.py"}
    # ruff and bandit look at one file at a time: the hook must find what the scan found there
    per_file = ("ruff:", "bandit:")
    hook = Counter((f["code"], f["line"]) for f in findings if f["code"].startswith(per_file))
    scan = Counter(
        (f["code"], f["line"])
        for f in findings_for(sample_scan, "src/app/app.py")
        if f["code"].startswith(per_file)
    )
    assert hook == scan


def test_hook_mode_paths_are_relative_to_the_project_not_the_cwd(sample: Path) -> None:
    run = heal(sample / "src", "app/util.py", "--output-format", "json")
    assert run.code != 2, run.err
    paths = {f["path"] for f in run.json()["findings"]}
    assert paths == {"src/app/util.py"}


@pytest.mark.parametrize(
    ("args", "keep"),
    [
        pytest.param(
            ("--select", "security"), lambda f: f["category"] == "security", id="category"
        ),
        pytest.param(("--ignore", "style"), lambda f: f["category"] != "style", id="ignore"),
        pytest.param(("--select", "ruff:F401"), lambda f: f["code"] == "ruff:F401", id="code"),
        pytest.param(
            ("--select", "ruff:UP,bandit:B602"),
            lambda f: f["code"].startswith("ruff:UP") or f["code"] == "bandit:B602",
            id="prefix and code, comma-separated",
        ),
    ],
)
def test_select_and_ignore(
    sample: Path, sample_scan: dict[str, Any], args: tuple[str, ...], keep: Any
) -> None:
    expected = [f["fingerprint"] for f in sample_scan["findings"] if keep(f)]
    assert expected  # the sample must have some of them, or the test proves nothing
    assert len(expected) < len(sample_scan["findings"])
    _, payload = scan_json(sample, *args)
    assert [f["fingerprint"] for f in payload["findings"]] == expected


def test_statistics_counts_each_code(sample: Path, sample_scan: dict[str, Any]) -> None:
    run = heal(sample, "--scan", ".", "--statistics")
    assert run.code != 2, run.err
    header, *rows = run.out.splitlines()
    assert "count" in header and "code" in header
    got = {}
    for row in rows:
        count, fixable, code, rule, category = row.split()
        got[code] = (int(count), int(fixable), rule, category)
    findings = sample_scan["findings"]
    expected = {
        f["code"]: (
            sum(g["code"] == f["code"] for g in findings),
            sum(g["code"] == f["code"] and g["status"] in ("fixed", "fixable") for g in findings),
            f["rule"],
            f["category"],
        )
        for f in findings
    }
    assert got == expected
    counts = [v[0] for v in got.values()]
    assert counts == sorted(counts, reverse=True)


# --- --diff and --fix on a copy of the sample repository ----------------------------------------


@dataclass(frozen=True)
class Healed:
    repo: Path
    before: dict[str, bytes]
    diff: Run
    after_diff: dict[str, bytes]
    fix: Run
    after_fix: dict[str, bytes]
    git_diff: str
    fix_again: Run
    after_fix_again: dict[str, bytes]


@pytest.fixture(scope="module")
def healed(tmp_path_factory: pytest.TempPathFactory) -> Healed:
    repo = copy_sample(tmp_path_factory.mktemp("healed") / "sample")
    before = snapshot(repo)
    diff = heal(repo, "--scan", ".", "--diff")
    after_diff = snapshot(repo)
    fix = heal(repo, "--scan", ".", "--fix", "--output-format", "json")
    after_fix = snapshot(repo)
    git_diff = git(repo, "diff")
    fix_again = heal(repo, "--scan", ".", "--fix", "--output-format", "json")
    return Healed(
        repo, before, diff, after_diff, fix, after_fix, git_diff, fix_again, snapshot(repo)
    )


def test_diff_writes_nothing_and_prints_a_unified_diff(
    healed: Healed, sample_scan: dict[str, Any]
) -> None:
    # the sample has HIGH-severity bandit findings waiting for a human: that outranks exit 1
    blocked = any(f["status"] == "blocked" for f in sample_scan["findings"])
    assert blocked
    assert healed.diff.code == 3, healed.diff.err
    assert "--- a/" in healed.diff.out and "+++ b/" in healed.diff.out
    assert healed.after_diff == healed.before
    named = set(re.findall(r"^\+\+\+ b/(.+)$", healed.diff.out, flags=re.MULTILINE))
    assert named == set(healed.fix.json()["changed_files"])


def test_diff_is_what_fix_writes(healed: Healed, tmp_path: Path) -> None:
    copy = copy_sample(tmp_path / "copy")
    patch = healed.diff.out.encode("utf-8")
    subprocess.run(["git", "apply", "--whitespace=nowarn", "-"], cwd=copy, input=patch, check=True)
    assert snapshot(copy) == healed.after_fix


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(FIXABLE_IMPORT, 1, id="fixable"),
        pytest.param(CLEAN, 0, id="clean"),
    ],
)
def test_diff_exit_code_and_output(tmp_path: Path, source: str, expected: int) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": source})
    run = heal(repo, "--scan", ".", "--diff")
    assert run.code == expected, run.err
    assert (repo / "a.py").read_text(encoding="utf-8") == source
    if expected:
        assert run.out.startswith("--- a/a.py\n+++ b/a.py\n@@ ")
        assert "-import os\n" in run.out
    else:
        assert run.out == ""


def test_fix_leaves_nothing_fixable_in_style_and_import(
    healed: Healed, sample_scan: dict[str, Any]
) -> None:
    assert healed.fix.code != 2, healed.fix.err
    report = healed.fix.json()
    fixable_before = {
        f["fingerprint"]
        for f in sample_scan["findings"]
        if f["status"] == "fixable" and f["category"] in ("style", "import")
    }
    assert fixable_before
    status = {f["fingerprint"]: f["status"] for f in report["findings"]}
    assert {fp: status.get(fp) for fp in fixable_before if status.get(fp) != "fixed"} == {}
    assert not [f for f in report["findings"] if f["status"] == "fixable"]
    assert report["summary"]["fixed"] == len(
        [f for f in report["findings"] if f["status"] == "fixed"]
    )
    assert report["summary"]["fixed"] >= len(fixable_before)
    # and a fresh look agrees: the second run finds nothing fixable and fixes nothing
    again = healed.fix_again.json()
    assert again["summary"]["fixed"] == 0
    assert [f for f in again["findings"] if f["status"] in ("fixable", "fixed")] == []


def test_fix_keeps_every_file_compiling_and_crlf_intact(healed: Healed) -> None:
    for path in python_files(healed.repo):
        compiles(path)
    crlf = "src/app/legacy_crlf.py"
    assert crlf in healed.fix.json()["changed_files"]  # it had fixes, so it was rewritten
    data = healed.after_fix[crlf]
    assert data != healed.before[crlf]
    assert data.count(b"\n") == data.count(b"\r\n") > 0
    assert data.count(b"\r") == data.count(b"\r\n")


def test_second_fix_changes_no_bytes(healed: Healed) -> None:
    assert healed.fix_again.code != 2, healed.fix_again.err
    assert healed.after_fix_again == healed.after_fix
    assert healed.fix_again.json()["changed_files"] == []


def test_fix_changes_what_git_sees(healed: Healed) -> None:
    assert healed.git_diff.strip()
    changed = set(git(healed.repo, "diff", "--name-only").split())
    assert changed == set(healed.fix.json()["changed_files"])
    assert changed == {p for p in healed.before if healed.before[p] != healed.after_fix.get(p)}


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        # the repository is the one of the paths named (issue 11, item 5): a file of another
        # one (here no repository at all) beside a file of this one is refused
        pytest.param(("inside.py", "../outside.py"), id="file of another repository"),
        pytest.param(("missing.py",), id="no such file"),
    ],
)
def test_path_outside_the_repository_or_missing_is_refused(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    repo = make_repo(tmp_path / "repo", {"inside.py": FIXABLE_IMPORT})
    (tmp_path / "outside.py").write_text(FIXABLE_IMPORT, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.py").write_text(FIXABLE_IMPORT, encoding="utf-8")
    run = heal(repo, *args, "--fix")
    assert run.code == 2
    assert run.out == ""
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert args[-1] in lines[0]
    for untouched in ("outside.py", "elsewhere/x.py", "repo/inside.py"):
        assert (tmp_path / untouched).read_text(encoding="utf-8") == FIXABLE_IMPORT


def test_syntax_error_is_reported_and_the_file_left_alone(tmp_path: Path) -> None:
    broken = '"""Broken."""\n\nimport os\n\n\ndef f(:\n    pass\n'
    with pytest.raises(SyntaxError) as caught:
        compile(broken, "broken.py", "exec")
    repo = make_repo(tmp_path / "repo", {"broken.py": broken, "good.py": FIXABLE_IMPORT})
    _, payload = scan_json(repo, "--fix")
    errors = [f for f in findings_for(payload, "broken.py") if f["code"] == "heal:syntax-error"]
    assert [(f["priority"], f["line"]) for f in errors] == [("P1", caught.value.lineno)]
    assert (repo / "broken.py").read_text(encoding="utf-8") == broken
    assert payload["changed_files"] == ["good.py"]
    good = (repo / "good.py").read_text(encoding="utf-8")
    assert "import os" not in good
    compiles(repo / "good.py")


def test_undecodable_file_is_a_finding_and_the_run_goes_on(tmp_path: Path) -> None:
    latin = b"NAME = '\xe9t\xe9'\n"  # latin-1 bytes, no coding cookie: not valid UTF-8
    with pytest.raises(UnicodeDecodeError):
        latin.decode("utf-8")
    repo = make_repo(tmp_path / "repo", {"latin.py": latin, "good.py": FIXABLE_IMPORT})
    _, payload = scan_json(repo, "--fix")
    assert [f["code"] for f in findings_for(payload, "latin.py")] == ["heal:unreadable-file"]
    assert (repo / "latin.py").read_bytes() == latin
    assert payload["changed_files"] == ["good.py"]


def test_empty_files_are_fine(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"empty.py": b"", "pkg/__init__.py": b""})
    run, payload = scan_json(repo, "--fix")
    assert (run.code, payload["findings"]) == (0, [])
    assert "error" not in run.err and "warning" not in run.err, run.err
    assert (repo / "empty.py").read_bytes() == b""


@pytest.mark.parametrize(
    ("pyproject", "named"),
    [
        pytest.param('[tool.healers]\ncolour = "never"\n', "colour", id="unknown key"),
        pytest.param('[tool.healers]\nmax-passes = "five"\n', "max-passes", id="wrong type"),
        pytest.param("[tool.healers]\nselect = 3\n", "select", id="not a list"),
        pytest.param('[tool.healers]\nfail-on = "P9"\n', "fail-on", id="bad priority"),
        pytest.param("[tool.healers]\ntimeout = 0\n", "timeout", id="bad timeout"),
        pytest.param('[tool.healers\nselect = ["style"]\n', "pyproject.toml", id="invalid TOML"),
    ],
)
def test_broken_configuration_is_an_error(tmp_path: Path, pyproject: str, named: str) -> None:
    repo = make_repo(tmp_path / "repo", {"pyproject.toml": pyproject, "a.py": FIXABLE_IMPORT})
    run = heal(repo, "--scan", ".", "--fix")
    assert run.code == 2
    assert named in run.err
    assert run.out == ""
    assert (repo / "a.py").read_text(encoding="utf-8") == FIXABLE_IMPORT


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": CLEAN})
    run = heal(repo, "--scan", ".", "--config", "nowhere.toml")
    assert run.code == 2
    assert "nowhere.toml" in run.err


def test_missing_analyzer_is_an_error_naming_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": FIXABLE_IMPORT})
    shadow = shadow_module(tmp_path / "shadow", "bandit", main=None)
    run = heal_process(repo, "--scan", ".", "--fix", env=heal_env(PYTHONPATH=str(shadow)))
    # issue 12: the failing tool is exit 2 and one finding; the others' fixes are applied
    assert run.code == 2, run.out + run.err
    assert "bandit failed" in run.err and "heal:analyzer-failed" in run.out
    assert "Traceback" not in run.err
    assert (repo / "a.py").read_text(encoding="utf-8") != FIXABLE_IMPORT


def test_crashing_analyzer_is_an_error_never_a_clean_result(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": FIXABLE_IMPORT})
    crash = "import sys\nsys.stderr.write('mypy: INTERNAL ERROR boom-4711\\n')\nsys.exit(2)\n"
    shadow = shadow_module(tmp_path / "shadow", "mypy", main=crash)
    env = heal_env(PYTHONPATH=str(shadow))
    run = heal_process(repo, "--scan", ".", "--fix", "--output-format", "json", env=env)
    assert run.code == 2, run.out + run.err
    assert "mypy failed" in run.err
    assert "boom-4711" in run.err
    failed = [f for f in run.json()["findings"] if f["code"] == "heal:analyzer-failed"]
    assert len(failed) == 1 and "boom-4711" in failed[0]["message"]
    assert (repo / "a.py").read_text(encoding="utf-8") != FIXABLE_IMPORT  # ruff's fix went in


# --- pathological input -------------------------------------------------------------------------


def test_deeply_nested_files_are_reported_not_fatal(tmp_path: Path) -> None:
    nested = "x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n"
    terms = "x = " + " + ".join(["1"] * 20_000) + "\n" + NEEDS_PATH
    repo = make_repo(
        tmp_path / "repo", {"nested.py": nested, "terms.py": terms, "good.py": NEEDS_PATH}
    )
    run, payload = scan_json(repo, "--fix")
    assert "Traceback" not in run.err
    assert [f["code"] for f in findings_for(payload, "nested.py")] == ["heal:syntax-error"]
    left = findings_for(payload, "terms.py")
    assert left and all(f["status"] in LEFT for f in left), left
    # Python itself cannot compile it (RecursionError): the report must say why it was skipped
    with pytest.raises(RecursionError):
        compile(terms, "terms.py", "exec")
    why = re.compile(r"recursion|nested|timed out", re.IGNORECASE)
    assert any(why.search(f["message"] + f["fix"]) for f in left), left
    assert (repo / "nested.py").read_text(encoding="utf-8") == nested
    assert (repo / "terms.py").read_text(encoding="utf-8") == terms
    assert payload["changed_files"] == ["good.py"]
    assert "from pathlib import Path" in (repo / "good.py").read_text(encoding="utf-8")


def test_codemod_timeout_costs_one_file(tmp_path: Path) -> None:
    # flat for ast, ruff and mypy, but tens of thousands of nodes for libcst's scope analysis
    # (about 10 s with libcst 1.9). It sorts after good.py, so it is not the worker's first job,
    # which alone also gets the worker's start-up time.
    big = "DATA = [" + ", ".join(["0"] * 60_000) + "]\n" + NEEDS_PATH
    repo = make_repo(
        tmp_path / "repo",
        {"pyproject.toml": "[tool.healers]\ntimeout = 3\n", "z_big.py": big, "good.py": NEEDS_PATH},
    )
    _, payload = scan_json(repo, "--fix")
    undefined = [f for f in findings_for(payload, "z_big.py") if "Path" in f["message"]]
    assert undefined
    for f in undefined:
        assert f["status"] == "unfixable", f
        assert "timed out" in f["fix"] or "nested" in f["fix"], f
    assert (repo / "z_big.py").read_text(encoding="utf-8") == big
    assert payload["changed_files"] == ["good.py"]
    assert "from pathlib import Path" in (repo / "good.py").read_text(encoding="utf-8")


def test_long_expression_that_python_compiles_does_not_crash_heal(tmp_path: Path) -> None:
    # 1,200 levels of BinOp: fine for Python and ruff, deeper than a recursive ast walk can go
    source = "x = " + " + ".join(["1"] * 1_200) + "\n" + NEEDS_PATH
    compile(source, "long.py", "exec")
    repo = make_repo(tmp_path / "repo", {"long.py": source, "good.py": NEEDS_PATH})
    run = heal_process(repo, "--scan", ".", "--fix", "--output-format", "json")
    assert "Traceback" not in run.err, run.err[-2000:]
    assert run.code in (0, 1)
    assert "good.py" in run.json()["changed_files"]


# --- writes are safe ---------------------------------------------------------------------------


def test_fix_keeps_tabs_and_file_mode(tmp_path: Path) -> None:
    tabs = '"""Tabs."""\n\nimport os\n\n\ndef f(x):\n\tif x:\n\t\treturn 1\n\treturn 2\n'
    script = '#!/usr/bin/env python3\n"""Script."""\n\nimport sys\n\nprint("hi")\n'
    repo = make_repo(tmp_path / "repo", {"tabs.py": tabs, "script.py": script}, commit=False)
    (repo / "script.py").chmod(0o755)
    (repo / "tabs.py").chmod(0o640)
    commit_all(repo)
    _, payload = scan_json(repo, "--fix")
    assert sorted(payload["changed_files"]) == ["script.py", "tabs.py"]
    fixed_tabs = (repo / "tabs.py").read_text(encoding="utf-8")
    assert "import os" not in fixed_tabs
    assert fixed_tabs.endswith("\tif x:\n\t\treturn 1\n\treturn 2\n")
    assert "import sys" not in (repo / "script.py").read_text(encoding="utf-8")
    assert stat.S_IMODE((repo / "script.py").stat().st_mode) == 0o755
    assert stat.S_IMODE((repo / "tabs.py").stat().st_mode) == 0o640
    assert list(repo.glob(".heal-*.tmp")) == []


def test_symlink_stays_a_link_and_its_target_is_fixed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"real.py": FIXABLE_IMPORT}, commit=False)
    (repo / "link.py").symlink_to("real.py")
    commit_all(repo)
    scan_json(repo, "--fix")
    assert (repo / "link.py").is_symlink()
    assert os.readlink(repo / "link.py") == "real.py"
    fixed = (repo / "real.py").read_text(encoding="utf-8")
    assert "import os" not in fixed
    compiles(repo / "real.py")
    _, rescan = scan_json(repo)
    assert rescan["findings"] == []


def test_symlink_and_target_report_matches_a_rescan(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"real.py": FIXABLE_IMPORT}, commit=False)
    (repo / "link.py").symlink_to("real.py")
    commit_all(repo)
    run, payload = scan_json(repo, "--fix")
    rescan_run, rescan = scan_json(repo)
    assert [f for f in payload["findings"] if f["status"] in LEFT] == rescan["findings"]
    assert run.code == rescan_run.code


def test_symlink_pointing_outside_is_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text(FIXABLE_IMPORT, encoding="utf-8")
    repo = make_repo(tmp_path / "repo", {}, commit=False)
    (repo / "link.py").symlink_to("../outside.py")
    commit_all(repo)
    run = heal(repo, "link.py", "--fix", "--output-format", "json")
    assert run.code == 1, run.err
    assert outside.read_text(encoding="utf-8") == FIXABLE_IMPORT
    assert (repo / "link.py").is_symlink()
    [finding] = run.json()["findings"]
    assert (finding["code"], finding["status"]) == ("ruff:F401", "unfixable")
    assert "outside" in finding["fix"]


def test_concurrent_fix_runs_end_where_one_run_ends(tmp_path: Path) -> None:
    shared = copy_sample(tmp_path / "shared")
    alone = copy_sample(tmp_path / "alone")
    procs = [start_heal(shared, "--scan", ".", "--fix") for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in procs]
    for p in procs:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
    for code, err in results:
        assert code in (0, 1, 3), err
        assert "Traceback" not in err
    single = heal_process(alone, "--scan", ".", "--fix")
    assert single.code in (0, 1, 3), single.err
    assert snapshot(shared) == snapshot(alone)
    assert snapshot(shared) != snapshot(copy_sample(tmp_path / "pristine"))
    for path in python_files(shared):
        compiles(path)


# --- the command line ---------------------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    run = heal_process(tmp_path, "--version")
    assert (run.code, run.out.strip()) == (0, f"heal {healers.__version__}")


def test_no_arguments_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": CLEAN})
    run = heal(repo)
    assert run.code == 2
    assert run.err.startswith("usage: heal")
    assert run.out == ""


def test_files_and_scan_together_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": CLEAN})
    run = heal(repo, "a.py", "--scan", ".")
    assert run.code == 2
    assert "--scan" in run.err


def test_unknown_selector_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": CLEAN})
    run = heal(repo, "--scan", ".", "--select", "Styl e")
    assert run.code == 2
    assert "Styl e" in run.err


def test_fail_on_sets_the_lowest_priority_that_fails(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": ONLY_STYLE})
    run, payload = scan_json(repo)
    assert payload["findings"]
    assert {(f["category"], f["priority"]) for f in payload["findings"]} == {("style", "P3")}
    assert run.code == 1
    assert heal(repo, "--scan", ".", "--fail-on", "P0").code == 0
    assert heal(repo, "--scan", ".", "--fail-on", "P2").code == 0
    (repo / "pyproject.toml").write_text('[tool.healers]\nfail-on = "P1"\n', encoding="utf-8")
    assert heal(repo, "--scan", ".").code == 0
    assert heal(repo, "--scan", ".", "--fail-on", "P3").code == 1  # the command line wins


def test_exit_non_zero_on_fix(tmp_path: Path) -> None:
    plain = make_repo(tmp_path / "plain", {"a.py": ONLY_STYLE})
    flagged = make_repo(tmp_path / "flagged", {"a.py": ONLY_STYLE})
    assert heal(plain, "--scan", ".", "--fix").code == 0  # fixed, nothing left
    assert (plain / "a.py").read_text(encoding="utf-8") != ONLY_STYLE
    assert heal(flagged, "--scan", ".", "--fix", "--exit-non-zero-on-fix").code == 1
    assert snapshot(flagged) == snapshot(plain)
    assert heal(flagged, "--scan", ".", "--fix", "--exit-non-zero-on-fix").code == 0


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"ok.py": CLEAN}, 0, id="clean"),
        pytest.param({"a.py": ONLY_STYLE, "b.py": FIXABLE_IMPORT}, 1, id="fixable left"),
        pytest.param(
            {
                "run.py": '"""Runs a command."""\n\nimport subprocess\n\n\n'
                "def run(cmd: str) -> int:\n    return subprocess.call(cmd, shell=True)\n"
            },
            3,
            id="HIGH-severity bandit finding",
        ),
    ],
)
def test_exit_codes(tmp_path: Path, files: dict[str, str], expected: int) -> None:
    repo = make_repo(tmp_path / "repo", files)
    run, payload = scan_json(repo)
    findings = payload["findings"]
    high = [f for f in findings if f["code"].startswith("bandit:") and f["severity"] == "high"]
    if expected == 3:
        assert high and all(f["status"] == "blocked" for f in high), findings
    elif expected == 1:
        assert findings and not high
        assert all(f["status"] in LEFT for f in findings)
    else:
        assert findings == []
    assert run.code == expected, run.err


def test_github_annotations_escape_properties_and_message(tmp_path: Path) -> None:
    weird = "new\nline,a%b:c.py"  # a legal file name with every character that needs escaping
    percent = '"""Percent."""\n\nX = "%s %s" % (1,)\n'
    repo = make_repo(tmp_path / "repo", {weird: FIXABLE_IMPORT, "percent.py": percent})
    _, payload = scan_json(repo)
    run = heal(repo, "--scan", ".", "--output-format", "github")
    assert run.code == 1, run.err
    left = [f for f in payload["findings"] if f["status"] in LEFT]
    assert any(f["path"] == weird for f in left)
    assert any("%" in f["message"] for f in left)
    lines = run.out.splitlines()
    assert len(lines) == len(left)  # no raw newline leaked out of a value

    def unescape(value: str, codes: str) -> str:
        # one pass, so that an escaped "%" is never decoded twice
        table = {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}
        return re.sub(f"%({codes})", lambda m: table[m[1]], value)

    got = []
    for text in lines:
        match = ANNOTATION.fullmatch(text)
        assert match, text
        props = dict(item.split("=", 1) for item in match[2].split(","))
        assert "%" not in ESCAPED.sub("", match[3]), text
        path = unescape(props["file"], "25|0D|0A|3A|2C")
        got.append((path, int(props["line"]), unescape(match[3], "25|0D|0A")))
    for (path, line, body), f in zip(got, left, strict=True):
        assert (path, line) == (f["path"], f["line"])
        assert body.startswith(f["message"])


@pytest.mark.parametrize(
    ("env", "colored"),
    [
        pytest.param({"NO_COLOR": "1"}, False, id="NO_COLOR"),
        pytest.param({"FORCE_COLOR": "1"}, True, id="FORCE_COLOR"),
        pytest.param({}, False, id="a pipe, no setting"),
    ],
)
def test_color_follows_the_environment(tmp_path: Path, env: dict[str, str], colored: bool) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": ONLY_STYLE})
    run = heal_process(repo, "--scan", ".", env=heal_env(**env))
    assert run.code == 1, run.err
    assert "a.py" in run.out
    assert ("\x1b[" in run.out) is colored


def test_max_passes_reports_non_convergence_and_more_passes_finish(tmp_path: Path) -> None:
    # the builtin generics (UP006) leave `List` unused (F401), which only the next pass sees
    # (E401 + I001 no longer need two: I001's edit splits the line too and E401 goes with it)
    source = "from typing import List\n\n\ndef f(x: List[int]) -> List[int]:\n    return x\n"
    pyproject = '[project]\nname = "m"\nrequires-python = ">=3.10"\n'
    repo = make_repo(tmp_path / "repo", {"m.py": source, "pyproject.toml": pyproject})
    one = heal(repo, "--scan", ".", "--fix", "--max-passes", "1", "--output-format", "json")
    notes = one.json()["notes"]
    assert any("did not converge within 1 passes" in note for note in notes), notes
    assert any(f["status"] == "fixable" for f in one.json()["findings"])
    more = heal(repo, "--scan", ".", "--fix", "--output-format", "json")
    assert [n for n in more.json()["notes"] if "declares no Python" not in n] == []
    healed = (repo / "m.py").read_text(encoding="utf-8")
    assert healed == "\n\ndef f(x: list[int]) -> list[int]:\n    return x\n"  # ruff's F401
