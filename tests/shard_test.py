"""--shard K/N: a stable share by path hash; every file in exactly one shard."""

from __future__ import annotations

import pytest

from healers import shard
from healers.errors import UsageError

FILES = [f"pkg{p}/mod{m}.py" for p in range(20) for m in range(50)]


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "x", "1/", "/4", "-1/4", "1.5/4"])
def test_a_bad_spec_is_an_error(text):
    with pytest.raises(UsageError, match="K/N"):
        shard.parse(text)


def test_parse():
    assert shard.parse("2/8") == shard.Shard(2, 8)
    assert str(shard.parse("8/8")) == "8/8"


@pytest.mark.parametrize("count", [1, 2, 4, 8])
def test_every_file_is_in_exactly_one_shard(count):
    shares = [shard.select(FILES, shard.Shard(k, count)) for k in range(1, count + 1)]
    assert sorted(f for share in shares for f in share) == sorted(FILES)
    assert all(len(share) > len(FILES) / count / 2 for share in shares)  # roughly even


def test_a_file_stays_in_its_shard_when_others_are_added_or_removed():
    before = {f: shard.of(f, 8) for f in FILES}
    grown = [*FILES, *(f"new/mod{i}.py" for i in range(500))][::2]
    for f in grown:
        if f in before:
            assert shard.of(f, 8) == before[f]


def test_the_share_is_by_repository_relative_path():
    """A project in sub/ is split by sub/... paths, whoever starts heal where."""
    one = shard.Shard(1, 4)
    chosen = shard.select(FILES, one, "sub/")
    assert chosen == tuple(f for f in FILES if shard.of("sub/" + f, 4) == 1)
    assert chosen != shard.select(FILES, one)
