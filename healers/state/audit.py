"""The audit trail: .heal/audit.jsonl, one record per file a run wrote, and the bytes undo needs."""

from __future__ import annotations

import datetime
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healers import folder, source, write
from healers.finding import Outcome
from healers.report.diff import unified
from healers.verify import Check, Pass

AUDIT = "audit.jsonl"
BLOBS = "blobs"  # the bytes before each write, by sha256, so that undo is byte for byte
# how verification ended for a file, from best to worst; a file's record keeps its worst pass
OUTCOMES = ("not-run", "passed", "rolled-back", "taken-back")


def new_run_id(now: datetime.datetime | None = None) -> str:
    """Sortable by time, unique across concurrent runs: 20261121T101500Z-3f9a1c."""
    moment = now or datetime.datetime.now(datetime.timezone.utc)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


@dataclass
class _FileLog:
    """What a run did to one file so far (mutable while the run goes on)."""

    before: bytes
    before_text: str
    after: bytes
    after_text: str
    fixes: dict[str, dict[str, Any]] = field(default_factory=dict)  # fingerprint -> fix
    rolled_back: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcome: str = "not-run"


def _fix(outcome: Outcome) -> dict[str, Any]:
    f = outcome.finding
    return {
        "fingerprint": outcome.fingerprint,
        "rule": outcome.rule.id,
        "code": f.code,
        "line": f.line,
        "message": f.message.splitlines()[0] if f.message else "",
    }


class Trail:
    """Collects, pass by pass, what a run wrote; `records()` are the audit lines for the run."""

    def __init__(self, run_id: str, command: str = "") -> None:
        self.run_id = run_id
        self.command = command
        self.verify_runs = 0
        self.files: dict[str, _FileLog] = {}
        # fingerprint -> what else a fix's entry says (a model patch: model, prompt, who approved)
        self.extra: dict[str, dict[str, str]] = {}

    def add_pass(self, work: Pass, check: Check | None) -> None:
        """Log one pass: its plans were written over its bases; `check` is what verification
        kept."""
        bases, plans, outcomes = work.bases, work.plans, work.outcomes
        written = {p: r.after or "" for p, r in plans.items()} if check is None else check.written
        taken = check.unfixed if check is not None else {}
        blamed = check is not None and check.passed  # not an interrupt or an emergency stop
        for path, result in plans.items():
            base = bases[path]
            text = written.get(path, base.source.text)
            log = self.files.setdefault(
                path, _FileLog(base.data, base.source.text, base.data, base.source.text)
            )
            log.after_text, log.after = text, source.encode(base.source, text)
            for print_ in result.applied:
                entry = {**_fix(outcomes[print_]), **self.extra.get(print_, {})}
                if print_ in taken:  # a pass taken back after it was logged: no longer kept
                    log.fixes.pop(print_, None)
                    log.rolled_back[print_] = {**entry, "reason": taken[print_], "blamed": blamed}
                else:
                    log.fixes[print_] = entry
            log.outcome = max(log.outcome, _outcome_of(path, check), key=OUTCOMES.index)

    def restored(
        self, path: str, data: bytes, text: str, prints: Sequence[str], reason: str
    ) -> None:
        """A file put back after a pass (mypy found new errors): its fixes of that pass were
        not kept, and its record says what is on disk now."""
        log = self.files.get(path)
        if log is None:
            return
        log.after, log.after_text = data, text
        for print_ in prints:
            if print_ in log.fixes:
                log.rolled_back[print_] = {
                    **log.fixes.pop(print_),
                    "reason": reason,
                    "blamed": True,
                }

    def kept(self) -> set[str]:
        """The fingerprints whose fixes the run wrote and kept."""
        return {print_ for log in self.files.values() for print_ in log.fixes}

    def applied(self) -> dict[str, dict[str, int]]:
        """Counts per rule for learned trust: applied, verified, rolled back."""
        counts: dict[str, dict[str, int]] = {}
        for log in self.files.values():
            for fix in log.fixes.values():
                row = counts.setdefault(fix["rule"], {})
                row["applied"] = row.get("applied", 0) + 1
                if log.outcome in ("passed", "rolled-back"):
                    row["verified"] = row.get("verified", 0) + 1
            for fix in log.rolled_back.values():
                if not fix["blamed"]:  # taken back unverified: says nothing about the rule
                    continue
                row = counts.setdefault(fix["rule"], {})
                row["applied"] = row.get("applied", 0) + 1
                row["rolled_back"] = row.get("rolled_back", 0) + 1
        return counts

    def records(self) -> list[dict[str, Any]]:
        when = now_iso()
        out = []
        for path, log in sorted(self.files.items()):
            out.append(
                {
                    "run": self.run_id,
                    "time": when,
                    "kind": "fix",
                    "path": path,
                    "rules": sorted({f["rule"] for f in log.fixes.values()}),
                    "fixes": list(log.fixes.values()),
                    "rolled_back": list(log.rolled_back.values()),
                    "sha256_before": write.sha256(log.before),
                    "sha256_after": write.sha256(log.after),
                    "diff": unified(path, log.before_text, log.after_text),
                    "verification": {
                        "command": self.command,
                        "outcome": log.outcome,
                        "runs": self.verify_runs,
                    },
                    "approved_by": next(
                        (f["approved_by"] for f in log.fixes.values() if f.get("approved_by")), ""
                    ),
                }
            )
        return out

    def blobs(self) -> dict[str, bytes]:
        return {write.sha256(log.before): log.before for log in self.files.values()}


