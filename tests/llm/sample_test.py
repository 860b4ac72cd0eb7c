"""Done means: on the sample repository, with the local server holding patches for three of its
unfixable findings, `heal --scan --propose` queues exactly those and `heal approve` applies them."""

from __future__ import annotations

from pathlib import Path

import pytest

from healers.report.diff import unified
from tests.helpers import SAMPLE, copy_sample, git, heal
from tests.llm.server import Reply, Server, scripted

pytestmark = pytest.mark.slow
DB = (SAMPLE / "src/app/db.py").read_text()
CONFIG = (SAMPLE / "src/app/config.py").read_text()
DB_FIXED = DB.replace("        except:\n", "        except (OSError, ValueError):\n").replace(
    '            row["email"].lower\n', '            row["email"] = row["email"].lower()\n'
)
CONFIG_FIXED = CONFIG.replace(
    '        return self.get("port", "8080")\n', '        return int(self.get("port") or "8080")\n'
)


def _patch(path: str, before: str, after: str) -> Reply:
    return Reply(f"```diff\n{unified(path, before, after)}```")


PATCHES = {
    "src/app/db.py:22 ruff:E722": [
        _patch(
            "src/app/db.py",
            DB,
            DB.replace("        except:\n", "        except (OSError, ValueError):\n"),
        )
    ],
    "src/app/db.py:25 ruff:B018": [
        _patch(
            "src/app/db.py",
            DB,
            DB.replace(
                '            row["email"].lower\n',
                '            row["email"] = row["email"].lower()\n',
            ),
        )
    ],
    "src/app/config.py:26 mypy:return-value": [_patch("src/app/config.py", CONFIG, CONFIG_FIXED)],
}


def test_the_sample_gets_three_proposals_and_approve_applies_them(tmp_path: Path) -> None:
    repo = copy_sample(tmp_path / "sample")
    git(repo, "config", "user.name", "Ada Reviewer")
    with Server(scripted(PATCHES)) as server:
        (repo / "pyproject.toml").write_text(
            (repo / "pyproject.toml").read_text()
            + f'\n[tool.healers.llm]\nbase-url = "{server.url}"\nmodel = "scripted"\n',
            encoding="utf-8",
        )
        run = heal(repo, "--scan", "--propose", "--output-format", "json")
    assert run.code == 3, run.err  # the sample's HIGH findings still wait for a human
    queued = sorted(row["where"] for row in run.json()["model"]["queued"])
    assert queued == sorted(PATCHES)
    assert (repo / "src/app/db.py").read_text() == DB  # nothing written before a decision
    waiting = heal(repo, "pending", "--output-format", "json").json()["model_proposed"]
    prints = [row["fingerprint"] for row in waiting]
    assert len(prints) == 3
    done = heal(repo, "approve", *prints)
    assert done.code == 0, done.out + done.err
    assert done.out.count("model-proposed fix applied") == 3
    assert (repo / "src/app/db.py").read_text() == DB_FIXED  # both patches of db.py, merged
    assert (repo / "src/app/config.py").read_text() == CONFIG_FIXED
    after = heal(repo, "--scan", "--output-format", "json").json()["findings"]
    left = {f"{f['path']}:{f['line']} {f['code']}" for f in after}
    assert not {"src/app/db.py:22 ruff:E722", "src/app/config.py:26 mypy:return-value"} & left
    assert not any(f["code"] == "ruff:B018" for f in after)
