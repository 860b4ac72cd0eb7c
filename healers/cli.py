"""`heal`: the command line; main(argv) -> int is the only place that prints."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from healers import __version__, catalogue, config, engine, gate, project, report, tools, verify
from healers.commands import approval as commands_approval
from healers.commands import init as init_github
from healers.commands import log, undo
from healers.finding import PRIORITIES
from healers.report import sarif
from healers.state import approvals, baseline, control, stats

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_BLOCKED = 0, 1, 2, 3


def _selectors(values: Sequence[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or ():
        out += [s.strip() for s in value.split(",") if s.strip()]
    return tuple(config.check_selector(s, "command line") for s in out)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="heal",
        description="Run ruff, mypy and bandit, prioritize what they find "
        "(P0 security .. P3 style) and heal what can be fixed safely.",
        epilog="exit codes: 0 nothing left at or above --fail-on; "
        "1 findings left (or files changed with --exit-non-zero-on-fix); "
        "2 usage, configuration, tool or internal error; "
        "3 a high-severity security finding waits for a human decision.",
    )
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
        "--unsafe-fixes",
        action="store_true",
        default=None,
        help="also apply fixes that may change behaviour",
    )
    p.add_argument(
        "--diff", action="store_true", help="print the changes --fix would make; write nothing"
    )
    p.add_argument("--output-format", choices=("text", "json", "github", "sarif"), default="text")
    p.add_argument("--output-file", metavar="PATH", help="write the report to PATH, not stdout")
    p.add_argument(
        "--select",
        action="append",
        metavar="SEL",
        help="only these categories, rule ids or codes (comma-separated)",
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
    p.add_argument(
        "--config",
        metavar="FILE",
        help="read [tool.healers] from FILE instead of the project's pyproject.toml",
    )
    p.add_argument(
        "--max-passes", type=int, metavar="N", help="fix passes before giving up (default 5)"
    )
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument(
        "--verify-cmd",
        metavar="CMD",
        help="run CMD (e.g. the tests) after each fix pass; roll back the fixes that make it fail",
    )
    p.add_argument(
        "--verify-baseline-failing",
        action="store_true",
        help="fix even though CMD fails before any fix (fixes must keep its exit code)",
    )
    p.add_argument("--version", action="version", version=f"heal {__version__}")
    return p


def use_color(choice: str) -> bool:
    """--color beats the environment; NO_COLOR beats FORCE_COLOR; otherwise a terminal decides."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR") or os.environ.get("CLICOLOR_FORCE"):
        return True
    return sys.stdout.isatty()


def _repo_prefix(proj: project.Project) -> str:
    """The project's folder inside the repository, "" or "sub/dir/": GitHub wants paths (SARIF
    URIs, annotation files) relative to the repository root, heal's are relative to the project."""
    folder = proj.root.relative_to(proj.repo).as_posix()
    return "" if folder == "." else folder + "/"


def exit_code(rep: engine.Report, *, fail_on: str, changed_fails: bool, diff: bool) -> int:
    if any(o.status == "needs-approval" for o in rep.outcomes):
        return EXIT_BLOCKED
    if diff:
        return EXIT_FINDINGS if rep.changes else EXIT_OK
    left = [o for o in rep.outcomes if o.status in report.LEFT and o.priority <= fail_on]
    if left or (changed_fails and rep.changes):
        return EXIT_FINDINGS
    return EXIT_OK


# Subcommands: `heal NAME ARGS` runs COMMANDS[NAME](ARGS) -> exit code; each lives in its own
# module with its own argparse parser. (A file named like a subcommand is checked as ./NAME.)
COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "init": init_github.main,
    "baseline": baseline.main,
    "log": log.main,
    "undo": undo.main,
    "stats": stats.main,
    "stop": control.stop_main,
    "resume": control.resume_main,
    "pending": commands_approval.pending,
    "approve": commands_approval.approve,
    "reject": commands_approval.reject,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:])
    try:
        with control.sigterm_interrupts():
            return _heal(argv)
    except KeyboardInterrupt:  # files are whole, old or new; unverified fixes were taken back
        print("heal: interrupted", file=sys.stderr)
        return control.EXIT_INTERRUPTED


