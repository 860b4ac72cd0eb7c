"""What `--fix` would fix, decided without writing: a report-only run plans the first fix pass
as `--fix` plans it (the codemods in the worker, the review, the merge, the compile check) and
counts as fixable only the findings whose fix that plan keeps. Each file's verdict is kept in the
findings cache under a key of everything the plan reads, so a second run plans only what changed.
What only writing can show (heal's re-analysis of the written files, `--verify-cmd`) is not
foreseen: `--fix` may still take such a fix back, and the report says so."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from healers import apply, cache, policy
from healers.finding import FileState, Outcome, Proposal
from healers.review import Reviewing

KIND = "plan"  # the findings cache's folder for these verdicts
PROPOSALS = "proposal"  # and for the fixes proposed for approval, one finding each
UNPLANNED = "fixable finding(s) were not planned"  # the note's words (heal merge reads them)


@dataclass(frozen=True)
class Planning:
    """How the run's fix pass is planned: what `--fix` gives `apply.plan_pass`."""

    timeout: float
    target: str | None
    settings: Mapping[str, float]
    reviewing: Reviewing | None
    limit: int | None = None  # plan at most this many fixes the cache does not know (plan-fixes)


def foreseen(
    outcomes: Sequence[Outcome],
    states: Mapping[str, FileState],
    how: Planning,
    *,
    store: cache.Cache,
    root: Path,
) -> tuple[list[Outcome], str]:
    """The outcomes, each fixable one whose fix `--fix` would not make turned `unfixable` with the
    reason `--fix` would give; and a note when more fixes were new than `plan-fixes` lets one run
    plan (then those stay counted as fixable, unplanned, and the note says how many)."""
    per_file: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        state = states.get(o.finding.path)
        if o.status == "fixable" and state is not None and state.parses:
            per_file[o.finding.path].append(o)
    stamp = _stamp(root, how)
    keys = {path: _key(stamp, path, states[path], outs) for path, outs in per_file.items()}
    kept = store.recall(KIND, keys)
    declined: dict[str, str] = {}
    missed = []
    for path, outs in per_file.items():
        known = _verdict(kept.get(path), {o.fingerprint for o in outs})
        if known is None:
            missed.append(path)
        else:
            declined.update(known)
    unplanned = sum(len(per_file[path]) for path in missed)
    if how.limit is not None and unplanned > how.limit:
        return policy.declined(outcomes, declined), _unplanned(unplanned, how.limit)
    if missed:
        fresh = _plan({path: per_file[path] for path in missed}, states, how)
        for reasons in fresh.values():
            declined.update(reasons)
        # a job that hung or killed its worker says nothing about the file: not kept
        lasting = {
            path: reasons
            for path, reasons in fresh.items()
            if not any(why.startswith(apply.SKIPPED) for why in reasons.values())
        }
        store.remember(KIND, {path: keys[path] for path in lasting}, lasting)
    return policy.declined(outcomes, declined), ""


def proposed(
    outcomes: Sequence[Outcome],
    states: Mapping[str, FileState],
    how: Planning,
    *,
    store: cache.Cache,
    root: Path,
) -> dict[str, Proposal]:
    """`apply.propose` for these outcomes, each proposal kept in the findings cache under a key
    of everything its plan reads: a run whose blocked findings and files did not change plans no
    proposal again (each one a codemod worker, libcst and ruff runs)."""
    stamp = _stamp(root, how) + PROPOSALS
    keys = {
        o.fingerprint: _key(stamp, o.finding.path, states[o.finding.path], [o])
        for o in outcomes
        if o.finding.path in states
    }
    known = {fp: _proposal(fp, value) for fp, value in store.recall(PROPOSALS, keys).items()}
    found = {fp: p for fp, p in known.items() if p is not None}
    missed = [o for o in outcomes if o.fingerprint not in found]
    if missed:
        texts = {p: s.source.text for p, s in states.items()}
        fresh = apply.propose(
            missed,
            texts,
            timeout=how.timeout,
            target=how.target,
            reviewing=how.reviewing,
            settings=how.settings,
        )
        found.update(fresh)
        # a job that hung or killed its worker says nothing about the finding: not kept
        lasting = {
            fp: asdict(p)
            for fp, p in fresh.items()
            if fp in keys and not p.reason.startswith(apply.SKIPPED)
        }
        store.remember(PROPOSALS, keys, lasting)
    return found


def _proposal(fingerprint: str, value: Any) -> Proposal | None:
    """A kept proposal, or None when the entry is not one for this finding."""
    if not isinstance(value, dict) or value.get("fingerprint") != fingerprint:
        return None
    if not all(isinstance(value.get(k), str) for k in ("diff", "reason")) or len(value) != 3:
        return None
    return Proposal(fingerprint, value["diff"], value["reason"])


def _unplanned(count: int, limit: int) -> str:
    return (
        f"{count} {UNPLANNED}: more than plan-fixes = {limit} fixes that "
        "no earlier run planned (a first scan stays as fast as the analyzers); --fix may still "
        "refuse some of them; `heal --fix` plans each, and `plan-fixes = true` counts them exactly"
    )


def _plan(
    per_file: Mapping[str, Sequence[Outcome]], states: Mapping[str, FileState], how: Planning
) -> dict[str, dict[str, str]]:
    """Each file's findings whose fix the plan does not keep, with why (fingerprint -> reason)."""
    planned = apply.plan_pass(
        {path: states[path] for path in per_file},
        [o for outs in per_file.values() for o in outs],
        {},
        timeout=how.timeout,
        target=how.target,
        settings=how.settings,
        reviewing=how.reviewing,
    )
    return {path: dict(planned[path].unfixed) if path in planned else {} for path in per_file}


def _verdict(value: Any, fingerprints: set[str]) -> dict[str, str] | None:
    """A kept verdict (fingerprint -> why not), or None when it is not one for these findings."""
    if not isinstance(value, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None
    return value if set(value) <= fingerprints else None


def _stamp(root: Path, how: Planning) -> str:
    """What every file's plan reads besides the file: heal's code, ruff (which formats a fix's
    lines), the target Python, the codemod settings, the project's layout and formatter config."""
    layout = how.reviewing.layout if how.reviewing is not None else None
    conf = b""
    if layout is not None and layout.formatter is not None and layout.formatter.config:
        try:
            conf = (root / layout.formatter.config).read_bytes()
        except OSError:
            conf = b"\0unreadable"
    return cache.digest(
        KIND,
        cache.heal_stamp(),
        cache.tool_version("ruff"),
        how.target or "",
        json.dumps(dict(how.settings), sort_keys=True),
        repr(layout),
        conf,
    )


def _key(stamp: str, path: str, state: FileState, outcomes: Sequence[Outcome]) -> str:
    """A file's key: the stamp, its path and bytes, and the findings its plan is asked to fix."""
    asked = [
        [o.fingerprint, o.status, o.priority, o.rule.id, o.rule.fix, asdict(o.finding)]
        for o in outcomes
    ]
    return cache.digest(stamp, path, state.data, json.dumps(asked, sort_keys=True, default=str))
