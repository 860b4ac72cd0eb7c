"""The hook as a newcomer meets it: real pre-commit installs this checkout's .pre-commit-hooks.yaml
into a git repository, and a real `git commit` runs it.

Offline: pre-commit installs the hook with `pip install .` into its own virtualenv. The wheels it
needs (setuptools to build healers, and healers' runtime dependencies) come from a wheelhouse
rebuilt from this environment's installed distributions (tests/wheelhouse.py, the `offline_pip`
fixture in conftest.py), with `PIP_NO_INDEX=1` and the machine's pip configuration switched off;
when `unshare -n` works, pre-commit and the commits also run without a network, which proves
nothing is fetched.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import GIT_USER, REPO, Run, git, make_repo

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

_HOOK_FAILED = re.compile(r"heal \(fix\)\.+Failed")

UNUSED_IMPORT = '"""Imports what it never uses."""\n\nimport os\n\nX = 1\n'
WEAK_HASH = (
    '"""Hashes with MD5: bandit B324, HIGH severity."""\n\nimport hashlib\n\n\n'
    "def digest(data: bytes) -> str:\n    return hashlib.md5(data).hexdigest()\n"
)


def _networkless() -> tuple[str, ...]:
    try:
        works = subprocess.run(["unshare", "-n", "true"], check=False, capture_output=True)
    except OSError:
        return ()
    return ("unshare", "-n") if works.returncode == 0 else ()


NETWORKLESS = _networkless()


@pytest.fixture(scope="session")
def hook_repo(healers_copy: Path) -> tuple[Path, str]:
    return healers_copy, git(healers_copy, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def hook_env(tmp_path_factory: pytest.TempPathFactory, offline_pip: dict[str, str]):
    """The environment for pre-commit: one PRE_COMMIT_HOME for the session (the hook's virtualenv
    is built once), pip pointed at the offline wheelhouse and at nothing else."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {**offline_pip, "PRE_COMMIT_HOME": str(home)}


def config(hook_repo: tuple[Path, str], *hook_ids: str) -> str:
    path, rev = hook_repo
    hooks = "".join(f"    -   id: {hook_id}\n" for hook_id in hook_ids)
    return f"repos:\n-   repo: {path}\n    rev: {rev}\n    hooks:\n{hooks}"


def project(root: Path, hook_repo: tuple[Path, str], env: dict[str, str], **files: str) -> Path:
    """A git repository with the hook installed and `files` staged, nothing committed yet."""
    cfg = config(hook_repo, "heal", "heal-check", "heal-scan")
    make_repo(root, {".pre-commit-config.yaml": cfg, **files}, commit=False)
    installed = pre_commit(root, env, "install")
    assert installed.code == 0, installed.out
    git(root, "add", "-A")
    return root


