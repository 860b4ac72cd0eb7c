"""Frozen records passed between the stages of a run: Finding, Rule, Outcome, FileState, Report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

Category = Literal["type", "import", "style", "security", "performance", "logic"]
Priority = Literal["P0", "P1", "P2", "P3"]
Safety = Literal["safe", "unsafe"]
Approval = Literal["never", "high-severity", "always", "block"]
Status = Literal[
    "fixed",
    "fixable",
    "unsafe-fix",
    "blocked",
    "needs-approval",
    "accepted-risk",
    "baseline",
    "unfixable",
]

# The Literals above are the one source of these values; the tuples are read from them.
CATEGORIES: tuple[Category, ...] = get_args(Category)
PRIORITIES: tuple[Priority, ...] = get_args(Priority)
# The priority each category gets unless its rule says otherwise (DESIGN.md, stage 4).
CATEGORY_PRIORITY: dict[Category, Priority] = {
    "security": "P0",
    "type": "P1",
    "logic": "P1",
    "import": "P2",
    "performance": "P2",
    "style": "P3",
}


@dataclass(frozen=True)
class Edit:
    """Replace the 1-based (line, column) range [start, end) with `content`; columns count chars."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True)
class Fix:
    """An analyzer's own edit for one finding (ruff's `fix`), with its applicability."""

    applicability: Literal["safe", "unsafe", "display-only"]
    message: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Finding:
    """One problem reported by an analyzer, in the analyzer's own terms; `code` is tool-prefixed."""

    code: str
    path: str  # repo-relative, POSIX
    line: int
    column: int  # 1-based
    message: str
    name: str = ""  # the analyzer's name for the code (ruff `name`, bandit `test_name`)
    end_line: int = 0
    end_column: int = 0
    severity: str = ""  # bandit: high | medium | low; others: error | warning | note
    confidence: str = ""
    hint: str = ""
    fix: Fix | None = None

    @property
    def tool(self) -> str:
        return self.code.partition(":")[0]


@dataclass(frozen=True)
class Example:
    before: str
    after: str
    path: str = "example.py"
    # other modules of the example project, path -> source (an import cycle needs two files)
    context: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Rule:
    """One catalogue entry: rules/<category>/<id>.toml, or a row of a prefix table."""

    id: str
    category: Category
    summary: str
    codes: tuple[str, ...]
    priority: Priority
    fix: str  # a codemod name, "analyzer" (the analyzer's own edit) or "none"
    safety: Safety = "safe"
    approval: Approval = "never"
    why: str = ""
    fix_safety: str = ""
    examples: tuple[Example, ...] = ()
    unchanged: tuple[Example, ...] = ()
    source: str = ""  # the catalogue file this rule came from


@dataclass(frozen=True)
class Outcome:
    """A finding joined with its rule: what heal will do about it and why."""

    finding: Finding
    rule: Rule
    fingerprint: str
    status: Status
    reason: str = ""  # how it is (or would be) fixed, or why it is not
    gated: bool = False  # the policy wants a human's decision on it (whatever was decided)

    @property
    def priority(self) -> Priority:
        """The rule's, except that a LOW-severity security finding (bandit's warnings) is P2."""
        if self.rule.category == "security" and self.finding.severity == "low":
            return "P2" if self.rule.priority < "P2" else self.rule.priority
        return self.rule.priority

    @property
    def category(self) -> Category:
        return self.rule.category


@dataclass(frozen=True)
class Source:
    """A file's text as read from disk, with what is needed to write it back byte-exactly."""

    text: str
    encoding: str  # the codec used to decode, e.g. "utf-8", "utf-8-sig", "latin-1"
    newline: str  # the dominant line ending: "\n", "\r\n" or "\r"


@dataclass(frozen=True)
class FileState:
    """One selected file as read at the start of a pass."""

    path: str
    data: bytes
    source: Source
    parses: bool
    scopes: tuple[tuple[int, int, str], ...] = ()  # functions and classes, for fingerprints
    candidate: bool = True  # heal's own rules may match (candidates.py); False: no libcst run


@dataclass(frozen=True)
class Span:
    """Replace text[start:end] with content (offsets in characters)."""

    start: int
    end: int
    content: str


@dataclass(frozen=True)
class FileResult:
    """What happened to one file in one pass: `after` is None when it was left unchanged."""

    path: str
    after: str | None = None
    applied: tuple[str, ...] = ()  # fingerprints of the outcomes whose fix is in `after`
    unfixed: dict[str, str] = field(default_factory=dict)  # fingerprint -> reason
    problem: str = ""  # why the file was skipped or its fixes dropped
    # the fixes in `after`, each (fingerprints, spans on the text read): what verify can take back
    groups: tuple[tuple[tuple[str, ...], tuple[Span, ...]], ...] = ()


@dataclass(frozen=True)
class Proposal:
    """The fix heal would write for one gated finding, planned alone and never written as such."""

    fingerprint: str
    diff: str  # unified diff of that one fix; "" when there is no automatic fix
    reason: str = ""  # why there is no diff


@dataclass(frozen=True)
class Patch:
    """A model-proposed fix a person approved: `after` replaces the file's text while the file
    still holds the bytes the patch was checked against (sha256 `before`)."""

    fingerprint: str
    path: str
    before: str  # sha256 of the file's bytes when the patch was proposed and checked
    after: str  # the file's whole text with the patch applied
    model: str = ""
    prompt_hash: str = ""
    approved_by: str = ""


@dataclass(frozen=True)
class ModelRun:
    """What `--propose` did in one run: the requests and what they cost, and per finding asked
    (fingerprint, path:line code) whether its patch was queued or dropped, and why."""

    model: str
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None  # summed where the provider reports one (usage.cost)
    queued: tuple[tuple[str, str, str], ...] = ()  # (fingerprint, where, checks passed)
    dropped: tuple[tuple[str, str, str], ...] = ()  # (fingerprint, where, why)
    not_asked: tuple[tuple[str, str, str], ...] = ()  # (fingerprint, where, why): budget, stop
    reused: int = 0  # proposals whose prompt held a stored pattern
    notes: tuple[str, ...] = ()  # what went wrong without stopping the proposals


@dataclass(frozen=True)
class Report:
    outcomes: list[Outcome]  # prioritized; fixed ones included with status "fixed"
    changes: dict[str, tuple[str, str]]  # path -> (text before the run, text after)
    notes: list[str]  # what went wrong without stopping the run
    passes: int
    run_id: str = ""  # the audit trail's name for this run (`heal undo RUN_ID`)
    verify_runs: int = 0  # how many times verify_cmd ran
    proposals: dict[str, Proposal] = field(default_factory=dict)  # fingerprint -> planned fix
    warnings: tuple[str, ...] = ()  # printed on stderr on every run, whatever the format
    # fixes written, then taken back (--verify-cmd failed, or mypy found a new error): fingerprints
    rolled_back: tuple[str, ...] = ()
    model: ModelRun | None = None  # --propose: what the model was asked and what it cost
