"""`heal`: the one parser (the heal run and its subcommands), the one Options builder, and the
dispatch: main(argv) -> exit code."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from healers import (
    catalogue,
    command_line,
    config,
    folder,
    project,
    selection,
    session,
    tools,
    trust,
    write,
)
from healers.commands import COMMANDS
from healers.errors import CommandError, UsageError
from healers.finding import Approval
from healers.options import Options
from healers.state import approvals, baseline, stats

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_BLOCKED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # what a shell reports for a run ended by SIGINT; pre-commit uses it too
RUN = "heal"  # the hidden name of the heal run itself among the subcommands
UNGATED_WARNING = (
    "heal: warning: allow-unapproved-high = true in {}: HIGH-severity security findings "
    "are fixed and passed without a human decision"
)
# The subcommands and what each does (the first line of `heal --help`'s list).
SUBCOMMANDS = {
    "pending": "list the findings that wait for a human decision, with the fix heal proposes",
    "approve": "approve and apply the proposed fixes of these findings",
    "reject": "accept the risk of these findings: they stop blocking",
    "baseline": "accept every finding of today: runs report them as `baseline`",
    "log": "the runs that wrote files, newest first (one run: with its diffs)",
    "undo": "restore, byte for byte, the files a run changed (default: the latest)",
    "stats": "per rule: fixes applied, verified, rolled back, approved, rejected",
    "stop": "emergency stop: running heals stop writing, new ones refuse to",
    "resume": "lift the emergency stop",
    "rule": "a rule's documentation: what it flags, why, how heal fixes it (heal rule ID)",
    "init": "heal init github: write a scheduled GitHub workflow (SARIF, fix pull request)",
    "dashboard": "what heal finds and fixes, live: in the terminal, or a web page with --web",
}
ANALYZING = frozenset({"", "pending", "approve", "reject", "baseline"})
ERRORS = (
    project.SelectError,
    config.ConfigError,
    catalogue.CatalogueError,
    approvals.ApprovalsError,
    stats.StatsError,
    UsageError,
    OSError,  # the lock timed out, .heal/ cannot be created, a file cannot be written
)


def parser() -> argparse.ArgumentParser:
    """The one parser: `heal [options] [FILES]` is the hidden subcommand RUN, so that `heal
    --help` shows the run's options and, below them, every subcommand."""
    top = argparse.ArgumentParser(prog="heal", add_help=False)
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    listed = "\n".join(f"  {name:<9} {what}" for name, what in SUBCOMMANDS.items())
    run = sub.add_parser(
        RUN,
        prog="heal",
        allow_abbrev=False,  # an option is spelled out: `--out x.json` is not --output-file
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run ruff, mypy and bandit, prioritize what they find "
        "(P0 security .. P3 style) and heal what can be fixed safely.",
        epilog=f"commands (heal COMMAND --help):\n{listed}\n\nexit codes: 0 nothing left at or "
        "above --fail-on; 1 findings left (or files changed with --exit-non-zero-on-fix);\n"
        "2 usage, configuration, tool or internal error; "
        "3 a high-severity security finding waits for a human decision.",
    )
    COMMANDS[""].arguments(run)
    for name, what in SUBCOMMANDS.items():
        command = sub.add_parser(name, prog=f"heal {name}", description=what)
        COMMANDS[name].arguments(command)
        if "--config" not in command._option_string_actions:
            command.add_argument(
                "--config", metavar="FILE", help="read [tool.healers] from FILE (as the run does)"
            )
    return top


def _usage() -> str:
    """The heal run's usage line, as argparse prints it before an error."""
    return str(_subparsers(parser()).choices[RUN].format_usage())


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """A first word that is not a subcommand starts the heal run; neither is a first word that
    names a file (pre-commit's `entry: heal` + a staged file named `baseline`). In the run, words
    that name files or folders are paths, never options (command_line.separate)."""
    words = list(argv)
    top = parser()
    if words and words[0] in SUBCOMMANDS and not command_line.names_file(words[0]):
        return top.parse_args(words)
    run = _subparsers(top).choices[RUN]
    return top.parse_args([RUN, *command_line.separate(words, *command_line.value_options(run))])


def _subparsers(top: argparse.ArgumentParser) -> argparse._SubParsersAction[Any]:
    return next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))


def _targets(args: argparse.Namespace) -> tuple[str, ...]:
    value = getattr(args, "targets", None)
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _report_file(args: argparse.Namespace, cwd: Path, repo: Path) -> str | None:
    """--output-file, checked before the run (a refused path wastes no run): no link on the
    way to it inside the repository."""
    given = getattr(args, "output_file", None)
    return None if given is None else str(write.report_target(cwd / given, repo))


def _trusted(args: argparse.Namespace, conf: config.Config) -> dict[str, Any]:
    """What the trust decision sets: --untrusted (or HEAL_UNTRUSTED=1) runs no verify command,
    and a --verify-cmd given with it is a contradiction (docs/security.md)."""
    untrusted = trust.from_environment(getattr(args, "untrusted", False))
    given = getattr(args, "verify_cmd", None)
    if untrusted and given:
        raise UsageError("--verify-cmd runs the project's code: not with --untrusted")
    return {
        "untrusted": untrusted,
        "verify_cmd": "" if untrusted else conf.verify_cmd if given is None else given,
        "ignored_verify_cmd": untrusted and bool(conf.verify_cmd) and given is None,
    }


