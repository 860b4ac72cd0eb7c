"""The dashboard's pattern store panel: the reuse rate of model proposals, the success of each
pattern shown in prompts (a retired one marked), and the model-proposed fixes still waiting."""

from __future__ import annotations

from pathlib import Path

from healers import write
from healers.dashboard import figures
from healers.report import sections
from healers.state import patterns, proposals, stats
from tests.dashboard.views_test import recorded
from tests.helpers import NOW


def _store(root: Path) -> Path:
    state_dir = root / ".heal"
    learned = [
        patterns.Learned("bare-except", "ruff:E722", "model", "except:", "except OSError:"),
        patterns.Learned("bare-except", "ruff:E722", "codemod", "except:", "except ValueError:"),
    ]
    patterns.add(state_dir, learned)
    patterns.used(state_dir, [1], "fp1", "kept")
    patterns.used(state_dir, [1], "fp2", "kept")
    patterns.used(state_dir, [2], "fp3", "rejected")
    for i, used in enumerate((1, 1, 0, 0)):
        patterns.proposed(state_dir, f"fp{i}", "bare-except", used=used, queued=True)
    (root / "m.py").write_text("x = 1\n")
    entry = proposals.Entry(
        *("fp9", "bare-except", "ruff:E722", "m.py", 1, "bare except"),
        *(write.sha256(b"x = 1\n"), "diff", "x = 2\n", ("compiles",), "m", "h"),
    )
    gone = proposals.Entry(*("fp8", "r", "c", "gone.py", 1, "m", "0", "d", "a", (), "m", "h"))
    proposals.put(state_dir, {"fp9": entry, "fp8": gone})
    return state_dir


def test_the_terminal_view_shows_the_pattern_store(tmp_path: Path) -> None:
    fig = figures.load(_store(tmp_path), stats.Policy(), now=NOW)
    assert fig.learning is not None and fig.learning.waiting == 1  # gone.py's entry is void
    text = recorded(fig)
    assert "reuse rate 50% (2 of 4 model proposal(s) showed one)" in text
    assert "2 pattern(s), 1 offered to a model" in text
    assert "1 model-proposed fix(es) waiting" in text
    rows = [line.split() for line in text.splitlines() if line.strip().startswith("#")]
    assert rows[0] == ["#1", "bare-except", "2", "100%"]
    assert rows[1] == ["#2", "(retired)", "bare-except", "1", "0%"]


def test_the_page_shows_the_pattern_store(tmp_path: Path) -> None:
    page = sections.overview(figures.load(_store(tmp_path), stats.Policy(), now=NOW))
    assert '<section id="patterns"><h2>Pattern store</h2>' in page
    assert "2 of 4 model proposal(s) showed a stored pattern" in page
    assert "<td>#2 (retired)</td>" in page


def test_nothing_learned_yet(tmp_path: Path) -> None:
    fig = figures.load(tmp_path, stats.Policy(), now=NOW)
    assert fig.learning is None
    assert "pattern store: nothing learned yet" in recorded(fig)
    assert "Nothing learned yet" in sections.overview(fig)
