"""heal's own rules (performance.py, logic.py): one libcst pass per file, in the codemod worker."""

from __future__ import annotations

import json
import traceback
from collections.abc import Sequence
from dataclasses import asdict
from functools import cache
from typing import Any

import libcst as cst

from healers import analysis, apply
from healers.finding import Finding, Outcome
from healers.logic import rules as logic
from healers.performance import rules as performance

TABLES = (performance.RULES, logic.RULES)


@cache
def table() -> dict[type[cst.CSTNode], list[analysis.Check]]:
    return analysis.dispatch(TABLES)


def analyze_job(path: str, text: str) -> dict[str, Any]:
    """The worker's side: {"findings": [...]} or {"error": why}, never an exception."""
    try:
        found = analysis.run_rules(path, text, table())
    except RecursionError:
        return {"error": "the file is nested too deeply for libcst"}
    except Exception as exc:  # a rule's bug, or libcst refusing the file, costs this file only
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return {"error": f"heal's own analyzers failed: {last}"}
    return {"findings": [asdict(f) for f in found]}


def _not_analyzed(path: str, why: str) -> Finding:
    return Finding(
        code="heal:analysis-failed",
        path=path,
        line=1,
        column=1,
        message=f"heal's performance and logic rules did not run on this file: {why}",
        name="analysis-failed",
        severity="error",
    )


def analyze(texts: Sequence[tuple[str, str]], *, timeout: float) -> list[Finding]:
    """Findings for (path, text) pairs, analyzed in worker processes with the codemods' per-file
    timeout; a file that hangs, crashes or fails becomes one `heal:analysis-failed` finding."""
    payloads = [json.dumps({"kind": "analyze", "path": p, "text": t}) for p, t in texts]
    found: list[Finding] = []
    for (path, _), raw in zip(
        texts, apply.run_jobs(payloads, timeout=timeout, failed="crashed"), strict=True
    ):
        if isinstance(raw, str) or "error" in raw:
            found.append(_not_analyzed(path, raw if isinstance(raw, str) else raw["error"]))
        else:
            found += [Finding(**f) for f in raw["findings"]]
    return found


def dedupe(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """One finding per rule and line: where ruff reports a pattern heal's own rule also finds
    (B006, F631, PLW0127, ...: the rule files map both codes), heal's finding stays."""
    ours = {
        (o.rule.id, o.finding.path, o.finding.line) for o in outcomes if o.finding.tool == "heal"
    }
    return [
        o
        for o in outcomes
        if o.finding.tool == "heal" or (o.rule.id, o.finding.path, o.finding.line) not in ours
    ]
