"""A scripted stand-in for a model, for bench/propose.py's offline mode: an OpenAI-compatible
`/v1/chat/completions` on 127.0.0.1 (standard library only) that answers heal's prompts with a
few mechanical rewrites of the flagged line, made the way a model would make them (a fenced
unified diff of what it was shown), and NO FIX for everything else.

Some rewrites are right (`except:` -> `except Exception:`, `type(a) == b` -> `isinstance(a, b)`),
some are wrong on purpose (renaming an ambiguous `l` on its own line only, which breaks the
lines that still use it): heal's checks are what the benchmark is about, and a model that only
ever sends good patches would not exercise them.

    python bench/offline_model.py [--port 8765]     # serves until Ctrl-C, prints its URL
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: its tests/
from tests.llm.server import Reply, Server  # the server the llm tests use

_FINDING = re.compile(r"File: (?P<path>\S+)\nFinding: (?P<code>\S+) at line (?P<line>\d+)")
_CODE = re.compile(
    r"The code around the finding \(lines (?P<first>\d+)-\d+ of [^;]+; the finding is at line "
    r"\d+\):\n```python\n(?P<code>.*?)```",
    re.DOTALL,
)
_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@", re.MULTILINE)


def _bare_except(line: str) -> str | None:
    return re.sub(r"\bexcept\s*:", "except Exception:", line) if "except" in line else None


def _type_compare(line: str) -> str | None:
    pattern = r"type\(([^()]+)\)\s*(==|!=|is not|is)\s*([\w.]+)"
    m = re.search(pattern, line)
    if not m:
        return None
    negate = "not " if m[2] in ("!=", "is not") else ""
    return line[: m.start()] + f"{negate}isinstance({m[1]}, {m[3]})" + line[m.end() :]


def _raise_from(line: str) -> str | None:
    body = line.rstrip("\n")
    if (
        not body.lstrip().startswith("raise ")
        or " from " in body
        or body.count("(") != body.count(")")
    ):
        return None
    return body + " from None\n"


def _assert(line: str) -> str | None:
    m = re.match(r"(\s*)assert (.+?)(?:, (.+))?\n$", line)
    if not m or m[2].count("(") != m[2].count(")"):
        return None
    pad, test, said = m[1], m[2], m[3] or ""
    return f"{pad}if not ({test}):\n{pad}    raise AssertionError({said})\n"


def _rename_l(line: str) -> str | None:  # wrong on purpose: the other uses of `l` stay
    return re.sub(r"\bl\b", "items", line) if re.search(r"\bl\b", line) else None


REWRITES: dict[str, Callable[[str], str | None]] = {
    "ruff:E722": _bare_except,
    "ruff:E721": _type_compare,
    "ruff:B904": _raise_from,
    "bandit:B101": _assert,
    "ruff:E741": _rename_l,
}


def answer(prompt: str) -> str:
    """The reply to one prompt (heal's first user message)."""
    finding, code = _FINDING.search(prompt), _CODE.search(prompt)
    if finding is None or code is None:
        return "NO FIX: I cannot read this prompt"
    rewrite = REWRITES.get(finding["code"])
    if rewrite is None:
        return f"NO FIX: no safe rewrite for {finding['code']} without more context"
    first, line = int(code["first"]), int(finding["line"])
    before = code["code"].splitlines(keepends=True)
    if not 0 <= line - first < len(before):
        return "NO FIX: the flagged line is not in what I was shown"
    changed = rewrite(before[line - first])
    if changed is None:
        return "NO FIX: this occurrence does not fit the usual rewrite"
    after = [
        *before[: line - first],
        *changed.splitlines(keepends=True),
        *before[line - first + 1 :],
    ]
    path = finding["path"]
    diff = "".join(difflib.unified_diff(before, after, f"a/{path}", f"b/{path}", n=3))
    shift = first - 1  # the hunk numbers are the file's, not the excerpt's
    diff = _HUNK.sub(
        lambda m: f"@@ -{int(m[1]) + shift}{m[2] or ''} +{int(m[3]) + shift}{m[4] or ''} @@", diff
    )
    return f"Here is the fix:\n\n```diff\n{diff}```\n"


def reply(body: dict[str, Any]) -> Reply:
    """The model's answer to one request: a patch for the first question, NO FIX after a
    failure heal fed back (this model has nothing better)."""
    users = [m["content"] for m in body.get("messages", []) if m.get("role") == "user"]
    if len(users) > 1:
        return Reply("NO FIX: I have no other patch for this")
    return Reply(answer(users[0] if users else ""))


def model(port: int = 0) -> Server:
    """`with model() as m:` serves the scripted model on m.url (the tests' own server)."""
    return Server(reply, port)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with model(args.port) as served, contextlib.suppress(KeyboardInterrupt):
        print(f"base-url = {served.url!r}  (Ctrl-C stops)", flush=True)
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
