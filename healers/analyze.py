"""Stage 2, analyze: ruff, mypy, bandit and heal's own rules on the selected files, all at once;
each analyzer's output is claimed healer by healer."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from healers import analyzers, cache, claims, incremental, project, registry, tools
from healers.config import ANALYZERS
from healers.finding import FileState, Finding
from healers.prescreen import heal_finding
from healers.tools import bandit, mypy, ruff

Job = incremental.Job


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


@dataclass(frozen=True)
class Setup:
    """How the analyzers run during one heal run (trust.analyzers() chooses it once)."""

    configs: Mapping[str, str | None]  # tool -> the config file it is given (None: heal's own)
    target: str | None  # the project's oldest Python, as ruff's target version
    cache_dir: Path  # mypy's cache
    findings: cache.Cache = field(default_factory=cache.Cache)  # trust.findings_cache
    python: Path | None = None  # the project's interpreter, for mypy (interpreter.find)
    max_file_size: int = 2_000_000  # bytes: larger files are not analyzed
    sorter: str = ""  # the project's own import sorter (layout.import_sorter): no I001 then
    enabled: frozenset[str] = frozenset(ANALYZERS)  # the analyzers this run starts
    mypy_python: str | None = None  # mypy's --python-version where its config's is too old


def analyze(
    proj: project.Project, paths: Sequence[str], setup: Setup, *, timeout: float = 30.0
) -> tuple[dict[str, FileState], list[Finding]]:
    """Read the files and run ruff, mypy, bandit and heal's own rules on them, all at once: ruff
    and bandit start before the pre-screen (they survive syntax errors), mypy and heal's rules
    (libcst, in worker processes with a per-file timeout) after it, and bandit, the slowest and
    single-threaded, is split across the cores, as are heal's rules."""
    root, conf, target = str(proj.root), setup.configs, setup.target

    @_isolating
    def run_ruff(files_: Sequence[str]) -> list[Finding]:
        args = ruff.command(files_, config=conf["ruff"], target=target, sorter=setup.sorter)
        out = tools.run_tool("ruff", args, cwd=proj.root, ok=(0,))
        return registry.parse("ruff", out.stdout, root)

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
    data, large = incremental.read_bytes(proj.root, paths, setup.max_file_size)
    paths = [p for p in paths if p not in large]
    store, on = setup.findings, setup.enabled
    ruff_, bandit_ = _tolerant(run_ruff, "ruff", setup), _tolerant(run_bandit, "bandit", setup)
    kept: list[Finding] = []
    running: list[Future[list[Finding]]] = []
    with tools.Background() as background:

        def begin(started: tuple[list[Finding], list[Future[list[Finding]]]]) -> None:
            kept.extend(started[0])
            running.extend(started[1])

        if "ruff" in on:
            begin(incremental.start(background, store, "ruff", ruff_, data, paths))
        if "bandit" in on:
            begin(incremental.start(background, store, "bandit", bandit_, data, paths, split=True))
        states, early = incremental.screen(proj.root, paths, data, store)
        parsable = [p for p in paths if p in states and states[p].parses]
        if parsable and "mypy" in on:
            mypy_ = _tolerant(_mypy(proj, setup), "mypy", setup)
            begin(incremental.start_whole(background, store, mypy_, proj.root, data, parsable))
        # heal's own rules: libcst only where the cheap `ast` walk of the pre-screen says they may
        # match (candidates.py); the other files have no findings of theirs
        matching = [p for p in parsable if states[p].candidate]
        if matching and "heal" in on:
            begin(incremental.start(background, store, "heal", run_own, data, matching, split=True))
        found = kept + [f for job in running for f in job.result()]
    wanted = set(parsable)
    # findings for files that failed the pre-screen (a crash included) are the pre-screen's;
    # an analyzer's failure is named where its config (or its first file) is
    kept = [f for f in found if f.path in wanted or f.code == analyzers.FAILED]
    return states, list(large.values()) + early + kept


def _tolerant(job: Job, tool: str, setup: Setup) -> Job:
    return analyzers.tolerant(job, setup.configs.get(tool) or "")


def _search_path(proj: project.Project) -> dict[str, str]:
    """Hook mode: mypy gets only the staged files; MYPYPATH gives it the module roots of all
    the project's files, so a finding never depends on which files are staged."""
    if not proj.hook:
        return {}
    listed = [p for p in tools.git_files(proj.root, proj.root) or () if p.endswith((".py", ".pyi"))]
    roots = [str(proj.root / b) for b in mypy.bases(proj.root, listed)]
    extra = os.environ.get("MYPYPATH", "")
    return {"MYPYPATH": os.pathsep.join([*roots, *([extra] if extra else [])])} if roots else {}


def _mypy(proj: project.Project, setup: Setup) -> Job:
    """mypy on the files its own `files`/`exclude` leave in; a file it refuses is dropped (a
    `heal:not-type-checked` finding) and mypy runs again on the rest (analyzers.py)."""
    conf, root = setup.configs, str(proj.root)

    def once(left: Sequence[str]) -> tools.Completed:
        args = mypy.command(
            left,
            config=conf["mypy"],
            cache_dir=str(setup.cache_dir),
            executable=setup.python,
            python_version=setup.mypy_python,
        )
        return tools.run_tool("mypy", args, cwd=proj.root, ok=(0, 1, 2), env=_search_path(proj))

    def run(files_: Sequence[str]) -> list[Finding]:
        checked = analyzers.mypy_files(proj.root, conf["mypy"], files_)
        return mypy.same_hints(
            analyzers.mypy_dropping(once, checked, root=root, config=conf["mypy"])
        )

    return run


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


def whole_project(
    proj: project.Project, states: dict[str, FileState], store: cache.Cache | None = None
) -> list[Finding]:
    """The healers' whole-project analyses (import cycles): they read every file of the project,
    even in hook mode, because a cycle runs through files that were not staged. A shard finds
    none: `heal merge`, which sees the whole project, does (merge.py)."""
    if proj.shard:
        return []
    sources = {p: s.source.text for p, s in states.items() if s.parses}
    if proj.hook:
        for path in tools.git_files(proj.root, proj.root) or ():
            if path.endswith(".py") and path not in sources:
                try:
                    sources[path] = (proj.root / path).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
    store = store or cache.Cache()
    key = incremental.project_key(store, "cycles", sources)
    found = incremental.recalled(store, "cycles", key, sources, "heal:")
    if found is None:
        found = [f for h in registry.HEALERS.values() for f in h.analyze_project(sources)]
        incremental.keep(store, "cycles", key, found)
    return [f for f in found if f.path in states]
