"""mypy: its arguments, and its `-O json` lines read into findings."""

from __future__ import annotations

import json
from collections.abc import Sequence

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
