"""The heal run itself (`heal FILES`, `heal --scan`): analyze, heal with --fix, report in the
format asked for, and the exit code."""

from __future__ import annotations

import argparse
import os
import sys
from json import dumps
from pathlib import Path
from typing import Any

from healers import __version__, engine, preview, write
from healers.analyzers import FAILED
from healers.commands import proposing
from healers.errors import UsageError
from healers.finding import PRIORITIES, Report
from healers.imports import statements
from healers.options import Options
from healers.project import Project
from healers.report import LEFT, diff, github, json, sarif, text
from healers.state import control, stats

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_BLOCKED = 0, 1, 2, 3


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", help="check only these files (pre-commit hook mode)")
    p.add_argument(
        "--scan",
        nargs="?",
        const=".",
        metavar="PATH",
        help="every Python file git tracks under PATH (default .)",
    )
    p.add_argument("--fix", action="store_true", help="apply the safe fixes")
    p.add_argument(
        "--since",
        metavar="REF",
        help="only findings on lines changed since the commit REF (hold the line in CI)",
    )
    p.add_argument(
        "--unsafe-fixes",
        action="store_true",
        default=None,
        help="also apply fixes that may change behaviour",
    )
    p.add_argument(
        "--diff", action="store_true", help="print the changes --fix would make; write nothing"
    )
    _other_options(p)


def _other_options(p: argparse.ArgumentParser) -> None:
    """The run's other options: what to select, how to report, how to verify."""
    p.add_argument(
        "--output-format", choices=("text", "json", "github", "sarif", "html"), default="text"
    )
    p.add_argument("--output-file", metavar="PATH", help="write the report to PATH, not stdout")
    p.add_argument(
        "--select",
        action="append",
        metavar="SEL",
        help="only these categories, rule ids or codes (comma-separated)",
    )
    p.add_argument(
        "--extend-select",
        action="append",
        metavar="SEL",
        help="also these, even where heal leaves them out by default (asserts in tests, B404)",
    )
    p.add_argument(
        "--ignore",
        action="append",
        metavar="SEL",
        help="leave out these categories, rule ids or codes",
    )
    p.add_argument(
        "--fail-on",
        choices=PRIORITIES,
        help="lowest priority that makes the run fail (default P3: any)",
    )
    p.add_argument(
        "--exit-non-zero-on-fix", action="store_true", help="exit 1 when a file was changed"
    )
    p.add_argument(
        "--statistics", action="store_true", help="counts per code instead of each finding"
    )
    _as_ruff_does(p)
    p.add_argument(
        "--max-passes", type=int, metavar="N", help="fix passes before giving up (default 5)"
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help="read [tool.healers] from FILE instead of the project's pyproject.toml",
    )
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    _checking_options(p)
    p.add_argument("--version", action="version", version=f"heal {__version__}")


def _checking_options(p: argparse.ArgumentParser) -> None:
    """How fixes are checked and proposed, and which share of the files a run takes."""
    p.add_argument(
        "--verify-cmd",
        metavar="CMD",
        help="run CMD (e.g. the tests) after each fix pass; roll back the fixes that make it fail",
    )
    untrusted_argument(p)
    p.add_argument(
        "--verify-baseline-failing",
        action="store_true",
        help="fix even though CMD fails before any fix (fixes must keep its exit code)",
    )
    p.add_argument(
        "--propose",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="ask the model of [tool.healers.llm] for a patch of each finding no codemod "
        "fixes; patches that pass every check wait in `heal pending`",
    )
    p.add_argument(
        "--shard",
        metavar="K/N",
        help="with --scan: only the K-th of N stable shares of the files (by path hash); "
        "`heal merge` joins the N reports",
    )


def _as_ruff_does(p: argparse.ArgumentParser) -> None:
    """The options a ruff user expects to find."""
    p.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when findings are left or block"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print the findings and nothing else")
    p.add_argument("--show-fixes", action="store_true", help="list every finding --fix fixed")


def untrusted_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--untrusted",
        action="store_true",
        help="run none of the project's own code: no mypy plugins, no verify command, no "
        "cache from the repository (also HEAL_UNTRUSTED=1; docs/security.md)",
    )


