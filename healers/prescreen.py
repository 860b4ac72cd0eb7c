"""The pre-screen: each file decoded as Python would, parsed and compiled once; what fails is a
finding, and the file is kept away from mypy and libcst."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from pathlib import Path

from healers import fingerprint, source
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


def read(
    root: Path,
    paths: Sequence[str],
    given: Mapping[str, bytes] | None = None,
    *,
    scopes_of: bool = True,
) -> tuple[dict[str, FileState], list[Finding]]:
    """Read and pre-screen each file with `compile()`: undecodable or unparsable files become
    findings and are kept away from mypy and the codemods. `given` holds contents to use
    instead of the disk's (an earlier version of some files); without `scopes_of` the states
    have no scopes (for fingerprints), which costs a tree walk per file."""
    states: dict[str, FileState] = {}
    found: list[Finding] = []
    for path in paths:
        try:
            data = given[path] if given and path in given else (root / path).read_bytes()
            src = source.read_source(data)
        except (OSError, source.SourceError) as exc:
            found.append(heal_finding("unreadable-file", path, 1, 1, f"cannot read: {exc}"))
            continue
        scopes: list[tuple[int, int, str]] = []
        try:
            tree = ast.parse(src.text, filename=path)
            # compile the tree too: a repeated keyword argument parses but is a blocking
            # error for mypy, which would then report nothing for any file
            compile(tree, path, "exec", dont_inherit=True)
            scopes = fingerprint.scopes(tree) if scopes_of else []
        except SyntaxError as exc:
            line, col = exc.lineno or 1, exc.offset or 1
            found.append(heal_finding("syntax-error", path, line, col, f"SyntaxError: {exc.msg}"))
        except (ValueError, RecursionError, MemoryError) as exc:
            message = f"cannot be parsed: {type(exc).__name__}: {exc}"
            found.append(heal_finding("syntax-error", path, 1, 1, message))
        parses = not found or found[-1].path != path
        states[path] = FileState(path, data, src, parses, tuple(scopes))
    return states, found
