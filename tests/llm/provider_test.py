"""The provider as a run meets it: retries on 429 and 5xx, a timeout costs only its finding, a
clear exit 2 on 401, 404 and a refused connection (the key never printed), never more than
`max-concurrent` requests at once, the budget, `heal stop`, and no request without --propose."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from tests.helpers import heal, start_heal
from tests.llm import project
from tests.llm.project import key
from tests.llm.server import Reply, Server, asked, no_fix, scripted

pytestmark = pytest.mark.slow
ONE = ("--scan", "--propose", "--select", "ruff:E722", "--output-format", "json")


def _store(tmp_path: Path, url: str, llm: str = "") -> Path:
    """The project; ONE selects its ten bare excepts, asked about in order (f1 first)."""
    return project.make(tmp_path / "store", url, llm)


def _reason(run, name: str) -> str:
    rows = run.json()["model"]["dropped"] + run.json()["model"]["not_asked"]
    return str(next(r["reason"] for r in rows if r["where"] == key(name)))


def test_a_429_is_retried_by_the_client_and_costs_one_request(tmp_path: Path) -> None:
    replies = {key("f1"): [Reply(status=429), no_fix("after a 429")]}
    with Server(scripted(replies)) as server:
        repo = _store(tmp_path, server.url, "max-requests = 1")
        run = heal(repo, *ONE)
        assert [asked(b) for b in server.requests] == [key("f1"), key("f1")]
    assert "no safe fix: after a 429" in _reason(run, "f1")
    assert run.json()["model"]["requests"] == 1  # the client's retry is not a second request


def test_a_500_after_the_retries_drops_only_its_finding(tmp_path: Path) -> None:
    with Server(scripted({key("f1"): [Reply(status=500)]})) as server:
        repo = _store(tmp_path, server.url)  # retries = 1
        run = heal(repo, *ONE)
        asked_f1 = [b for b in server.requests if asked(b) == key("f1")]
    assert run.code == 1, run.err  # the run goes on: findings left
    assert len(asked_f1) == 2
    assert "the endpoint answered 500 after 1 retries" in _reason(run, "f1")
    assert "no safe fix" in _reason(run, "f2")


def test_a_slow_answer_times_out(tmp_path: Path) -> None:
    replies = {key("f1"): [Reply(no_fix().content, delay=3)]}
    with Server(scripted(replies)) as server:
        repo = _store(tmp_path, server.url, "timeout = 0.5\nretries = 0")
        started = time.monotonic()
        run = heal(repo, *ONE)
        took = time.monotonic() - started
    assert "the request failed: no answer within 0.5 s" in _reason(run, "f1")
    assert took < 30


def test_a_refused_key_is_exit_2_and_the_key_is_never_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEAL_TEST_KEY", "sk-test-DoNotPrintMe0123456789")
    with Server(scripted({}, default=Reply(status=401))) as server:
        repo = _store(tmp_path, server.url, 'api-key-env = "HEAL_TEST_KEY"')
        run = heal(repo, *ONE)
        assert server.headers[0]["authorization"] == "Bearer sk-test-DoNotPrintMe0123456789"
    assert run.code == 2
    assert "refused the request (401)" in run.err and "HEAL_TEST_KEY" in run.err
    assert "DoNotPrintMe" not in run.out + run.err
    assert run.json()["findings"]  # the report of the run is still printed
    assert not (repo / ".heal" / "proposals.json").exists()


def test_an_unknown_model_is_exit_2(tmp_path: Path) -> None:
    with Server(scripted({}, default=Reply(status=404))) as server:
        run = heal(_store(tmp_path, server.url), *ONE)
    assert run.code == 2 and "404, no model 'scripted-coder'" in run.err


def test_a_refused_connection_is_exit_2(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    repo = _store(tmp_path, f"http://127.0.0.1:{port}/v1", "retries = 0")
    run = heal(repo, *ONE)
    assert run.code == 2 and f"cannot reach http://127.0.0.1:{port}/v1" in run.err


def test_no_endpoint_or_no_key_is_exit_2_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HEAL_UNSET_KEY", raising=False)
    repo = _store(tmp_path, "", 'api-key-env = "HEAL_UNSET_KEY"')
    run = heal(repo, *ONE)
    assert run.code == 2 and "HEAL_UNSET_KEY, which is not set" in run.err
    assert run.out == ""  # nothing analyzed
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    run = heal(repo, *ONE)
    assert run.code == 2 and "needs [tool.healers.llm] base-url and model" in run.err


def test_never_more_requests_at_once_than_max_concurrent(tmp_path: Path) -> None:
    with Server(scripted({}, default=Reply(no_fix().content, delay=0.4))) as server:
        repo = project.make(tmp_path / "store", server.url, "max-concurrent = 3")
        run = heal(repo, "--scan", "--propose", "--select", "ruff:E722")
        assert len(server.requests) == 10
        assert server.peak == 3, server.peak
    assert "10 request(s)" in run.out


def test_the_budget_stops_requests(tmp_path: Path) -> None:
    with Server(scripted({})) as server:
        repo = project.make(tmp_path / "store", server.url, "max-requests = 4")
        run = heal(repo, *ONE)
        assert len(server.requests) == 4
    model = run.json()["model"]
    assert model["requests"] == 4
    spent = [
        r for r in model["not_asked"] if "request budget (max-requests) was spent" in r["reason"]
    ]
    assert len(spent) == 6


def test_without_propose_heal_never_contacts_a_model(tmp_path: Path) -> None:
    with Server(scripted({})) as server:
        repo = project.make(tmp_path / "store", server.url, "propose = true")
        for args in (
            ("src/store.py",),  # hook mode: a commit never waits for a model
            ("--scan", "--no-propose"),
            ("--scan", "--diff"),
            ("pending",),
            ("stats",),
        ):
            heal(repo, *args)
            assert server.requests == [], args
        heal(repo, "--scan", "--select", "ruff:E722")  # `propose = true` is for --scan runs
        assert len(server.requests) == 10


def test_heal_stop_stops_model_work_at_once(tmp_path: Path) -> None:
    with Server(scripted({}, default=Reply(no_fix().content, delay=40))) as server:
        repo = project.make(tmp_path / "store", server.url, "max-concurrent = 2")
        proc = start_heal(repo, *ONE)
        deadline = time.monotonic() + 60
        while len(server.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert heal(repo, "stop", "enough").code == 0
        stopped = time.monotonic()
        out, err = proc.communicate(timeout=60)
        # the requests in flight were cancelled: long before their answers (40 s), with room
        # for a loaded machine (2 cores shared, load 19 seen)
        assert time.monotonic() - stopped < 12
        assert len(server.requests) == 2
    assert proc.returncode == 1, err
    model = json.loads(out)["model"]
    assert model["requests"] == 2
    assert all("heal stop" in r["reason"] for r in model["not_asked"]) and model["not_asked"]
    assert heal(repo, "resume").code == 0
