"""The dashboard's overview as HTML: runs in progress, success rates, findings by category and
priority, the charts, pending approvals, the last heals, the rules that lost trust and the
pattern store."""

from __future__ import annotations

from healers.dashboard.figures import DRILL_DAYS, HEALTHY, Figures
from healers.finding import CATEGORIES
from healers.report import LEFT, PRIORITY_TITLES
from healers.report.charts import line_chart
from healers.report.markup import (
    EMPTY,
    anchor,
    badge,
    code_text,
    details,
    diff_block,
    esc,
    link,
    rate,
    table,
    when,
)


def _card(label: str, value: str, sub: str = "", *, extra: str = "") -> str:
    return (
        f'<div class="card{extra}"><div class="label">{esc(label)}</div>'
        f'<div class="value">{value}</div><div class="sub">{sub}</div></div>'
    )


def progress(fig: Figures) -> str:
    if not fig.active:
        return _card("in progress", "-", "no heal is running in this project")
    rows = "".join(
        f"<li><b>heal {esc(a.kind)}</b> (pid {a.pid}, {a.files} file(s)) since "
        f"{esc(when(a.started))}: {esc(a.phase)}</li>"
        for a in fig.active
    )
    value = f'<span class="warn">{len(fig.active)}</span>'
    return _card("in progress", value, f"<ul>{rows}</ul>", extra=" wide")


def success(fig: Figures) -> str:
    cards = []
    for w in fig.windows:
        good = w.rate is None or w.rate >= HEALTHY
        klass = "good" if good else "bad"
        sub = f"{w.kept} of {w.fixed + w.rolled_back} fixes kept"
        lost = [f"{w.rolled_back} rolled back"] if w.rolled_back else []
        lost += [f"{w.undone} undone"] if w.undone else []
        sub += f" ({', '.join(lost)})" if lost else ""
        sub += f" · {w.runs} run(s)" + (f", {w.failed} failed" if w.failed else "")
        cards.append(
            _card(f"success, {w.label}", f'<span class="{klass}">{rate(w.rate)}</span>', sub)
        )
    latest = fig.latest
    if latest is not None:
        sub = f"{esc(when(latest.started))} · exit {latest.exit} · {latest.duration:.1f} s"
        cards.append(_card("latest run", f"heal {esc(latest.kind)}", sub))
    return "".join(cards)


def categories(fig: Figures) -> str:
    shown = fig.snapshot.findings if fig.snapshot else ()
    cards = []
    for category, found in fig.by_category.items():
        left = sum(s.status in LEFT for s in shown if s.category == category)
        healed = sum(h.seen.status == "fixed" and h.seen.category == category for h in fig.healed)
        sub = (
            f"{left} left · {healed} fixed in {DRILL_DAYS} days" if fig.snapshot else "no scan yet"
        )
        cards.append(
            f'<a class="card c-{esc(category)}" href="#{anchor("category", category)}">'
            f'<div class="label">{esc(category)}</div><div class="value">{found}</div>'
            f'<div class="sub">{sub}</div></a>'
        )
    return "".join(cards)


def priorities(fig: Figures) -> str:
    return "".join(
        _card(f"{p} {PRIORITY_TITLES[p]}", str(n), "findings") for p, n in fig.by_priority.items()
    )


def charts(fig: Figures) -> str:
    days = [p.day for p in fig.series]
    found: dict[str, list[float | None]] = {
        c: [float(p.by_category.get(c, 0)) if p.by_category else None for p in fig.series]
        for c in CATEGORIES
    }
    rates = {"rate": [p.rate for p in fig.series]}
    fixed = {"fixed": [float(p.fixed) for p in fig.series]}
    shown = (
        ("findings per day by category (the day's last --scan; UTC days)", found, False, "s-"),
        ("success rate per day: the share of fixes kept", rates, True, "s-"),
        ("fixes made per day", fixed, False, "s-rate s-"),
    )
    return (
        '<div class="charts">'
        + "".join(
            f"<figure><figcaption>{esc(title)}</figcaption>"
            f"{line_chart(title, days, lines, percent=percent, css=klass)}</figure>"
            for title, lines, percent, klass in shown
        )
        + "</div>"
    )


