"""The prompt for one failing test: the test's id, its failure and traceback, and the code of the
frames inside the project (the enclosing function of each, whole files when small), which files
the patch may change, every secret redacted."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from healers.llm import redact
from healers.llm.prompt import Message, digest, follow_up
from healers.llm.redact import Redactor
from healers.repair.suite import Failure
from healers.repair.writable import Writable

SMALL_FILE = 120  # lines: a file this short is shown whole
MARGIN = 3  # lines around a frame outside any function
MAX_FILES = 6  # frames' files shown
SYSTEM = """\
You repair the code under test so that a failing test passes. Answer with a unified diff in a \
```diff block, in git's format: `--- a/PATH` and `+++ b/PATH` headers, hunks with three lines of \
context, paths relative to the project root. Change only files you are told you may change; never \
change a test to make it pass unless you are told tests may change. Fix the cause, keep every \
other behaviour, the code's style and its comments. Values shown as <redacted-N> are secrets kept \
from you: leave them as they are. If the failure cannot be repaired safely, answer NO FIX and say \
why."""


@dataclass(frozen=True)
class Prompt:
    messages: tuple[Message, ...]
    hash: str
    redactor: Redactor
    shown: tuple[str, ...]  # the files shown, in order
    texts: str  # everything shown, unredacted (a patch's new secret is one not in it)


def _scope(tree: ast.Module, line: int) -> tuple[int, int] | None:
    """The innermost function or class around `line`."""
    best: tuple[int, int] | None = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            last = node.end_lineno or node.lineno
            if first <= line <= last and (best is None or first >= best[0]):
                best = (first, last)
    return best


def _excerpt(path: str, text: str, lines: Sequence[int]) -> str:
    rows = text.splitlines(keepends=True)
    if len(rows) <= SMALL_FILE:
        spans = [(1, len(rows))]
    else:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = ast.Module(body=[], type_ignores=[])
        spans = sorted(
            {_scope(tree, n) or (max(1, n - MARGIN), min(len(rows), n + MARGIN)) for n in lines}
        )
    parts = []
    for first, last in spans:
        body = "".join(rows[first - 1 : last])
        body += "" if body.endswith("\n") else "\n"
        where = "the whole file" if (first, last) == (1, len(rows)) else f"lines {first}-{last}"
        parts.append(f"\n{path} ({where}):\n```python\n{body}```\n")
    return "".join(parts)


def imported(path: str, root: Path) -> list[str]:
    """The project's own modules a file imports (`from calc.ops import add` -> calc/ops.py), found
    at the root or under src/: a test that fails on a wrong value has no frame in them."""
    try:
        tree = ast.parse((root / path).read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return []
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    found = []
    for name in names:
        rel = name.replace(".", "/")
        for base in ("", "src/"):
            for candidate in (f"{base}{rel}.py", f"{base}{rel}/__init__.py"):
                if (root / candidate).is_file() and candidate not in found:
                    found.append(candidate)
    return found


def build(failure: Failure, root: Path, writable: Writable, env: Sequence[str]) -> Prompt:
    """The messages for one failing test, from the files as they are under `root`: the frames'
    code, and the writable modules the test's own file imports."""
    by_file: dict[str, list[int]] = {}
    for frame in failure.frames:
        by_file.setdefault(frame.path, []).append(frame.line)
    test_file = failure.test.split("::", 1)[0]
    for path in imported(test_file, root) if test_file.endswith(".py") else []:
        if not writable.why_not(path):
            by_file.setdefault(path, [1])
    shown = list(by_file)[:MAX_FILES]
    texts = {p: (root / p).read_text(encoding="utf-8", errors="replace") for p in shown}
    redactor = redact.for_file("\n".join(texts.values()), env)
    may = [p for p in shown if not writable.why_not(p)]
    parts = [
        f"Failing test: {failure.test}\nFailure: {failure.message}\n",
        f"\nTraceback:\n```\n{failure.traceback.strip()}\n```\n",
        "".join(_excerpt(p, texts[p], by_file[p]) for p in shown),
        f"\nYou may change files under: {writable.describe()}",
        f" (of those shown: {', '.join(may)})." if may else ".",
        "\nReply with the unified diff that makes the test pass.",
    ]
    user = redactor.scrub("".join(parts))
    messages = ({"role": "system", "content": SYSTEM}, {"role": "user", "content": user})
    return Prompt(messages, digest(messages), redactor, tuple(shown), "\n".join(texts.values()))


def retry(
    messages: Sequence[Message], reply: str, why: str, redactor: Redactor
) -> tuple[Message, ...]:
    """The conversation once more, with why the last patch was not kept fed back."""
    said = f"Your patch was not used: {why}\nReply with a corrected unified diff, or NO FIX."
    return follow_up(messages, reply, said, redactor)