def _outcome_of(path: str, check: Check | None) -> str:
    if check is None:
        return "not-run"
    if not check.passed:
        return "taken-back"
    if any(u.path == path for u in check.rolled_back):
        return "rolled-back"
    return "passed"


def append(
    state_dir: Path, records: Sequence[Mapping[str, Any]], blobs: Mapping[str, bytes]
) -> None:
    """Save the blobs, then append the records, under heal's lock: two runs never interleave.
    Nothing under .heal/ is followed if it is a link."""
    if not records:
        return
    lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    with write.locked(state_dir), folder.opened(state_dir, create=True) as place:
        with place.child(BLOBS, create=True) as store:
            for digest, data in blobs.items():
                if not store.plain(digest):
                    write.write_in(store, digest, data)
        write.append_in(place, AUDIT, lines.encode("utf-8"))


@dataclass(frozen=True)
class Loaded:
    """The audit trail as read: the records, and the lines that could not be read, named."""

    records: list[dict[str, Any]]
    damaged: list[str]  # "line 7: not valid UTF-8"


def load(state_dir: Path) -> Loaded:
    """Every record, oldest first. A damaged line (cut inside a character by a crash, not JSON,
    a record without the keys of its kind) is skipped and named, never fatal."""
    try:
        with folder.opened(state_dir) as place:
            data = place.read(AUDIT) or b""
    except FileNotFoundError:
        return Loaded([], [])
    records, damaged = [], []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            damaged.append(f"line {number}: not valid UTF-8")
            continue
        except ValueError:
            damaged.append(f"line {number}: not a JSON record")
            continue
        why = _invalid(record)
        if why:
            damaged.append(f"line {number}: {why}")
        else:
            records.append(record)
    return Loaded(records, damaged)


def read(state_dir: Path) -> list[dict[str, Any]]:
    """Every readable record, oldest first (load() also names the damaged ones)."""
    return load(state_dir).records


_NEEDS: dict[str, tuple[str, ...]] = {
    "fix": ("time", "sha256_before", "sha256_after"),
    "undo": ("time", "undoes", "sha256_before", "sha256_after"),
    "write:pending": ("seq", "sha256_before", "sha256_after"),
    "write:done": ("seq",),
}


def _invalid(record: object) -> str:
    """Why a record cannot be used ("" when it can)."""
    if not isinstance(record, dict):
        return "not a JSON object"
    kind = record.get("kind", "fix")
    if kind == "write":
        kind = f"write:{record.get('state')}"
    if kind not in _NEEDS:
        return f"unknown kind of record {kind!r}"
    missing = [k for k in ("run", "path", *_NEEDS[kind]) if k not in record]
    if missing:
        return f"a {kind} record without {', '.join(missing)}"
    strings = ("run", "path", "time", "undoes", "sha256_before", "sha256_after")
    if not all(isinstance(record[k], str) for k in strings if k in record):
        return "a field that should be text is not"
    lists = ("rules", "fixes", "rolled_back")
    if not all(isinstance(record.get(k, []), list) for k in lists):
        return "a field that should be a list is not"
    fixes = [*record.get("fixes", []), *record.get("rolled_back", [])]
    if not all(isinstance(f, dict) and isinstance(f.get("rule"), str) for f in fixes):
        return "a fix without its rule"
    return ""


def runs(records: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Records grouped by run id, in the order the runs were appended."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        grouped.setdefault(record["run"], []).append(record)
    return grouped


def blob(state_dir: Path, digest: str) -> bytes | None:
    try:
        with folder.opened(state_dir, BLOBS) as store:
            data = store.read(digest)
    except OSError:
        return None
    return data if data is not None and write.sha256(data) == digest else None
