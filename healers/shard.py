"""`--shard K/N`: a stable share of a project's files, by a hash of each repository-relative path,
so a file stays in its shard when others are added or removed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from healers.errors import UsageError

SPEC = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as written on the command line
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse(text: str) -> Shard:
    match = SPEC.match(text.strip())
    if match is None or int(match.group(1)) > int(match.group(2)):
        raise UsageError(f"--shard {text!r}: needs K/N with 1 <= K <= N, e.g. 2/8")
    return Shard(int(match.group(1)), int(match.group(2)))


def of(path: str, count: int) -> int:
    """The shard (1-based) a repository-relative POSIX path belongs to among `count`."""
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def select(files: Sequence[str], shard: Shard, prefix: str = "") -> tuple[str, ...]:
    """The files of `shard`; `prefix` turns a project-relative path into a repository-relative
    one ("" or "sub/dir/"), so the share does not depend on where heal was started."""
    return tuple(f for f in files if of(prefix + f, shard.count) == shard.index)
