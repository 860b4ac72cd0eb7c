"""Test helpers as plain functions: real git repositories in tmp_path, heal run for real."""

from __future__ import annotations

import contextlib
import http.client as http_client
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from healers import cli
from healers.codemod import Fixed, Skipped, Unchanged
from healers.finding import Finding
from healers.registry import codemods
from healers.state.runs import Entry, Seen

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "fixtures" / "sample_repo"
GIT_USER = ("-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false")
# The six categories and seven statuses of DESIGN.md's JSON contract, spelled out here on purpose:
# the tests check heal against the contract, not against heal's own constants.
CONTRACT_CATEGORIES = frozenset({"type", "import", "style", "security", "performance", "logic"})
CONTRACT_PRIORITIES = ("P0", "P1", "P2", "P3")
CONTRACT_STATUSES = frozenset(
    {
        "fixed",
        "fixable",
        "unsafe-fix",
        "blocked",
        "needs-approval",
        "accepted-risk",
        "baseline",
        "unfixable",
    }
)
LEFT = frozenset({"fixable", "unsafe-fix", "blocked", "needs-approval", "unfixable"})


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict[str, Any]:
        return parse_json(self.out)


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *GIT_USER, *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    return proc.stdout


def commit_all(repo: Path, message: str = "init") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def make_repo(
    root: Path,
    files: Mapping[str, str | bytes],
    *,
    commit: bool = True,
) -> Path:
    """A git repository at `root` holding `files` (str is written as UTF-8 bytes, unchanged)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
    if commit:
        commit_all(root)
    return root


def copy_sample(dest: Path) -> Path:
    """fixtures/sample_repo copied to `dest` (without heal's state), as a fresh git repository."""
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns(".heal", "__pycache__"))
    git(dest, "init", "-q")
    commit_all(dest)
    return dest


def heal(cwd: Path, *args: str) -> Run:
    """`heal ARGS` in-process through cli.main, from `cwd`, capturing what it prints."""
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    finally:
        os.chdir(old)
    return Run(code, out.getvalue(), err.getvalue())


