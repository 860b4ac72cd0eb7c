"""`heal dashboard --web` for real: the server on a free port in a temp repository, the page over
HTTP, the event stream after a `heal --scan`, and what it refuses."""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from healers.dashboard import server
from healers.state import history
from tests.helpers import heal, heal_process, make_repo, request, start_dashboard, stop

pytestmark = pytest.mark.slow  # heal end to end, a real server

FILES = {"app.py": "import os\nimport sys\n\nprint(sys.argv)\n"}


class Stream:
    """The event stream, read in a thread: (time received, generation) per update."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
        self.conn.request("GET", "/healing/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")
        self.updates: list[tuple[float, str]] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        event = ""
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    event = line[len("event: ") :]
                elif line.startswith("data: ") and event == "update":
                    self.updates.append((time.monotonic(), line[len("data: ") :]))
        except OSError:
            return

    def wait(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.updates) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.updates) >= count, self.updates

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", FILES)


def generation(page: str) -> str:
    found = re.search(r'<main id="main" data-generation="([0-9a-f]+)"', page)
    assert found, page[:500]
    return found[1]


def test_the_page_is_served_and_the_stream_updates_within_a_second_of_a_scan(repo: Path) -> None:
    proc, url = start_dashboard(repo)
    try:
        status, headers, page = request(url)
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert "No run recorded yet" in page and "0 run(s) recorded" in page
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        stream = Stream(url)
        stream.wait(1, 10)  # on connecting: the generation shown now
        assert stream.updates[0][1] == generation(page)
        assert heal(repo, "--scan").code == 1
        done = time.monotonic()  # the run's record was written before heal returned
        time.sleep(1.0)
        last_time, last = stream.updates[-1]
        assert last_time <= done + 1.0  # the update came within a second of the record
        status, _, main = request(url + "/main")
        assert status == 200 and generation(main) == last  # the stream named what is served now
        assert "1 run(s) recorded" in main and "app.py" in main
        stream.close()
    finally:
        stop(proc)
    assert proc.returncode == 0


@pytest.mark.parametrize(
    "path",
    [
        "/etc/passwd",
        "/healing/../etc/passwd",
        "/healing/x",
        "/healingx",
        "/healing/main/",
        "/static/app.js",
    ],
)
def test_a_path_outside_the_app_is_404(repo: Path, path: str) -> None:
    proc, url = start_dashboard(repo)
    try:
        origin = url.removesuffix("/healing")
        status, _, body = request(origin + path)
        assert status == 404 and "not found" in body
        assert request(origin + "/")[0] == 302  # the root sends the browser to /healing
    finally:
        stop(proc)


def test_no_write_endpoint_is_reachable(repo: Path) -> None:
    assert heal(repo, "--scan").code == 1
    state_dir = repo / ".heal"
    before = history.signature(state_dir)
    proc, url = start_dashboard(repo)
    try:
        origin = url.removesuffix("/healing")
        for path in ("/healing", "/healing/main", "/healing/events", "/", "/healing/approve"):
            for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
                status, headers, _ = request(origin + path, method)
                assert status == 405, (method, path)
                assert headers["Allow"] == "GET, HEAD"
        assert request(url, headers={"Host": "evil.example:80"})[0] == 400  # DNS rebinding
        assert request(url, "HEAD")[0] == 200
    finally:
        stop(proc)
    assert history.signature(state_dir) == before
    assert not (state_dir / "approvals.toml").exists()


def test_a_port_in_use_is_a_clear_error(repo: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = heal_process(repo, "dashboard", "--web", "--port", str(port))
    assert run.code == 2
    assert run.err == (
        f"heal dashboard: error: port {port} is in use on 127.0.0.1: choose another with --port\n"
    )


def test_another_interface_is_warned_about(repo: Path) -> None:
    # 192.0.2.1 is TEST-NET-1: never this machine's, so nothing is exposed and the bind fails
    run = heal_process(repo, "dashboard", "--web", "--host", "192.0.2.1", "--port", "0")
    assert run.code == 2
    first, second = run.err.splitlines()
    assert first.startswith("heal dashboard: warning: serving on 192.0.2.1, not only this machine")
    assert second.startswith("heal dashboard: error: cannot serve on 192.0.2.1:0")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("--port", "70000"), "--port 70000: a port is 0..65535", id="bad port"),
        pytest.param(("--once", "--port", "1"), "--host and --port go with --web", id="no --web"),
    ],
)
def test_bad_arguments(repo: Path, args: tuple[str, ...], message: str) -> None:
    extra = ("--web",) if "--once" not in args else ()
    run = heal_process(repo, "dashboard", *extra, *args)
    assert (run.code, run.err) == (2, f"heal dashboard: error: {message}\n")


def test_a_corrupt_store_is_shown_as_a_warning(repo: Path) -> None:
    (repo / ".heal").mkdir()
    (repo / ".heal" / history.HISTORY).write_bytes(b"not sqlite" * 500)
    proc, url = start_dashboard(repo)
    try:
        page = request(url)[2]
    finally:
        stop(proc)
    assert 'class="warning"' in page and "moved to history.sqlite.corrupt-" in page


def test_loopback_names() -> None:
    assert server.loopback("127.0.0.1") and server.loopback("::1") and server.loopback("localhost")
    assert server.loopback("127.0.0.2")
    assert not server.loopback("0.0.0.0") and not server.loopback("192.0.2.1")
