"""Stage 2, analyze: ruff, mypy, bandit and heal's own rules on the selected files, all at once;
each analyzer's output is claimed healer by healer."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from healers import analyzers, claims, prescreen, project, registry, tools
from healers.config import ANALYZERS
from healers.finding import FileState, Finding
from healers.prescreen import heal_finding
from healers.tools import bandit, mypy, ruff

BANDIT_FILES_PER_PROCESS = 25  # below this, a second bandit process costs more than it saves
Job = Callable[[Sequence[str]], list[Finding]]


def _isolating(job: Job) -> Job:
    """A tool that crashes (killed by a signal: ruff overflows its stack on some huge
    expressions) is re-run on halves of the files until the file that crashes it is found; that
    file is reported, the others are analyzed. A tool that fails for any other reason stays an
    error for the whole run."""

    def run(paths: Sequence[str]) -> list[Finding]:
        try:
            return job(paths)
        except tools.AnalyzerError as exc:
            if not exc.crashed:
                raise
            if len(paths) == 1:
                message = f"{exc.tool} crashed on this file ({exc.reason}); it was not analyzed"
                return [heal_finding("analyzer-crash", paths[0], 1, 1, message)]
            half = len(paths) // 2
            return run(paths[:half]) + run(paths[half:])

    return run


def _chunks(paths: Sequence[str], parts: int) -> list[list[str]]:
    return [list(paths[i::parts]) for i in range(parts) if paths[i::parts]]


@dataclass(frozen=True)
class Setup:
    """How the analyzers run during one heal run (trust.analyzers() chooses it once)."""

    configs: Mapping[str, str | None]  # tool -> the config file it is given (None: heal's own)
    target: str | None  # the project's oldest Python, as ruff's target version
    cache_dir: Path  # mypy's cache
    enabled: frozenset[str] = frozenset(ANALYZERS)  # the analyzers this run starts
    mypy_python: str | None = None  # mypy's --python-version where its config's is too old


def analyze(
    proj: project.Project, paths: Sequence[str], setup: Setup, *, timeout: float = 30.0
) -> tuple[dict[str, FileState], list[Finding]]:
    """Read the files and run ruff, mypy, bandit and heal's own rules on them, all at once: ruff
    and bandit start before the pre-screen (they survive syntax errors), mypy and heal's rules
    (libcst, in worker processes with a per-file timeout) after it, and bandit, the slowest and
    single-threaded, is split across the cores, as are heal's rules."""
    root, conf, target, cache_dir = str(proj.root), setup.configs, setup.target, setup.cache_dir

    @_isolating
    def run_ruff(files_: Sequence[str]) -> list[Finding]:
        args = ruff.command(files_, config=conf["ruff"], target=target)
        out = tools.run_tool("ruff", args, cwd=proj.root, ok=(0,))
        return registry.parse("ruff", out.stdout, root)

    def run_mypy(files_: Sequence[str]) -> list[Finding]:
        def once(left: Sequence[str]) -> tools.Completed:
            args = mypy.command(
                left,
                config=conf["mypy"],
                cache_dir=str(cache_dir),
                python_version=setup.mypy_python,
            )
            return tools.run_tool("mypy", args, cwd=proj.root, ok=(0, 1, 2))

        checked = analyzers.mypy_files(proj.root, conf["mypy"], files_)
        return analyzers.mypy_dropping(once, checked, root=root, config=conf["mypy"])

    @_isolating
    def run_bandit(files_: Sequence[str]) -> list[Finding]:
        args = bandit.command(files_, config=conf["bandit"])
        out = tools.run_tool("bandit", args, cwd=proj.root, ok=(0, 1))
        unread = claims.unread("bandit", out.stdout, root)
        found = registry.parse("bandit", out.stdout, root)
        return found + [heal_finding("syntax-error", p, 1, 1, f"bandit: {r}") for p, r in unread]

    def run_own(files_: Sequence[str]) -> list[Finding]:
        return own_rules([(p, states[p].source.text) for p in files_], timeout=timeout)

    if not paths:
        return {}, []
    parts = max(1, min(os.cpu_count() or 1, len(paths) // BANDIT_FILES_PER_PROCESS))
    on = setup.enabled
    ruff_, bandit_ = _tolerant(run_ruff, "ruff", setup), _tolerant(run_bandit, "bandit", setup)
    with tools.Background() as background:
        running = [background.start(ruff_, paths)] if "ruff" in on else []
        if "bandit" in on:
            running += [background.start(bandit_, chunk) for chunk in _chunks(paths, parts)]
        states, early = prescreen.read(proj.root, paths)
        parsable = [p for p in paths if p in states and states[p].parses]
        if parsable and "mypy" in on:
            running.append(background.start(_tolerant(run_mypy, "mypy", setup), parsable))
        if parsable and "heal" in on:
            running += [background.start(run_own, chunk) for chunk in _chunks(parsable, parts)]
        found = [f for job in running for f in job.result()]
    wanted = set(parsable)
    # findings for files that failed the pre-screen (a crash included) are the pre-screen's
    kept = [f for f in found if f.path in wanted or f.code == analyzers.FAILED]
    return states, early + kept


def _tolerant(job: Job, tool: str, setup: Setup) -> Job:
    return analyzers.tolerant(job, setup.configs.get(tool) or "")


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


def own_rules(texts: Sequence[tuple[str, str]], *, timeout: float) -> list[Finding]:
    """heal's own rules on (path, text) pairs, in worker processes with the codemods' per-file
    timeout; a file that hangs, crashes or fails becomes one `heal:analysis-failed` finding."""
    payloads = [json.dumps({"kind": "analyze", "path": p, "text": t}) for p, t in texts]
    found: list[Finding] = []
    results = tools.run_jobs(payloads, timeout=timeout, failed="crashed")
    for (path, _), raw in zip(texts, results, strict=True):
        if isinstance(raw, str) or "error" in raw:
            found.append(_not_analyzed(path, raw if isinstance(raw, str) else raw["error"]))
        else:
            found += [Finding(**f) for f in raw["findings"]]
    return found


def whole_project(proj: project.Project, states: dict[str, FileState]) -> list[Finding]:
    """The healers' whole-project analyses (import cycles): they read every file of the project,
    even in hook mode, because a cycle runs through files that were not staged."""
    sources = {p: s.source.text for p, s in states.items() if s.parses}
    if proj.hook:
        for path in tools.git_files(proj.root, proj.root) or ():
            if path.endswith(".py") and path not in sources:
                try:
                    sources[path] = (proj.root / path).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
    found = [f for h in registry.HEALERS.values() for f in h.analyze_project(sources)]
    return [f for f in found if f.path in states]
