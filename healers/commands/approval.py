"""`heal pending`, `heal approve ID...`, `heal reject ID --reason TEXT`: the human side of the
approval gate. None of them ever prompts; each says what it did and exits."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from healers import catalogue, config, engine, files, gate, project, tools
from healers.finding import Approval, Outcome
from healers.state import approvals
from healers.state.approvals import Decision, Verdict

EXIT_OK, EXIT_LEFT, EXIT_ERROR, EXIT_BLOCKED = 0, 1, 2, 3
MIN_PREFIX = 6  # a fingerprint may be shortened to a unique prefix this long
UNGATED_WARNING = (
    "heal: warning: allow-unapproved-high = true in {}: HIGH-severity security findings "
    "are fixed and passed without a human decision"
)
ERRORS = (
    project.SelectError,
    config.ConfigError,
    catalogue.CatalogueError,
    approvals.ApprovalsError,
    tools.AnalyzerError,
    OSError,
)


class CommandError(ValueError):
    """A request that cannot be carried out: the message says why and what to do instead."""


def policy(conf: config.Config) -> tuple[tuple[str, Approval], ...]:
    return tuple((rule, cast(Approval, level)) for rule, level in conf.approval)


def _parser(name: str, description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"heal {name}", description=description)
    p.add_argument(
        "--scan",
        default=".",
        metavar="PATH",
        help="the part of the project to analyze (default: the whole project, .)",
    )
    return p


def _analyze(args: argparse.Namespace) -> tuple[project.Project, engine.Options, engine.Report]:
    """Analyze as `heal --scan PATH` does, with the project's config; nothing is written."""
    catalogue.load()
    proj, conf = project.select(
        [],
        scan=args.scan,
        cwd=Path.cwd(),
        config_for=lambda root: config.load(root / "pyproject.toml", explicit=False),
    )
    if conf.allow_unapproved_high:
        print(UNGATED_WARNING.format(conf.source), file=sys.stderr)
    opts = engine.Options(
        select=conf.select,
        ignore=conf.ignore,
        max_passes=conf.max_passes,
        timeout=conf.timeout,
        approval=policy(conf),
        allow_unapproved_high=conf.allow_unapproved_high,
    )
    return proj, opts, engine.run(proj, conf, opts)


def _texts(proj: project.Project, outcomes: Sequence[Outcome]) -> dict[str, str]:
    texts = {}
    for path in {o.finding.path for o in outcomes}:
        text = _read(proj.root / path)
        if text is not None:
            texts[path] = text
    return texts


def _read(path: Path) -> str | None:
    try:
        return files.read_source(path.read_bytes()).text
    except (OSError, files.SourceError):
        return None


def _pick(ids: Sequence[str], outcomes: Sequence[Outcome]) -> list[Outcome]:
    """The gated outcomes the ids name, in the order given; an id may be a unique prefix."""
    # a finding already approved reads "fixable" until its fix is applied; it may be re-decided
    gated = [o for o in outcomes if o.status in gate.GATED or o.reason.startswith("approved by")]
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


def _decide(
    proj: project.Project,
    chosen: Sequence[Outcome],
    proposals: dict[str, gate.Proposal],
    texts: dict[str, str],
    verdict: Verdict,
    reason: str,
) -> None:
    who = tools.git_identity(proj.repo)
    if not who:
        raise CommandError("git config user.name is not set: a decision must name who made it")
    when = approvals.now()
    new = {
        o.fingerprint: Decision(
            fingerprint=o.fingerprint,
            rule=o.rule.id,
            path=o.finding.path,
            decision=verdict,
            reason=reason,
            who=who,
            when=when,
            code_hash=approvals.code_hash(o.finding, texts.get(o.finding.path, "")),
            diff_hash=approvals.diff_hash(proposals[o.fingerprint].diff),
        )
        for o in chosen
    }
    approvals.record(proj.state_dir, new, repo=proj.repo)


