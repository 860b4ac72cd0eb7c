"""The queue of model-proposed fixes and the pattern store follow no link under .heal/ (a
repository can commit one there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from healers.state import patterns, proposals

LEARNED = patterns.Learned("bare-except", "ruff:E722", "model", "except:", "except OSError:")


def test_the_pattern_store_is_not_written_through_a_link(tmp_path: Path) -> None:
    state_dir, target = tmp_path / ".heal", tmp_path / "elsewhere.sqlite"
    state_dir.mkdir()
    target.write_bytes(b"")
    (state_dir / patterns.PATTERNS).symlink_to(target)
    with pytest.raises(patterns.PatternsError, match="link"):
        patterns.add(state_dir, [LEARNED])
    assert target.read_bytes() == b""


def test_the_queue_is_not_read_through_a_link(tmp_path: Path) -> None:
    state_dir, target = tmp_path / ".heal", tmp_path / "elsewhere.json"
    state_dir.mkdir()
    target.write_text('{"version": 1, "entries": []}')
    (state_dir / proposals.QUEUE).symlink_to(target)
    with pytest.raises(proposals.QueueError, match="link"):
        proposals.load(state_dir)


def test_a_plain_store_works(tmp_path: Path) -> None:
    state_dir = tmp_path / ".heal"
    patterns.add(state_dir, [LEARNED, LEARNED])
    assert [p.id for p in patterns.load(state_dir)] == [1, 2]
    assert [p.id for p in patterns.similar(state_dir, "bare-except", "except:")] == [1]
    assert proposals.load(state_dir) == {}
