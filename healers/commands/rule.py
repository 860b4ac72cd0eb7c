"""`heal rule ID`: a rule's documentation in the terminal, as `ruff rule CODE` shows ruff's:
what it flags, why, how heal fixes it and who must approve; for an analyzer's code that no rule
file documents, heal's category and priority and the analyzer's own explanation."""

from __future__ import annotations

import argparse
import difflib

from healers import catalogue, docs, names
from healers.errors import UsageError
from healers.finding import CATEGORY_PRIORITY, Finding
from healers.options import Options


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "targets",
        nargs=1,
        metavar="ID",
        help="a rule id (unused-import) or a code (ruff:F401, B602)",
    )


def _find(word: str) -> tuple[str, names.Known | None]:
    """The rule id the word names (an id, a tool-prefixed or a bare code), and the known code."""
    cat = catalogue.load()
    if word in cat.rules:
        return word, None
    known = names.everything()
    for k in known:
        bare = k.code.partition(":")[2]
        if word in (k.code, k.rule_id) or word.upper() == bare:
            return k.rule_id, k
    ids = sorted({k.rule_id for k in known})
    close = ", ".join(difflib.get_close_matches(word, ids, n=3, cutoff=0.0))
    raise UsageError(f"{word}: no rule or code of that name; the closest: {close}")


def run(opts: Options) -> int:
    rule_id, known = _find(opts.targets[0])
    cat = catalogue.load()
    rule = cat.rules.get(rule_id)
    if rule is not None:
        page = docs.render_rule(rule)
        print(page.partition("\n")[2].lstrip("\n") if page.startswith("<!--") else page, end="")
        return 0
    if known is None:  # a rule id of a prefix table that no code reaches: nothing more to say
        raise UsageError(f"{rule_id}: no documentation beyond its prefix table (docs/rules.md)")
    rule = cat.rule_for(Finding(code=known.code, path="", line=1, column=1, message=""))
    print(f"# {rule_id} ({known.code})\n")
    low = " (P2 when LOW severity)" if rule.category == "security" else ""
    priority = CATEGORY_PRIORITY[rule.category]
    print(f"Category {rule.category}, priority {priority}{low}; fix: {docs.fix_label(rule)}.")
    print(f"heal maps this code through {rule.source}.\n")
    print(known.explanation.strip() or f"See the {known.code.partition(':')[0]} documentation.")
    return 0
