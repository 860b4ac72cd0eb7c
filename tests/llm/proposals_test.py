"""`heal --scan --propose` end to end: the real `openai` client against a local scripted server,
the real analyzers, git apply and verify command. One run asks about ten bare excepts, each
scripted differently; what passes is queued, every bad case ends with nothing written and its
reason in the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from healers.state import audit
from tests.helpers import Run, heal, snapshot
from tests.llm import project
from tests.llm.project import ECHOED, ENV_VALUE, GOOD, SECRET, fix, key, reply, source
from tests.llm.server import Reply, Server, asked, scripted

pytestmark = pytest.mark.slow

CHECK_PY = "import sys\nsys.path.insert(0, 'src')\n" + project.CHECK


def _not_applying(name: str) -> str:
    # context lines the file does not have: git apply refuses it
    return fix(name).replace(f"+ {name[1:]}\n", " + 99\n").replace("return int(value)", "return x")


REPLIES: dict[str, list[Reply]] = {
    key("f1"): [Reply(fix("f1"), cost=0.002)],
    key("f2"): [Reply(_not_applying("f2"))],
    key("f3"): [  # the model gives up when told why: the first failure is still said
        Reply(fix("f3", "    except:\n        return 0  # still bare\n")),
        Reply("NO FIX: the handler must stay broad"),
    ],
    key("f4"): [Reply(reply(source(), source({"f4": GOOD}, project.HEAD + "import sys\n")))],
    key("f5"): [Reply(fix("f5", "    except ValueError:\n        return -1\n"))],
    key("f6"): [Reply(reply(CHECK_PY, CHECK_PY + "# touched\n", path="check.py"))],
    key("f7"): [
        Reply("Sure! Use `except ValueError:` instead:\n```python\nexcept ValueError:\n```")
    ],
    key("f8"): [
        Reply(fix("f8", f'    except ValueError:\n        token = "{ECHOED}"\n        return 0\n'))
    ],
    key("f9"): [Reply(fix("f1"))],  # asked about f9, changes f1
    key("f10"): [Reply(_not_applying("f10")), Reply(fix("f10"))],
}
WHY = {
    "f2": "the patch does not apply",
    "f3": "the finding is still there after the patch",
    "f4": "the patch adds findings: ruff:F401 (1 more)",
    "f5": "`python check.py` fails with the patch",
    "f6": "the patch touches another file (check.py)",
    "f7": "the reply holds no unified diff",
    "f8": "looks like a secret",
    "f9": "outside what it was shown",
}


@pytest.fixture(scope="module")
def proposed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run, list[dict[str, Any]]]:
    """The project after one --propose run: (repo, the run, the requests the server saw)."""
    root = tmp_path_factory.mktemp("propose") / "store"
    with Server(scripted(REPLIES)) as server:
        repo = project.make(root, server.url)
        before = snapshot(repo)
        run = heal(repo, "--scan", "--propose", "--output-format", "json")
        assert snapshot(repo) == before  # nothing written: proposals wait for a decision
    return repo, run, server.requests


def _by_finding(requests: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for body in requests:
        found.setdefault(asked(body), []).append(body)
    return found


def test_good_patches_are_queued_and_every_bad_one_dropped_with_its_reason(proposed) -> None:
    repo, run, _ = proposed
    # B105 is LOW severity: a finding left (exit 1), not a block (issue 12), as without --propose
    assert run.code == 1, run.err
    model = run.json()["model"]
    queued = {row["where"] for row in model["queued"]}
    assert queued == {key("f1"), key("f10")}
    dropped = {row["where"]: row["reason"] for row in model["dropped"]}
    for name, why in WHY.items():
        assert why in dropped[key(name)], (name, dropped[key(name)])
    assert set(dropped) == {key(name) for name in WHY}
    entries = json.loads((repo / ".heal" / "proposals.json").read_text())["entries"]
    assert sorted(e["line"] for e in entries) == [project.line_of("f1"), project.line_of("f10")]


def test_a_failed_patch_is_retried_once_with_the_failure_fed_back(proposed) -> None:
    _, run, requests = proposed
    asks = _by_finding(requests)
    assert len(asks[key("f10")]) == 2
    again = asks[key("f10")][1]["messages"]
    assert [m["role"] for m in again] == ["system", "user", "assistant", "user"]
    assert "Your patch was not used: the patch does not apply" in again[-1]["content"]
    entry = next(e for e in run.json()["model"]["queued"] if e["where"] == key("f10"))
    assert "applies (git apply)" in entry["checks"]
    for name in ("f2", "f3", "f4", "f5", "f6", "f7", "f9"):  # retried, failed again
        assert len(asks[key(name)]) == 2, name
        assert "first try:" in next(
            r["reason"] for r in run.json()["model"]["dropped"] if r["where"] == key(name)
        )
    assert len(asks[key("f8")]) == 1  # a reply with a secret is not sent back to the model
    gave_up = next(r for r in run.json()["model"]["dropped"] if r["where"] == key("f3"))
    assert gave_up["reason"].startswith("the model found no safe fix: the handler must stay")


def test_the_prompt_is_redacted_and_bounded(proposed) -> None:
    _, run, requests = proposed
    sent = json.dumps(requests)
    assert SECRET not in sent and ENV_VALUE not in sent  # the literal and the .env value
    first = _by_finding(requests)[key("f1")][0]["messages"][1]["content"]
    assert "<redacted-" in first and "Rule: bare-except" in first
    assert "Do not use bare `except`" in first
    fifth = _by_finding(requests)[key("f5")][0]["messages"][1]["content"]
    assert "import json" in fifth and "def f5(value):" in fifth  # the imports and the scope
    assert "def f4" not in fifth and "def f6" not in fifth  # not the rest of the file
    prompts = [body["messages"][1]["content"] for body in requests]
    assert not any("SystemExit" in p for p in prompts)  # nor another file
    assert ECHOED not in run.out and ECHOED not in run.err


def test_the_report_counts_requests_tokens_and_cost(proposed) -> None:
    _, run, requests = proposed
    model = run.json()["model"]
    assert model["requests"] == len(requests) == 18
    assert model["model"] == "scripted-coder"
    assert model["prompt_tokens"] > 0 and model["completion_tokens"] > 0
    assert model["cost"] == pytest.approx(0.002)


def test_pending_shows_the_queued_patches_and_approve_applies_one_byte_exact(
    proposed, tmp_path: Path
) -> None:
    repo = tmp_path / "store"
    shutil.copytree(proposed[0], repo, symlinks=True)
    pending = heal(repo, "pending", "--output-format", "json")
    assert pending.code == 0  # proposals wait for a decision; nothing is blocked (issue 12)
    rows = {r["line"]: r for r in pending.json()["model_proposed"]}
    first = rows[project.line_of("f1")]
    assert first["model"] == "scripted-coder" and len(first["prompt_hash"]) == 16
    assert "-    except:\n+    except ValueError:\n" in first["diff"]
    text = heal(repo, "pending").out
    assert "model-proposed" in text and f"heal approve {first['fingerprint']}" in text
    entries = json.loads((repo / ".heal" / "proposals.json").read_text())["entries"]
    after = next(e["after"] for e in entries if e["fingerprint"] == first["fingerprint"])
    done = heal(repo, "approve", first["fingerprint"][:8])
    assert done.code == 0, done.out + done.err
    written = (repo / "src" / "store.py").read_bytes()
    assert written == after.encode() == source({"f1": GOOD}).encode()
    assert SECRET.encode() in written  # the placeholder was put back before applying
    record = audit.read(repo / ".heal")[-1]
    fixes = record["fixes"]
    assert [f["source"] for f in fixes] == ["model"] and fixes[0]["model"] == "scripted-coder"
    assert (
        record["approved_by"] == "Ada Reviewer <ada@example.invalid>"
        and record["verification"]["outcome"] == "passed"
    )
    again = heal(repo, "pending", "--output-format", "json").json()["model_proposed"]
    assert [r["line"] for r in again] == []  # f10's entry is void: the file changed
    stale = heal(repo, "approve", rows[project.line_of("f10")]["fingerprint"])
    assert stale.code == 1 and "no longer holds" in stale.err


def test_a_model_patch_needs_a_decision_whatever_the_rules_approval(tmp_path: Path) -> None:
    never = 'approval = { "bare-except" = "never" }'
    with Server(scripted({key("f1"): [Reply(fix("f1"))]})) as server:
        repo = project.make(tmp_path / "store", server.url, healers=never)
        before = snapshot(repo)
        run = heal(repo, "--scan", "--fix", "--propose", "--select", "ruff:E722")
        assert [line for line in run.out.splitlines() if line.lstrip().startswith("queued")]
        again = heal(repo, "--scan", "--fix", "--select", "ruff:E722")
    assert again.code == 1, again.err
    assert snapshot(repo) == before  # written only by heal approve
    assert "heal pending" in run.out and "ruff:E722" in heal(repo, "pending").out


def test_an_approved_patch_that_was_undone_is_asked_for_again(tmp_path: Path) -> None:
    one = ("--scan", "--propose", "--select", "ruff:E722", "--output-format", "json")
    with Server(scripted({key("f1"): [Reply(fix("f1"))]})) as server:
        repo = project.make(tmp_path / "store", server.url)
        [row] = heal(repo, *one).json()["model"]["queued"]
        assert heal(repo, "approve", row["fingerprint"]).code == 0
        assert heal(repo, "undo").code == 0
        assert (repo / "src/store.py").read_text() == source()
        again = heal(repo, *one).json()["model"]
        assert [r["where"] for r in again["queued"]] == [key("f1")]
        assert len(_by_finding(server.requests)[key("f1")]) == 2
    assert "ruff:E722" in heal(repo, "pending").out
    plain = heal(repo, "--scan", "--select", "ruff:E722")  # without --propose: no request
    waits = f"a model-proposed fix waits: `heal pending`, then heal approve {row['fingerprint']}"
    assert waits in plain.out


def test_untrusted_proposes_without_running_the_verify_command(tmp_path: Path) -> None:
    marker = tmp_path / "verify-ran"
    with Server(scripted({key("f1"): [Reply(fix("f1"))]})) as server:
        repo = project.make(tmp_path / "store", server.url)
        check = repo / "check.py"
        check.write_text(f"open({str(marker)!r}, 'w').close()\n" + check.read_text())
        run = heal(repo, "--scan", "--propose", "--untrusted", "--select", "ruff:E722")
        assert "verify-cmd not run (--untrusted)" in run.out
        assert "queued" in run.out and not marker.exists()  # the project's code never ran
    [row] = heal(repo, "pending", "--output-format", "json").json()["model_proposed"]
    assert heal(repo, "approve", row["fingerprint"]).code == 0
    assert marker.exists()  # approve, trusted, runs it (the marker proves the test can tell)


def test_untrusted_sends_no_key_to_the_endpoint_the_project_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEAL_TEST_KEY", "sk-test-not-for-them")
    with Server(scripted({})) as server:
        repo = project.make(tmp_path / "store", server.url, 'api-key-env = "HEAL_TEST_KEY"')
        run = heal(repo, "--scan", "--propose", "--untrusted", "--select", "ruff:E722")
        assert run.code == 2 and "heal sends no key" in run.err
        assert server.requests == []
