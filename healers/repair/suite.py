"""The test command and what one run of it says: with pytest, the junit XML heal asks for (each
test's id, pass or failure, message, traceback and the frames inside the project); any other
command, one failure holding its output."""

from __future__ import annotations

import os
import re
import shlex
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree  # nosec B405 - heal's own pytest run wrote the file

from healers import tools

DEFAULT = "python -m pytest -q"
# a frame in pytest's long or short traceback (`pkg/calc.py:3: AssertionError`), and in Python's
_PYTEST_FRAME = re.compile(r"^(?P<path>[^\s:][^:\n]*\.py):(?P<line>\d+):", re.MULTILINE)
_NATIVE_FRAME = re.compile(r'^\s*File "(?P<path>[^"\n]+\.py)", line (?P<line>\d+)', re.MULTILINE)
MAX_EVIDENCE = 6000  # characters of output kept for one failure


@dataclass(frozen=True)
class Frame:
    path: str  # relative to the project root, POSIX
    line: int


@dataclass(frozen=True)
class Failure:
    test: str  # pytest's node id (tests/test_calc.py::test_add), or the command
    message: str
    traceback: str
    frames: tuple[Frame, ...]  # inside the project, innermost last


@dataclass(frozen=True)
class Result:
    """One run of the test command."""

    command: str
    returncode: int
    passed: frozenset[str]
    failures: tuple[Failure, ...]
    seconds: float
    output: str
    pytest: bool

    def failed(self, test: str) -> Failure | None:
        return next((f for f in self.failures if f.test == test), None)


def is_pytest(command: str) -> bool:
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    names = [Path(w).name for w in words]
    return any(n in ("pytest", "py.test") for n in names) or "-mpytest" in "".join(words)


def frames(text: str, root: Path) -> tuple[Frame, ...]:
    """The traceback's frames in files of the project (not in site-packages), in order, once."""
    found: list[tuple[int, Frame]] = []
    for pattern in (_PYTEST_FRAME, _NATIVE_FRAME):
        for m in pattern.finditer(text):
            rel = _inside(m["path"], root)
            if rel:
                found.append((m.start(), Frame(rel, int(m["line"]))))
    ordered = [f for _, f in sorted(found, key=lambda pair: pair[0])]
    return tuple(dict.fromkeys(ordered))


def _inside(path: str, root: Path) -> str:
    full = Path(path) if os.path.isabs(path) else root / path
    try:
        rel = full.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return ""
    skip = ("site-packages", ".venv", "venv", ".tox", ".nox")
    if any(part in skip for part in rel.parts) or not full.is_file():
        return ""
    return rel.as_posix()


def _node_id(case: ElementTree.Element, root: Path) -> str:
    """pytest's node id from junit's classname (`tests.test_calc.TestAdd`) and name."""
    parts = case.get("classname", "").split(".")
    name = case.get("name", "")
    for cut in range(len(parts), 0, -1):
        path = "/".join(parts[:cut]) + ".py"
        if (root / path).is_file():
            return "::".join([path, *parts[cut:], name])
    return "::".join(p for p in (case.get("classname", ""), name) if p)


def read_junit(data: bytes, root: Path) -> tuple[frozenset[str], tuple[Failure, ...]]:
    """The passing tests and the failures of a junit XML report."""
    tree = ElementTree.fromstring(data)  # nosec B314 - written by pytest for this run
    passed: set[str] = set()
    failures: list[Failure] = []
    for case in tree.iter("testcase"):
        test = _node_id(case, root)
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        if bad is None:
            if case.find("skipped") is None:
                passed.add(test)
            continue
        text = (bad.text or "")[-MAX_EVIDENCE:]
        last = text.strip().splitlines()[-1:]
        message = bad.get("message") or (last[0] if last else "")
        failures.append(Failure(test, message[:500], text, frames(text, root)))
    return frozenset(passed), tuple(failures)


def run(command: str, root: Path, *, timeout: float, env: dict[str, str]) -> Result:
    """Run the test command in `root` (a scratch copy), pytest with a junit report added."""
    start = time.monotonic()
    if not is_pytest(command):
        done = tools.run_command(command, cwd=root, timeout=timeout, env=env)
        output = done.stdout[-MAX_EVIDENCE:]
        whole: tuple[Failure, ...] = ()
        if done.returncode != 0:
            whole = (_whole(command, done.returncode, output, root),)
        seconds = time.monotonic() - start
        return Result(command, done.returncode, frozenset(), whole, seconds, output, False)
    with tempfile.TemporaryDirectory(prefix="heal-repair-junit-") as tmp:
        report = Path(tmp, "junit.xml")
        full = f"{command} --junitxml={shlex.quote(str(report))}"
        done = tools.run_command(full, cwd=root, timeout=timeout, env=env)
        data = report.read_bytes() if report.is_file() else b""
    seconds = time.monotonic() - start
    output = done.stdout[-MAX_EVIDENCE:]
    try:
        passed, fails = read_junit(data, root) if data else (frozenset(), ())
    except ElementTree.ParseError:
        passed, fails = frozenset(), ()
    if done.returncode != 0 and not fails:  # collection errors, a crash: the output says it
        fails = (_whole(command, done.returncode, output, root),)
    return Result(command, done.returncode, passed, fails, seconds, output, True)


def _whole(command: str, code: int, output: str, root: Path) -> Failure:
    last = next((line for line in reversed(output.splitlines()) if line.strip()), "")
    message = f"`{command}` exited {code}" + (f": {last.strip()[:300]}" if last else "")
    return Failure(command, message, output, frames(output, root))
