"""The one Options record a run or a subcommand gets: built by `builder.options()` only, from the
command line, the project's `[tool.healers]` and heal's state in `.heal/`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from healers.config import Config
from healers.finding import Approval, Patch, Priority
from healers.project import Project
from healers.session import Session


@dataclass(frozen=True)
class Options:
    project: Project
    config: Config = field(default_factory=Config)
    command: str = ""  # "" for a heal run, else the subcommand (`pending`, `undo`, ...)
    # --- how the run heals ------------------------------------------------------------------
    fix: bool = False
    unsafe_fixes: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    since: str | None = None  # hold the line against this commit (--since REF)
    extend_select: tuple[str, ...] = ()  # also these, even where heal's defaults leave them out
    max_passes: int = 5
    timeout: float = 30.0
    verify_cmd: str = ""  # run after each fix pass; fixes that make it fail are rolled back
    verify_timeout: float = 1800.0
    verify_budget: int = 0  # runs bisection may spend per pass (0: about 4 x log2(fixes) + 10)
    verify_baseline_failing: bool = False  # go on when verify_cmd fails before any fix
    baseline: frozenset[str] = frozenset()  # fingerprints reported as `baseline`
    demoted: Mapping[str, str] = field(default_factory=dict)  # rule id -> why it needs approval
    approval: Mapping[str, Approval] = field(default_factory=dict)  # [tool.healers] approval
    allow_unapproved_high: bool = False
    untrusted: bool = False  # run none of the project's declared code (docs/security.md)
    ignored_verify_cmd: bool = False  # untrusted: the configuration's verify-cmd was not run
    only: frozenset[str] = frozenset()  # fix only these fingerprints (`heal approve`)
    propose: bool = False  # plan the fix of every gated finding (`heal pending`, approve, reject)
    ask_model: bool = False  # --propose: ask the configured model for what no codemod fixes
    patches: Mapping[str, Patch] = field(default_factory=dict)  # approved model patches to apply
    # --- how it reports -----------------------------------------------------------------------
    output_format: str = "text"
    output_file: str | None = None
    diff: bool = False
    statistics: bool = False
    color: str = "auto"
    fail_on: Priority = "P3"
    exit_non_zero_on_fix: bool = False
    exit_zero: bool = False  # exit 0 even with findings left (errors are still 2)
    quiet: bool = False  # the findings only
    show_fixes: bool = False  # every fixed finding listed
    # --- a subcommand's own arguments ---------------------------------------------------------
    targets: tuple[str, ...] = ()  # fingerprints (approve, reject), a run id (log, undo), words
    reason: str = ""  # reject --reason, stop REASON
    count: int = 10  # log -n
    cron: str = ""  # init github
    python: str = ""
    install: str = ""
    source: str = ""  # init github --source URL@COMMIT
    index_url: str = ""
    shards: int = 1
    pr_check: bool = False  # init github --pr-check: the pull-request job is the hook's gate
    prs: str = ""  # pr-plan --prs: `gh pr list --json` output
    category: str = ""  # pr-plan, pr-body
    close_after_days: int = 14
    every_days: int = 7
    last_run: str = ""
    now: str = ""
    docs_url: str | None = None  # pr-body: None is the installed heal's source
    force: bool = False
    show_all: bool = False  # pending --all: every recorded decision too
    test_cmd: str = ""  # repair --test-cmd
    commit: bool = False  # repair --commit: each queued repair also on a branch heal/repair-<id>
    # --- the run history ----------------------------------------------------------------------
    session: Session | None = None  # a recorded run (scan, fix, hook, approve, ...); see session.py
    port: int | None = None  # dashboard --web --port
    host: str = ""  # dashboard --host: "" is 127.0.0.1
    web: bool = False
    once: bool = False
    # --- heal watch ---------------------------------------------------------------------------
    watch: str = ""  # "" watches; "status" or "stop" asks about the watcher that runs
    watch_path: str = ""  # the folder watched (absolute)
    tests: bool = False  # watch --tests: the test command after every batch
