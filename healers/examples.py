"""A rule's examples as small projects: laid out on disk, analyzed by the real analyzers, and
healed from a list of findings alone (the fast tier's fix step and the captures' chain)."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from healers import analyze, apply, catalogue, classify, codemod, policy, prescreen, tools
from healers import project as projects
from healers.finding import Example, Finding, Rule
from healers.tools import mypy, worker

# The project every example lives in, unless its context carries its own pyproject.toml (an
# example that needs mypy flags such as warn_unused_ignores, or an older requires-python).
PYPROJECT = '[project]\nname = "example"\nrequires-python = ">=3.10"\n'
MAX_PASSES = 5  # heal's default max-passes: a fix may need the analyzers to look again
TIMEOUT = 30.0  # seconds per file for heal's own rules, as heal's default
MYPY_CACHE = Path(".heal") / "cache" / "mypy"

Kind = Literal["example", "unchanged"]
Files = dict[str, str]  # a project's files: repo-relative POSIX path -> text
Analyzer = Callable[[Files], list[Finding]]  # the rule's findings on these files


@dataclass(frozen=True)
class Case:
    """One `[[example]]` or `[[unchanged]]` of a rule file."""

    rule: Rule
    kind: Kind
    index: int
    example: Example

    @property
    def key(self) -> str:
        return f"{self.kind} {self.index}"

    @property
    def id(self) -> str:
        return f"{self.rule.id}[{self.key}]"

    def files(self, text: str | None = None) -> Files:
        """The project with the example's file holding `text` (its `before` by default)."""
        found = {"pyproject.toml": PYPROJECT, **dict(self.example.context)}
        found[self.example.path] = self.example.before if text is None else text
        return found

    def digest(self) -> str:
        """What the capture of this case depends on: its text, context and the rule's codes."""
        ex = self.example
        parts = [PYPROJECT, list(self.rule.codes), ex.path, ex.before, ex.after, ex.context]
        return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def cases(cat: catalogue.Catalogue | None = None) -> list[Case]:
    """Every example and look-alike of the catalogue, by category and rule id."""
    rules = sorted((cat or catalogue.load()).rules.values(), key=lambda r: (r.category, r.id))
    found = []
    for rule in rules:
        found += [Case(rule, "example", i, ex) for i, ex in enumerate(rule.examples)]
        found += [Case(rule, "unchanged", i, ex) for i, ex in enumerate(rule.unchanged)]
    return found


def digest(files: Mapping[str, str]) -> str:
    """A short name for one state of a project's files (the captures' key for its findings)."""
    text = json.dumps(sorted(files.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def lay_out(root: Path, files: Mapping[str, str]) -> list[str]:
    """Write the files under `root` (as UTF-8 bytes, unchanged); the Python files, sorted."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode("utf-8"))
    return sorted(rel for rel in files if rel.endswith(projects.PY_SUFFIXES))


def warm_cache(folder: Path) -> Path:
    """A mypy cache holding the standard library only, copied into each example's project: each
    starts from the same warm cache and never sees another example's modules."""
    lay_out(folder, {"pyproject.toml": PYPROJECT, "warm.py": "import os\n"})
    cache = folder / "cache"
    args = mypy.command(["warm.py"], config=None, cache_dir=str(cache))
    tools.run_tool("mypy", args, cwd=folder, ok=(0,))
    return cache


def real_findings(root: Path, files: Files, rule: Rule, cache: Path) -> list[Finding]:
    """What heal's analyze stage reports on the files laid out in the folder `root` (as `heal
    --scan .` there would, from the warm `cache`), keeping only the rule's codes."""
    paths = lay_out(root, files)
    # a fresh copy of the warm cache for each state: mypy takes a cached module for current when
    # its file has the same size and the same whole-second mtime (a fix `any` -> `Any` written
    # within the second of the text before it), and would report the old text's errors
    shutil.rmtree(root / MYPY_CACHE, ignore_errors=True)
    shutil.copytree(cache, root / MYPY_CACHE)
    proj = projects.Project(root, root, tuple(paths), hook=False)
    setup = analyze.Setup(
        dict(projects.tool_config(root)), projects.target_version(root), root / MYPY_CACHE
    )
    states, found = analyze.analyze(proj, paths, setup, timeout=TIMEOUT)
    found += analyze.whole_project(proj, states)
    return ordered([f for f in found if f.code in rule.codes])


def ordered(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code, f.message))


def approved(rule: Rule) -> policy.Context:
    """The policy as `heal --fix --select RULE` sees it once a human approved every finding (and
    with `--unsafe-fixes` for an unsafe rule): the rule's own fix is what is left to check."""
    return policy.Context(
        unsafe_fixes=rule.safety == "unsafe", high_gate=False, approval={rule.id: "never"}
    )


def fix_pass(
    root: Path, files: Files, rule: Rule, findings: Sequence[Finding]
) -> tuple[Files, list[str]]:
    """One pass of `heal --fix` over the project with these findings of `rule`, no analyzer run:
    each file's codemod as the worker calls it, or the analyzer's own edits, merged and checked
    by the apply stage (the files are laid out under `root` first). Returns the files after the
    pass and why fixes were declined (`path: reason`)."""
    paths = lay_out(root, files)
    states, _ = prescreen.read(root, paths)
    outcomes = classify.classify(findings, states, approved(rule), select=(rule.id,))
    target = codemod.version(projects.target_version(root))
    jobs = [j for j in apply.codemod_jobs(outcomes) if j[0] in states and states[j[0]].parses]
    results = [
        codemod.decode(
            worker.run_job(worker.encode_job(name, files[path], [o.finding for o in outs], target))
        )
        for path, name, outs in jobs
    ]
    after, declined = dict(files), []
    for path, done in apply.plan_files(states, outcomes, jobs, results).items():
        declined += [f"{path}: {why}" for why in done.unfixed.values()]
        if done.after is not None:
            after[path] = done.after
    return after, declined


def heal(root: Path, case: Case, findings_for: Analyzer) -> tuple[list[Files], list[str]]:
    """`heal --fix --select RULE` on the case's project, pass after pass, each pass's findings
    from `findings_for` (the real analyzers, or their captures). Returns every state the files
    went through (the first is the case's own project) and the reasons fixes were declined."""
    states = [case.files()]
    declined: list[str] = []
    for _ in range(MAX_PASSES):
        found = findings_for(states[-1])
        if not found:
            break
        after, why = fix_pass(root, states[-1], case.rule, found)
        declined += why
        if after == states[-1] or after in states:  # nothing changed, or fixes undo each other
            break
        states.append(after)
    return states, declined
