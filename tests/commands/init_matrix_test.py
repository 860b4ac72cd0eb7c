"""`heal init github` past one machine: the install source it pins (or refuses), and the matrix
workflow of --shards N, checked against GitHub's schema and run job by job locally: N shard jobs,
then the merge job, give the single run's SARIF and fixed tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from healers.pullrequests import CATEGORIES
from tests.commands.init_test import FAKE_GH, PINNED, SOURCE, check_schema, load, run_step
from tests.helpers import commit_all, copy_sample, git, heal, make_repo

pytestmark = pytest.mark.slow  # git, pip and heal end to end


def test_init_refuses_a_source_it_cannot_pin(tmp_path):
    """This heal is an editable install of a folder (or, seen from the checkout, its
    egg-info, which records no source): nothing a runner could fetch."""
    repo = make_repo(tmp_path / "app", {"app.py": "X = 1\n"})
    run = heal(repo, "init", "github")
    assert run.code == 2
    assert "heal was installed from" in run.err
    assert "--source GIT_URL@COMMIT" in run.err and "--index-url" in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert not (repo / ".github").exists()
    named = heal(repo, "init", "github", "--install", "healers==0.1.0")
    assert named.code == 2 and "PyPI" in named.err
    assert heal(repo, "init", "github", "--source", SOURCE, "--shards", "0").code == 2


def test_the_installed_heal_reads_its_pep_610_record(tmp_path, healers_copy, offline_pip):
    """heal installed from a git repository knows the commit (direct_url.json); a local one is
    still refused, by name, since a runner cannot reach it."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    commit = git(healers_copy, "rev-parse", "HEAD").strip()
    spec = f"healers @ git+file://localhost{healers_copy}@{commit}"
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", spec],
        env=offline_pip,
        capture_output=True,
        text=True,
        check=False,
    )
    assert pip.returncode == 0, pip.stderr
    repo = make_repo(tmp_path / "app", {"app.py": "X = 1\n"})
    run = subprocess.run(
        [str(venv / "bin" / "heal"), "init", "github"],
        cwd=repo,
        env=offline_pip,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert f"local repository file://localhost{healers_copy}" in run.stderr, run.stderr
    assert "--source GIT_URL@COMMIT" in run.stderr


@pytest.fixture
def matrix(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "app", {"app.py": "X = 1\n"})
    run = heal(repo, "init", "github", "--source", SOURCE, "--shards", "3")
    assert run.code == 0, run.err
    return repo / ".github" / "workflows" / "heal.yml"


def test_matrix_workflow_validates_and_keeps_the_conventions(matrix):
    checked = check_schema("vendor.github-workflows", matrix)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    workflow = load(matrix)
    assert workflow["permissions"] == {}
    shard, merge = workflow["jobs"]["shard"], workflow["jobs"]["merge"]
    assert shard["strategy"]["matrix"]["shard"] == [1, 2, 3]
    assert shard["strategy"]["fail-fast"] is False
    assert shard["permissions"] == {"contents": "read"}  # the shards write nothing anywhere
    assert merge["needs"] == "shard"
    assert merge["permissions"] == {"contents": "read", "security-events": "write"}
    fix, decisions = workflow["jobs"]["fix"], workflow["jobs"]["decisions"]
    assert fix["needs"] == decisions["needs"] == "shard"  # the shards' artifacts
    assert fix["strategy"]["matrix"]["category"] == list(CATEGORIES)  # one pull request each
    assert fix["permissions"]["contents"] == "write"
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "uses" not in step or PINNED.match(step["uses"]), step["uses"]
    uploads = [s for s in merge["steps"] if "upload-sarif" in s.get("uses", "")]
    assert len(uploads) == 1  # the SARIF is uploaded once, merged
    assert "--shards 3" in matrix.read_text().splitlines()[0]


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    found = workflow["jobs"][job]["steps"]
    assert isinstance(found, list)
    return found


def _run_steps(job: list[dict[str, Any]], workspace: Path, env: dict[str, str]) -> None:
    for step in job:
        if "run" in step:
            done = run_step(step["run"], workspace, env)
            assert done.returncode == 0, f"{step.get('name')}: {done.stdout}{done.stderr}"


def test_matrix_jobs_run_locally_and_give_the_single_runs_reports_and_trees(
    tmp_path, healers_copy, offline_pip
):
    """The shard jobs, then each job after them in its own clone with the shards' artifacts
    downloaded: the merge job gives the single run's SARIF and fixed tree, a category's job the
    single workflow's tree and pull-request body for that category, the draft its body."""
    origin = copy_sample(tmp_path / "origin")
    commit = git(healers_copy, "rev-parse", "HEAD").strip()
    init = heal(
        origin, "init", "github", "--source", f"file://{healers_copy}@{commit}", "--shards", "2"
    )
    assert init.code == 0, init.err
    commit_all(origin, "add the heal workflow")
    workflow = load(origin / ".github" / "workflows" / "heal.yml")
    venv = tmp_path / "runner"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    env = {**offline_pip, "PATH": f"{venv / 'bin'}:{offline_pip['PATH']}"}
    env.pop("VIRTUAL_ENV", None)  # a runner has no active venv: the test's own would be mypy's
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    (upload,) = [s for s in steps(workflow, "shard") if "upload-artifact" in s.get("uses", "")]
    for k in (1, 2):  # each shard job: its own checkout; its artifact goes to the later jobs
        job = tmp_path / f"shard{k}"
        git(tmp_path, "clone", "-q", str(origin), str(job))
        _run_steps(steps(workflow, "shard"), job, {**env, "SHARD": str(k)})
        assert git(job, "status", "--porcelain", "--untracked-files=no") == ""  # restored
        pattern = upload["with"]["path"].replace("${{ matrix.shard }}", str(k))
        uploaded = sorted(job.glob(pattern))
        assert len(uploaded) == 2 * (2 + len(CATEGORIES)), uploaded  # scan, fix, each category
        for path in uploaded:
            shutil.copy(path, artifacts)

    def checkout(name: str) -> Path:
        """A job's clone, the shards' artifacts where download-artifact puts them."""
        workspace = tmp_path / name
        git(tmp_path, "clone", "-q", str(origin), str(workspace))
        shutil.copytree(artifacts, workspace / "heal-shards")
        return workspace

    def single(name: str, script: str) -> Path:
        """The single run, with the runner's heal: the same environment as the jobs' (mypy's
        stubs)."""
        workspace = tmp_path / name
        git(tmp_path, "clone", "-q", str(origin), str(workspace))
        done = run_step(script, workspace, env)
        assert done.returncode in (0, 1, 3), done.stdout + done.stderr
        return workspace

    merged = checkout("merge")
    _run_steps(steps(workflow, "merge"), merged, env)
    alone = single("single", "heal --scan --fix --output-format sarif --output-file heal.sarif")
    assert (merged / "heal.sarif").read_text() == (alone / "heal.sarif").read_text()
    assert_same_tree(merged, alone)

    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "gh").write_text(FAKE_GH)
    (fake / "gh").chmod(0o755)
    for category in ("style", "import"):  # one pull request each, as the single workflow's
        job = checkout(f"fix-{category}")
        outputs = tmp_path / f"output-{category}"
        outputs.write_text("")
        plan_env = {
            **env,
            "PATH": f"{fake}:{env['PATH']}",
            "CATEGORY": category,
            "FORCED": "false",
            "GITHUB_OUTPUT": str(outputs),
        }
        (plan,) = [s for s in steps(workflow, "fix") if s.get("id") == "plan"]
        done = run_step(plan["run"], job, plan_env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert outputs.read_text().startswith("action=open\n")
        alone = single(
            f"single-{category}",
            f"heal --scan --fix --select {category} --output-format json --output-file r.json"
            " || true\n"
            f"heal pr-body r.json --category {category} --close-after-days 14 > heal-pr.md",
        )
        assert_same_tree(job, alone)
        assert (job / "heal-pr.md").read_text() == (alone / "heal-pr.md").read_text()

    draft = checkout("decisions")
    (plan,) = [s for s in steps(workflow, "decisions") if s.get("id") == "plan"]
    outputs = tmp_path / "output-decisions"
    outputs.write_text("")
    done = run_step(
        plan["run"], draft, {**env, "PATH": f"{fake}:{env['PATH']}", "GITHUB_OUTPUT": str(outputs)}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    alone = single(
        "single-decisions",
        "heal --scan --output-format json --output-file r.json || true\n"
        "mkdir -p .heal && heal pr-body r.json --category decisions > .heal/decisions.md",
    )
    assert (draft / ".heal/decisions.md").read_text() == (alone / ".heal/decisions.md").read_text()


def assert_same_tree(job: Path, single: Path) -> None:
    for path in sorted(single.rglob("*.py")):
        rel = path.relative_to(single)
        assert (job / rel).read_bytes() == path.read_bytes(), rel
