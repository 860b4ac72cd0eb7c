"""The findings cache: per file and per-file analyzer (ruff, bandit, heal's own rules), the
findings keyed on the file's path and bytes, the tool's version, heal's own code and the
configuration that affects the tool, in `.heal/cache/findings/<tool>/<key>.json`. An entry that
is corrupt, torn or not its key's is a miss and is written again; entries are whole files
replaced atomically, so two runs at once each read an old entry or a new one, never half."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import healers
from healers import folder, write
from healers.finding import Edit, Finding, Fix

TOOLS = ("ruff", "bandit", "heal")  # the per-file analyzers (mypy keeps its own cache)
PREFIXES = {"ruff": ("ruff:",), "bandit": ("bandit:", "heal:syntax-error"), "heal": ("heal:",)}
# a crash or a timeout depends on the machine's load, not on the file: never kept
TRANSIENT = frozenset({"heal:analyzer-crash", "heal:analysis-failed", "heal:analyzer-failed"})
FORMAT = "1"  # bumped when an entry's layout changes: older entries are then misses


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def heal_stamp() -> str:
    """heal's version and its code (every file of the package and the catalogue, by name, size
    and mtime): a working tree's edit to a rule or a parser invalidates what it produced."""
    top = Path(healers.__file__).resolve().parent
    parts = [healers.__version__, FORMAT]
    for place in (top, top.parent / "rules"):
        for dirpath, dirnames, filenames in os.walk(place):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".py", ".toml")):
                    st = os.stat(f"{dirpath}/{name}")
                    parts.append(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return digest(*parts)


def environment(python: Path | None = None) -> list[str]:
    """The interpreters mypy runs in and checks against, and when their packages last changed (a
    site folder's mtime moves when a package is installed or removed)."""
    import site  # only where a cache is used

    stamps = [sys.executable, sys.version, os.environ.get("MYPYPATH", "")]
    places = [*site.getsitepackages(), site.getusersitepackages()]
    if python is not None:  # the project's environment: its lib/pythonX.Y/site-packages
        stamps.append(str(python))
        places += [str(p) for p in python.parent.parent.glob("lib*/python*/site-packages")]
    for place in places:
        with contextlib.suppress(OSError):
            stamps.append(f"{place}:{os.stat(place).st_mtime_ns}")
    return stamps


def tool_version(tool: str) -> str:
    """The installed version of an analyzer heal runs from its own environment ("" if none)."""
    try:
        return metadata.version(tool)
    except metadata.PackageNotFoundError:
        return ""


def stamp(tool: str, args: Sequence[str], config: Path | None) -> str:
    """What a tool's per-file result depends on besides the file: versions, arguments and the
    bytes of its config file."""
    conf = b""
    if config is not None:
        with contextlib.suppress(OSError):
            conf = config.read_bytes()
    version = tool_version(tool) if tool != "heal" else ""
    return digest(tool, version, heal_stamp(), *args, conf)


@dataclass(frozen=True)
class Cache:
    """Where the entries live (None: no cache for this run) and each tool's stamp."""

    place: Path | None = None
    stamps: Mapping[str, str] = field(default_factory=dict)

    def keys(self, tool: str, data: Mapping[str, bytes]) -> dict[str, str]:
        if self.place is None or tool not in self.stamps:
            return {}
        return {path: digest(self.stamps[tool], path, raw) for path, raw in data.items()}

    def recall(self, kind: str, keys: Mapping[str, str]) -> dict[str, Any]:
        """The records kept for `keys` (name -> key); a missing or unusable one is left out."""
        if self.place is None or not keys:
            return {}
        hits: dict[str, Any] = {}
        try:
            with folder.opened(self.place, kind) as place:
                for name, key in keys.items():
                    record = _record(place, name, key)
                    if record is not None:
                        hits[name] = record
        except OSError:  # no folder yet, or one heal will not read
            return {}
        return hits

    def remember(self, kind: str, keys: Mapping[str, str], records: Mapping[str, Any]) -> None:
        """Keep `records` (name -> JSON value) under their keys; trouble costs the cache only."""
        if self.place is None or not records:
            return
        try:
            with folder.opened(self.place, kind, create=True) as place:
                for name, value in records.items():
                    entry = {"key": keys[name], "name": name, "value": value}
                    data = json.dumps(entry, separators=(",", ":")).encode("utf-8")
                    write.write_in(place, keys[name] + ".json", data, durable=False)
        except OSError:
            return

    def load(self, tool: str, keys: Mapping[str, str]) -> dict[str, list[Finding]]:
        """The findings kept for `keys` (path -> key): only entries whose every finding is of
        that file and of that tool."""
        hits: dict[str, list[Finding]] = {}
        for path, value in self.recall(tool, keys).items():
            found = decode(value, path, PREFIXES[tool])
            if found is not None:
                hits[path] = found
        return hits

    def save(self, tool: str, keys: Mapping[str, str], found: Iterable[Finding]) -> None:
        """Keep the findings of each path in `keys` (an empty list too: a clean file is a hit);
        a path with a transient finding is not kept."""
        per_path: dict[str, list[Finding]] = {path: [] for path in keys}
        for f in found:
            if f.path in per_path:
                per_path[f.path].append(f)
        records = {
            path: [asdict(f) for f in items]
            for path, items in per_path.items()
            if not any(f.code in TRANSIENT for f in items)
        }
        self.remember(tool, keys, records)


def _record(place: folder.Folder, name: str, key: str) -> Any:
    try:
        data = place.read(key + ".json")
    except OSError:  # a link or something else heal does not read
        return None
    if data is None:
        return None
    try:
        entry = json.loads(data)
        if entry["key"] != key or entry["name"] != name:
            return None
        return entry["value"]
    except (ValueError, TypeError, KeyError):
        return None


def decode(value: Any, path: str, prefixes: tuple[str, ...]) -> list[Finding] | None:
    """Findings as kept in an entry, or None when the entry is not what it should be: each of
    `path` and with a code of the tool that made it."""
    try:
        found = [_finding(raw) for raw in value]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if any(f.path != path or not f.code.startswith(prefixes) for f in found):
        return None
    return found


def _finding(raw: dict[str, Any]) -> Finding:
    fix = raw.get("fix")
    if fix is not None:
        edits = tuple(Edit(**e) for e in fix["edits"])
        raw = {**raw, "fix": Fix(fix["applicability"], fix["message"], edits)}
    found = Finding(**raw)
    if not all(isinstance(getattr(found, name), int) for name in ("line", "column")):
        raise TypeError("line and column are numbers")
    return found
