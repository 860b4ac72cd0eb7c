"""Session fixtures shared by the integration tests: a copy of this checkout to install, and
pip settings that install it offline, and the clean Python a runner starts with."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import wheelhouse
from tests.helpers import REPO, git, heal_env, make_repo


@pytest.fixture(scope="session")
def healers_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding this checkout as it is on disk (uncommitted edits included):
    the files git tracks or would track, committed once."""
    dest = tmp_path_factory.mktemp("checkout") / "healers"
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for rel in filter(None, listed.split("\0")):
        src = REPO / rel
        if src.is_file() and not src.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(src.read_bytes())
    return make_repo(dest, {})


@pytest.fixture
def own_checkout(healers_copy: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A private copy of `healers_copy` (a test may edit it) and the environment in which
    `python -m healers...` runs that copy's code with that copy's rules: PYTHONPATH puts its
    `healers` first, and `healers/rules` links to its `rules/` (the editable install of this
    checkout would otherwise map `healers.rules` to this checkout's rules/)."""
    root = tmp_path / "healers"
    shutil.copytree(healers_copy, root, symlinks=True)
    (root / "healers" / "rules").symlink_to(Path("..") / "rules", target_is_directory=True)
    with (root / ".git" / "info" / "exclude").open("a", encoding="utf-8") as exclude:
        exclude.write("/healers/rules\n")  # the link is the test's setup, not a file of the copy
    return root, heal_env(PYTHONPATH=str(root))


@pytest.fixture(scope="session")
def offline_pip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """heal_env() with pip limited to a wheelhouse of what `pip install <healers checkout>` needs,
    rebuilt from this environment's installed distributions: no index, no pip config file."""
    wheels = wheelhouse.build(
        tmp_path_factory.mktemp("wheelhouse"), "healers", build_requires=("setuptools",)
    )
    env = {k: v for k, v in heal_env().items() if not k.startswith(("PIP_", "PRE_COMMIT"))}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheels),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return env


@pytest.fixture(scope="module")
def runner_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What setup-python leaves on PATH: a clean Python with nothing installed."""
    venv = tmp_path_factory.mktemp("runner") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    return venv / "bin"
