"""The drill-down as HTML: every finding of a category (file, line, rule, status, the diff heal
applied, from the audit trail) and each rule's doc from the catalogue, linked both ways."""

from __future__ import annotations

from collections.abc import Sequence

from healers import catalogue, docs
from healers.dashboard.figures import Change, Figures
from healers.finding import CATEGORIES, Rule
from healers.report.markup import (
    EMPTY,
    anchor,
    badge,
    code_text,
    details,
    diff_block,
    esc,
    link,
    table,
)
from healers.state.runs import Seen


def _row(fig: Figures, s: Seen, proposals: dict[str, str]) -> str:
    extra = ""
    change = fig.changes.get(s.fingerprint) if s.status == "fixed" else None
    if change is not None:
        target = anchor("change", change.key)
        extra = (
            f'<br><a class="diff-link" href="#{target}">diff of the fix (run {esc(change.run)})</a>'
        )
    elif s.fingerprint in proposals:
        shown = diff_block(proposals[s.fingerprint])
        extra = details(f"diff-{s.fingerprint}", "proposed fix (waits for a decision)", shown)
    reason = f"<br><small>{esc(s.reason)}</small>" if s.reason else ""
    return (
        f'<tr id="{anchor("finding", s.fingerprint)}"><td><code>{esc(s.path)}:{s.line}:'
        f"{s.column}</code></td><td><code>{esc(s.code)}</code></td>"
        f"<td>{link('rule', s.rule)}</td><td>{badge(s.status)}</td>"
        f"<td>{esc(s.message)}{reason}{extra}</td></tr>"
    )


def changes(fig: Figures, shown: Sequence[Seen]) -> str:
    """Each change a shown fix came from, once: the run, the file, its fixes and its diff."""
    fixes: dict[str, list[Seen]] = {}
    found: dict[str, Change] = {}
    for s in shown:
        change = fig.changes.get(s.fingerprint) if s.status == "fixed" else None
        if change is not None:
            found[change.key] = change
            fixes.setdefault(change.key, []).append(s)
    parts = []
    for key, change in found.items():
        listed = "".join(
            f"<li>{link('finding', s.fingerprint, f'{s.path}:{s.line}')} {link('rule', s.rule)}"
            f" <code>{esc(s.code)}</code></li>"
            for s in fixes[key]
        )
        parts.append(
            f'<section class="drill change" id="{anchor("change", key)}"><h2>run '
            f"{esc(change.run)} changed {esc(change.path)}</h2><p>The fixes in this change:</p>"
            f"<ul>{listed}</ul>{diff_block(change.diff)}</section>"
        )
    return "".join(parts)


def category(fig: Figures, name: str) -> str:
    found = fig.findings(name)
    proposals = {p.seen.fingerprint: p.diff for p in fig.pending if p.diff}
    head = f'<section class="drill" id="{anchor("category", name)}"><h2>{esc(name)}: '
    if fig.snapshot is None:
        body = EMPTY.format("No <code>heal --scan</code> recorded yet.")
    elif not found:
        body = EMPTY.format(f"No {esc(name)} finding in the newest scan.")
    else:
        rows = [_row(fig, s, proposals) for s in found]
        body = table(("where", "code", "rule", "status", "finding"), rows)
    return f"{head}{len(found)} finding(s)</h2>{body}</section>"


def _example(rule: Rule) -> str:
    if not rule.examples:
        return ""
    first = rule.examples[0]
    return (
        f"<h3>Example</h3><pre class=diff>{esc(first.before.strip())}</pre>"
        f"<h3>Fixed</h3><pre class=diff>{esc(first.after.strip())}</pre>"
    )


def rule_doc(rule_id: str, rule: Rule | None, seen: Sequence[Seen]) -> str:
    """One rule's doc, with links to its findings."""
    links = ", ".join(link("finding", s.fingerprint, f"{s.path}:{s.line}") for s in seen)
    found = f"<p>Its findings: {links}</p>" if links else ""
    head = (
        f'<section class="drill rule" id="{anchor("rule", rule_id)}"><h2>rule {esc(rule_id)}</h2>'
    )
    if rule is None:
        what = "no rule file of its own: the analyzer's prefix table gives its category"
        return f"{head}<p>{esc(what)}.</p>{found}</section>"
    facts = (
        f"<p><b>{esc(rule.summary)}</b></p><p>category {esc(rule.category)} · priority "
        f"{esc(rule.priority)} · fix: {code_text(docs.fix_label(rule))} · approval: "
        f"{esc(docs.APPROVALS.get(rule.approval, rule.approval))} · codes "
        f"{', '.join(f'<code>{esc(c)}</code>' for c in rule.codes)}</p>"
    )
    why = f"<h3>Why is this bad?</h3><p>{code_text(rule.why)}</p>" if rule.why else ""
    safety = "<h3>Fix safety</h3><p>" + code_text(" ".join(docs.fix_safety(rule))) + "</p>"
    return f"{head}{facts}{why}{safety}{_example(rule)}{found}</section>"


def drill_down(fig: Figures) -> str:
    """Every category's section, the doc of every rule the page names, and the changes its
    fixes came from."""
    shown = [s for name in CATEGORIES for s in fig.findings(name)]
    named: dict[str, list[Seen]] = {}
    for s in (*shown, *(p.seen for p in fig.pending), *(h.seen for h in fig.heals)):
        named.setdefault(s.rule, [])
    for c in fig.rules:
        named.setdefault(c.rule, [])
    for s in shown:
        named[s.rule].append(s)
    rules = catalogue.load().rules
    parts = [category(fig, name) for name in CATEGORIES]
    parts += [
        rule_doc(rule_id, rules.get(rule_id), seen) for rule_id, seen in sorted(named.items())
    ]
    parts.append(changes(fig, shown))
    return "".join(parts)
