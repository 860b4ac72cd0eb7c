"""`heal dashboard --web`: the dashboard page on a local HTTP server (the standard library's),
updated by server-sent events within a fraction of a second of a run writing the history. Read
only: GET and HEAD of four paths under /healing; anything else is 404 or 405."""

from __future__ import annotations

import errno
import hashlib
import http.server
import ipaddress
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO
from urllib.parse import urlsplit

from healers.dashboard.figures import Figures
from healers.errors import UsageError
from healers.report import html

APP = "/healing"
LOOPBACK = "127.0.0.1"
POLL = 0.1  # seconds between two looks at the history's files
KEEPALIVE = 15.0  # seconds between two comments on an idle event stream
READ_ONLY = "GET, HEAD"


class Board:
    """What the server shows: the figures, loaded again (once, for every client) when the
    history's signature changes; a generation that names the version shown."""

    def __init__(self, load: Callable[[], Figures], signature: Callable[[], object]) -> None:
        self._load = load
        self._signature = signature
        self._lock = threading.Lock()
        self._changed = threading.Condition()
        self._seen: object = None
        self.generation = ""
        self._pages: tuple[str, str, str] = ("", "", "")  # generation, page, main
        self.closing = False
        self.look()

    def look(self) -> bool:
        """Has the history changed since the last look? Wakes the event streams when it has."""
        now = self._signature()
        if now == self._seen:
            return False
        with self._changed:
            self._seen = now
            self.generation = hashlib.sha256(repr(now).encode()).hexdigest()[:16]
            self._changed.notify_all()
        return True

    def watch(self) -> None:
        while not self.closing:
            time.sleep(POLL)
            self.look()

    def wait(self, known: str, timeout: float) -> str:
        """The generation once it is not `known` any more, or after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != known or self.closing, timeout)
            return self.generation

    def close(self) -> None:
        with self._changed:
            self.closing = True
            self._changed.notify_all()

    def pages(self) -> tuple[str, str, str]:
        """(generation, the whole page, its main part), rendered once per generation."""
        with self._lock:
            generation = self.generation
            if self._pages[0] != generation:
                fig = self._load()
                body = html.main(fig, generation=generation)
                page = html.document(fig, live=True, generation=generation, body=body)
                self._pages = (generation, page, body)
            return self._pages


class Handler(http.server.BaseHTTPRequestHandler):
    server: Server
    server_version = "heal-dashboard"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a dashboard left open would fill the terminal."""

    def _headers(self, status: int, kind: str, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", html.policy(header=True))
        if length is not None:
            self.send_header("Content-Length", str(length))
        if status == 405:
            self.send_header("Allow", READ_ONLY)

    def _send(self, status: int, body: str, kind: str = "text/plain; charset=utf-8") -> None:
        data = body.encode("utf-8")
        self._headers(status, kind, len(data))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _host_ok(self) -> bool:
        """Refuse a Host the server was not asked for (a web page's DNS rebinding)."""
        allowed = self.server.hosts
        return not allowed or self.headers.get("Host", "") in allowed

    def do_GET(self) -> None:
        if not self._host_ok():
            return self._send(400, "unexpected Host header\n")
        path = urlsplit(self.path).path
        board = self.server.board
        if path in ("/", ""):
            self.send_response(302)
            self.send_header("Location", APP)
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if path == APP:
            return self._send(200, board.pages()[1], "text/html; charset=utf-8")
        if path == f"{APP}/main":
            return self._send(200, board.pages()[2], "text/html; charset=utf-8")
        if path == f"{APP}/events" and self.command == "GET":
            return self._events(board)
        return self._send(404, f"not found: {path} (the dashboard is at {APP})\n")

    def do_HEAD(self) -> None:
        self.do_GET()

    def _refuse(self) -> None:
        self._send(405, f"read only: {READ_ONLY}; approving stays a command (heal approve)\n")

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    def _events(self, board: Board) -> None:
        self._headers(200, "text/event-stream; charset=utf-8")
        self.end_headers()
        known = ""
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while not board.closing:
                generation = board.wait(known, KEEPALIVE)
                if generation != known:
                    self.wfile.write(f"event: update\ndata: {generation}\n\n".encode())
                    known = generation
                else:
                    self.wfile.write(b": idle\n\n")
                self.wfile.flush()
        except OSError:  # the page was closed
            return


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never keeps heal from stopping
    board: Board
    hosts: frozenset[str]


class Server6(Server):
    address_family = socket.AF_INET6


def bracketed(host: str) -> str:
    """An IPv6 address as a URL or a Host header spells it."""
    return f"[{host.strip('[]')}]" if ":" in host else host


def loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def open_server(host: str, port: int, board: Board) -> Server:
    """Bind; a port in use (or any other bind error) is a UsageError naming it."""
    kind = Server6 if ":" in host else Server
    try:
        server = kind((host.strip("[]"), port), Handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} is in use on {host}: choose another with --port"
            ) from None
        raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    bound = server.server_address[1]
    server.board = board
    names = (bracketed(host), "localhost", "127.0.0.1", "[::1]") if loopback(host) else ()
    server.hosts = frozenset(f"{name}:{bound}" for name in names)
    return server


def serve(board: Board, host: str, port: int, *, out: TextIO = sys.stdout) -> int:
    """Serve until interrupted (Ctrl-C, SIGTERM); prints the address first."""
    server = open_server(host, port, board)
    url = f"http://{bracketed(host)}:{server.server_address[1]}{APP}"
    print(f"heal dashboard: {url}  (Ctrl-C stops it)", file=out, flush=True)
    watcher = threading.Thread(target=board.watch, name="heal-dashboard-watch", daemon=True)
    watcher.start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("heal dashboard: stopped", file=out, flush=True)
    finally:
        board.close()
        server.server_close()
    return 0
