"""The prompt for one finding: the rule's summary and why, the finding, the function or class
around it and the file's imports (nothing of other files), up to three similar past heals, every
secret redacted; and the lines a patch may change (what the model was shown)."""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from healers import snippets
from healers.finding import Outcome
from healers.llm.redact import Redactor
from healers.state import approvals
from healers.state.patterns import Pattern

MAX_SCOPE = 80  # a longer function or class is cut to a window around the finding ...
WINDOW = 30  # ... of this many lines on each side
MODULE_MARGIN = 3  # lines shown around a module-level statement
CONTEXT = 2  # lines shown beyond a function or class (a diff's context for its last line)
SYSTEM = """\
You fix one finding of a static analyzer in a Python file. Answer with a unified diff of that \
one file only, in a ```diff block, in git's format: `--- a/PATH` and `+++ b/PATH` headers, hunks \
with three lines of context. Change only the lines you are shown (the code around the finding \
and the imports at the top of the file); keep the code's behaviour apart from the fix, its style \
and its comments. Values shown as <redacted-N> are secrets kept from you: leave them as they are. \
If the finding cannot be fixed safely, answer NO FIX and say why."""
Message = dict[str, str]


@dataclass(frozen=True)
class Window:
    """The lines shown: the scope around the finding and the head of the file (its imports)."""

    first: int
    last: int
    head: int  # the last line of the imports (or the docstring); 0 when there is none

    def allows(self, first: int, last: int) -> bool:
        """May a change of old lines first..last (last = first - 1: an insertion after line
        `last`) happen? Only within what the model was shown."""
        if last < first:
            return self.first - 1 <= last <= self.last or last <= self.head
        shown = set(range(1, self.head + 1)) | set(range(self.first, self.last + 1))
        return all(n in shown for n in range(first, last + 1))


@dataclass(frozen=True)
class Prompt:
    messages: tuple[Message, ...]
    hash: str  # of the messages as sent: the queue and the audit name the prompt by it
    window: Window
    patterns: tuple[int, ...]  # the stored patterns shown


def _span(node: ast.stmt) -> tuple[int, int]:
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    first = min([node.lineno, *(d.lineno for d in decorators)])
    return first, node.end_lineno or node.lineno


def window(tree: ast.Module, line: int, lines: int) -> Window:
    """The innermost function or class holding `line` with CONTEXT lines around it (cut to
    WINDOW lines each side when longer than MAX_SCOPE), or the statement at module level with
    MODULE_MARGIN lines around it. Without lines after the scope, a patch of its last line has
    no trailing context, and `git apply` then only matches it at the end of the file."""
    scope: tuple[int, int] | None = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first, last = _span(node)
            if first <= line <= last and (scope is None or first >= scope[0]):
                scope = (first, last)
    if scope is None:
        held = [_span(s) for s in tree.body if _span(s)[0] <= line <= _span(s)[1]]
        first, last = held[0] if held else (line, line)
        scope = (max(1, first - MODULE_MARGIN), min(lines, last + MODULE_MARGIN))
    else:
        scope = (max(1, scope[0] - CONTEXT), min(lines, scope[1] + CONTEXT))
    first, last = scope
    if last - first + 1 > MAX_SCOPE:
        first, last = max(first, line - WINDOW), min(last, line + WINDOW)
    return Window(first, last, _head(tree))


def _head(tree: ast.Module) -> int:
    head = 0
    for i, node in enumerate(tree.body):
        is_doc = i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if isinstance(node, (ast.Import, ast.ImportFrom)) or is_doc:
            head = node.end_lineno or node.lineno
        elif not isinstance(node, ast.If):  # `if TYPE_CHECKING:` imports: the head goes on
            break
    return head


def _block(text_lines: Sequence[str], first: int, last: int) -> str:
    """Lines first..last as they are: blank ones at the end too (a diff's context)."""
    shown = "".join(text_lines[first - 1 : last])
    return "```python\n" + shown + ("" if shown.endswith("\n") else "\n") + "```\n"


def _patterns(shown: Sequence[Pattern]) -> str:
    if not shown:
        return ""
    parts = ["\nSimilar fixes made in this project before (names abstracted as v1, v2, ...):\n"]
    for i, p in enumerate(shown, 1):
        parts.append(f"{i}. {p.code} [{p.rule}]\nbefore:\n```\n{p.before}\n```\n")
        parts.append(f"after:\n```\n{p.after}\n```\n")
    return "".join(parts)


def query(outcome: Outcome, text: str) -> str:
    """The flagged code normalised as the pattern store keeps snippets: what retrieval matches."""
    first, last = approvals.flagged_lines(outcome.finding, text)
    flagged = "".join(text.splitlines(keepends=True)[first - 1 : last])
    return snippets.normalize(flagged, "", snippets.imported(text)).before


def build(
    outcome: Outcome, text: str, tree: ast.Module, redactor: Redactor, shown: Sequence[Pattern]
) -> Prompt:
    """The messages for one finding, every secret replaced by its placeholder."""
    f, rule = outcome.finding, outcome.rule
    lines = text.splitlines(keepends=True)
    view = window(tree, f.line, len(lines))
    parts = [
        f"File: {f.path}\nFinding: {f.code} at line {f.line}, column {f.column}: {f.message}\n",
        f"Rule: {rule.id}: {rule.summary}\n",
        f"Why it matters: {rule.why.strip()}\n" if rule.why.strip() else "",
        f"Analyzer hint: {f.hint}\n" if f.hint else "",
    ]
    if view.head and view.head < view.first - 1:
        parts.append(f"\nThe head of the file, its imports (lines 1-{view.head}):\n")
        parts.append(_block(lines, 1, view.head))
        shown_first = view.first
    else:  # the head runs into the scope: one excerpt from line 1
        shown_first = 1 if view.head else view.first
    where = f"lines {shown_first}-{view.last} of {f.path}; the finding is at line {f.line}"
    parts.append(f"\nThe code around the finding ({where}):\n")
    parts.append(_block(lines, shown_first, view.last))
    parts.append(_patterns(shown))
    parts.append(f"\nReply with the unified diff of {f.path} that fixes this finding.")
    user = redactor.scrub("".join(parts))
    messages = ({"role": "system", "content": SYSTEM}, {"role": "user", "content": user})
    return Prompt(messages, digest(messages), view, tuple(p.id for p in shown))


def digest(messages: Sequence[Message]) -> str:
    return hashlib.sha256(json.dumps(list(messages), sort_keys=True).encode()).hexdigest()[:16]


def retry(prompt: Prompt, reply: str, why: str, redactor: Redactor) -> tuple[Message, ...]:
    """The conversation once more, with the failure of the first patch fed back."""
    said = f"Your patch was not used: {why}. Reply with a corrected unified diff."
    return follow_up(prompt.messages, reply, said, redactor)


def follow_up(
    messages: Sequence[Message], reply: str, said: str, redactor: Redactor
) -> tuple[Message, ...]:
    """The conversation with the model's reply and what heal answers to it, both redacted."""
    return (
        *messages,
        {"role": "assistant", "content": redactor.scrub(reply)},
        {"role": "user", "content": redactor.scrub(said)},
    )
