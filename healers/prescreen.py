"""The pre-screen: each file decoded as Python would, parsed and compiled once; what fails is a
finding, and the file is kept away from mypy and libcst."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from healers import candidates, fingerprint, source
from healers.finding import FileState, Finding


def heal_finding(code: str, path: str, line: int, column: int, message: str) -> Finding:
    """A finding of heal's own about a file (it could not be read, parsed or analyzed)."""
    return Finding(
        code=f"heal:{code}",
        path=path,
        line=line,
        column=column,
        message=message,
        name=code,
        severity="error",
    )


Screened = dict[str, Any]  # what the pre-screen learnt of a file's bytes: see `screened`
Scope = tuple[int, int, str]
Screen = tuple[Finding | None, list[Scope], bool]  # the problem, the scopes, a rules candidate


def read(
    root: Path,
    paths: Sequence[str],
    data: Mapping[str, bytes] | None = None,
    known: Mapping[str, Screened] | None = None,
    *,
    scopes_of: bool = True,
) -> tuple[dict[str, FileState], list[Finding]]:
    """Read (or take from `data`, bytes already read) and pre-screen each file with `compile()`:
    undecodable or unparsable files become findings and are kept away from mypy and the
    codemods. `known` holds what an earlier pre-screen of the same bytes found (the cache);
    without `scopes_of` the states have no scopes (for fingerprints), which saves a tree walk
    per file."""
    states: dict[str, FileState] = {}
    found: list[Finding] = []
    for path in paths:
        try:
            raw = data[path] if data is not None and path in data else (root / path).read_bytes()
            src = source.read_source(raw)
        except (OSError, source.SourceError) as exc:
            found.append(heal_finding("unreadable-file", path, 1, 1, f"cannot read: {exc}"))
            continue
        earlier = _recalled(known.get(path) if known else None, path)
        screen = earlier if earlier is not None else _screen(src.text, path, scopes_of)
        problem, scopes, can = screen
        found += [problem] if problem is not None else []
        states[path] = FileState(path, raw, src, problem is None, tuple(scopes), can)
    return states, found


def _screen(text: str, path: str, scopes_of: bool = True) -> Screen:
    try:
        tree = ast.parse(text, filename=path)
        # compile the tree too: a repeated keyword argument parses but is a blocking
        # error for mypy, which would then report nothing for any file
        compile(tree, path, "exec", dont_inherit=True)
        if not scopes_of:
            return None, [], True
        return None, fingerprint.scopes(tree), candidates.could_match(tree, text)
    except SyntaxError as exc:
        line, col = exc.lineno or 1, exc.offset or 1
        return heal_finding("syntax-error", path, line, col, f"SyntaxError: {exc.msg}"), [], False
    except (ValueError, RecursionError, MemoryError) as exc:
        message = f"cannot be parsed: {type(exc).__name__}: {exc}"
        return heal_finding("syntax-error", path, 1, 1, message), [], False


def screened(states: Mapping[str, FileState], found: Sequence[Finding]) -> dict[str, Screened]:
    """What to keep of a pre-screen: per file read, its problem (a finding) or its scopes."""
    problems = {f.path: f for f in found}
    return {
        path: {
            "problem": asdict(problems[path]) if path in problems else None,
            "scopes": st.scopes,
            "candidate": st.candidate,
        }
        for path, st in states.items()
    }


def _recalled(record: Screened | None, path: str) -> Screen | None:
    """A kept pre-screen as (problem, scopes, candidate), or None when it is not one of `path`."""
    if not isinstance(record, dict):
        return None
    try:
        raw = record["problem"]
        problem = None if raw is None else Finding(**raw)
        scopes = [(int(a), int(b), str(c)) for a, b, c in record["scopes"]]
        can = record.get("candidate", True) is not False
    except (ValueError, TypeError, KeyError):
        return None
    if problem is not None and (problem.path != path or problem.code != "heal:syntax-error"):
        return None
    return problem, scopes, can