def heal_env(**changes: str | None) -> dict[str, str]:
    """os.environ without colour settings, then `changes` (None removes a variable)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE")
    }
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def heal_process(cwd: Path, *args: str, env: Mapping[str, str] | None = None) -> Run:
    """`python -m healers ARGS` as a subprocess (stdout and stderr are pipes)."""
    proc = subprocess.run(
        [sys.executable, "-m", "healers", *args],
        cwd=cwd,
        check=False,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=dict(env) if env is not None else heal_env(),
        timeout=300,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def start_heal(cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "healers", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=heal_env(),
    )


def parse_json(out: str) -> dict[str, Any]:
    payload = json.loads(out)
    assert isinstance(payload, dict), out
    return payload


def findings_for(payload: Mapping[str, Any], path: str) -> list[dict[str, Any]]:
    return [f for f in payload["findings"] if f["path"] == path]


def snapshot(repo: Path) -> dict[str, bytes]:
    """Every file's bytes (symlinks as their link text), leaving out .git and heal's .heal state."""
    found: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(repo):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".heal", "__pycache__")]
        for name in filenames:
            path = Path(dirpath, name)
            rel = path.relative_to(repo).as_posix()
            if path.is_symlink():
                found[rel] = b"-> " + os.readlink(path).encode()
            else:
                found[rel] = path.read_bytes()
    return found


def python_files(repo: Path) -> list[Path]:
    return sorted(p for p in repo.rglob("*.py") if ".git" not in p.parts and ".heal" not in p.parts)


def shadow_module(folder: Path, name: str, main: str | None) -> Path:
    """A package `name` in `folder` that shadows the real one on PYTHONPATH: only __init__.py,
    or also a __main__.py with `main` as its source."""
    package = folder / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    if main is not None:
        (package / "__main__.py").write_text(main, encoding="utf-8")
    return folder


@dataclass(frozen=True)
class Transformed:
    """What a codemod did to one file: the new text, the findings it fixed, those it left and why.

    `fixed` and `unfixed` hold indexes into the findings the codemod was given. A codemod
    that is not sure a rewrite keeps the meaning leaves the code alone and lists the finding
    in `unfixed`.
    """

    text: str
    fixed: tuple[int, ...] = ()
    unfixed: tuple[tuple[int, str], ...] = ()


def run_codemod(
    name: str,
    source: str,
    findings: Sequence[Finding],
    target: tuple[int, int] | None = None,
) -> Transformed:
    """The codemod `name` on `source`, called as the worker calls it, its result seen as the new
    text, the indexes fixed and (index, reason) for the others."""
    result = codemods()[name].run(source, findings, target)
    if isinstance(result, Fixed):
        return Transformed(result.text, result.fixed, result.skipped)
    if isinstance(result, Unchanged):
        return Transformed(source, (), result.skipped)
    assert isinstance(result, Skipped)
    return Transformed(source, (), tuple((i, result.reason) for i in range(len(findings))))


def seen(
    fingerprint: str,
    *,
    status: str = "fixable",
    category: str = "style",
    rule: str = "unused-import",
    path: str = "a.py",
    line: int = 1,
    message: str = "a finding",
) -> Seen:
    """One finding as the run history keeps it."""
    priority = {"security": "P0", "type": "P1", "logic": "P1", "style": "P3"}.get(category, "P2")
    return Seen(fingerprint, rule, "ruff:F401", category, priority, path, line, status, message)


NOW = float(int(time.time()))  # the tests' "now": runs older than 90 days are compacted at once


def entry(run_id: str, **fields: Any) -> Entry:
    """A run record: a clean --scan an hour before NOW, unless `fields` say otherwise."""
    values: dict[str, Any] = {"kind": "scan", "scope": "project", "started": NOW - 3600}
    values["duration"] = 1.0
    values.update(fields)
    return Entry(run_id, **values)


# --- the dashboard's server and a real browser ------------------------------------------------
CHROMIUM = shutil.which("chromium") or ""
CHROMEDRIVER = shutil.which("chromedriver") or ""
# what this machine needs (no sandbox as root, no network but the page's own)
CHROMIUM_FLAGS = (
    *("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"),
    *("--disable-background-networking", "--disable-component-update", "--disable-sync"),
)
DASHBOARD_URL = re.compile(r"heal dashboard: (http://\S+)")


def start_dashboard(repo: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """`heal dashboard --web --port 0 ARGS` in `repo`, and the address it printed."""
    proc = start_heal(repo, "dashboard", "--web", "--port", "0", *args)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the first line names the address, or the server failed
    found = DASHBOARD_URL.search(line)
    if found is None:
        proc.kill()
        _, err = proc.communicate(timeout=30)
        raise AssertionError(f"no address from heal dashboard: {line!r} {err}")
    return proc, found[1]


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()  # SIGTERM: heal stops the server and exits 0
    proc.communicate(timeout=30)


def request(
    url: str, method: str = "GET", headers: Mapping[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    """One request; (status, headers, body) whatever the status."""
    parts = urlsplit(url)
    conn = http_client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        conn.request(method, parts.path or "/", headers=dict(headers or {}))
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8")
    finally:
        conn.close()


def browser_missing() -> str:
    """Why the browser tests cannot run here ("" when they can)."""
    if not (CHROMIUM and CHROMEDRIVER):
        return (
            "Debian's chromium and chromium-driver are not installed "
            "(apt-get install chromium chromium-driver; .ci/run installs them)"
        )
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (it is in the test extra)"
    return ""


def browser(profile: Path, *, width: int = 1280, height: int = 1000) -> Any:
    """Headless Chromium driven through Debian's chromedriver (named, so Selenium never looks
    for or downloads a driver of its own), with a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