def pending(fig: Figures) -> str:
    if not fig.pending:
        return EMPTY.format("Nothing waits for a decision.")
    rows = []
    for p in fig.pending:
        s = p.seen
        fp = s.fingerprint
        decide = f"heal approve {fp}" if p.diff else f'heal reject {fp} --reason "..."'
        proposed = (
            details(f"proposal-{s.fingerprint}", "proposed fix", diff_block(p.diff))
            if p.diff
            else f"<i>{code_text(p.reason)}</i>"
        )
        rows.append(
            f"<tr><td><code>{esc(s.fingerprint)}</code></td><td>{link('rule', s.rule)}</td>"
            f"<td>{link('finding', s.fingerprint, f'{s.path}:{s.line}')}</td>"
            f"<td>{esc(s.message)}<br>{proposed}</td>"
            f"<td><code>{esc(decide)}</code></td></tr>"
        )
    return table(("fingerprint", "rule", "where", "finding", "decide with"), rows)


def heals(fig: Figures) -> str:
    if not fig.heals:
        return EMPTY.format("No heal recorded yet: <code>heal --scan --fix</code> makes some.")
    rows = []
    known = {s.fingerprint for s in fig.snapshot.findings} if fig.snapshot else set()
    for h in fig.heals:
        s = h.seen
        where = f"{s.path}:{s.line}"
        shown = link("finding", s.fingerprint, where) if s.fingerprint in known else esc(where)
        rows.append(
            f"<tr><td>{esc(when(h.when))}</td><td>{badge(s.status)}</td><td>{shown}</td>"
            f"<td>{link('rule', s.rule)}</td><td><code>{esc(s.code)}</code></td>"
            f"<td>heal {esc(h.kind)} <code>{esc(h.run)}</code></td></tr>"
        )
    return table(("when", "what", "where", "rule", "code", "run"), rows)


def trust(fig: Figures) -> str:
    if not fig.rules:
        return EMPTY.format("No fix has been rolled back: every rule keeps its trust.")
    rows = [
        f"<tr><td>{link('rule', c.rule)}</td><td class=num>{c.applied}</td>"
        f"<td class=num>{c.rolled_back}</td><td class=num>{c.rollback_rate:.0%}</td>"
        f"<td>{'demoted: needs approval' if c.rule in fig.demoted else 'trusted'}</td></tr>"
        for c in fig.rules
    ]
    return table(("rule", "applied", "rolled back", "rate", "trust"), rows, numeric=(1, 2, 3))


def learning(fig: Figures) -> str:
    learned = fig.learning
    if learned is None:
        return EMPTY.format("Nothing learned yet: every verified heal is recorded as a pattern.")
    store = learned.store
    cards = (
        _card("patterns", str(store.stored), f"{store.offered} offered to a model")
        + _card(
            "reuse rate",
            rate(store.reuse_rate),
            f"{store.reused} of {store.proposals} model proposal(s) showed a stored pattern",
        )
        + _card("model-proposed", str(learned.waiting), "fix(es) waiting for a decision")
    )
    rows = [
        f"<tr><td>#{p.id}{'' if p.offered else ' (retired)'}</td><td>{link('rule', p.rule)}</td>"
        f"<td class=num>{p.successes + p.failures}</td><td class=num>{rate(p.success_rate)}</td>"
        "</tr>"
        for p in learned.used
    ]
    used = table(("pattern", "rule", "used", "success"), rows, numeric=(2, 3)) if rows else ""
    return f'<div class="grid-cards">{cards}</div>{used}'


def overview(fig: Figures) -> str:
    where = ""
    if fig.snapshot is not None:
        where = f" (heal {fig.snapshot.kind} at {when(fig.snapshot.started)})"
    intro = ""
    if fig.latest is None:
        intro = EMPTY.format(
            "No run recorded yet. Run <code>heal --scan</code> in this project: "
            "every run is recorded in <code>.heal/history.sqlite</code>."
        )
    return (
        intro
        + f'<section id="overview"><h2>Now</h2><div class="grid-cards">{progress(fig)}'
        + f"{success(fig)}</div>"
        + f"<h2>Findings by category{esc(where)}</h2>"
        + f'<div class="grid-cards">{categories(fig)}</div>'
        + f'<h2>By priority</h2><div class="grid-cards">{priorities(fig)}</div></section>'
        + f'<section id="trends"><h2>Over time</h2>{charts(fig)}</section>'
        + f'<section id="pending"><h2>Pending approvals ({len(fig.pending)})</h2>{pending(fig)}'
        + "</section>"
        + f'<section id="heals"><h2>Last heals</h2>{heals(fig)}</section>'
        + f'<section id="trust"><h2>Rules most rolled back or demoted</h2>{trust(fig)}'
        + "</section>"
        + f'<section id="patterns"><h2>Pattern store</h2>{learning(fig)}</section>'
    )
