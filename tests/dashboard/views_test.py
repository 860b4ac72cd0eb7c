"""The terminal view (rich's recorded console) and the HTML page of a known history: the figures
shown, every value escaped, the page self-contained under its content security policy."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from healers.dashboard import figures, terminal
from healers.report import charts, html
from healers.state import audit, history, stats
from tests.dashboard.figures_test import known_history
from tests.helpers import NOW, entry, seen


@pytest.fixture
def known(tmp_path: Path) -> figures.Figures:
    known_history(tmp_path)
    stats.add(tmp_path, {"unsorted-imports": {"applied": 5, "rolled_back": 3}})
    return figures.load(tmp_path, stats.Policy(), now=NOW, project="app")


def recorded(fig: figures.Figures) -> str:
    console = Console(record=True, width=160, color_system=None, file=io.StringIO())
    terminal.snapshot(fig, console)
    return console.export_text()


def test_the_terminal_view_shows_the_figures_of_a_known_history(known: figures.Figures) -> None:
    text = recorded(known)
    assert re.search(r"last hour\s+0%\s+0\s+0 rolled back, 1 undone\s+3 \(1 failed\)", text)
    assert re.search(r"last 24 h\s+60%", text)
    assert re.search(r"import\s+2\s+0\s+1", text)  # found, left, fixed
    assert "pending approvals (1)" in text and "s1" in text
    assert re.search(r"unsorted-imports\s+5\s+3 \(60%\)\s+demoted", text)
    assert "src/m.py:4" in text and "b.py:9" in text  # the last heals
    assert "in progress: no heal is running" in text


def test_the_terminal_view_of_an_empty_history(tmp_path: Path) -> None:
    text = recorded(figures.load(tmp_path, stats.Policy(), now=NOW))
    assert "No run recorded yet" in text and "pending approvals: none" in text


def test_the_terminal_view_shows_a_run_in_progress(tmp_path: Path) -> None:
    token, _ = history.start(tmp_path, "fix", 12)
    history.phase(tmp_path, token, "fix pass 3")
    text = recorded(figures.load(tmp_path, stats.Policy()))
    assert re.search(r"heal fix\s+\d+\s+12\s+.*\s+fix pass 3", text)


class Page(HTMLParser):
    """The ids, the external references and the inline style and script of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.refs: list[str] = []
        self.inline: dict[str, str] = {}
        self._in = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        for name in ("src", "href"):
            value = found.get(name)
            if value and value.startswith("#"):
                self.links.append(value[1:])
            elif value:
                self.refs.append(value)
        self._in = tag if tag in ("style", "script") else ""

    def handle_data(self, data: str) -> None:
        if self._in:
            self.inline[self._in] = self.inline.get(self._in, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._in = ""


def parsed(page: str) -> Page:
    out = Page()
    out.feed(page)
    return out


def test_the_page_shows_cards_charts_and_the_drill_down(known: figures.Figures) -> None:
    page = html.document(known)
    got = parsed(page)
    for category in ("security", "type", "import", "style", "performance", "logic"):
        assert f'href="#category-{category}"' in page and f"category-{category}" in got.ids
    assert page.count('<svg class="chart"') == 3
    assert "finding-i1" in got.ids and "rule-unsorted-imports" in got.ids
    assert "--- a/x.py" in page  # the proposed fix of the pending finding
    assert set(got.links) <= got.ids, set(got.links) - got.ids  # no link leads nowhere


def test_the_page_fetches_nothing_and_its_csp_allows_exactly_its_own_code(
    known: figures.Figures,
) -> None:
    page = html.document(known)
    got = parsed(page)
    assert got.refs == ["data:,"]  # the favicon: no stylesheet, script or image from anywhere
    found = re.search(r'Content-Security-Policy" content="([^"]+)"', page)
    assert found is not None
    policy = unescape(found[1])
    for kind in ("style", "script"):
        digest = hashlib.sha256(got.inline[kind].encode("utf-8")).digest()
        assert f"{kind}-src 'sha256-{base64.b64encode(digest).decode()}'" in policy
    assert "default-src 'none'" in policy


def test_every_value_from_the_repository_is_escaped(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script>'
    finding = seen(
        "x1", message=hostile, path='<img src=x onerror="y">.py', status="needs-approval"
    )
    history.record(
        tmp_path,
        entry(
            "r1",
            found=1,
            by_category={"style": 1},
            findings=(finding,),
            proposals={"x1": (hostile, "")},
        ),
    )
    page = html.document(figures.load(tmp_path, stats.Policy(), project="<b>p</b>"))
    assert hostile not in page and "<img src=x" not in page and "<b>p</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert len(parsed(page).inline["script"]) == len(html.asset("dashboard.js"))


def test_a_chart_of_no_data_says_so() -> None:
    svg = charts.line_chart("t", [], {"rate": []}, percent=True)
    assert "no runs recorded yet" in svg and svg.startswith("<svg")


def test_a_chart_draws_a_line_and_a_dot_per_value() -> None:
    svg = charts.line_chart(
        "t", ["2026-01-01", "2026-01-02", "2026-01-03"], {"style": [1, None, 7]}
    )
    assert svg.count("<circle") == 2 and svg.count("<polyline") == 1
    assert "2026-01-03 style: 7" in svg


def test_a_change_is_shown_once_for_all_the_fixes_it_holds(tmp_path: Path) -> None:
    diff = "--- a/a.py\n+++ b/a.py\n@@ -1,2 +1 @@\n-import os\n-import re\n+X = 1\n"
    fixes = [
        {"fingerprint": f, "rule": "unused-import", "code": "ruff:F401", "line": 1}
        for f in ("x1", "x2")
    ]
    record = {
        "run": "R1",
        "time": "2026-01-01T12:00:00Z",
        "path": "a.py",
        "sha256_before": "0" * 64,
        "sha256_after": "1" * 64,
        "fixes": fixes,
        "diff": diff,
    }
    audit.append(tmp_path, [record], {})
    fixed = (
        seen("x1", status="fixed", category="import"),
        seen("x2", status="fixed", category="import"),
    )
    history.record(tmp_path, entry("R1", kind="fix", found=2, fixed=2, findings=fixed, heals=fixed))
    page = html.document(figures.load(tmp_path, stats.Policy()))
    assert page.count('<section class="drill change" id="change-R1_a.py">') == 1
    assert page.count('class="diff-link" href="#change-R1_a.py"') == 2
    assert page.count("-import os") == 1  # the diff once, not once per fix
    got = parsed(page)
    assert set(got.links) <= got.ids
