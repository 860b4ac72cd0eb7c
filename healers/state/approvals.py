"""Human decisions on gated findings: `.heal/approvals.toml`, keyed by fingerprint and void when
the flagged code or the proposed fix changes."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from healers import folder, source, toml, write
from healers.finding import Finding

FILE_NAME = "approvals.toml"
HEADER = """\
# Human decisions on findings heal does not fix on its own (written by `heal approve` and
# `heal reject`; meant to be committed). Each decision is for one finding (its fingerprint) and one
# proposed fix: it is void when the flagged code (code_hash) or the proposed diff (diff_hash)
# changes, and the finding is asked about again.
"""
FIELDS = ("fingerprint", "rule", "path", "decision", "reason", "who", "when")
FIELDS_HASHED = ("code_hash", "diff_hash")
_SPACE = re.compile(r"\s+")

Verdict = Literal["approve", "reject"]


class ApprovalsError(ValueError):
    """A broken approvals file: the message names the file and the entry."""


@dataclass(frozen=True)
class Decision:
    """One person's decision on one finding, as recorded in approvals.toml."""

    fingerprint: str
    rule: str
    path: str
    decision: Verdict
    reason: str
    who: str
    when: str  # ISO 8601, UTC
    code_hash: str  # code_hash() of the flagged lines when decided
    diff_hash: str  # diff_hash() of the proposed fix when decided ("" diff: no automatic fix)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def flagged_lines(finding: Finding, text: str) -> tuple[int, int]:
    """The first and last line of the flagged code: the innermost statement holding the flagged
    line (only the header of a compound one: `def f(password="x"):`), and at least the lines the
    analyzer reported. bandit may flag a line inside a call that starts above it (B501 names the
    `verify=` line), so the statement, not the reported line, is what a person looked at."""
    first, last = finding.line, max(finding.end_line, finding.line)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return first, last
    inner: ast.stmt | None = None
    statements = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    for node in statements:  # breadth first: a nested statement comes after its parent
        holds = node.lineno <= finding.line <= (node.end_lineno or 0)
        if holds and (inner is None or node.lineno >= inner.lineno):
            inner = node
    if inner is None:
        return first, last
    body = getattr(inner, "body", None)
    end = body[0].lineno - 1 if isinstance(body, list) and body else inner.end_lineno or last
    if end < finding.line:  # the flagged line is in the header's own lines, not in the body
        end = finding.line
    return min(first, inner.lineno), max(last, end)


def code_hash(finding: Finding, text: str) -> str:
    """The flagged code without any whitespace: a line shift, CRLF<->LF or re-indentation keeps
    it, any change to the code itself does not."""
    lines = source.lines(text)  # the tokenizer's lines: a form feed does not end one
    first, last = flagged_lines(finding, text)
    return _digest(_SPACE.sub("", "".join(lines[max(first, 1) - 1 : last])))


def diff_hash(diff: str) -> str:
    """The lines a unified diff removes and adds, without whitespace or hunk headers, so the same
    fix of a finding that moved down the file hashes the same."""
    kept = [
        line[0] + _SPACE.sub("", line[1:])
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return _digest("\n".join(kept))


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def why_void(decision: Decision, finding: Finding, text: str, diff: str) -> str:
    """ "" when the decision still holds for this finding, else why it no longer does."""
    if decision.code_hash != code_hash(finding, text):
        return "the flagged code changed since"
    if decision.diff_hash != diff_hash(diff):
        return "the proposed fix changed since"
    return ""


def path_of(state_dir: Path) -> Path:
    return state_dir / FILE_NAME


def parse(text: str, where: str) -> dict[str, Decision]:
    """approvals.toml -> decisions by fingerprint; every error names the file and the entry."""
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise ApprovalsError(f"{where}: not valid TOML: {exc}") from None
    entries = data.get("decision", [])
    if not isinstance(entries, list):
        raise ApprovalsError(f"{where}: `decision` must be an array of tables ([[decision]])")
    found: dict[str, Decision] = {}
    for i, entry in enumerate(entries):
        at = f"{where}: [[decision]] #{i + 1}"
        if not isinstance(entry, dict):
            raise ApprovalsError(f"{at}: must be a table")
        missing = [k for k in (*FIELDS, *FIELDS_HASHED) if not isinstance(entry.get(k), str)]
        if missing:
            raise ApprovalsError(f"{at}: needs string field(s) {', '.join(missing)}")
        if entry["decision"] not in ("approve", "reject"):
            raise ApprovalsError(f"{at}: `decision` must be approve or reject")
        decision = Decision(**{k: entry[k] for k in (*FIELDS, *FIELDS_HASHED)})
        found[decision.fingerprint] = decision  # a later entry replaces an earlier one
    return found


def load(state_dir: Path) -> dict[str, Decision]:
    path = path_of(state_dir)
    try:
        with folder.opened(state_dir) as place:
            data = place.read(FILE_NAME)
        text = "" if data is None else data.decode("utf-8")
    except FileNotFoundError:
        return {}
    except folder.StateError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise ApprovalsError(f"{path}: cannot read: {exc}") from None
    return parse(text, str(path)) if data is not None else {}


def _string(value: str) -> str:
    # a JSON string without ASCII escaping is a valid TOML basic string: json escapes `"`, `\`
    # and control characters as \" \\ \n \uXXXX, all of which TOML reads the same way
    return json.dumps(value, ensure_ascii=False)


def dumps(decisions: Mapping[str, Decision]) -> str:
    """The file's text: decisions sorted by path, then fingerprint, so diffs stay small."""
    blocks = [HEADER]
    for d in sorted(decisions.values(), key=lambda d: (d.path, d.fingerprint)):
        rows = [f"{key} = {_string(getattr(d, key))}" for key in (*FIELDS, *FIELDS_HASHED)]
        blocks.append("[[decision]]\n" + "\n".join(rows) + "\n")
    return "\n".join(blocks)


def record(state_dir: Path, new: Mapping[str, Decision]) -> None:
    """Add or replace decisions: re-read under the lock (another heal may have written), merge,
    write atomically (never through a link)."""
    with write.locked(state_dir), folder.opened(state_dir) as place:
        merged = {**load(state_dir), **new}
        write.write_in(place, FILE_NAME, dumps(merged).encode("utf-8"))
