"""`heal watch`: a real watcher process in a real git repository, driven by real file writes."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from healers.errors import UsageError
from healers.folder import StateError
from healers.watch import block, lock, saved
from tests.helpers import heal_process, make_repo, start_heal

UNUSED = "import os\n\n\ndef f(x: int) -> int:\n    return x + {n}\n"
CLEAN = "\n\ndef f(x: int) -> int:\n    return x + {n}\n"
# ruff alone: the fix of an unused import is ruff's; the other analyzers' share is the engine's
RUFF_ONLY = '[project]\nname = "w"\nrequires-python = ">=3.10"\n\n[tool.healers]\n'
RUFF_ONLY += 'analyzers = ["ruff"]\n'


class Watcher:
    """`heal watch ARGS` started in `repo`, its output read line by line as it comes."""

    def __init__(self, repo: Path, *args: str) -> None:
        self.proc = start_heal(repo, "watch", *args)
        self.lines: list[str] = []
        self.err: list[str] = []
        for stream, into in ((self.proc.stdout, self.lines), (self.proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, i=into: i.extend(s), daemon=True).start()
        self.wait_for("watching")

    def wait_for(self, words: str, *, after: int = 0, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if words in line:
                    return line
            if self.proc.poll() is not None and not any(words in x for x in self.lines[after:]):
                time.sleep(0.1)  # the reader may not have the last lines yet
                if not any(words in x for x in self.lines[after:]):
                    break
            time.sleep(0.01)
        raise AssertionError(f"no {words!r} in {self.lines} / {self.err}")

    def blocks(self) -> int:
        return sum(line.startswith("[") for line in self.lines)

    def next_block(self, before: int, timeout: float = 60) -> str:
        """The first line of the block after the `before`-th."""
        deadline = time.monotonic() + timeout
        while self.blocks() <= before:
            assert time.monotonic() < deadline, (self.lines, self.err)
            assert self.proc.poll() is None, (self.lines, self.err)
            time.sleep(0.01)
        return [line for line in self.lines if line.startswith("[")][before]

    def end(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
        return self.proc.wait(timeout=30)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "r", {"pyproject.toml": RUFF_ONLY, "a.py": CLEAN.format(n=0)})


@pytest.fixture
def watcher(repo: Path) -> Iterator[Watcher]:
    w = Watcher(repo)
    yield w
    w.end()


def _save_and_wait(w: Watcher, path: Path, text: str) -> str:
    before = w.blocks()
    path.write_text(text, encoding="utf-8")
    return w.next_block(before)


@pytest.mark.slow
def test_a_saved_file_with_an_unused_import_is_fixed_within_2_seconds(
    repo: Path, watcher: Watcher
) -> None:
    _save_and_wait(watcher, repo / "a.py", CLEAN.format(n=1))  # the first batch warms up
    start = time.monotonic()
    (repo / "a.py").write_text(UNUSED.format(n=2), encoding="utf-8")
    while "import os" in (repo / "a.py").read_text(encoding="utf-8"):
        assert time.monotonic() - start < 2.0, watcher.lines
        time.sleep(0.01)
    assert (repo / "a.py").read_text(encoding="utf-8") == CLEAN.format(n=2)
    line = watcher.wait_for("fixed 1", after=0)
    assert "a.py" in line
    time.sleep(0.5)  # heal's own write is seen, and starts no batch
    assert watcher.blocks() == 2, watcher.lines


@pytest.mark.slow
def test_no_fix_reports_and_leaves_the_file(repo: Path) -> None:
    w = Watcher(repo, "--no-fix")
    try:
        first = _save_and_wait(w, repo / "a.py", UNUSED.format(n=1))
        assert "1 left" in first and "fixed" not in first
        assert "ruff:F401" in "".join(w.lines)
        assert (repo / "a.py").read_text(encoding="utf-8") == UNUSED.format(n=1)
    finally:
        assert w.end() == 0


EDITOR = """\
import pathlib, sys
flag = pathlib.Path("saved-once")
if not flag.exists():
    flag.write_text("")
    pathlib.Path("a.py").write_text({text!r})
