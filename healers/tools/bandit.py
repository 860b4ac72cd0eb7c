"""bandit: its arguments, and its `-f json` read into findings and the files it could not read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from healers.finding import Finding
from healers.paths import relative
from healers.tools import python
from healers.tools.run import not_its_output


class BanditError(ValueError):
    """bandit could not read a file: it lists it in `errors[]` and still exits 0."""


def command(paths: Sequence[str], *, config: str | None) -> list[str]:
    args = ["-f", "json", "-q"]
    if config is not None:
        args += ["-c", config]
    return [*args, *python.operands(paths)]


def read(output: str, root: str) -> tuple[list[Finding], list[tuple[str, str]]]:
    """bandit `-f json` -> (findings, errors) where errors are (repo-relative path, reason).
    Output without bandit's `results` and `errors` lists is an AnalyzerError."""
    try:
        data = json.loads(output)
        if not isinstance(data.get("results"), list) or not isinstance(data.get("errors"), list):
            raise KeyError("results and errors")
        findings = [_finding(item, root) for item in data["results"]]
        errors = [(relative(e["filename"], root), str(e.get("reason", ""))) for e in data["errors"]]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise not_its_output("bandit", output, exc) from None
    return findings, errors


def _finding(item: dict[str, Any], root: str) -> Finding:
    return Finding(
        code=f"bandit:{item['test_id']}",
        path=relative(item["filename"], root),
        line=int(item["line_number"]),
        column=int(item.get("col_offset", 0)) + 1,
        end_line=max(item.get("line_range") or [item["line_number"]]),
        end_column=int(item.get("end_col_offset") or item.get("col_offset", 0)) + 1,
        message=str(item["issue_text"]),
        name=item.get("test_name") or "",
        severity=str(item["issue_severity"]).lower(),
        confidence=str(item["issue_confidence"]).lower(),
        hint=f"CWE-{item['issue_cwe']['id']}" if item.get("issue_cwe") else "",
    )