def pre_commit(repo: Path, env: dict[str, str], *args: str) -> Run:
    proc = subprocess.run(
        [*NETWORKLESS, sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    return Run(proc.returncode, proc.stdout + proc.stderr, "")


def commit(repo: Path, env: dict[str, str]) -> Run:
    """`git commit` as a user types it: git runs the installed pre-commit hook."""
    proc = subprocess.run(
        [*NETWORKLESS, "git", *GIT_USER, "commit", "-m", "change"],
        cwd=repo,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    return Run(proc.returncode, proc.stdout + proc.stderr, "")


def committed(repo: Path) -> bool:
    head = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=repo, check=False)
    return head.returncode == 0


def test_manifest_is_valid_and_follows_the_conventions(hook_env):
    checked = pre_commit(REPO, hook_env, "validate-manifest", ".pre-commit-hooks.yaml")
    assert checked.code == 0, checked.out
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"heal", "heal-check", "heal-scan", "heal-system"}
    for hook_id, hook in hooks.items():
        assert hook["language"] == ("system" if hook_id == "heal-system" else "python")
        assert hook["require_serial"] is True  # mypy is whole-program; heal keeps shared state
        assert hook["minimum_pre_commit_version"] == "3.2.0"
        assert hook["entry"].split()[0] == "heal"
    for hook_id in ("heal", "heal-check", "heal-system"):
        assert hooks[hook_id]["types_or"] == ["python", "pyi"]
    assert hooks["heal-system"]["entry"] == hooks["heal"]["entry"]
    assert "--fix" in hooks["heal"]["entry"].split()
    assert "--fix" not in hooks["heal-check"]["entry"].split()
    scan = hooks["heal-scan"]
    assert scan["entry"].split()[1] == "--scan"
    assert (scan["pass_filenames"], scan["always_run"], scan["stages"]) == (False, True, ["manual"])


def test_first_commit_is_refused_with_the_file_fixed_and_the_restaged_commit_passes(
    tmp_path, hook_repo, hook_env
):
    repo = project(tmp_path / "app", hook_repo, hook_env, **{"app.py": UNUSED_IMPORT})
    first = commit(repo, hook_env)
    assert first.code == 1, first.out
    assert re.search(r"heal \(fix\)\.+Failed", first.out), first.out
    assert "files were modified by this hook" in first.out
    assert "ruff:F401" in first.out
    assert not committed(repo)
    fixed = (repo / "app.py").read_text()
    assert "import os" not in fixed
    assert "X = 1" in fixed

    git(repo, "add", "app.py")
    second = commit(repo, hook_env)
    assert second.code == 0, second.out
    assert re.search(r"heal \(fix\)\.+Passed", second.out), second.out
    assert git(repo, "show", "HEAD:app.py") == fixed


def test_a_high_severity_finding_refuses_the_commit_and_says_what_to_do(
    tmp_path, hook_repo, hook_env
):
    repo = project(tmp_path / "app", hook_repo, hook_env, **{"digest.py": WEAK_HASH})
    for _ in range(2):  # fails closed: a second try without a decision is refused the same way
        refused = commit(repo, hook_env)
        assert refused.code == 1, refused.out
        assert _HOOK_FAILED.search(refused.out), refused.out
        assert "exit code: 3" in refused.out  # heal's "blocked on a human"
        assert "bandit:B324" in refused.out
        assert "blocked until a human decides" in refused.out
        assert "heal approve" in refused.out, refused.out
        assert not committed(repo)
        assert (repo / "digest.py").read_text() == WEAK_HASH  # never fixed silently


def test_after_the_printed_approval_the_commit_passes(tmp_path, hook_repo, hook_env):
    repo = project(tmp_path / "app", hook_repo, hook_env, **{"digest.py": WEAK_HASH})
    refused = commit(repo, hook_env)
    assert refused.code == 1, refused.out
    printed = re.search(r"heal (approve [^\n]+)", refused.out)
    assert printed, refused.out
    approved = subprocess.run(
        # the printed line is for a shell: what follows `#` is a comment
        [sys.executable, "-m", "healers", *shlex.split(printed.group(1), comments=True)],
        cwd=repo,
        env=hook_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert approved.returncode == 0, approved.stdout + approved.stderr
    git(repo, "add", "-A")
    passed = commit(repo, hook_env)
    assert passed.code == 0, passed.out
    assert committed(repo)


def test_check_hook_reports_without_changing_and_scan_runs_on_the_manual_stage(
    tmp_path, hook_repo, hook_env
):
    repo = project(tmp_path / "app", hook_repo, hook_env, **{"app.py": UNUSED_IMPORT})
    checked = pre_commit(repo, hook_env, "run", "heal-check", "--all-files")
    assert checked.code == 1, checked.out
    assert "ruff:F401" in checked.out
    assert "files were modified" not in checked.out
    assert (repo / "app.py").read_text() == UNUSED_IMPORT

    not_on_commit = pre_commit(repo, hook_env, "run", "heal-scan")
    assert "No hook with id `heal-scan` in stage `pre-commit`" in not_on_commit.out
    scanned = pre_commit(repo, hook_env, "run", "heal-scan", "--hook-stage", "manual")
    assert scanned.code == 1, scanned.out
    assert re.search(r"heal \(whole repository\)\.+Failed", scanned.out), scanned.out
    assert "app.py:3:8: ruff:F401" in scanned.out


# --- issue 11, item 2: file names are never options -------------------------------------------

HOSTILE_NAMES = (
    "--verify-cmd=touch PWNED #.py",
    "--output-file=victim.py",
)
# no .py: pre-commit passes it for its python shebang (identify's tags), so no suffix rule helps
HOSTILE_SCRIPT = "--verify-cmd=touch PWNED2 #"
SHEBANG = "#!/usr/bin/env python3\nX = 1\n"
VICTIM = '"""Must not be overwritten by a report."""\n\nV = 1\n'


def config_with_args(hook_repo: tuple[Path, str], hook_id: str, args: list[str]) -> str:
    path, rev = hook_repo
    listed = ", ".join(f'"{a}"' for a in args)
    return (
        f"repos:\n-   repo: {path}\n    rev: {rev}\n    hooks:\n"
        f"    -   id: {hook_id}\n        args: [{listed}]\n"
    )


def hostile_project(root: Path, hook_repo, env, config_text: str | None = None) -> Path:
    files = dict.fromkeys(HOSTILE_NAMES, "X = 1\n")
    files.update({HOSTILE_SCRIPT: SHEBANG, "baseline": SHEBANG, "victim.py": VICTIM})
    repo = project(root, hook_repo, env, **{"app.py": UNUSED_IMPORT}, **files)
    for script in (HOSTILE_SCRIPT, "baseline"):
        (repo / script).chmod(0o755)
    if config_text is not None:
        (repo / ".pre-commit-config.yaml").write_text(config_text, encoding="utf-8")
    git(repo, "add", "-A")
    return repo


def assert_nothing_ran(repo: Path, out: str) -> None:
    assert not (repo / "PWNED").exists(), out
    assert not (repo / "PWNED2").exists(), out
    assert (repo / "victim.py").read_text() == VICTIM, out
    assert not (repo / ".heal" / "baseline.json").exists(), out


def test_staged_file_names_are_files_not_options_under_real_pre_commit(
    tmp_path, hook_repo, hook_env
):
    repo = hostile_project(tmp_path / "app", hook_repo, hook_env)
    first = commit(repo, hook_env)
    assert first.code == 1, first.out
    assert "ruff:F401" in first.out  # app.py was checked and fixed
    assert_nothing_ran(repo, first.out)
    checked = pre_commit(repo, hook_env, "run", "heal-check", "--all-files")
    assert checked.code == 0, checked.out  # app.py is fixed now; `baseline` is a file to check
    assert_nothing_ran(repo, checked.out)


def test_users_args_keep_working_beside_hostile_file_names_under_real_pre_commit(
    tmp_path, hook_repo, hook_env
):
    args = ["--config", "heal.toml", "--verify-cmd", "touch VERIFIED"]
    repo = hostile_project(
        tmp_path / "app", hook_repo, hook_env, config_with_args(hook_repo, "heal", args)
    )
    (repo / "heal.toml").write_text("max-passes = 2\n", encoding="utf-8")  # an existing file
    git(repo, "add", "-A")
    first = commit(repo, hook_env)
    assert first.code == 1, first.out
    assert "error" not in first.out.lower(), first.out
    assert (repo / "VERIFIED").exists(), first.out  # the user's --verify-cmd ran
    assert "import os" not in (repo / "app.py").read_text()
    assert_nothing_ran(repo, first.out)


OLD = (
    '"""An old module: an unused import and a HIGH-severity MD5 heal has never seen."""\n\n'
    "import hashlib\nimport os\n\nLIMIT = 1\n\n\n"
    "def digest(data: bytes) -> str:\n    return hashlib.md5(data).hexdigest()\n"
)


def test_an_adopted_repository_holds_the_line_under_pre_commit(tmp_path, hook_repo, hook_env):
    """A clean change to a file with old findings passes and the file is not rewritten; a new
    finding on a changed line is refused (and fixed), the old ones left alone."""
    repo = project(tmp_path / "app", hook_repo, hook_env, **{"old.py": OLD})
    git(repo, "commit", "-q", "--no-verify", "-m", "adopt heal on an old code base")
    clean = OLD.replace("LIMIT = 1", "LIMIT = 2")
    (repo / "old.py").write_text(clean)
    git(repo, "add", "old.py")
    passed = commit(repo, hook_env)
    assert passed.code == 0, passed.out
    assert (repo / "old.py").read_text() == clean  # nothing rewritten under the committer
    assert git(repo, "show", "HEAD:old.py") == clean

    new = clean.replace("import os\n", "import os\nimport sys\n")
    (repo / "old.py").write_text(new)
    git(repo, "add", "old.py")
    refused = commit(repo, hook_env)
    assert refused.code == 1, refused.out
    assert "Fixed 1 finding(s)" in refused.out and "ruff:F401" in refused.out, refused.out
    assert "files were modified by this hook" in refused.out
    assert "B324" not in refused.out
    assert git(repo, "show", "HEAD:old.py") == clean and committed(repo)
    fixed = (repo / "old.py").read_text()
    assert "import sys" not in fixed and "import os" in fixed  # only the new finding was fixed


def test_pre_commit_run_all_files_checks_every_line(tmp_path, hook_repo, hook_env):
    """`pre-commit run --all-files` passes files no commit changes: heal holds no line there,
    says so, and reports and fixes the old findings; a commit afterwards is held again."""
    repo = project(tmp_path / "app", hook_repo, hook_env, **{"old.py": OLD})
    git(repo, "commit", "-q", "--no-verify", "-m", "adopt heal on an old code base")
    checked = pre_commit(repo, hook_env, "run", "heal-check", "--all-files")
    assert checked.code != 0, checked.out
    assert "bandit:B324" in checked.out and "ruff:F401" in checked.out, checked.out
    assert (
        "hold the line is off: pre-commit passed files this commit does not change" in checked.out
    )
    assert (repo / "old.py").read_text() == OLD  # heal-check changes nothing
    fixing = pre_commit(repo, hook_env, "run", "heal", "--all-files")
    assert fixing.code != 0 and "files were modified by this hook" in fixing.out, fixing.out
    assert "import os" not in (repo / "old.py").read_text()  # the old finding, fixed
    git(repo, "checkout", "--", "old.py")
    (repo / "old.py").write_text(OLD.replace("LIMIT = 1", "LIMIT = 2"))
    git(repo, "add", "old.py")
    passed = commit(repo, hook_env)
    assert passed.code == 0, passed.out
