"""The codemod worker: `python -m healers.tools.worker` reads jobs (JSON) on stdin, writes
results on stdout. It runs in its own process so that libcst crashing, recursing or hanging on a
hostile file costs one file, not the run (../shared/notes/conventions.md, section 0)."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from healers.finding import Edit, Finding, Fix


def _finding(raw: dict[str, Any]) -> Finding:
    fix = raw.get("fix")
    if fix is not None:
        edits = tuple(Edit(**e) for e in fix["edits"])
        raw = {**raw, "fix": Fix(fix["applicability"], fix["message"], edits)}
    return Finding(**raw)


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    if job.get("kind") == "analyze":  # heal's own rules on one file: findings, or why not
        from healers import analysis, registry

        return analysis.analyze_job(job["path"], job["text"], registry.own_table())
    from healers import codemod
    from healers.registry import codemods

    findings = [_finding(raw) for raw in job["findings"]]
    target = tuple(job["target"]) if job.get("target") else None
    try:
        settings = job.get("settings") or {}
        result = codemods()[job["codemod"]].run(job["text"], findings, target, settings)
    except RecursionError:
        result = codemod.Skipped("the file is nested too deeply for libcst")
    except Exception as exc:  # a codemod bug must cost one file, never the run
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        result = codemod.Skipped(f"codemod {job['codemod']} failed: {last}")
    return codemod.encode(result)


def encode_job(
    codemod: str,
    text: str,
    findings: list[Finding],
    target: tuple[int, int] | None = None,
    settings: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """One codemod job; `target` is the project's oldest Python, (3, 9), if known; `settings`
    the project's codemod settings (`config.codemod_settings`)."""
    found = [asdict(f) for f in findings]
    job = {"codemod": codemod, "text": text, "findings": found, "target": target}
    return {**job, "settings": dict(settings or {})}


def main() -> int:
    sys.setrecursionlimit(10_000)
    jobs = json.load(sys.stdin)
    for job in jobs:
        sys.stdout.write(json.dumps(run_job(job)) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