def _heal(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if args.scan is None and not args.files:
        parser().print_usage(sys.stderr)
        print(
            "heal: error: name files to check, or use --scan [PATH] for the whole project",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if args.scan is not None and args.files:
        print("heal: error: give either files or --scan, not both", file=sys.stderr)
        return EXIT_ERROR
    cwd = Path.cwd()
    explicit = Path(args.config).absolute() if args.config else None
    try:
        catalogue.load()
        proj, conf = project.select(
            args.files,
            scan=args.scan,
            cwd=cwd,
            config_for=lambda root: config.load(
                explicit or root / "pyproject.toml", explicit=explicit is not None
            ),
        )
        opts = engine.Options(
            fix=args.fix and not args.diff,
            unsafe_fixes=conf.unsafe_fixes if args.unsafe_fixes is None else args.unsafe_fixes,
            select=_selectors(args.select) or conf.select,
            ignore=_selectors(args.ignore) + conf.ignore,
            max_passes=args.max_passes or conf.max_passes,
            timeout=conf.timeout,
            verify_cmd=conf.verify_cmd if args.verify_cmd is None else args.verify_cmd,
            verify_timeout=conf.verify_timeout,
            verify_baseline_failing=args.verify_baseline_failing,
            baseline=baseline.load(proj.state_dir),
            demoted=stats.demoted(
                proj.state_dir, stats.Policy(conf.demote_min_fixes, conf.demote_rollback_rate)
            ),
            approval=commands_approval.policy(conf),
            allow_unapproved_high=conf.allow_unapproved_high,
        )
        if conf.allow_unapproved_high:
            print(commands_approval.UNGATED_WARNING.format(conf.source), file=sys.stderr)
        if opts.max_passes < 1:
            raise config.ConfigError("--max-passes must be at least 1")
        rep = engine.preview(proj, conf, opts) if args.diff else engine.run(proj, conf, opts)
    except (
        project.SelectError,
        config.ConfigError,
        catalogue.CatalogueError,
        verify.VerifyError,
        stats.StatsError,
        approvals.ApprovalsError,
    ) as exc:
        print(f"heal: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except tools.AnalyzerError as exc:
        print(f"heal: error: analyzer failed: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # e.g. the lock timed out, or .heal/ cannot be created
        print(f"heal: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:  # a bug in heal must read as an error (2), never as "findings left" (1)
        traceback.print_exc()
        print("heal: internal error: please report it with the traceback above", file=sys.stderr)
        return EXIT_ERROR
    if args.diff:
        text = report.diff(rep)
    elif args.statistics:
        text = report.statistics(rep)
    elif args.output_format == "json":
        text = report.to_json(rep)
    elif args.output_format == "github":
        text = report.to_github(rep, prefix=_repo_prefix(proj))
    elif args.output_format == "sarif":
        text = sarif.to_sarif(rep, prefix=_repo_prefix(proj))
    else:
        # a file gets colour only when asked for by name, never from a terminal on stdout
        colored = args.color == "always" if args.output_file else use_color(args.color)
        style = report.Style(colored)
        text = report.to_text(rep, color=style, fixing=opts.fix)
    if args.output_file is None:
        sys.stdout.write(text)
    else:
        try:
            Path(args.output_file).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"heal: error: cannot write {args.output_file}: {exc}", file=sys.stderr)
            return EXIT_ERROR
    for note in rep.notes if args.output_format != "text" else ():
        print(f"heal: note: {note}", file=sys.stderr)
    sys.stderr.write(gate.blocked_message(rep.outcomes))
    return exit_code(
        rep,
        fail_on=args.fail_on or conf.fail_on,
        changed_fails=args.exit_non_zero_on_fix,
        diff=args.diff,
    )


if __name__ == "__main__":
    raise SystemExit(main())
