"""`heal`: the one parser (the heal run and its subcommands) and the dispatch: main(argv) -> exit
code. The one Options builder is `builder.options`."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from healers import catalogue, command_line, config, project, session, tools
from healers.builder import ANALYZING, RUN, options
from healers.commands import COMMANDS
from healers.errors import CommandError, ProviderError, UsageError
from healers.state import approvals, patterns, proposals, stats

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_BLOCKED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # what a shell reports for a run ended by SIGINT; pre-commit uses it too
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
    "patterns": "the heals the pattern store learned (list); export: docs/patterns/healing/",
    "stop": "emergency stop: running heals stop writing, new ones refuse to",
    "resume": "lift the emergency stop",
    "rule": "a rule's documentation: what it flags, why, how heal fixes it (heal rule ID)",
    "init": "heal init github: write a scheduled GitHub workflow (SARIF, fix pull request)",
    "dashboard": "what heal finds and fixes, live: in the terminal, or a web page with --web",
    "merge": "merge the reports of heal --scan --shard K/N into one (SARIF or JSON)",
    "pr-plan": "what the workflow does with each heal branch: open, update, close, skip",
    "pr-body": "the body of a heal pull request: its fixes, what was verified, what waits",
    "repair": "model-proposed repairs of failing tests, proven by the suite, queued for approval",
    "watch": "heal Python files as they are saved (--status, --stop)",
}
ERRORS = (
    project.SelectError,
    config.ConfigError,
    catalogue.CatalogueError,
    approvals.ApprovalsError,
    stats.StatsError,
    UsageError,
    ProviderError,  # --propose: the model endpoint refused heal or cannot be reached
    proposals.QueueError,  # also .heal/repairs.json
    patterns.PatternsError,
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