"""


@pytest.mark.slow
def test_a_file_rewritten_during_the_batch_is_left_alone(repo: Path) -> None:
    # the verify command runs once before the batch's fixes are written: there it saves a.py
    # as an editor would, after heal read it and before heal writes it
    (repo / "editor.py").write_text(EDITOR.format(text="X = 1\n"), encoding="utf-8")
    w = Watcher(repo, "--verify-cmd", f"{sys.executable} editor.py")
    try:
        first = _save_and_wait(w, repo / "a.py", UNUSED.format(n=1))
        assert "fixed 0" in first, w.lines
        assert "changed on disk during the run; left alone" in "".join(w.lines)
        w.next_block(1)  # the editor's save is a batch of its own: nothing to fix there
        assert (repo / "a.py").read_text(encoding="utf-8") == "X = 1\n"
    finally:
        w.end()


@pytest.mark.slow
def test_heal_stop_ends_the_watcher_within_a_second(repo: Path, watcher: Watcher) -> None:
    done = heal_process(repo, "stop")
    assert done.code == 0, done
    start = time.monotonic()
    assert watcher.proc.wait(timeout=10) == 0
    assert time.monotonic() - start < 1.0
    assert "stopped (heal is stopped" in watcher.wait_for("stopped")
    again = heal_process(repo, "watch")  # a new watcher would end at once: it says why
    assert again.code == 1
    assert again.err.startswith("heal watch: error: heal is stopped (heal stop at ")
    assert heal_process(repo, "resume").code == 0


@pytest.mark.slow
def test_heal_stop_during_a_batch_ends_it_within_a_second_every_file_whole(repo: Path) -> None:
    busy = "import pathlib, time; pathlib.Path('busy').touch(); time.sleep(60)"
    slow = f'{sys.executable} -c "{busy}"'
    w = Watcher(repo, "--verify-cmd", slow)
    (repo / "a.py").write_text(UNUSED.format(n=1), encoding="utf-8")
    deadline = time.monotonic() + 60
    while not (repo / "busy").exists():
        assert time.monotonic() < deadline, w.lines
        time.sleep(0.01)
    assert heal_process(repo, "stop").code == 0
    start = time.monotonic()
    assert w.proc.wait(timeout=10) == 0, (w.lines, w.err)
    assert time.monotonic() - start < 1.0
    assert (repo / "a.py").read_text(encoding="utf-8") == UNUSED.format(n=1)
    assert not list(repo.glob(".heal-*.tmp"))


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_watcher(repo: Path, watcher: Watcher, sig: int) -> None:
    start = time.monotonic()
    watcher.proc.send_signal(sig)
    assert watcher.proc.wait(timeout=10) == 0
    assert time.monotonic() - start < 1.0
    assert heal_process(repo, "watch", "--status").code == 1


@pytest.mark.slow
def test_a_second_watcher_is_refused(repo: Path, watcher: Watcher) -> None:
    second = heal_process(repo, "watch")
    assert second.code == 2
    assert second.err.count("\n") == 1, second.err
    assert f"a watcher already runs for {repo}" in second.err
    assert f"pid {watcher.proc.pid}" in second.err


@pytest.mark.slow
def test_status_and_stop(repo: Path) -> None:
    none = heal_process(repo, "watch", "--status")
    assert (none.code, none.out) == (1, f"heal watch: no watcher runs for {repo}\n")
    w = Watcher(repo)
    status = heal_process(repo, "watch", "--status")
    assert status.code == 0
    assert f"pid {w.proc.pid} watches {repo}" in status.out
    stop = heal_process(repo, "watch", "--stop")
    assert (stop.code, stop.out) == (0, f"heal watch: stopped the watcher (pid {w.proc.pid})\n")
    assert w.proc.wait(timeout=10) == 0
    assert "stopped (heal watch --stop)" in w.wait_for("stopped")
    assert not (repo / ".heal" / "stop").exists()  # only the watcher: other runs go on
    assert heal_process(repo, "watch", "--stop").code == 1
    assert heal_process(repo, "watch", "--status").code == 1


@pytest.mark.slow
def test_a_stale_lock_is_taken_over(repo: Path) -> None:
    first = Watcher(repo)
    first.proc.kill()  # SIGKILL: no cleanup, its pid stays in .heal/watch.json
    first.proc.wait()
    second = Watcher(repo)
    try:
        assert f"took over the lock of pid {first.proc.pid}" in "".join(second.lines)
        assert "fixed 1" in _save_and_wait(second, repo / "a.py", UNUSED.format(n=1))
    finally:
        second.end()


@pytest.mark.slow
def test_gitignored_and_excluded_files_are_left_untouched(tmp_path: Path) -> None:
    config = RUFF_ONLY + 'exclude = ["generated/"]\n'
    files = {"pyproject.toml": config, "a.py": CLEAN.format(n=0), ".gitignore": "scratch.py\n"}
    repo = make_repo(tmp_path / "r", files)
    (repo / "generated").mkdir()
    w = Watcher(repo)
    try:
        (repo / "scratch.py").write_text(UNUSED.format(n=1), encoding="utf-8")
        (repo / "generated" / "g.py").write_text(UNUSED.format(n=1), encoding="utf-8")
        time.sleep(0.3)  # their batch, if any, comes before a.py's
        line = _save_and_wait(w, repo / "a.py", UNUSED.format(n=1))
        assert "] a.py: fixed 1" in line, w.lines
        assert not any("scratch.py" in x or "g.py" in x for x in w.lines), w.lines
        assert (repo / "scratch.py").read_text(encoding="utf-8") == UNUSED.format(n=1)
        assert (repo / "generated" / "g.py").read_text(encoding="utf-8") == UNUSED.format(n=1)
    finally:
        w.end()


@pytest.mark.slow
def test_a_batch_that_fails_is_one_line_and_the_same_save_is_tried_again(
    repo: Path, watcher: Watcher
) -> None:
    good = (repo / "pyproject.toml").read_text(encoding="utf-8")
    (repo / "pyproject.toml").write_text(good + "[tool.healers\n", encoding="utf-8")
    (repo / "a.py").write_text(UNUSED.format(n=1), encoding="utf-8")
    line = watcher.wait_for("heal watch: error:")
    assert "pyproject.toml: not valid TOML" in line
    (repo / "pyproject.toml").write_text(good, encoding="utf-8")
    assert "fixed 1" in _save_and_wait(watcher, repo / "a.py", UNUSED.format(n=1))
    assert watcher.proc.poll() is None


@pytest.mark.slow
def test_tests_run_after_a_batch_and_a_failure_is_handed_to_repair(repo: Path) -> None:
    (repo / "test_a.py").write_text("def test_fails():\n    assert False\n", encoding="utf-8")
    w = Watcher(repo, "--tests", "--verify-cmd", f"{sys.executable} -m pytest -q test_a.py")
    try:
        _save_and_wait(w, repo / "a.py", UNUSED.format(n=1))
        w.wait_for("heal repair: exit 1")
        assert any("tests: failed with exit code 1" in x for x in w.lines), w.lines
        # repair ran the suite itself and said why it asked no model
        assert any("no model is configured" in x for x in w.lines), w.lines
        assert (repo / "a.py").read_text(encoding="utf-8") == CLEAN.format(n=1)
    finally:
        w.end()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc")
def test_memory_stays_flat_over_500_save_batches(repo: Path, watcher: Watcher) -> None:
    rss = {}
    for n in range(1, 501):
        text = (UNUSED if n % 2 else CLEAN).format(n=n)  # every other batch writes a fix
        _save_and_wait(watcher, repo / "a.py", text)
        if n in (100, 500):
            rss[n] = _rss_kib(watcher.proc.pid)
    growth = rss[500] - rss[100]
    print(f"RSS after 100 batches {rss[100]} KiB, after 500 {rss[500]} KiB")
    assert growth < 8 * 1024, rss  # 400 batches: under 8 MiB, about 20 KiB a batch at most


# --- the parts, without a watcher ------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path", "wanted"),
    [
        pytest.param(saved.MODIFIED, "/r/a.py", True, id="a saved module"),
        pytest.param(saved.ADDED, "/r/pkg/stub.pyi", True, id="a new stub"),
        pytest.param(3, "/r/a.py", False, id="deleted"),
        pytest.param(saved.MODIFIED, "/r/a.txt", False, id="not Python"),
        pytest.param(saved.MODIFIED, "/r/.heal/cache/x.py", False, id="heal's own state"),
        pytest.param(saved.MODIFIED, "/r/.venv/lib/x.py", False, id="a virtual environment"),
        pytest.param(saved.MODIFIED, "/r/.heal-1a2b.tmp", False, id="heal's temp file"),
    ],
)
def test_which_changes_make_a_batch(change: int, path: str, wanted: bool) -> None:
    assert saved.wanted(change, path.replace("/", os.sep)) is wanted


def test_a_file_as_heal_last_saw_it_is_passed_over() -> None:
    seen = saved.Seen()
    seen.remember("a.py", b"x = 1\n")
    assert seen.same("a.py", b"x = 1\n")
    assert not seen.same("a.py", b"x = 2\n")
    assert not seen.same("b.py", b"x = 1\n")


def test_the_memory_of_files_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(saved, "KEPT", 3)
    seen = saved.Seen()
    for n in range(10):
        seen.remember(f"{n}.py", b"")
        assert len(seen.digests) <= 3


def test_a_note_is_shown_once() -> None:
    notes = block.Notes()
    assert notes.new(["no Python version", "a.py: left alone"]) == [
        "no Python version",
        "a.py: left alone",
    ]
    assert notes.new(["no Python version", "b.py: left alone"]) == ["b.py: left alone"]


@pytest.mark.slow
def test_git_check_ignore_in_one_call(tmp_path: Path) -> None:
    from healers import tools

    repo = make_repo(tmp_path / "r", {".gitignore": "x.py\nbuild/\n", "t.py": ""})
    found = tools.ignored(repo, ["x.py", "build/y.py", "t.py", "z.py"])
    assert found == {"x.py", "build/y.py"}
    assert tools.ignored(tmp_path, ["x.py"]) == frozenset()  # not a repository


def test_the_lock_holds_one_watcher_and_names_it(tmp_path: Path) -> None:
    state_dir = tmp_path / ".heal"
    assert lock.holder(state_dir) is None
    with lock.held(tmp_path, tmp_path / "src") as stale:
        assert stale is None
        running = lock.holder(state_dir)
        assert running is not None
        assert (running.pid, running.path) == (os.getpid(), str(tmp_path / "src"))
        refused = pytest.raises(UsageError, match=f"a watcher already runs for {tmp_path} ")
        with refused, lock.held(tmp_path, tmp_path):
            pass
    assert lock.holder(state_dir) is None
    assert not (state_dir / lock.INFO).exists()


def test_a_link_in_place_of_the_lock_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".heal").mkdir()
    (tmp_path / "elsewhere").write_text("", encoding="utf-8")
    (tmp_path / ".heal" / lock.LOCK).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(StateError, match="symbolic link"), lock.held(tmp_path, tmp_path):
        pass
