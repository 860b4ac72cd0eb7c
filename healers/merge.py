"""`heal merge`: the JSON reports of `heal --scan --shard K/N` -> the report one run over the
whole project gives (the same findings, fingerprints, order and summary), with the import cycles
found here, where the whole import graph is known."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from healers import (
    apply,
    cache,
    catalogue,
    classify,
    config,
    engine,
    foresee,
    policy,
    prescreen,
    project,
    review,
    tools,
)
from healers.errors import UsageError
from healers.finding import Edit, Finding, Fix, Outcome, Report
from healers.imports import statements
from healers.imports.cycles import cycles_of
from healers.imports.statements import Statement
from healers.options import Options
from healers.state import approvals

CYCLE = "import-cycle"  # the rule of the whole-project analysis: found here, not in the shards
FINDING_FIELDS = ("code", "path", "line", "column", "message", "end_line", "end_column")


def load(path: Path) -> dict[str, Any]:
    """One shard's report; anything else is a one-line error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a heal JSON report ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UsageError(f"{path}: not a heal JSON report (no findings list)")
    if "shard" not in data:
        raise UsageError(
            f"{path}: not a shard report; write one with "
            "heal --scan --shard K/N --output-format json"
        )
    return data


def check_shards(reports: Sequence[tuple[Path, Mapping[str, Any]]]) -> None:
    """The reports are the N shards of one split, each once, none missing."""
    counts = sorted({str(data["shard"]).partition("/")[2] for _, data in reports})
    if len(counts) != 1:
        raise UsageError(f"the reports come from different splits: N = {', '.join(counts)}")
    seen: dict[int, Path] = {}
    for path, data in reports:
        index = int(str(data["shard"]).partition("/")[0])
        if index in seen:
            raise UsageError(f"{path}: shard {data['shard']} is also {seen[index]}")
        seen[index] = path
    total = int(counts[0])
    missing = sorted(set(range(1, total + 1)) - set(seen))
    if missing:
        names = ", ".join(f"{k}/{total}" for k in missing)
        raise UsageError(f"shard(s) {names} missing: merge needs all {total}")


def _fix(raw: Any) -> Fix | None:
    if not isinstance(raw, dict):
        return None
    edits = tuple(Edit(**e) for e in raw["edits"])
    return Fix(raw["applicability"], raw["message"], edits)


def outcome(item: Mapping[str, Any], where: Path) -> Outcome:
    """A finding of a shard report, joined again with this heal's rule for it."""
    try:
        fields = {k: item[k] for k in FINDING_FIELDS}
        finding = Finding(
            **fields,
            name=item["name"],
            severity=item["severity"],
            confidence=item["confidence"],
            hint=item["hint"],
            fix=_fix(item["analyzer_fix"]),
        )
    except (KeyError, TypeError) as exc:
        raise UsageError(f"{where}: a finding without {exc}: not a shard report") from exc
    rule = catalogue.load().rule_for(finding)
    if rule.id != item["rule"]:
        raise UsageError(
            f"{where}: rule {item['rule']} is {rule.id} in this heal: merge with the heal "
            "version the shards ran"
        )
    try:
        return policy.recorded(finding, rule, item["fingerprint"], item["status"], item["fix"])
    except ValueError as exc:
        raise UsageError(f"{where}: {exc}") from exc


Imports = Mapping[str, Sequence[Statement]]  # path -> its module-level import statements


def shipped(pairs: Sequence[tuple[Path, Mapping[str, Any]]]) -> dict[str, tuple[Statement, ...]]:
    """The import statements the shards found in their files: the whole project's, unread."""
    found: dict[str, tuple[Statement, ...]] = {}
    for path, data in pairs:
        rows = data.get("imports")
        if not isinstance(rows, dict):
            raise UsageError(
                f"{path}: a shard report without imports: merge with the heal the shards ran"
            )
        try:
            found.update({p: statements.from_rows(r) for p, r in rows.items()})
        except ValueError as exc:
            raise UsageError(f"{path}: {exc}") from exc
    return found


