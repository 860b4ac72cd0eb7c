"""mypy: its arguments, and its `-O json` lines read into findings."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from healers.finding import Finding
from healers.paths import relative
from healers.tools import python
from healers.tools.run import AnalyzerError, Completed, not_its_output


def oldest_python() -> tuple[int, int]:
    """The oldest Python version the installed mypy checks for (`--python-version`)."""
    from mypy import defaults  # a small module; mypy itself runs in its own process

    return (defaults.PYTHON3_VERSION_MIN[0], defaults.PYTHON3_VERSION_MIN[1])


def command(
    paths: Sequence[str],
    *,
    config: str | None,
    cache_dir: str,
    executable: Path | None = None,
    python_version: str | None = None,
) -> list[str]:
    """mypy's arguments: JSON output, heal's own cache, the project's own config file if any,
    the project's interpreter (its installed packages) when heal found one, and
    `--python-version` where the project's Python is older than mypy supports (and then no
    unused-ignore warnings)."""
    args = ["-O", "json", "--cache-dir", cache_dir, "--no-error-summary", "--no-pretty"]
    args += ["--python-executable", str(executable)] if executable is not None else []
    # an ignore unused at a newer Python may be the one the project's oldest needs (click's
    # `from importlib import metadata  # type: ignore` for 3.7): not reported, so not removed
    args += (
        ["--python-version", python_version, "--no-warn-unused-ignores"] if python_version else []
    )
    # An explicit config keeps mypy from picking up an enclosing project's settings.
    args += ["--config-file", config or ""]
    return [*args, *python.operands(paths)]


def bases(root: Path, files: Sequence[str]) -> list[str]:
    """The folders mypy takes as the roots of these files' modules (the first folder above each
    file without an `__init__.py`), as `--scan` gives it every file: in hook mode they go on
    MYPYPATH, so the staged files import the project's other modules as a scan does."""
    found: set[str] = set()
    for file in files:
        parent = Path(file).parent
        while parent != Path(".") and (root / parent / "__init__.py").is_file():
            parent = parent.parent
        found.add(parent.as_posix())
    return sorted(found)


# What mypy says about its own config file, in plain text among the JSON lines: "setup.cfg:
# note: unused section(s): [mypy-colorama.*]"; not a finding, not a reason to fail.
_CONFIG_NOTE = re.compile(r"^[\w./ -]+\.(?:cfg|ini|toml): ")


def read(output: str, root: str) -> list[Finding]:
    """mypy `-O json` (a JSON object per line) -> findings; notes join the error before them.
    A line that is not one of mypy's JSON objects is an AnalyzerError, never "no findings"."""
    findings: list[Finding] = []
    for line in output.splitlines():
        if not line.strip() or _CONFIG_NOTE.match(line):
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise TypeError(f"a JSON {type(item).__name__}, not an object")
            _add(findings, item, root)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise not_its_output("mypy", line, exc) from None
    return findings


def _add(findings: list[Finding], item: dict[str, Any], root: str) -> None:
    severity = str(item.get("severity", "error"))
    path = relative(item["file"], root)
    if severity == "note":
        if findings and (findings[-1].path, findings[-1].line) == (path, item["line"]):
            last = findings[-1]
            hint = "\n".join(filter(None, (last.hint, str(item["message"]))))
            findings[-1] = Finding(**{**last.__dict__, "hint": hint})
        return
    code = item.get("code") or "misc"
    findings.append(
        Finding(
            code=f"mypy:{code}",
            path=path,
            line=int(item["line"]),
            column=int(item["column"]) + 1,
            end_line=int(item.get("end_line") or item["line"]),
            end_column=int(item.get("end_column") or item["column"]) + 1,
            message=str(item["message"]),
            name=code,
            severity=severity,
            hint=item.get("hint") or "",
        )
    )


def failure(done: Completed, config: str | None) -> AnalyzerError:
    """mypy's exit 2 (a blocking error) as heal reports it: a plugin its config declares that
    cannot be imported is named as such."""
    said = done.stderr if done.stderr.strip() else done.stdout
    for line in said.splitlines():
        try:
            message = str(json.loads(line).get("message", "")) if line.startswith("{") else line
        except (ValueError, AttributeError):
            message = line
        if "Error importing plugin" in message:
            return AnalyzerError(
                "mypy",
                f"a plugin declared in {config or 'its configuration'} cannot be imported "
                f"({message.partition('Error importing plugin')[2].strip()}); install it beside "
                "heal, or run with --untrusted (mypy without plugins)",
            )
    return AnalyzerError("mypy", f"exited with code {done.returncode}", said)


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


_NOT_PACKAGE = re.compile(r"^(.+) contains __init__\.py but is not a valid Python package name$")
_UNREADABLE = re.compile(r"^(.+?): error: (Cannot decode file.*|Cannot read file.*)$")
_CANT_READ = re.compile(r"^mypy: can't read file '(.+)': (.*)$")


def blockers(done: Completed, paths: Sequence[str]) -> dict[str, str]:
    """The files of `paths` mypy refused to check (its exit 2: a blocking error in the file, such
    as a duplicate module name or a relative import without a package; a folder with __init__.py
    that is no package name; a file it cannot read or decode) -> why."""
    wanted = {os.path.normpath(p): p for p in paths}
    found: dict[str, str] = {}
    for raw in (done.stdout + "\n" + done.stderr).splitlines():
        line = raw.strip()
        if line.startswith("{"):
            try:
                item = json.loads(line)
                file, message = str(item["file"]), str(item["message"])
            except (ValueError, KeyError, TypeError):
                continue
            # a blocking error has no code: a duplicate module, "No parent module -- cannot
            # perform relative import" (bandit's examples/imports-from.py), a syntax mypy refuses
            blocking = item.get("code") is None and item.get("severity") == "error"
            if blocking and os.path.normpath(file) in wanted:
                found[wanted[os.path.normpath(file)]] = message
            continue
        package = _NOT_PACKAGE.match(line)
        if package:  # mypy names the folder only (its base name), wherever it is
            folder = package.group(1)
            why = f"{folder} holds __init__.py but is not a valid Python package name"
            names = {folder, folder + "-stubs"}
            found.update({p: why for n, p in wanted.items() if names & set(n.split(os.sep)[:-1])})
            continue
        unread = _UNREADABLE.match(line) or _CANT_READ.match(line)
        if unread and os.path.normpath(unread.group(1)) in wanted:
            found[wanted[os.path.normpath(unread.group(1))]] = unread.group(2)
    return found