def _max_passes(args: argparse.Namespace, conf: config.Config) -> int:
    max_passes: int = getattr(args, "max_passes", None) or conf.max_passes
    if not 1 <= max_passes <= 100:
        raise config.ConfigError(f"--max-passes must be from 1 to 100, not {max_passes}")
    return max_passes


def options(args: argparse.Namespace, cwd: Path) -> Options:
    """The one Options builder: the command line, then the project's [tool.healers], then heal's
    state in .heal/ (baseline, learned trust) for the commands that analyze."""
    command = "" if args.command == RUN else args.command
    explicit = Path(args.config).absolute() if getattr(args, "config", None) else None
    catalogue.load()
    scan = getattr(args, "scan", None) if command == "" else getattr(args, "scan", ".")
    proj, conf = project.select(
        getattr(args, "files", None) or [],
        scan=scan,
        cwd=cwd,
        config_for=lambda root: config.load(
            explicit or root / "pyproject.toml", explicit=explicit is not None
        ),
        list_files=command in ANALYZING,
    )
    analyzing = command in ANALYZING
    state_dir = proj.state_dir
    folder.check(state_dir)  # a `.heal` file or link is an error for every command
    policy = stats.Policy(conf.demote_min_fixes, conf.demote_rollback_rate)
    unsafe = getattr(args, "unsafe_fixes", None)
    words = _targets(args)
    trusted = _trusted(args, conf)
    fix = getattr(args, "fix", False) and not getattr(args, "diff", False)
    kind = session.kind_of(
        command,
        hook=proj.hook,
        fix=fix,
        verify_cmd=trusted["verify_cmd"],
        diff=getattr(args, "diff", False),
    )
    return Options(
        project=proj,
        config=conf,
        command=command,
        fix=fix,
        unsafe_fixes=conf.unsafe_fixes if unsafe is None else unsafe,
        **selection.options(args, conf, proj.repo),
        max_passes=_max_passes(args, conf),
        timeout=conf.timeout,
        **trusted,
        verify_timeout=conf.verify_timeout,
        verify_baseline_failing=getattr(args, "verify_baseline_failing", False),
        baseline=baseline.load(state_dir) if analyzing else frozenset(),
        demoted=stats.demoted(state_dir, policy) if analyzing else {},
        approval={rule: cast(Approval, level) for rule, level in conf.approval},
        allow_unapproved_high=conf.allow_unapproved_high,
        output_format=getattr(args, "output_format", "text"),
        output_file=_report_file(args, cwd, proj.repo),
        diff=getattr(args, "diff", False),
        statistics=getattr(args, "statistics", False),
        color=getattr(args, "color", "auto"),
        fail_on=getattr(args, "fail_on", None) or conf.fail_on,
        exit_non_zero_on_fix=getattr(args, "exit_non_zero_on_fix", False),
        session=session.Session(proj.root, kind, len(proj.files), words) if kind else None,
        **_own_arguments(args, command, words),
    )


def _own_arguments(
    args: argparse.Namespace, command: str, words: tuple[str, ...]
) -> dict[str, Any]:
    """The Options fields of the subcommands' own arguments."""
    return {
        "targets": () if command == "stop" else words,
        "reason": " ".join(words) if command == "stop" else getattr(args, "reason", ""),
        "count": getattr(args, "count", 10),
        "cron": getattr(args, "cron", ""),
        "python": getattr(args, "python", ""),
        "install": getattr(args, "install", ""),
        "force": getattr(args, "force", False),
        "show_all": getattr(args, "show_all", False),
        "port": getattr(args, "port", None),
        "host": getattr(args, "host", None) or "",
        "web": getattr(args, "web", False),
        "once": getattr(args, "once", False),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    prog = "heal" if args.command == RUN else f"heal {args.command}"
    if args.command == RUN and (args.scan is None) == (not args.files):
        if args.files:
            print("heal: error: give either files or --scan, not both", file=sys.stderr)
        else:
            sys.stderr.write(_usage())
            print(
                "heal: error: name files to check, or use --scan [PATH] for the whole project",
                file=sys.stderr,
            )
        return EXIT_ERROR
    try:
        with tools.sigterm_interrupts():
            opts = options(args, Path.cwd())
            if opts.allow_unapproved_high and opts.command in ANALYZING:
                print(UNGATED_WARNING.format(opts.config.source), file=sys.stderr)
            return session.run_recorded(opts, COMMANDS[opts.command].run)
    except KeyboardInterrupt:  # files are whole, old or new; unverified fixes were taken back
        print(f"{prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except CommandError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_FINDINGS
    except tools.AnalyzerError as exc:
        print(f"{prog}: error: analyzer failed: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except ERRORS as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:  # a bug in heal must read as an error (2), never as "findings left" (1)
        traceback.print_exc()
        print(f"{prog}: internal error: please report it with the traceback above", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
