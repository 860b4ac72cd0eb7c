"""The one Options builder: the command line, then the project's [tool.healers], then heal's
state in .heal/ (baseline, learned trust) for the commands that analyze."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, cast

from healers import catalogue, config, folder, project, selection, session, shard, trust, write
from healers.errors import UsageError
from healers.finding import Approval
from healers.options import Options
from healers.state import baseline, stats

RUN = "heal"  # the hidden name of the heal run itself among the subcommands
ANALYZING = frozenset({"", "pending", "approve", "reject", "baseline", "merge"})


def _targets(args: argparse.Namespace) -> tuple[str, ...]:
    value = getattr(args, "targets", None)
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _ask_model(args: argparse.Namespace, conf: config.Config, command: str) -> bool:
    """--propose, or `[tool.healers.llm] propose = true` for a `--scan` run (never in hook mode
    unless asked on the command line: a commit must not wait for a model)."""
    asked = getattr(args, "propose", None)
    if command != "":
        return False
    return conf.llm.propose and getattr(args, "scan", None) is not None if asked is None else asked


def _shard(args: argparse.Namespace) -> shard.Shard | None:
    value = getattr(args, "shard", None)
    return None if value is None else shard.parse(value)


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


def _select(
    args: argparse.Namespace, cwd: Path, command: str
) -> tuple[project.Project, config.Config]:
    """The project (repository, root, files) and its [tool.healers]."""
    explicit = Path(args.config).absolute() if getattr(args, "config", None) else None
    catalogue.load()
    scan = getattr(args, "scan", None) if command == "" else getattr(args, "scan", ".")
    return project.select(
        getattr(args, "files", None) or [],
        scan=scan,
        cwd=cwd,
        config_for=lambda root: config.load(
            explicit or root / "pyproject.toml", explicit=explicit is not None
        ),
        list_files=command in ANALYZING,
        shard=_shard(args),
    )


def options(args: argparse.Namespace, cwd: Path) -> Options:
    """The one Options builder: the command line, then the project's [tool.healers], then heal's
    state in .heal/ (baseline, learned trust) for the commands that analyze."""
    command = "" if args.command == RUN else args.command
    proj, conf = _select(args, cwd, command)
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
        verify_budget=conf.verify_budget,
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
        ask_model=_ask_model(args, conf, command),
        **_own_arguments(args, command, words, cwd),
    )


def _own_arguments(
    args: argparse.Namespace, command: str, words: tuple[str, ...], cwd: Path
) -> dict[str, Any]:
    """The Options fields of the subcommands' own arguments."""
    return {
        "targets": () if command == "stop" else words,
        "reason": " ".join(words) if command == "stop" else getattr(args, "reason", ""),
        "count": getattr(args, "count", 10),
        "cron": getattr(args, "cron", ""),
        "python": getattr(args, "python", ""),
        "install": getattr(args, "install", ""),
        "source": getattr(args, "source", ""),
        "index_url": getattr(args, "index_url", ""),
        "shards": getattr(args, "shards", 1),
        "pr_check": getattr(args, "pr_check", False),
        **_pull_request_arguments(args),
        "force": getattr(args, "force", False),
        "show_all": getattr(args, "show_all", False),
        "test_cmd": (getattr(args, "test_cmd", None) or "").strip(),
        "commit": getattr(args, "commit", False),
        "port": getattr(args, "port", None),
        "host": getattr(args, "host", None) or "",
        "web": getattr(args, "web", False),
        "once": getattr(args, "once", False),
        **_watch_arguments(args, command, cwd),
    }


def _watch_arguments(args: argparse.Namespace, command: str, cwd: Path) -> dict[str, Any]:
    """The Options fields of `heal watch`: what it is asked, the folder it watches."""
    if command != "watch":
        return {}
    return {
        "watch": getattr(args, "watch", ""),
        "watch_path": str(Path(os.path.realpath(cwd / args.scan))),
        "tests": getattr(args, "tests", False),
    }


def _pull_request_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The Options fields of pr-plan and pr-body."""
    return {
        "prs": getattr(args, "prs", ""),
        "category": getattr(args, "category", ""),
        "close_after_days": getattr(args, "close_after_days", 14),
        "every_days": getattr(args, "every_days", 7),
        "last_run": getattr(args, "last_run", ""),
        "now": getattr(args, "now", ""),
        "docs_url": getattr(args, "docs_url", None),
    }
