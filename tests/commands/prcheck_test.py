"""`heal init github --pr-check`: the pull-request job is the hook's gate. It validates against
GitHub's schema, stays untrusted and read-only, and its steps, run locally in a clone of a real
remote, fail a branch that adds a finding on a line it changes and pass one that only touches clean
lines beside old findings (the base resolved as `origin/<base_ref>`, then the merge base)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.commands.init_test import (
    SOURCE,
    check_schema,
    load,
    run_step,
    step_using,
    steps_of,
    untrusted_steps,
)
from tests.helpers import commit_all, git, heal, make_repo

pytestmark = pytest.mark.slow  # git, pip and heal end to end

OLD = "import os\n\n\ndef answer():\n    return 1\n"  # ruff F401 on line 1: an old finding


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "app", {"app.py": "X = 1\n"})
    run = heal(repo, "init", "github", "--pr-check", "--source", SOURCE)
    assert run.code == 0, run.err
    return repo / ".github" / "workflows" / "heal.yml"


def test_the_pr_check_workflow_validates_against_the_github_workflow_schema(generated):
    checked = check_schema("vendor.github-workflows", generated)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert generated.read_text().startswith("# Written by `heal init github --source ")
    assert "--pr-check`" in generated.read_text().splitlines()[0]  # `init` again gives it


def test_the_matrix_workflow_takes_the_gate_too(tmp_path):
    repo = make_repo(tmp_path / "app", {"app.py": "X = 1\n"})
    run = heal(repo, "init", "github", "--pr-check", "--shards", "2", "--source", SOURCE)
    assert run.code == 0, run.err
    generated = repo / ".github" / "workflows" / "heal.yml"
    checked = check_schema("vendor.github-workflows", generated)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    workflow = load(generated)
    untrusted_steps(workflow, "pr-check")
    for name, job in workflow["jobs"].items():  # the scheduled jobs stay off pull requests
        if name != "pr-check":
            assert job["if"] == "github.event_name != 'pull_request'", name


def test_the_pr_check_job_is_untrusted_read_only_and_sees_the_merge_base(generated):
    workflow = load(generated)
    jobs = workflow["jobs"]
    assert "check" not in jobs  # the gate replaces the report-only check: one set of annotations
    steps = untrusted_steps(workflow, "pr-check")
    checkout = step_using(steps, "actions/checkout")["with"]
    assert checkout == {"persist-credentials": False, "fetch-depth": 0}
    runs = " ".join(s.get("run", "") for s in steps)
    assert f"pip install 'healers @ git+{SOURCE}'" in runs and "-r " not in runs
    gate = steps[-1]
    assert gate["env"] == {"BASE_REF": "${{ github.base_ref }}"}  # reaches the shell as data
    assert "${{" not in gate["run"]
    assert '--since "$base" --output-format github' in gate["run"] and "--fix" not in runs
    assert "|| rc=" not in gate["run"]  # every non-zero exit fails the check
    for name in ("scan", "fix", "decisions"):  # the scheduled jobs stay off pull requests
        assert jobs[name]["if"] == "github.event_name != 'pull_request'"


def _remote(tmp_path: Path, source: str) -> Path:
    """A bare `origin`: main has an old finding and the --pr-check workflow; `bad` adds a finding
    on a line it writes, `good` changes a clean line beside the old one; main then moves on with
    a finding of its own, which neither pull request changes."""
    up = make_repo(tmp_path / "upstream", {"app.py": OLD}, commit=False)
    git(up, "checkout", "-q", "-b", "main")
    assert heal(up, "init", "github", "--pr-check", "--source", source).code == 0
    commit_all(up, "app and the heal workflow")
    git(up, "checkout", "-q", "-b", "bad")
    (up / "app.py").write_text(OLD.replace("import os\n", "import os\nimport sys\n"))
    commit_all(up, "an unused import on a new line")
    git(up, "checkout", "-q", "-b", "good", "main")
    (up / "app.py").write_text(OLD.replace("return 1", "return 2"))
    commit_all(up, "a clean line changed beside the old finding")
    git(up, "checkout", "-q", "main")
    (up / "later.py").write_text("import json\n")
    commit_all(up, "main moves on")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(up), str(origin))
    return origin


def _pull_request(tmp_path: Path, origin: Path, branch: str) -> Path:
    """What actions/checkout leaves for a pull request with fetch-depth 0: every branch as
    origin/<name>, and the merge commit GitHub makes (refs/pull/N/merge) checked out."""
    workspace = tmp_path / f"pr-{branch}"
    git(tmp_path, "clone", "-q", str(origin), str(workspace))
    git(workspace, "checkout", "-q", "--detach", "origin/main")
    git(workspace, "merge", "-q", "--no-ff", "-m", f"Merge {branch} into main", f"origin/{branch}")
    return workspace


def _gate(steps: list[dict[str, Any]], workspace: Path, env: dict[str, str], *, install: bool):
    done = None
    for step in steps:
        if "run" not in step or (step.get("name") == "Install heal" and not install):
            continue
        step_env = {
            k: v.replace("${{ github.base_ref }}", "main") for k, v in step.get("env", {}).items()
        }
        done = run_step(step["run"], workspace, {**env, **step_env})
        if step.get("name") == "Install heal":
            assert done.returncode == 0, done.stdout + done.stderr
    assert done is not None
    return done


def test_pr_check_steps_fail_a_new_finding_and_pass_a_clean_change(
    tmp_path, healers_copy, offline_pip, runner_python
):
    commit = git(healers_copy, "rev-parse", "HEAD").strip()
    origin = _remote(tmp_path, f"file://{healers_copy}@{commit}")
    bad = _pull_request(tmp_path, origin, "bad")
    workflow = load(bad / ".github" / "workflows" / "heal.yml")
    steps = steps_of(workflow, "pr-check")
    env = {
        **offline_pip,
        **workflow["jobs"]["pr-check"]["env"],
        "PATH": f"{runner_python}:{offline_pip['PATH']}",
    }
    refused = _gate(steps, bad, env, install=True)  # the pinned install, then the gate
    assert refused.returncode == 1, refused.stdout + refused.stderr
    (annotation,) = [line for line in refused.stdout.splitlines() if line.startswith("::")]
    assert "file=app.py,line=2," in annotation and "ruff%3AF401" in annotation  # `import sys`
    good = _pull_request(tmp_path, origin, "good")
    passed = _gate(steps, good, env, install=False)  # the same runner: heal is installed
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "::" not in passed.stdout  # app.py:1 and later.py:1 are older than the change
    # the same scan without the hold flags both old findings: the gate is what held them
    whole = run_step("heal --scan --output-format github", good, env)
    assert whole.returncode == 1
    assert {"file=app.py,line=1,", "file=later.py,line=1,"} <= {
        line.split(" ", 1)[1].split("col=")[0]
        for line in whole.stdout.splitlines()
        if line[:2] == "::"
    }


def test_the_gate_refuses_a_base_it_cannot_find(tmp_path):
    """No origin/<base_ref> (a checkout without fetch-depth 0): the step fails, it never passes
    a pull request unchecked."""
    repo = make_repo(tmp_path / "app", {"app.py": OLD})
    assert heal(repo, "init", "github", "--pr-check", "--source", SOURCE).code == 0
    gate = steps_of(load(repo / ".github" / "workflows" / "heal.yml"), "pr-check")[-1]
    done = run_step(
        gate["run"],
        repo,
        {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "BASE_REF": "main"},
    )
    assert done.returncode != 0
    assert "heal" not in done.stdout
