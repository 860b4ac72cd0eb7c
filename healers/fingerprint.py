"""Stable finding fingerprints: they survive line shifts, CRLF<->LF and re-indentation."""

from __future__ import annotations

import ast
import hashlib
import re
from collections import Counter
from collections.abc import Sequence

from healers import source
from healers.finding import Finding

_SPACE = re.compile(r"\s+")


def scopes(tree: ast.AST) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function and class, outermost first."""
    found: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                found.append((child.lineno, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def scope_at(table: Sequence[tuple[int, int, str]], line: int) -> str:
    innermost = ""
    for first, last, name in table:
        if first <= line <= last:
            innermost = name  # later entries are nested deeper
    return innermost


def fingerprints(
    findings: Sequence[Finding], text: str, table: Sequence[tuple[int, int, str]]
) -> list[str]:
    """One fingerprint per finding of one file: code, path, enclosing scope, the flagged line with
    all whitespace removed (lines as the tokenizer counts them), and which occurrence it is.

    A finding alone of its kind in its scope (nearly all) is occurrence 1, as it always was. Of
    identical twins, each fingerprint also says how many there are ("2 of 3"): when one is fixed
    or a new one appears, every twin's fingerprint changes, so a decision or a baseline entry
    for one twin never passes to another (issue 11, item 6); each is asked about again.
    """
    lines = source.lines(text)
    keys = []
    for f in findings:
        flagged = lines[f.line - 1] if 0 < f.line <= len(lines) else ""
        keys.append((f.code, f.path, scope_at(table, f.line), _SPACE.sub("", flagged)))
    twins = Counter(keys)
    seen: Counter[tuple[str, ...]] = Counter()
    order = sorted(range(len(findings)), key=lambda i: (findings[i].line, findings[i].column))
    result = [""] * len(findings)
    for i in order:
        key = keys[i]
        seen[key] += 1
        occurrence = str(seen[key]) if twins[key] == 1 else f"{seen[key]} of {twins[key]}"
        digest = hashlib.sha256("\0".join((*key, occurrence)).encode("utf-8", "replace"))
        result[i] = digest.hexdigest()[:16]
    return result
