"""The JSON report: the stable machine format other tools and CI read (DESIGN.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from healers import __version__
from healers.finding import ModelRun, Outcome, Report
from healers.report import summary


def whole_fields(o: Outcome) -> dict[str, Any]:
    """What each finding carries besides, so that one reader (`heal merge`'s) rebuilds it from
    any report: the analyzer's name for the code (fallback rules are named by it), its hint."""
    return {"name": o.finding.name, "hint": o.finding.hint}


def shard_fields(o: Outcome) -> dict[str, Any]:
    """A shard's finding also carries the analyzer's own edit (the merge re-decides with it)."""
    f = o.finding
    return {"analyzer_fix": asdict(f.fix) if f.fix else None}


def to_json(report: Report, *, shard: str = "", imports: Mapping[str, Any] | None = None) -> str:
    """The report; a shard's (`shard` "K/N") says which share it is and carries its files'
    module-level imports (`imports`, path -> rows), what `heal merge` needs to find cycles."""
    findings = [
        {
            "fingerprint": o.fingerprint,
            "rule": o.rule.id,
            "code": o.finding.code,
            "category": o.category,
            "priority": o.priority,
            "severity": o.finding.severity,
            "confidence": o.finding.confidence,
            "path": o.finding.path,
            "line": o.finding.line,
            "column": o.finding.column,
            "end_line": o.finding.end_line,
            "end_column": o.finding.end_column,
            "message": o.finding.message,
            "status": o.status,
            "fix": o.reason,
            **whole_fields(o),
            **(shard_fields(o) if shard else {}),
        }
        for o in report.outcomes
    ]
    payload: dict[str, Any] = {
        "heal_version": __version__,
        "findings": findings,
        "summary": summary(report.outcomes),
        "changed_files": sorted(report.changes),
        "notes": report.notes,
        # the audit trail's run (for `heal undo`), and how often --verify-cmd ran
        "run": report.run_id if report.changes else None,
        "verify_runs": report.verify_runs,
    }
    if report.model is not None:  # only with --propose: the contract above is unchanged
        payload["model"] = model(report.model)
    if shard:
        payload["shard"] = shard
        payload["imports"] = dict(sorted((imports or {}).items()))
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def model(run: ModelRun) -> dict[str, object]:
    def rows(items: tuple[tuple[str, str, str], ...], key: str) -> list[dict[str, str]]:
        return [{"fingerprint": fp, "where": where, key: said} for fp, where, said in items]

    return {
        "model": run.model,
        "requests": run.requests,
        "prompt_tokens": run.prompt_tokens,
        "completion_tokens": run.completion_tokens,
        "cost": run.cost,
        "queued": rows(run.queued, "checks"),
        "dropped": rows(run.dropped, "reason"),
        "not_asked": rows(run.not_asked, "reason"),
        "reused_patterns": run.reused,
    }