def _guarded(run: Callable[[], int]) -> int:
    try:
        return run()
    except CommandError as exc:
        print(f"heal: error: {exc}", file=sys.stderr)
        return EXIT_LEFT
    except ERRORS as exc:
        print(f"heal: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:  # a bug in heal must read as an error (2)
        traceback.print_exc()
        print("heal: internal error: please report it with the traceback above", file=sys.stderr)
        return EXIT_ERROR


def _describe(o: Outcome, proposal: gate.Proposal) -> str:
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


def pending(argv: Sequence[str]) -> int:
    """`heal pending`: what waits for a human, with the fix heal would make. Exit 3 when anything
    waits, 0 when nothing does."""
    p = _parser("pending", "List the findings that wait for a human decision.")
    p.add_argument("--output-format", choices=("text", "json"), default="text")
    args = p.parse_args(argv)

    def run() -> int:
        proj, opts, rep = _analyze(args)
        waiting = [o for o in rep.outcomes if o.status == "needs-approval"]
        texts = _texts(proj, waiting)
        proposals = gate.propose(waiting, texts, timeout=opts.timeout)
        if args.output_format == "json":
            rows: list[dict[str, Any]] = [
                {
                    "fingerprint": o.fingerprint,
                    "rule": o.rule.id,
                    "code": o.finding.code,
                    "severity": o.finding.severity,
                    "path": o.finding.path,
                    "line": o.finding.line,
                    "column": o.finding.column,
                    "message": o.finding.message,
                    "reason": o.reason,
                    "diff": proposals[o.fingerprint].diff,
                    "no_fix_reason": proposals[o.fingerprint].reason,
                }
                for o in waiting
            ]
            sys.stdout.write(json.dumps({"pending": rows}, indent=2, ensure_ascii=False) + "\n")
        elif not waiting:
            print("Nothing waits for a decision.")
        else:
            print(f"{len(waiting)} finding(s) wait for a decision:\n")
            print("\n".join(_describe(o, proposals[o.fingerprint]) for o in waiting))
        return EXIT_BLOCKED if waiting else EXIT_OK

    return _guarded(run)


def approve(argv: Sequence[str]) -> int:
    """`heal approve ID...`: record the approval, then apply exactly those fixes through the same
    apply path and checks as --fix. Exit 0 when every one was applied."""
    p = _parser("approve", "Approve and apply the proposed fixes of these findings.")
    p.add_argument("ids", nargs="+", metavar="ID", help="fingerprints (or unique prefixes)")
    args = p.parse_args(argv)

    def run() -> int:
        proj, opts, rep = _analyze(args)
        chosen = _pick(args.ids, rep.outcomes)
        texts = _texts(proj, chosen)
        proposals = gate.propose(chosen, texts, timeout=opts.timeout)
        for o in chosen:
            if not proposals[o.fingerprint].diff:
                raise CommandError(
                    f"{o.fingerprint}: no fix to approve ({proposals[o.fingerprint].reason}); fix "
                    f'it by hand, or accept the risk: heal reject {o.fingerprint} --reason "..."'
                )
        _decide(proj, chosen, proposals, texts, "approve", "")
        wanted = frozenset(o.fingerprint for o in chosen)
        conf = config.load(proj.root / "pyproject.toml", explicit=False)
        done = engine.run(proj, conf, replace(opts, fix=True, only=wanted))
        fixed = {o.fingerprint for o in done.outcomes if o.status == "fixed"} & wanted
        for note in done.notes:
            print(f"heal: note: {note}", file=sys.stderr)
        for o in chosen:
            state = "applied" if o.fingerprint in fixed else "approved, NOT applied"
            print(f"{o.fingerprint}  {o.finding.code} {o.finding.path}:{o.finding.line}: {state}")
            if o.fingerprint in fixed:
                sys.stdout.write(proposals[o.fingerprint].diff)
        return EXIT_OK if fixed == wanted else EXIT_LEFT

    return _guarded(run)


def reject(argv: Sequence[str]) -> int:
    """`heal reject ID --reason TEXT`: record an accepted risk; the finding no longer blocks."""
    p = _parser("reject", "Accept the risk of these findings: they stop blocking.")
    p.add_argument("ids", nargs="+", metavar="ID", help="fingerprints (or unique prefixes)")
    p.add_argument("--reason", required=True, help="why the risk is acceptable (recorded)")
    args = p.parse_args(argv)

    def run() -> int:
        if not args.reason.strip():
            raise CommandError("--reason must say why the risk is acceptable")
        proj, opts, rep = _analyze(args)
        chosen = _pick(args.ids, rep.outcomes)
        texts = _texts(proj, chosen)
        proposals = gate.propose(chosen, texts, timeout=opts.timeout)
        _decide(proj, chosen, proposals, texts, "reject", args.reason.strip())
        for o in chosen:
            f = o.finding
            print(f"{o.fingerprint}  {f.code} {f.path}:{f.line}: accepted risk ({args.reason})")
        return EXIT_OK

    return _guarded(run)
