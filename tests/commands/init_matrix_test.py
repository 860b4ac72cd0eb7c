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

from tests.commands.init_test import PINNED, SOURCE, check_schema, load, run_step
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
    assert set(merge["permissions"]) == {"contents", "pull-requests", "security-events"}
    for job in (shard, merge):
        for step in job["steps"]:
            assert "uses" not in step or PINNED.match(step["uses"]), step["uses"]
    uploads = [s for s in merge["steps"] if "upload-sarif" in s.get("uses", "")]
    assert len(uploads) == 1  # the SARIF is uploaded once, merged
    assert "--shards 3" in matrix.read_text().splitlines()[0]


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    found = workflow["jobs"][job]["steps"]
    assert isinstance(found, list)
    return found


def test_matrix_jobs_run_locally_and_give_the_single_runs_sarif_and_tree(
    tmp_path, healers_copy, offline_pip
):
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
    merge_ws = tmp_path / "merge"
    git(tmp_path, "clone", "-q", str(origin), str(merge_ws))
    downloads = merge_ws / "heal-shards"
    downloads.mkdir()
    for k in (1, 2):  # each shard job: its own checkout; its artifact goes to the merge job
        job = tmp_path / f"shard{k}"
        git(tmp_path, "clone", "-q", str(origin), str(job))
        for step in steps(workflow, "shard"):
            if "run" in step:
                done = run_step(step["run"], job, {**env, "SHARD": str(k)})
                assert done.returncode == 0, f"{step.get('name')}: {done.stdout}{done.stderr}"
        for suffix in ("json", "patch"):
            shutil.copy(job / f"heal-shard-{k}.{suffix}", downloads)
    for step in steps(workflow, "merge"):
        if "run" in step:
            done = run_step(step["run"], merge_ws, env)
            assert done.returncode == 0, f"{step.get('name')}: {done.stdout}{done.stderr}"
    single = tmp_path / "single"
    git(tmp_path, "clone", "-q", str(origin), str(single))
    # the single run with the runner's heal: the same environment as the jobs' (mypy's stubs)
    script = f"heal --scan --fix --output-format sarif --output-file {tmp_path / 'single.sarif'}"
    alone = run_step(script, single, env)
    assert alone.returncode == 3, alone.stdout + alone.stderr
    assert (merge_ws / "heal.sarif").read_text() == (tmp_path / "single.sarif").read_text()
    for path in sorted(single.rglob("*.py")):
        rel = path.relative_to(single)
        assert (merge_ws / rel).read_bytes() == path.read_bytes(), rel
