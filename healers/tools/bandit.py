"""bandit: its arguments, and its `-f json` read into findings and the files it could not read."""

from __future__ import annotations

import json
from collections.abc import Sequence

from healers.finding import Finding
from healers.paths import relative


class BanditError(ValueError):
    """bandit could not read a file: it lists it in `errors[]` and still exits 0."""


def command(paths: Sequence[str], *, config: str | None) -> list[str]:
    args = ["-f", "json", "-q"]
    if config is not None:
        args += ["-c", config]
    return [*args, *paths]


def read(output: str, root: str) -> tuple[list[Finding], list[tuple[str, str]]]:
    """bandit `-f json` -> (findings, errors) where errors are (repo-relative path, reason)."""
    data = json.loads(output)
    findings = [
        Finding(
            code=f"bandit:{item['test_id']}",
            path=relative(item["filename"], root),
            line=item["line_number"],
            column=item.get("col_offset", 0) + 1,
            end_line=max(item.get("line_range") or [item["line_number"]]),
            end_column=(item.get("end_col_offset") or item.get("col_offset", 0)) + 1,
            message=item["issue_text"],
            name=item.get("test_name") or "",
            severity=item["issue_severity"].lower(),
            confidence=item["issue_confidence"].lower(),
            hint=f"CWE-{item['issue_cwe']['id']}" if item.get("issue_cwe") else "",
        )
        for item in data.get("results", [])
    ]
    errors = [(relative(e["filename"], root), e.get("reason", "")) for e in data.get("errors", [])]
    return findings, errors
