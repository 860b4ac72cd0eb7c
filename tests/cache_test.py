"""The findings cache (.heal/cache/findings): a warm run starts no analyzer for unchanged files,
an edited file or a changed config is analyzed again, a corrupt, foreign or linked entry is a
miss and is rebuilt, two runs at once leave a consistent cache, and a cache git tracks or an
--untrusted run reads nothing from it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from healers import cache
from healers.finding import Edit, Finding, Fix
from tests.helpers import commit_all, git, heal, make_repo

PROJECT = {
    # allow-unapproved-high: nothing blocks, so no proposal is planned (a codemod worker) and
    # the counts below are the analyzers'; the blocked case has its own test
    "pyproject.toml": "[project]\nname = 'p'\nrequires-python = '>=3.9'\n"
    "[tool.healers]\nallow-unapproved-high = true\n",
    "pkg/__init__.py": "",
    "pkg/a.py": "import os\n\n\ndef f(x):\n    return x == x\n",
    "pkg/b.py": "import subprocess\n\n\ndef g(cmd):\n    return subprocess.call(cmd, shell=True)\n",
}
ANALYZERS = ("ruff", "mypy", "bandit", "healers.tools.worker")


# --- the store on its own -------------------------------------------------------------------


def _store(tmp_path: Path) -> cache.Cache:
    place = tmp_path / "findings"
    place.mkdir()
    return cache.Cache(place, {"ruff": "stamp"})


def _finding(path: str = "a.py") -> Finding:
    fix = Fix("safe", "remove", (Edit(1, 1, 2, 1, ""),))
    return Finding("ruff:F401", path, 1, 8, "`os` imported but unused", "unused-import", fix=fix)


def test_a_kept_finding_comes_back_whole(tmp_path: Path) -> None:
    store = _store(tmp_path)
    keys = store.keys("ruff", {"a.py": b"import os\n", "b.py": b"x = 1\n"})
    store.save("ruff", keys, [_finding()])
    assert store.load("ruff", keys) == {"a.py": [_finding()], "b.py": []}


def test_a_key_moves_with_the_bytes_the_path_and_the_stamp(tmp_path: Path) -> None:
    store = _store(tmp_path)
    key = store.keys("ruff", {"a.py": b"x\n"})["a.py"]
    assert store.keys("ruff", {"a.py": b"y\n"})["a.py"] != key
    assert store.keys("ruff", {"b.py": b"x\n"})["b.py"] != key
    other = cache.Cache(store.place, {"ruff": "another config"})
    assert other.keys("ruff", {"a.py": b"x\n"})["a.py"] != key


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="torn"),
        pytest.param(lambda raw: b"\x00garbage", id="not JSON"),
        pytest.param(lambda raw: raw.replace(b'"key":"', b'"key":"0'), id="another key"),
        pytest.param(lambda raw: raw.replace(b'"path":"a.py"', b'"path":"z.py"'), id="other file"),
        pytest.param(lambda raw: raw.replace(b'"ruff:F401"', b'"mypy:x"'), id="another tool"),
        pytest.param(lambda raw: raw.replace(b'"line":1', b'"line":"1"'), id="bad field"),
        pytest.param(lambda raw: b'{"key": 1}', id="no findings"),
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_written_again(tmp_path: Path, damage: Any) -> None:
    store = _store(tmp_path)
    keys = store.keys("ruff", {"a.py": b"import os\n"})
    store.save("ruff", keys, [_finding()])
    entry = tmp_path / "findings" / "ruff" / f"{keys['a.py']}.json"
    entry.write_bytes(damage(entry.read_bytes()))
    assert store.load("ruff", keys) == {}
    store.save("ruff", keys, [_finding()])
    assert store.load("ruff", keys) == {"a.py": [_finding()]}


def test_an_entry_that_is_a_link_is_not_read(tmp_path: Path) -> None:
    store = _store(tmp_path)
    keys = store.keys("ruff", {"a.py": b"import os\n"})
    store.save("ruff", keys, [])
    entry = tmp_path / "findings" / "ruff" / f"{keys['a.py']}.json"
    planted = tmp_path / "planted.json"
    planted.write_bytes(entry.read_bytes())
    entry.unlink()
    entry.symlink_to(planted)
    assert store.load("ruff", keys) == {}


def test_a_transient_finding_is_not_kept(tmp_path: Path) -> None:
    store = _store(tmp_path)
    keys = store.keys("ruff", {"a.py": b"x\n"})
    crash = Finding("heal:analyzer-crash", "a.py", 1, 1, "ruff crashed on this file")
    store.save("ruff", keys, [crash])
    assert store.load("ruff", keys) == {}


def test_no_place_no_cache(tmp_path: Path) -> None:
    store = cache.Cache()
    assert store.keys("ruff", {"a.py": b"x\n"}) == {}
    store.save("ruff", {"a.py": "k"}, [])
    assert store.load("ruff", {"a.py": "k"}) == {}


# --- real runs ------------------------------------------------------------------------------


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, list[str]]]]:
    """Every analyzer process heal starts, as (tool, the paths it was given): a spy that records
    the argv and runs the real process."""
    calls: list[tuple[str, list[str]]] = []
    real_popen = subprocess.Popen  # subprocess.run starts its process through Popen too

    def record(argv: Any) -> None:
        if isinstance(argv, list) and len(argv) > 3 and argv[0] == sys.executable:
            tool = str(argv[3])
            if tool in ANALYZERS:
                paths = argv[argv.index("--") + 1 :] if "--" in argv else []
                calls.append((tool, [p.removeprefix("./") for p in paths]))

    def popen(argv: Any, *args: Any, **kwargs: Any) -> Any:
        record(argv)
        return real_popen(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    yield calls


def _scan(repo: Path, *args: str) -> dict[str, Any]:
    done = heal(repo, "--scan", ".", "--output-format", "json", *args)
    assert done.code in (0, 1, 3), done.err
    payload: dict[str, Any] = json.loads(done.out)
    return payload


def _seen(payload: dict[str, Any]) -> list[tuple[str, str, int]]:
    return sorted((f["code"], f["path"], f["line"]) for f in payload["findings"])


@pytest.mark.slow
def test_a_warm_run_starts_no_analyzer_and_reports_the_same(
    tmp_path: Path, started: list[tuple[str, list[str]]]
) -> None:
    repo = make_repo(tmp_path / "r", PROJECT)
    cold = _scan(repo)
    assert {tool for tool, _ in started} == set(ANALYZERS)
    started.clear()
    warm = _scan(repo)
    assert started == []
    assert _seen(warm) == _seen(cold)
    assert {"ruff:F401", "bandit:B602", "heal:self-comparison"} <= {c for c, _, _ in _seen(warm)}


@pytest.mark.slow
def test_a_warm_run_plans_no_blocked_finding_s_proposal_again(
    tmp_path: Path, started: list[tuple[str, list[str]]]
) -> None:
    # B602 with a command built at run time is HIGH: blocked, its proposal planned by a worker
    blocking = {**PROJECT, "pyproject.toml": "[project]\nname = 'p'\nrequires-python = '>=3.9'\n"}
    repo = make_repo(tmp_path / "r", blocking)
    cold = heal(repo, "--scan", ".")
    assert cold.code == 3, cold.err
    assert "healers.tools.worker" in {tool for tool, _ in started}
    started.clear()
    warm = heal(repo, "--scan", ".")
    assert started == []
    assert (warm.code, warm.out, warm.err) == (cold.code, cold.out, cold.err)
    assert "pkg/b.py:5 bandit:B602 subprocess-shell-true (the command is built at run" in warm.err
    (repo / "pkg/b.py").write_text(PROJECT["pkg/b.py"].replace("cmd", "command"))
    started.clear()
    edited = heal(repo, "--scan", ".")
    assert "healers.tools.worker" in {tool for tool, _ in started}  # its file changed: planned
    assert "pkg/b.py:5 bandit:B602" in edited.err


@pytest.mark.slow
def test_an_edited_file_is_analyzed_again_and_only_it(
    tmp_path: Path, started: list[tuple[str, list[str]]]
) -> None:
    repo = make_repo(tmp_path / "r", PROJECT)
    _scan(repo)
    started.clear()
    (repo / "pkg/a.py").write_text("import os\nimport sys\n\n\ndef f(x):\n    return x\n")
    payload = _seen(_scan(repo))
    per_file = {tool: paths for tool, paths in started if tool != "mypy"}
    # no libcst worker: the pre-screen finds nothing heal's own rules could match in the new text
    assert per_file == {"ruff": ["pkg/a.py"], "bandit": ["pkg/a.py"]}
    assert [tool for tool, _ in started].count("mypy") == 1  # mypy sees the whole project
    assert ("ruff:F401", "pkg/a.py", 2) in payload  # the new unused import
    assert not any(c == "heal:self-comparison" for c, _, _ in payload)
    assert ("bandit:B602", "pkg/b.py", 5) in payload  # kept from the cache


@pytest.mark.slow
def test_a_changed_config_invalidates_that_tool_only(
    tmp_path: Path, started: list[tuple[str, list[str]]]
) -> None:
    repo = make_repo(tmp_path / "r", PROJECT)
    _scan(repo)
    started.clear()
    with (repo / "pyproject.toml").open("a") as handle:
        handle.write("\n[tool.ruff.lint]\nselect = ['E']\n")
    payload = _seen(_scan(repo))
    tools = [tool for tool, _ in started]
    assert "ruff" in tools and "healers.tools.worker" not in tools
    assert not any(c.startswith("ruff:F") for c, _, _ in payload)


@pytest.mark.slow
def test_a_corrupt_entry_is_rebuilt(tmp_path: Path, started: list[tuple[str, list[str]]]) -> None:
    repo = make_repo(tmp_path / "r", PROJECT)
    cold = _scan(repo)
    entries = sorted((repo / ".heal/cache/findings/ruff").iterdir())
    for entry in entries:
        entry.write_bytes(b'{"key": "broken')
    started.clear()
    assert _seen(_scan(repo)) == _seen(cold)
    assert [paths for tool, paths in started if tool == "ruff"] == [
        ["pkg/__init__.py", "pkg/a.py", "pkg/b.py"]
    ]
    for entry in entries:
        assert json.loads(entry.read_bytes())["key"] == entry.stem


@pytest.mark.slow
def test_two_runs_at_once_leave_a_consistent_cache(
    tmp_path: Path, started: list[tuple[str, list[str]]]
) -> None:
    files = dict(PROJECT)
    files.update({f"pkg/m{i}.py": f"def f{i}(x):\n    return x == x\n" for i in range(30)})
    repo = make_repo(tmp_path / "r", files)
    argv = [sys.executable, "-m", "healers", "--scan", ".", "--output-format", "json"]
    procs = [
        subprocess.Popen(argv, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [proc.communicate(timeout=300) for proc in procs]
    assert {proc.returncode for proc in procs} <= {0, 1, 3}, outs
    first, second = (_seen(json.loads(out)) for out, _ in outs)
    assert first == second
    for entry in (repo / ".heal/cache/findings").rglob("*"):
        if entry.is_file():
            assert not entry.name.startswith(".heal-"), f"a temp file was left: {entry}"
            assert json.loads(entry.read_bytes())["key"] == entry.stem
    started.clear()
    assert _seen(_scan(repo)) == first
    assert started == []


@pytest.mark.slow
def test_a_cache_git_tracks_is_not_read(
    tmp_path: Path, started: list[tuple[str, list[str]]]
) -> None:
    repo = make_repo(tmp_path / "r", PROJECT)
    cold = _scan(repo)
    git(repo, "add", "-f", ".heal/cache/findings")
    commit_all(repo, "a committed cache")
    started.clear()
    done = heal(repo, "--scan", ".", "--output-format", "json")
    assert "ruff" in {tool for tool, _ in started}
    assert _seen(json.loads(done.out)) == _seen(cold)
    assert "holds files git tracks" in done.out + done.err


@pytest.mark.slow
def test_an_untrusted_run_reads_no_cache(
    tmp_path: Path, started: list[tuple[str, list[str]]]
) -> None:
    repo = make_repo(tmp_path / "r", PROJECT)
    cold = _scan(repo)
    # a planted entry: every ruff entry now says "no findings"
    for entry in (repo / ".heal/cache/findings/ruff").iterdir():
        raw = json.loads(entry.read_bytes())
        entry.write_text(json.dumps({**raw, "value": []}))
    started.clear()
    untrusted = _scan(repo, "--untrusted")
    assert {tool for tool, _ in started} == set(ANALYZERS)
    assert _seen(untrusted) == _seen(cold)
    assert os.listdir(repo / ".heal/cache/findings/ruff")  # left as it was, not read
