"""`heal init github` and action.yml: the workflow validates against GitHub's workflow schema
(check-jsonschema's built-in copy), and its shell steps, run locally in a clone, leave the SARIF
exactly where the upload step looks for it."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import REPO, commit_all, copy_sample, git, heal, make_repo
from tests.report.sarif_test import github_errors, schema_errors

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

_TEST_ACTION_STEPS_RUN_LOCALLY_PATTERN = re.compile(r"\$\{\{ inputs\.([\w-]+) \}\}")

PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
SOURCE = "https://github.com/example/healers@" + "0123456789abcdef" * 2 + "01234567"


def check_schema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps_of(workflow: dict[Any, Any], name: str = "scan") -> list[dict[str, Any]]:
    """The steps of job `name`, or of the only job of a workflow that has one (ci.yml)."""
    jobs = workflow["jobs"]
    (job,) = jobs.values() if len(jobs) == 1 else (jobs[name],)
    steps = job["steps"]
    assert isinstance(steps, list)
    return steps


def step_using(steps: list[dict[str, Any]], action: str) -> dict[str, Any]:
    (step,) = [s for s in steps if s.get("uses", "").startswith(action + "@")]
    return step


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "app", {"app.py": "X = 1\n"})
    run = heal(repo, "init", "github", "--source", SOURCE)
    assert run.code == 0, run.err
    assert "wrote" in run.out
    return repo / ".github" / "workflows" / "heal.yml"


def test_generated_workflow_validates_against_the_github_workflow_schema(generated):
    checked = check_schema("vendor.github-workflows", generated)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_schema_check_can_fail(generated):
    broken = generated.read_text().replace("workflow_dispatch:", "workflow_dispatched:")
    generated.write_text(broken)
    assert check_schema("vendor.github-workflows", generated).returncode == 1


def test_generated_workflow_keeps_the_conventions(generated):
    workflow = load(generated)
    on = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    (schedule,) = on["schedule"]
    minute = schedule["cron"].split()[0]
    assert minute not in ("0", "00", "*")  # off the hour
    assert "workflow_dispatch" in on
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["scan"]["permissions"] == {"contents": "read", "security-events": "write"}
    assert jobs["fix"]["permissions"]["contents"] == "write"  # each category's branch
    assert jobs["fix"]["strategy"]["matrix"]["category"] == [
        "style",
        "import",
        "type",
        "performance",
        "security",
    ]
    assert jobs["decisions"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    for job in jobs.values():
        for step in job["steps"]:
            assert "uses" not in step or PINNED.match(step["uses"]), step["uses"]
    assert jobs["scan"]["if"] == "github.event_name != 'pull_request'"
    assert jobs["fix"]["if"] == jobs["decisions"]["if"] == jobs["scan"]["if"]
    steps = steps_of(workflow)
    assert step_using(steps, "actions/checkout")["with"]["persist-credentials"] is False
    scan = next(s for s in steps if "heal --scan" in s.get("run", ""))
    assert "--fix --output-format sarif --output-file heal.sarif" in scan["run"]
    upload = step_using(steps, "github/codeql-action/upload-sarif")
    assert upload["with"]["sarif_file"] == "heal.sarif"
    assert "hashFiles('heal.sarif')" in upload["if"]
    pull = step_using(steps_of(workflow, "fix"), "peter-evans/create-pull-request")
    assert pull["with"]["add-paths"] == "*.py"
    assert pull["with"]["branch"] == "heal/${{ matrix.category }}"  # one per category
    assert pull["with"]["body-path"] == "heal-pr.md"
    draft = step_using(steps_of(workflow, "decisions"), "peter-evans/create-pull-request")
    assert draft["with"]["draft"] is True


def untrusted_steps(workflow: dict[Any, Any], name: str) -> list[dict[str, Any]]:
    """The steps of pull-request job `name`, once it is seen to run only on pull requests,
    untrusted, with a read-only token and pinned actions."""
    assert "pull_request" in workflow[True]
    job = workflow["jobs"][name]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert job["permissions"] == {"contents": "read"}
    assert job["env"] == {"HEAL_UNTRUSTED": "1"}
    steps = steps_of(workflow, name)
    for step in steps:
        assert "uses" not in step or PINNED.match(step["uses"]), step["uses"]
    return steps


def test_the_pull_request_job_runs_heal_untrusted_and_read_only(generated):
    """Issue 11: a pull request's code is not trusted, so its job is HEAL_UNTRUSTED=1 (no mypy
    plugins, no verify-cmd, no cache from the repository), reads only, and installs only heal."""
    workflow = load(generated)
    steps = untrusted_steps(workflow, "check")
    assert step_using(steps, "actions/checkout")["with"]["persist-credentials"] is False
    runs = " ".join(s.get("run", "") for s in steps)
    assert f"pip install 'healers @ git+{SOURCE}'" in runs and "-r " not in runs  # the pinned heal
    assert "heal --scan --output-format github" in runs and "--fix" not in runs


def test_init_refuses_to_overwrite_without_force(generated):
    repo = generated.parents[2]
    generated.write_text("# mine\n")
    again = heal(repo, "init", "github")
    assert again.code == 2
    assert "--force" in again.err
    assert generated.read_text() == "# mine\n"
    forced = heal(repo, "init", "github", "--force", "--cron", "41 5 * * 3", "--source", SOURCE)
    assert forced.code == 0, forced.err
    assert '"41 5 * * 3"' in generated.read_text()
    assert heal(repo, "init", "github", "--force", "--cron", "daily").code == 2
    assert heal(repo, "init", "gitlab").code == 2


def test_action_yml_validates_and_pins_its_actions():
    checked = check_schema("vendor.github-actions", REPO / "action.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    action = load(REPO / "action.yml")
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        assert "uses" not in step or PINNED.match(step["uses"]), step["uses"]
        assert "${{" not in step.get("run", "")  # inputs reach the shell through env only


def test_this_repositorys_workflows_are_current_and_valid(tmp_path):
    """.github/workflows/heal.yml is `heal init github` output (its header names the options);
    ci.yml runs .ci/run."""
    ours = REPO / ".github" / "workflows" / "heal.yml"
    header = re.match(r"# Written by `heal init github(.*?)`", ours.read_text())
    assert header, "heal.yml does not say how it was generated"
    repo = make_repo(tmp_path / "again", {})
    assert heal(repo, "init", "github", *shlex.split(header.group(1))).code == 0
    regenerated = (repo / ".github" / "workflows" / "heal.yml").read_text()
    assert ours.read_text() == regenerated, "stale: regenerate with the command in its header"
    for name in ("heal.yml", "ci.yml"):
        checked = check_schema("vendor.github-workflows", REPO / ".github" / "workflows" / name)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    ci = steps_of(load(REPO / ".github" / "workflows" / "ci.yml"))
    assert any(s.get("run", "").strip() == "bash .ci/run" for s in ci)


# --- the steps, run locally ---------------------------------------------------------------------


def run_step(script: str, workspace: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A `run:` step as GitHub runs it on Linux: bash --noprofile --norc -eo pipefail."""
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=workspace,
        env={**env, "GITHUB_WORKSPACE": str(workspace)},
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_workflow_steps_run_locally_and_the_sarif_lands_where_upload_looks(
    tmp_path, healers_copy, offline_pip, runner_python
):
    """The install step is the pinned one `init` writes (a git repository at a full commit),
    and it installs heal, offline, from the local repository."""
    workspace = copy_sample(tmp_path / "workspace")  # what actions/checkout leaves
    commit = git(healers_copy, "rev-parse", "HEAD").strip()
    source = f"file://{healers_copy}@{commit}"
    init = heal(workspace, "init", "github", "--source", source)
    assert init.code == 0, init.err
    commit_all(workspace, "add the heal workflow")
    steps = steps_of(load(workspace / ".github" / "workflows" / "heal.yml"))
    (install,) = [s["run"] for s in steps if s.get("name") == "Install heal"]
    assert install.strip() == (
        f"python -m pip install 'healers @ git+file://localhost{healers_copy}@{commit}'"
    )
    env = {**offline_pip, "PATH": f"{runner_python}:{offline_pip['PATH']}"}
    for step in steps:
        if "run" in step:
            done = run_step(step["run"], workspace, env)
            assert done.returncode == 0, f"{step.get('name')}: {done.stdout}{done.stderr}"

    upload = step_using(steps, "github/codeql-action/upload-sarif")
    sarif_path = workspace / upload["with"]["sarif_file"]
    assert sarif_path.is_file()  # hashFiles() sees it: it is under GITHUB_WORKSPACE
    log = json.loads(sarif_path.read_text(encoding="utf-8"))
    assert schema_errors(log) == []
    assert github_errors(log, workspace) == []

    # the HTML report is where upload-artifact looks: this run's dashboard, heals and all
    artifact = step_using(steps, "actions/upload-artifact")
    report = workspace / artifact["with"]["path"]
    assert "hashFiles" in artifact["if"] and report.is_file()
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "2 run(s) recorded" in page  # fix, then scan
    assert 'class="status fixed"' in page and "<script src=" not in page

    # a category's job: its fixes are there for create-pull-request, its add-paths take them and
    # nothing else, and heal pr-plan and pr-body say what to do and what to write (gh offline)
    job = tmp_path / "fix-style"
    git(tmp_path, "clone", "-q", str(workspace), str(job))
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "gh").write_text(FAKE_GH)
    (fake / "gh").chmod(0o755)
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    fix_env = {
        **env,
        "PATH": f"{fake}:{env['PATH']}",
        "CATEGORY": "style",
        "FORCED": "false",
        "GITHUB_OUTPUT": str(outputs),
    }
    fix_steps = steps_of(load(workspace / ".github" / "workflows" / "heal.yml"), "fix")
    (plan,) = [s for s in fix_steps if s.get("id") == "plan"]
    done = run_step(plan["run"], job, fix_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs.read_text() == "action=open\nnumber=\n"
    assert (job / "heal-pr.md").read_text().startswith("## heal: style fixes")
    pull = step_using(fix_steps, "peter-evans/create-pull-request")
    git(job, "add", "--", *pull["with"]["add-paths"].split())
    staged = git(job, "diff", "--cached", "--name-only").split()
    assert staged and all(p.endswith(".py") for p in staged), staged
    assert "heal-fix.json" not in staged and "heal-pr.md" not in staged


FAKE_GH = """#!/bin/sh
# gh as the plan step calls it, offline: no pull requests yet, no earlier run
case "$1 $2" in
  "pr list") echo "[]" ;;
  "run list") echo "" ;;
  *) echo "unexpected: gh $*" >&2; exit 1 ;;
esac
"""


def test_action_steps_run_locally(tmp_path, healers_copy, offline_pip, runner_python):
    workspace = copy_sample(tmp_path / "workspace")
    action = load(healers_copy / "action.yml")
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    env = {
        **offline_pip,
        "PATH": f"{runner_python}:{offline_pip['PATH']}",
        "GITHUB_ACTION_PATH": str(healers_copy),
        "GITHUB_OUTPUT": str(outputs),
    }
    for step in action["runs"]["steps"]:
        if "run" not in step:
            continue  # setup-python is skipped by default (python-version is empty)
        for key, value in step.get("env", {}).items():
            name = _TEST_ACTION_STEPS_RUN_LOCALLY_PATTERN.fullmatch(value)
            assert name, value
            env[key] = inputs[name.group(1)]
        done = run_step(step["run"], workspace, env)
        assert done.returncode == 0, f"{step.get('name')}: {done.stdout}{done.stderr}"
    assert outputs.read_text() == "exit-code=3\n"  # the sample's HIGH findings wait for a human
    log = json.loads((workspace / inputs["sarif-file"]).read_text(encoding="utf-8"))
    assert schema_errors(log) == []