def cycles(
    opts: Options,
    imports: Imports,
    given: Mapping[str, bytes] | None = None,
    changed: Sequence[str] = (),
) -> list[Outcome]:
    """The whole project's import cycles, as the run decides them (baseline, decisions), from
    the shards' import statements; `given` replaces some files' contents (their committed
    version), `changed` files are read again (healed here). Only those files and the ones a
    cycle runs through are read."""
    proj = opts.project
    again = sorted({*(given or ()), *changed})
    states, _ = prescreen.read(proj.root, again, given, scopes_of=False)
    fresh = {p: statements.of_text(p, s.source.text) for p, s in states.items() if s.parses}
    whole = {p: rows for p, rows in imports.items() if p not in states} | fresh
    found = cycles_of(whole)
    flagged = sorted({f.path for f in found})  # their scopes make the fingerprints
    states = prescreen.read(proj.root, flagged, given)[0]
    ctx = policy.Context(
        unsafe_fixes=opts.unsafe_fixes,
        high_gate=not opts.allow_unapproved_high,
        baseline=opts.baseline,
        demoted=opts.demoted,
        approval=opts.approval,
    )
    outcomes = classify.classify(found, states, ctx, select=opts.select, ignore=opts.ignore)
    decisions = approvals.load(proj.state_dir)
    texts = {p: s.source.text for p, s in states.items()}
    decided = policy.decided(outcomes, decisions)
    proposals = apply.propose(decided, texts, timeout=opts.timeout) if decided else {}
    return policy.resolve(outcomes, texts, decisions, proposals)


def committed(opts: Options, paths: Sequence[str]) -> dict[str, bytes]:
    """The committed contents of the files the shards changed: the tree the run started from."""
    found = {p: tools.git_committed(opts.project.root, p) for p in paths}
    return {p: data for p, data in found.items() if data is not None}


def merged(opts: Options, paths: Sequence[Path]) -> Report:
    """The shard reports at `paths` as one report, the project's import cycles added (and, with
    `fix`, fixed: the shards' patches must be applied first, on a checkout of HEAD)."""
    pairs = [(path, load(path)) for path in paths]
    check_shards(pairs)
    outcomes = [outcome(i, p) for p, data in pairs for i in data["findings"]]
    reports = [data for _, data in pairs]
    changed = {f for data in reports for f in data.get("changed_files", ())}
    notes = list(dict.fromkeys(n for data in reports for n in data.get("notes", ())))
    runs = sum(int(data.get("verify_runs", 0)) for data in reports)
    imports = shipped(pairs)
    initial = cycles(opts, imports, committed(opts, sorted(changed))) if changed else None
    found = cycles(opts, imports)
    if not opts.fix and not any(foresee.UNPLANNED in n for n in notes):
        outcomes, found = foreseen(opts, outcomes, found)  # as the shards planned theirs
    fixing = sorted({o.finding.path for o in found if o.status == "fixable"}) if opts.fix else []
    if fixing:
        rep = fix_cycles(opts, fixing)
        outcomes = [o for o in outcomes if o.finding.path not in fixing or o.status == "fixed"]
        outcomes += [o for o in rep.outcomes if o.rule.id != CYCLE]
        found = cycles(opts, imports, changed=sorted(rep.changes))
        changed |= set(rep.changes)
        notes += rep.notes
        runs += rep.verify_runs
    # a cycle gone after the fixes is fixed, where the run first saw it
    gone = policy.fixed(initial, found) if initial is not None else []
    return Report(
        classify.prioritize([*outcomes, *found, *gone]),
        dict.fromkeys(sorted(changed), ("", "")),  # the texts stay in the shards' patches
        notes,
        passes=0,
        verify_runs=runs,
    )


def foreseen(
    opts: Options, outcomes: list[Outcome], found: list[Outcome]
) -> tuple[list[Outcome], list[Outcome]]:
    """A report's fixable count is what --fix fixes (foresee.py): the files where a cycle is
    fixable are planned as the single run plans them, the cycle's fix with the shards' fixes of
    the same file, so a fix the plan refuses is unfixable here too."""
    paths = sorted({o.finding.path for o in found if o.status == "fixable"})
    if not paths:
        return outcomes, found
    root = opts.project.root
    states = prescreen.read(root, paths)[0]
    settings = config.codemod_settings(opts.config)
    reviewing = review.for_project(root)
    how = foresee.Planning(opts.timeout, project.target_version(root), settings, reviewing)
    together = [o for o in outcomes if o.finding.path in states] + found
    planned, _ = foresee.foreseen(together, states, how, store=cache.Cache(), root=root)
    rest = [o for o in outcomes if o.finding.path not in states]
    cut = len(together) - len(found)  # foreseen keeps the order: the shards' first, then cycles
    return rest + planned[:cut], planned[cut:]


def fix_cycles(opts: Options, paths: Sequence[str]) -> Report:
    """Heal the files where a fixable cycle is reported, as the single run's passes would: a heal
    run on those files (their imports read from the whole project), audited and verified as any;
    its findings replace the shards' for those files (the shards' fixes there stay fixed)."""
    proj = opts.project
    named = project.Project(proj.repo, proj.root, tuple(paths), hook=True)
    return engine.run(replace(opts, project=named, command="", session=None))