def run(opts: Options) -> int:
    if opts.ask_model and opts.diff:
        raise UsageError("--propose does not mix with --diff: proposals are made for the files")
    provider = proposing.provider(opts) if opts.ask_model else None  # a broken setup: exit 2 now
    engine_rep = preview.preview(opts) if opts.diff else engine.run(opts)
    problem = ""
    if provider is not None:
        rep, problem = proposing.propose(opts, engine_rep, provider)
    else:
        rep = proposing.waiting(opts, engine_rep)
    if opts.session is not None and rep is not engine_rep:  # the history keeps what is shown
        opts.session.saw(rep)
    code = EXIT_ERROR if problem else exit_code(rep, opts)
    output = render(rep, opts, code)
    if opts.output_file is None:
        sys.stdout.write(output)
    else:
        try:
            write.write_report(
                Path(opts.output_file), output.encode("utf-8"), repo=opts.project.repo
            )
        except OSError as exc:
            # a WriteError names the file itself
            why = exc if isinstance(exc, write.WriteError) else f"{opts.output_file}: {exc}"
            print(f"heal: error: cannot write {why}", file=sys.stderr)
            return EXIT_ERROR
    for note in rep.notes if opts.output_format != "text" and not opts.quiet else ():
        print(f"heal: note: {note}", file=sys.stderr)
    if opts.fix and control.stopped(opts.project.state_dir):
        print(
            f"heal: {control.why_stopped(opts.project.state_dir)}; nothing was written",
            file=sys.stderr,
        )
    for warning in rep.warnings:
        print(f"heal: warning: {warning}", file=sys.stderr)
    for o in rep.outcomes:
        if o.finding.code == FAILED:
            print(f"heal: error: {o.finding.message}", file=sys.stderr)
    sys.stderr.write(text.blocked_message(rep.outcomes, rep.proposals))
    if problem:  # the report of what was done, then the endpoint's failure
        print(f"heal: error: {problem}", file=sys.stderr)
    return code


def shipped(proj: Project) -> dict[str, list[list[Any]]] | None:
    """A shard's files' import statements, as rows (merge finds the cycles from them)."""
    if not proj.shard:
        return None
    found = statements.of_project(proj.root, proj.files)
    return {path: statements.to_rows(rows) for path, rows in found.items()}


def render(rep: Report, opts: Options, code: int = EXIT_OK) -> str:
    if opts.diff:
        shown = diff.changes(rep)
        colored = opts.color == "always" if opts.output_file else use_color(opts.color)
        return diff.colored(shown) if colored else shown
    if opts.statistics:
        if opts.output_format == "json":
            return dumps(text.statistics_rows(rep), indent=2) + "\n"
        return text.statistics(rep)
    if opts.output_format == "json":
        return json.to_json(rep, shard=opts.project.shard, imports=shipped(opts.project))
    if opts.output_format == "github":
        return github.to_github(rep, prefix=repo_prefix(opts.project))
    if opts.output_format == "sarif":
        return sarif.to_sarif(rep, prefix=repo_prefix(opts.project))
    if opts.output_format == "html":
        return html_report(opts, code)
    # a file gets colour only when asked for by name, never from a terminal on stdout
    colored = opts.color == "always" if opts.output_file else use_color(opts.color)
    return text.to_text(
        rep,
        color=text.Style(colored),
        fixing=opts.fix,
        quiet=opts.quiet,
        show_fixes=opts.show_fixes,
    )


def html_report(opts: Options, code: int) -> str:
    """The dashboard as one file: this run (not yet recorded) on top of the run history."""
    from healers.dashboard import figures  # the HTML report only
    from healers.report import html

    policy = stats.Policy(opts.config.demote_min_fixes, opts.config.demote_rollback_rate)
    current = opts.session.entry(code) if opts.session is not None else None
    name = opts.project.root.name
    fig = figures.load(opts.project.state_dir, policy, current=current, project=name)
    return html.document(fig)


def use_color(choice: str) -> bool:
    """--color beats the environment; NO_COLOR beats FORCE_COLOR; otherwise a terminal decides."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR") or os.environ.get("CLICOLOR_FORCE"):
        return True
    return sys.stdout.isatty()


def repo_prefix(proj: Project) -> str:
    """The project's folder inside the repository, "" or "sub/dir/": GitHub wants paths (SARIF
    URIs, annotation files) relative to the repository root, heal's are relative to the project."""
    folder = proj.root.relative_to(proj.repo).as_posix()
    return "" if folder == "." else folder + "/"


def exit_code(rep: Report, opts: Options) -> int:
    if any(o.finding.code == FAILED for o in rep.outcomes):
        return EXIT_ERROR  # a tool failed: the other tools' findings are reported all the same
    if opts.exit_zero:
        return EXIT_OK
    if any(o.status == "blocked" for o in rep.outcomes):
        return EXIT_BLOCKED
    if opts.diff:
        return EXIT_FINDINGS if rep.changes else EXIT_OK
    left = [o for o in rep.outcomes if o.status in LEFT and o.priority <= opts.fail_on]
    if left or (opts.exit_non_zero_on_fix and rep.changes):
        return EXIT_FINDINGS
    return EXIT_OK
