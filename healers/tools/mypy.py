"""mypy: its arguments, and its `-O json` lines read into findings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from healers.finding import Finding
from healers.paths import relative


def command(paths: Sequence[str], *, config: str | None, cache_dir: str) -> list[str]:
    """mypy's arguments: JSON output, heal's own cache, the project's own config file if any."""
    args = ["-O", "json", "--cache-dir", cache_dir, "--no-error-summary", "--no-pretty"]
    # An explicit config keeps mypy from picking up an enclosing project's settings.
    args += ["--config-file", config or ""]
    return [*args, "--", *paths]


def read(output: str, root: str) -> list[Finding]:
    """mypy `-O json` (a JSON object per line) -> findings; notes join the error before them."""
    findings: list[Finding] = []
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        item = json.loads(line)
        severity = item.get("severity", "error")
        if severity == "note":
            path = relative(item["file"], root)
            if findings and (findings[-1].path, findings[-1].line) == (path, item["line"]):
                last = findings[-1]
                hint = "\n".join(filter(None, (last.hint, item["message"])))
                findings[-1] = Finding(**{**last.__dict__, "hint": hint})
            continue
        code = item.get("code") or "misc"
        findings.append(
            Finding(
                code=f"mypy:{code}",
                path=relative(item["file"], root),
                line=item["line"],
                column=item["column"] + 1,
                end_line=item.get("end_line") or item["line"],
                end_column=(item.get("end_column") or item["column"]) + 1,
                message=item["message"],
                name=code,
                severity=severity,
                hint=item.get("hint") or "",
            )
        )
    return findings


# Lines mypy prints once per run, under whichever finding comes first: dropped, so that a
# finding's hint does not depend on which files the run had (a shard, a hook's files).
ONCE_PER_RUN = ('(or run "mypy --install-types"', "See https://mypy.readthedocs.io/")


def same_hints(findings: list[Finding]) -> list[Finding]:
    """Every finding with one message gets the same hint: mypy gives its stub-install hint to the
    first finding per package only, and its once-per-run lines to the first one of all."""
    cleaned = [
        replace(f, hint="\n".join(x for x in f.hint.splitlines() if not x.startswith(ONCE_PER_RUN)))
        for f in findings
    ]
    first: dict[str, str] = {}
    for f in cleaned:
        if f.code == "mypy:import-untyped" and f.hint:
            first.setdefault(f.message, f.hint)
    return [
        replace(f, hint=first.get(f.message, f.hint)) if f.code == "mypy:import-untyped" else f
        for f in cleaned
    ]
