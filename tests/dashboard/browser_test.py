"""The dashboard page in a real headless browser (Debian's Chromium, driven by Selenium through
Debian's chromedriver): cards and charts render, drill-down shows a finding's diff, a run updates
the open page without a reload, and the static HTML report works from a file, offline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from healers.state import history
from tests.helpers import (
    browser,
    browser_missing,
    copy_sample,
    entry,
    heal,
    start_dashboard,
    stop,
)

pytestmark = [
    pytest.mark.slow,  # heal end to end, a real server and browser
    pytest.mark.skipif(bool(browser_missing()), reason=browser_missing() or "-"),
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project after `heal --scan --fix` and `heal pending` (fixes with diffs in the
    audit, proposals for what waits)."""
    repo = copy_sample(tmp_path_factory.mktemp("browser") / "sample")
    assert heal(repo, "--scan", "--fix").code == 3
    assert heal(repo, "pending").code == 3
    return repo


@pytest.fixture(scope="module")
def served(sample: Path) -> Iterator[str]:
    proc, url = start_dashboard(sample)
    yield url
    stop(proc)


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[Any]:
    made = browser(tmp_path / "profile")
    made.set_page_load_timeout(60)
    yield made
    made.quit()


def wait_for(condition: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = condition()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"not true within {timeout}s")


COUNTS = "return document.getElementById('counts').textContent;"
# when the page replaced its main part, by the page's own clock (ms since the epoch)
WATCH = """
window.notReloaded = true;
new MutationObserver(function () {
  if (!window.updatedAt) { window.updatedAt = performance.timeOrigin + performance.now(); }
}).observe(document.body, {childList: true});
"""


def css(driver: Any, selector: str) -> list[Any]:
    return list(driver.find_elements("css selector", selector))


def errors(driver: Any) -> list[str]:
    """What the page logged as an error (a blocked script or style, a failed fetch)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_the_page_renders_its_cards_and_charts(driver: Any, served: str) -> None:
    driver.get(served)
    wait_for(lambda: driver.find_element("id", "live").text == "live")  # the stream is open
    cards = [c for c in css(driver, ".card") if c.is_displayed()]
    assert len(cards) >= 14  # in progress, 3 windows, latest run, 6 categories, 4 priorities
    categories = css(driver, "a.card")
    assert [c.find_element("css selector", ".label").text for c in categories] == [
        "TYPE",
        "IMPORT",
        "STYLE",
        "SECURITY",
        "PERFORMANCE",
        "LOGIC",
    ]
    chart = css(driver, "svg.chart")[0]
    assert chart.is_displayed() and chart.size["width"] > 300
    assert css(driver, "svg.chart circle.dot")  # at least one point drawn
    assert "Pending approvals (5)" in driver.find_element("id", "pending").text
    assert errors(driver) == []  # nothing blocked by the content security policy


def test_drill_down_shows_a_findings_diff_and_its_rule(driver: Any, served: str) -> None:
    driver.get(served)
    section = driver.find_element("id", "category-import")
    assert not section.is_displayed()
    driver.find_element("css selector", "a.card.c-import").click()
    wait_for(section.is_displayed)
    fixed = [r for r in section.find_elements("css selector", "tr") if "fixed" in r.text]
    assert fixed, section.text
    row = fixed[0]
    where = row.find_element("css selector", "td code").text.rsplit(":", 1)[0]  # path:line
    row.find_element("css selector", "a.diff-link").click()
    change = wait_for(lambda: [c for c in css(driver, "section.change") if c.is_displayed()])[0]
    diff = change.find_element("css selector", "pre.diff")
    assert "+++ b/" in diff.text and diff.find_elements("css selector", ".add, .del")
    assert where in change.text  # the change lists the finding whose fix it holds
    driver.back()
    wait_for(section.is_displayed)
    rule = row.find_element("css selector", "td:nth-child(3) a")
    name = rule.text
    rule.click()
    doc = driver.find_element("id", f"rule-{name}")
    wait_for(doc.is_displayed)
    assert not section.is_displayed()
    back = doc.find_elements("css selector", "a[href^='#finding-']")
    assert back, doc.text  # the rule's doc links back to its findings
    back[0].click()
    wait_for(section.is_displayed)  # the finding's category opens again
    assert errors(driver) == []


def test_a_run_updates_the_open_page_without_a_reload(
    driver: Any, served: str, sample: Path
) -> None:
    driver.get(served)
    wait_for(lambda: driver.find_element("id", "live").text == "live")
    driver.execute_script(WATCH)
    before = driver.execute_script(COUNTS)
    recorded = time.time()
    history.record(sample / ".heal", entry("browser-run", started=recorded, found=1))
    wait_for(lambda: driver.execute_script(COUNTS) != before, timeout=10)
    assert driver.execute_script("return window.notReloaded === true;")
    updated = driver.execute_script("return window.updatedAt;") / 1000  # the page's own clock
    assert updated - recorded <= 1.0, updated - recorded


def test_the_static_report_works_from_a_file(driver: Any, sample: Path, tmp_path: Path) -> None:
    report = tmp_path / "heal.html"
    run = heal(sample, "--scan", "--output-format", "html", "--output-file", str(report))
    assert run.code == 3, run.err
    driver.get(report.as_uri())
    assert driver.find_element("id", "live").text == "static report"
    driver.find_element("css selector", "a.card.c-security").click()
    section = driver.find_element("id", "category-security")
    wait_for(section.is_displayed)
    proposed = [d for d in section.find_elements("css selector", "details") if "proposed" in d.text]
    assert proposed
    proposed[0].find_element("css selector", "summary").click()
    wait_for(lambda: proposed[0].find_element("css selector", "pre.diff").is_displayed())
    assert errors(driver) == []
