"""ruff: its arguments, and its `--output-format json` read into findings (every code)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from healers.finding import Edit, Finding, Fix
from healers.paths import relative
from healers.tools import python
from healers.tools.run import not_its_output

# heal's selection when the target project has no ruff configuration of its own.
DEFAULT_SELECT = ("E", "W", "F", "I", "UP", "B", "SIM", "C4", "PERF", "RUF", "PLE", "PLW")
# Left out of heal's selection: RUF100 (unused) and RUF102 (invalid codes) judge suppression
# comments by ruff's rules alone, and a project without a ruff configuration keeps them for
# flake8 or another linter (they run only when the project's own ruff configuration selects them).
DEFAULT_IGNORE = ("RUF100", "RUF102")


def command(
    paths: Sequence[str], *, config: str | None, target: str | None = None, sorter: str = ""
) -> list[str]:
    """ruff's arguments: the project's own config file when it has one, else heal's selection
    (with the project's oldest Python as target: --isolated would otherwise assume a new one),
    without I001 when the project orders its imports with a `sorter` of its own."""
    # --no-fix: a project's `fix = true` would make a report-only scan rewrite its files
    args = ["check", "--output-format", "json", "--no-cache", "--no-fix", "--exit-zero"]
    args += ["--force-exclude"]
    if config is None:
        args += ["--isolated", "--select", ",".join(DEFAULT_SELECT)]
        args += ["--ignore", ",".join((*DEFAULT_IGNORE, "I001") if sorter else DEFAULT_IGNORE)]
    else:
        args += ["--config", config]
    # the oldest Python any place declares (target.py), even under the project's ruff config:
    # ruff alone reads requires-python only, and its fixes must not break setup.cfg's 3.7
    args += ["--target-version", target] if target else []
    return [*args, *python.operands(paths)]


def format_range(
    path: str,
    lines: tuple[int, int],
    *,
    line_length: int,
    config: str | None,
    settings: Sequence[str] = (),
) -> list[str]:
    """`ruff format` of lines first..last (1-based) of the text on stdin, at the project's line
    length: with the project's ruff config, else isolated with black-compatible `settings`."""
    args = ["format", "--no-cache", "--line-length", str(line_length)]
    args += ["--config", config] if config else ["--isolated"]
    for setting in settings:
        args += ["--config", setting]
    first, last = lines
    return [*args, f"--range={first}-{last + 1}", "--stdin-filename", path, "-"]


def rules_command() -> list[str]:
    """`ruff rule --all` as JSON: every rule ruff implements, with its explanation."""
    return ["rule", "--all", "--output-format", "json"]


def _fix(raw: dict[str, Any] | None) -> Fix | None:
    if not raw:
        return None
    edits = tuple(
        Edit(
            line=e["location"]["row"],
            column=e["location"]["column"],
            end_line=e["end_location"]["row"],
            end_column=e["end_location"]["column"],
            content=e["content"],
        )
        for e in raw.get("edits", [])
    )
    applicability = raw.get("applicability", "safe")
    if applicability not in ("safe", "unsafe"):
        applicability = "display-only"
    return Fix(applicability=applicability, message=raw.get("message") or "", edits=edits)


def read(output: str, root: str) -> list[Finding]:
    """ruff `--output-format json` -> findings with repo-relative paths. Output that is not
    ruff's (no JSON list, an item without its keys) is an AnalyzerError, never "no findings"."""
    try:
        items = json.loads(output)
        if not isinstance(items, list):
            raise TypeError(f"a JSON {type(items).__name__}, not a list")
        found = [_finding(item, root) for item in items]
        return [f for f in found if f is not None]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise not_its_output("ruff", output, exc) from None


def _finding(item: dict[str, Any], root: str) -> Finding | None:
    # ruff reports an unparsable file as "invalid-syntax" (code null in older releases);
    # heal's own pre-screen reports those as heal:syntax-error, so they are not duplicated.
    if item.get("code") in (None, "", "invalid-syntax"):
        return None
    end = item.get("end_location") or item["location"]
    return Finding(
        code=f"ruff:{item['code']}",
        path=relative(item["filename"], root),
        line=int(item["location"]["row"]),
        column=int(item["location"]["column"]),
        end_line=int(end["row"]),
        end_column=int(end["column"]),
        message=str(item["message"]),
        name=item.get("name") or "",
        severity="error",
        hint=(item.get("fix") or {}).get("message") or "",
        fix=_fix(item.get("fix")),
    )
