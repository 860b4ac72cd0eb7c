"""Issue 12's "done means", measured: `heal --scan --fix` on click 8.1.7 leaves it importable and
its offline tests unchanged under every installed Python it declares; on bandit 1.9.4's examples/
heal reports and fixes with mypy failing only itself.

    python bench/livable.py                     # sdists from /work/bench-cache/sdist (or PyPI)
    python bench/livable.py --venvs DIR         # DIR/3.X/bin/python with pytest, one per Python

Prints figures; not a test. Needs git, the sdists (pip download --no-deps --no-binary :all:),
and for the test runs one virtualenv with pytest per Python (made once with `python3.X -m venv`
and `pip install pytest`)."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

CACHE = Path("/work/bench-cache")
PYENV = Path.home() / ".pyenv" / "versions"
HEAL = str(Path(sys.executable).with_name("heal"))
PYTEST_9 = ("-W", "ignore::DeprecationWarning")  # pytest 9's PytestRemovedIn10Warning is one
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]


def sdist(name: str, version: str) -> Path:
    folder = CACHE / "sdist"
    found = list(folder.glob(f"{name}-{version}.tar.gz"))
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    spec = f"{name}=={version}"
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
    subprocess.run([*pip, spec, "-d", str(folder)], check=True)
    return next(folder.glob(f"{name}-{version}.tar.gz"))


def unpack(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    root = into / archive.name.removesuffix(".tar.gz")
    subprocess.run([*GIT, "init", "-q"], cwd=root, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-qm", "sdist"], cwd=root, check=True)
    return root


def heal(root: Path, *args: str) -> tuple[int, dict[str, object], float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [HEAL, *args, "--output-format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - start
    return done.returncode, json.loads(done.stdout or "{}"), took, done.stderr


def pythons(declared: tuple[int, int]) -> list[tuple[str, Path]]:
    found = []
    for folder in sorted(PYENV.glob("3.*")):
        minor = tuple(int(p) for p in folder.name.split(".")[:2])
        if minor >= declared:
            found.append((f"{minor[0]}.{minor[1]}", folder / "bin" / "python"))
    return sorted(found, key=lambda p: tuple(int(x) for x in p[0].split(".")))


def imports(python: Path, root: Path) -> str:
    code = "import click, click.testing, click.shell_completion, click._termui_impl"
    done = subprocess.run(
        [str(python), "-c", code], cwd=root / "src", capture_output=True, text=True, check=False
    )
    return "ok" if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def tests(venvs: Path | None, version: str, root: Path) -> str:
    python = venvs / version / "bin" / "python" if venvs else None
    if python is None or not python.is_file():
        return "no pytest venv"
    done = subprocess.run(
        # click 8.1.7's tests pass a generator to parametrize, an error from pytest 9 on
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *PYTEST_9, "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-200:]
    return re.sub(r" in [\d.]+s.*", "", last.strip("= "))


def click(work: Path, venvs: Path | None) -> None:
    base = unpack(sdist("click", "8.1.7"), work / "before")
    fixed = unpack(sdist("click", "8.1.7"), work / "after")
    code, report, took, _ = heal(fixed, "--scan", ".", "--fix")
    changed = subprocess.run(
        [*GIT, "diff", "--name-only"], cwd=fixed, capture_output=True, text=True, check=True
    ).stdout.split()
    summary = report.get("summary", {})
    print(
        f"click 8.1.7: heal --scan --fix exit {code} in {took:.1f} s, {len(changed)} files changed"
    )
    print(f"  summary: {json.dumps(summary)}")
    for note in report.get("notes", []):
        print(f"  note: {note}")
    print(f"  {'python':<7} {'import before':<14} {'import after':<14} tests before | after")
    for version, python in pythons((3, 7)):
        row = [imports(python, base), imports(python, fixed)]
        row += [tests(venvs, version, base), tests(venvs, version, fixed)]
        print(f"  {version:<7} {row[0]:<14} {row[1]:<14} {row[2]} | {row[3]}")


def bandit_examples(work: Path) -> None:
    root = unpack(sdist("bandit", "1.9.4"), work / "bandit")
    code, report, took, _ = heal(root, "--scan", "examples")
    found = report.get("findings", [])
    by_code: dict[str, int] = {}
    for f in found:
        tool = f["code"].partition(":")[0]
        by_code[tool] = by_code.get(tool, 0) + 1
    failed = [f["message"] for f in found if f["code"] == "heal:analyzer-failed"]
    skipped = [f["path"] for f in found if f["code"] == "heal:not-type-checked"]
    print(f"bandit 1.9.4 examples/: heal --scan exit {code} in {took:.1f} s, {len(found)} findings")
    print(f"  by tool: {json.dumps(by_code)}; analyzer failures: {failed or 'none'}")
    print(f"  left out of mypy's list: {len(skipped)} ({', '.join(skipped[:3])})")
    code, report, took, _ = heal(root, "--scan", "examples", "--fix")
    changed = subprocess.run(
        [*GIT, "diff", "--name-only"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    print(
        f"  heal --scan examples --fix: exit {code} in {took:.1f} s, {len(changed)} files changed"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venvs", type=Path, default=CACHE / "pyvenvs")
    parser.add_argument("--only", choices=("click", "bandit"), help="one of the two runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="heal-livable-") as tmp:
        if args.only in (None, "click"):
            click(Path(tmp), args.venvs if args.venvs.is_dir() else None)
        if args.only in (None, "bandit"):
            bandit_examples(Path(tmp))
    shutil.rmtree(Path(tmp), ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
