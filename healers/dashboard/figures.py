"""The dashboard's figures, read from .heal/ (the run history, learned trust, the audit trail,
the pattern store and the queue of model-proposed fixes): what the terminal view, the web page
and the HTML report all show."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from healers.dashboard.trends import Point, Window, series, snapshot_of, windows
from healers.finding import CATEGORIES, PRIORITIES
from healers.state import audit, compaction, history, patterns, proposals, stats
from healers.state.runs import Active, Entry, Seen, detailed, going_on, read

LAST_HEALS = 15
DRILL_DAYS = 7  # the drill-down lists what the runs of these days healed
DRILL_HEALS = 2000
TOP_RULES = 8
TOP_PATTERNS = 8
HEALED = ("fixed", "rolled-back", "undone")
HEALTHY = 0.9  # a success rate below this is shown in red


@dataclass(frozen=True)
class Heal:
    when: float
    kind: str
    run: str
    seen: Seen


@dataclass(frozen=True)
class Pending:
    seen: Seen
    diff: str  # the fix heal proposes; "" when there is none, or none was planned yet
    reason: str = ""  # why there is no diff (no run planned one: `heal pending` does)


@dataclass(frozen=True)
class Change:
    """What one run wrote to one file (the audit trail's record): the diff of a fix is the diff
    of its file in the run that made it, with the file's other fixes of that run."""

    run: str
    path: str
    diff: str

    @property
    def key(self) -> str:
        return f"{self.run}:{self.path}"


@dataclass(frozen=True)
class Learning:
    """What the pattern store learned and how model proposals used it."""

    store: patterns.Summary
    used: tuple[patterns.Pattern, ...] = ()  # the patterns shown in prompts, most used first
    waiting: int = 0  # model-proposed fixes waiting for a decision


@dataclass(frozen=True)
class Figures:
    generated: float
    project: str
    active: tuple[Active, ...] = ()
    windows: tuple[Window, ...] = ()
    latest: Entry | None = None  # the newest run of any kind
    snapshot: Entry | None = None  # the newest --scan run, with every finding it saw
    runs: int = 0
    folded: int = 0  # runs older than the history keeps, folded into daily totals
    rules: tuple[stats.Counts, ...] = ()  # the rules most rolled back
    demoted: frozenset[str] = frozenset()
    pending: tuple[Pending, ...] = ()
    heals: tuple[Heal, ...] = ()  # newest first
    healed: tuple[Heal, ...] = ()  # the drill-down's: every heal of the last DRILL_DAYS days
    series: tuple[Point, ...] = ()
    changes: Mapping[str, Change] = field(default_factory=dict)  # fingerprint -> its fix's change
    learning: Learning | None = None  # None until the pattern store exists
    warnings: tuple[str, ...] = ()

    @property
    def by_category(self) -> dict[str, int]:
        shown = self.snapshot or self.latest
        got = dict(shown.by_category) if shown else {}
        return {c: int(got.get(c, 0)) for c in CATEGORIES}

    @property
    def by_priority(self) -> dict[str, int]:
        shown = self.snapshot or self.latest
        got = dict(shown.by_priority) if shown else {}
        return {p: int(got.get(p, 0)) for p in PRIORITIES}

    def findings(self, category: str) -> list[Seen]:
        """Every finding of a category in the newest snapshot (fixed ones included), then what
        the runs of the last DRILL_DAYS days healed, rolled back or undone that it no longer has."""
        shown = list(self.snapshot.findings) if self.snapshot else []
        known = {s.fingerprint for s in shown}
        for h in self.healed:
            if h.seen.fingerprint not in known:
                known.add(h.seen.fingerprint)
                shown.append(h.seen)
        return [s for s in shown if s.category == category]


def last_heals(runs: Sequence[Entry], count: int, since: float = 0.0) -> tuple[Heal, ...]:
    """The newest `count` heals (fixed, rolled back, undone) of the runs since `since`."""
    out: list[Heal] = []
    for r in reversed(runs):
        if r.started < since or len(out) >= count:
            break
        out += [Heal(r.started, r.kind, r.id, h) for h in r.heals if h.status in HEALED]
    return tuple(out[:count])


def pending(snapshot: Entry | None, runs: Sequence[Entry]) -> tuple[Pending, ...]:
    """What waits for a decision in the newest snapshot, less what a later `heal reject` decided,
    each with the newest fix heal proposed for it."""
    if snapshot is None:
        return ()
    later = [r for r in runs if r.started > snapshot.started and r.exit in (0, 1)]
    decided = [t for r in later if r.kind in ("approve", "reject") for t in r.targets]
    diffs: dict[str, tuple[str, str]] = {}
    for r in (*runs, snapshot):
        diffs.update(r.proposals)
    planned = "no run has planned its fix yet: `heal pending` does"
    return tuple(
        Pending(s, *diffs.get(s.fingerprint, ("", planned)))
        for s in snapshot.findings
        if s.status in ("blocked", "needs-approval")
        and not any(s.fingerprint.startswith(t) for t in decided)
    )


_AUDIT_INDEX: dict[Path, tuple[tuple[int, int], dict[str, Change]]] = {}


def audit_changes(state_dir: Path) -> dict[str, Change]:
    """fingerprint -> the change of the newest run that fixed it, from the audit trail; the
    trail is read again only when it changed."""
    path = state_dir / audit.AUDIT
    try:
        st = path.stat()
    except OSError:
        return {}
    key = (st.st_size, st.st_mtime_ns)
    cached = _AUDIT_INDEX.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    index: dict[str, Change] = {}
    for record in audit.read(state_dir):
        change = Change(str(record["run"]), str(record["path"]), str(record.get("diff", "")))
        for fix in record.get("fixes", ()):
            if isinstance(fix, dict) and "fingerprint" in fix:
                index[str(fix["fingerprint"])] = change
    _AUDIT_INDEX[path] = (key, index)
    return index


def _trust(state_dir: Path, policy: stats.Policy) -> tuple[list[stats.Counts], frozenset[str]]:
    try:
        counts = stats.load(state_dir)
    except stats.StatsError:
        return [], frozenset()
    demoted = frozenset(rule for rule, c in counts.items() if policy.demotes(c))
    ranked = sorted(
        (c for c in counts.values() if c.rolled_back or c.rule in demoted),
        key=lambda c: (-c.rolled_back, -c.rollback_rate, c.rule),
    )
    return ranked[:TOP_RULES], demoted


def learning(state_dir: Path, warnings: list[str]) -> Learning | None:
    """The pattern store's figures (None before the first heal was learned)."""
    try:
        store = patterns.summary(state_dir)
        if store is None:
            return None
        used = [p for p in patterns.load(state_dir) if p.successes + p.failures]
        waiting = proposals.waiting(state_dir, state_dir.parent)  # those that still hold
    except (patterns.PatternsError, proposals.QueueError) as exc:
        warnings.append(str(exc))
        return None
    used.sort(key=lambda p: (-(p.successes + p.failures), p.id))
    return Learning(store, tuple(used[:TOP_PATTERNS]), len(waiting))


def load(
    state_dir: Path,
    policy: stats.Policy,
    *,
    now: float | None = None,
    current: Entry | None = None,
    project: str = "",
) -> Figures:
    """Every figure, from the stores in `state_dir`; `current` is a run not yet recorded (the
    HTML report of the run that makes it). A missing store reads as an empty history."""
    moment = time.time() if now is None else now
    warnings: list[str] = []
    runs: list[Entry] = []
    days: list[compaction.Day] = []
    active: list[Active] = []
    snapshot: Entry | None = None
    if (state_dir / history.HISTORY).is_file():
        try:
            with history.opened(state_dir, warnings) as db:
                runs = read(db)
                days = compaction.days(db)
                active = going_on(db)
                newest = [r for r in runs if snapshot_of(r)]
                snapshot = detailed(db, newest[-1].id) if newest else None
        except history.HistoryError as exc:
            warnings.append(str(exc))
    if current is not None:
        runs.append(current)
        snapshot = current if snapshot_of(current) else snapshot
    return _figures(state_dir, policy, moment, runs, days, active, snapshot, project, warnings)


def _figures(
    state_dir: Path,
    policy: stats.Policy,
    now: float,
    runs: list[Entry],
    days: Sequence[compaction.Day],
    active: Iterable[Active],
    snapshot: Entry | None,
    project: str,
    warnings: Sequence[str],
) -> Figures:
    rules, demoted = _trust(state_dir, policy)
    said = list(warnings)
    learned = learning(state_dir, said)
    return Figures(
        generated=now,
        project=project,
        active=tuple(active),
        windows=windows(runs, now),
        latest=runs[-1] if runs else None,
        snapshot=snapshot,
        runs=len(runs),
        folded=sum(d.runs for d in days),
        rules=tuple(rules),
        demoted=demoted,
        pending=pending(snapshot, runs),
        heals=last_heals(runs, LAST_HEALS),
        healed=last_heals(runs, DRILL_HEALS, now - DRILL_DAYS * compaction.DAY),
        series=series(runs, days, now),
        changes=audit_changes(state_dir),
        learning=learned,
        warnings=tuple(said),
    )
