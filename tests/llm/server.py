"""A local OpenAI-compatible server for the tests: `/v1/chat/completions` on 127.0.0.1 with
scripted replies (a patch, a 429, a 500, a slow answer), usage figures, and a record of every
request and of how many were in flight at once. The real `openai` client talks to it."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ASKED = re.compile(r"File: (?P<path>\S+)\nFinding: (?P<code>\S+) at line (?P<line>\d+)")


@dataclass(frozen=True)
class Reply:
    content: str = ""
    status: int = 200
    delay: float = 0.0  # seconds before answering
    cost: float | None = None  # usage.cost, as some providers report it


def no_fix(why: str = "nothing scripted for this finding") -> Reply:
    return Reply(f"NO FIX: {why}")


def asked(body: Mapping[str, Any]) -> str:
    """`path:line code` of the finding a request asks about (from its first user message)."""
    first = next(m["content"] for m in body["messages"] if m["role"] == "user")
    m = _ASKED.search(first)
    return f"{m['path']}:{m['line']} {m['code']}" if m else ""


def scripted(
    replies: Mapping[str, Sequence[Reply]], default: Reply | None = None
) -> Callable[[dict[str, Any]], Reply]:
    """Replies by finding (`path:line code`), one per request in order (the last one repeats);
    other findings get `default` (NO FIX)."""
    taken: dict[str, int] = {}
    lock = threading.Lock()

    def script(body: dict[str, Any]) -> Reply:
        key = asked(body)
        with lock:
            queue = replies.get(key)
            if not queue:
                return default or no_fix()
            i = taken.get(key, 0)
            taken[key] = i + 1
        return queue[min(i, len(queue) - 1)]

    return script


class Server:
    """`with Server(script) as s:` serves on s.url until the block ends (on `port`, else on one
    the system picks); bench/offline_model.py serves its scripted model with it."""

    def __init__(self, script: Callable[[dict[str, Any]], Reply], port: int = 0) -> None:
        self.script = script
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

            def do_POST(self) -> None:
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        body = json.loads(h.rfile.read(int(h.headers.get("Content-Length", "0"))))
        with self._lock:
            self.requests.append(body)
            self.headers.append({k.lower(): v for k, v in h.headers.items()})
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            reply = self.script(body) if h.path.endswith("/chat/completions") else Reply(status=404)
            time.sleep(reply.delay)
            self._send(h, body, reply, h.headers.get("authorization", ""))
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
            pass
        finally:
            with self._lock:
                self.in_flight -= 1

    def _send(
        self, h: BaseHTTPRequestHandler, body: dict[str, Any], reply: Reply, auth: str
    ) -> None:
        if reply.status != 200:
            kind = {401: "invalid_api_key", 404: "model_not_found", 429: "rate_limit"}
            # as some servers do, a 401 quotes the key it was given: heal must not print it
            said = f"Incorrect API key provided: {auth}" if reply.status == 401 else "scripted"
            error = {"message": f"{said} ({reply.status})", "type": kind.get(reply.status, "x")}
            self._write(h, reply.status, {"error": error}, {"retry-after-ms": "20"})
            return
        prompt = sum(len(m["content"]) for m in body["messages"]) // 4
        usage: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": len(reply.content) // 4,
            "total_tokens": prompt + len(reply.content) // 4,
        }
        if reply.cost is not None:
            usage["cost"] = reply.cost
        answer = {"role": "assistant", "content": reply.content}
        payload = {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", ""),
            "choices": [{"index": 0, "message": answer, "finish_reason": "stop"}],
            "usage": usage,
        }
        self._write(h, 200, payload, {})

    @staticmethod
    def _write(
        h: BaseHTTPRequestHandler, status: int, payload: object, headers: Mapping[str, str]
    ) -> None:
        data = json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            h.send_header(key, value)
        h.end_headers()
        h.wfile.write(data)
