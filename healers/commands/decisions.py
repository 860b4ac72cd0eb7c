"""What `heal pending`, `approve` and `reject` share: the findings a fingerprint names, the record
of a person's decision, and how a waiting finding is shown."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

from healers import source, tools
from healers.commands.heal import untrusted_argument
from healers.errors import CommandError
from healers.finding import Outcome, Proposal
from healers.project import Project
from healers.state import approvals, stats
from healers.state.approvals import Decision, Verdict

MIN_PREFIX = 6  # a fingerprint may be shortened to a unique prefix this long


def scan_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scan", default=".", metavar="PATH", help="the part of the project to analyze")
    untrusted_argument(p)


def texts(proj: Project, outcomes: Sequence[Outcome]) -> dict[str, str]:
    """The current text of each file the outcomes are in (for the hash of the flagged code)."""
    found = {}
    for path in {o.finding.path for o in outcomes}:
        text = _read(proj.root / path)
        if text is not None:
            found[path] = text
    return found


def _read(path: Path) -> str | None:
    try:
        return source.read_source(path.read_bytes()).text
    except (OSError, source.SourceError):
        return None


def pick(ids: Sequence[str], outcomes: Sequence[Outcome]) -> list[Outcome]:
    """The gated outcomes the ids name, in the order given; an id may be a unique prefix. A finding
    already decided may be decided again (an approved one reads "fixable" until it is fixed)."""
    gated = [o for o in outcomes if o.gated]
    picked: list[Outcome] = []
    for wanted in ids:
        hits = [o for o in gated if o.fingerprint.startswith(wanted)]
        if len(wanted) < MIN_PREFIX or not hits:
            raise CommandError(f"{wanted}: no finding waits for a decision under this fingerprint")
        if len(hits) > 1:
            raise CommandError(
                f"{wanted}: ambiguous, matches {', '.join(o.fingerprint for o in hits)}"
            )
        if hits[0] not in picked:
            picked.append(hits[0])
    return picked


def record(
    proj: Project,
    chosen: Sequence[Outcome],
    proposals: Mapping[str, Proposal],
    verdict: Verdict,
    reason: str,
) -> None:
    """Write the decisions to .heal/approvals.toml, naming who made them (git's user)."""
    who = tools.git_identity(proj.repo)
    if not who:
        raise CommandError("git config user.name is not set: a decision must name who made it")
    when = approvals.now()
    current = texts(proj, chosen)
    new = {
        o.fingerprint: Decision(
            fingerprint=o.fingerprint,
            rule=o.rule.id,
            path=o.finding.path,
            decision=verdict,
            reason=reason,
            who=who,
            when=when,
            code_hash=approvals.code_hash(o.finding, current.get(o.finding.path, "")),
            diff_hash=approvals.diff_hash(proposals[o.fingerprint].diff),
        )
        for o in chosen
    }
    approvals.record(proj.state_dir, new)
    column = "approved" if verdict == "approve" else "rejected"
    counts: dict[str, dict[str, int]] = {}
    for o in chosen:  # learned trust counts the decisions too (`heal stats`)
        row = counts.setdefault(o.rule.id, {})
        row[column] = row.get(column, 0) + 1
    stats.add(proj.state_dir, counts)


def describe(o: Outcome, proposal: Proposal) -> str:
    f = o.finding
    head = (
        f"{o.fingerprint}  {f.code} [{o.rule.id}]  {f.path}:{f.line}:{f.column}"
        f"  severity {f.severity or '-'}\n    {f.message.splitlines()[0]}\n    {o.reason}\n"
    )
    if proposal.diff:
        body = "".join(f"    {line}" for line in proposal.diff.splitlines(keepends=True))
        fp = o.fingerprint
        act = f'    heal approve {fp}    or    heal reject {fp} --reason "..."\n'
        return head + "    proposed fix:\n" + body + act
    act = f'    heal reject {o.fingerprint} --reason "..."  (or fix it by hand)\n'
    return head + f"    no proposed fix: {proposal.reason}\n" + act
