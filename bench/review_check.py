"""Would a maintainer merge heal's fixes as they are? (issue 13)

For each package (a PyPI sdist in /work/bench-cache/sdist) and mode (`--fix`, `--fix
--unsafe-fixes`), heal fixes a fresh git copy, and the script prints what a reviewer rejects:

  lint+     new findings of the project's *own* linter configuration (flake8, pycodestyle or ruff
            as the project configures it), after minus before, per file and code
  long      added lines over the project's line length (as healers.layout reads it) that are
            longer than every line their hunk removed
  comments  comments of the rewritten code lost or moved (bare suppressions a fix about them
            removes, such as RUF100 under the project's own ruff config, are not counted)
  rt-imp    run-time typing imports added to a file that imports names for types under
            `if TYPE_CHECKING:`
  guards    `if TYPE_CHECKING: pass` left behind
  suite     the package's test suite before -> after (pytest summary counts)

Every column should be 0 and every suite unchanged. The hunks go to OUT/<package>-<mode>.diff;
`--sample N` prints N hunks drawn at random (seed 13) across them for a line-by-line review.

    python bench/review_check.py [--only NAME] [--sample 100] [--out /tmp/review-check]

Tests and linters run in BENCH_VENV (pytest, flake8 and the packages' test dependencies); heal
runs with this interpreter.
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from healers import comments, edits, layout, typing_guards

CACHE = Path("/work/bench-cache/sdist")
BENCH_VENV = Path(os.environ.get("BENCH_VENV", "/work/venv-merge-bench"))
GIT = ("-c", "user.name=b", "-c", "user.email=b@b", "-c", "commit.gpgsign=false")


@dataclass(frozen=True)
class Package:
    name: str
    sdist: str
    linter: str  # flake8 | pycodestyle | ruff: what the project lints with
    tests: str  # pytest's arguments
    path: str = "."  # what goes on PYTHONPATH for the tests
    why: str = ""
    exclude: tuple[str, ...] = ()  # [tool.healers] exclude, given with --config
    patch: tuple[tuple[str, str, str], ...] = ()  # (file, old, new) before the first commit
    extra: str = ""  # a folder under /work/bench-cache/src copied into the package first
    unittest: bool = False  # the suite runs under unittest (pytest cannot collect it)


PACKAGES = (
    # bandit's examples/ are insecure on purpose (its functional tests scan them); mypy also
    # refuses the folder name examples/init-py-test
    Package(
        "bandit",
        "bandit-1.9.4.tar.gz",
        "flake8",
        "tests/unit",
        why="flake8 at 79, black",
        exclude=("examples/",),
    ),
    # the sdist lacks the suite's testing/ package (bad code on purpose): copied from the
    # repository (github PyCQA/pycodestyle, whose pycodestyle.py is 2.15.0's but the version)
    Package(
        "pycodestyle",
        "pycodestyle-2.15.0.tar.gz",
        "pycodestyle",
        "tests",
        why="pycodestyle at 79",
        exclude=("testing/",),
        extra="pycodestyle-2.15.0-testing",
    ),
    # its extensions are found through the sdist's egg-info entry points
    Package(
        "markdown",
        "markdown-3.11.3.tar.gz",
        "flake8",
        "tests",
        why="TYPE_CHECKING, 119",
        unittest=True,
    ),
    # black and reorder-python-imports (its .pre-commit-config.yaml is not in the sdist);
    # heal drops the examples' duplicate `setup` modules from mypy (issue 12) and checks
    # its python_version = 3.7 as the oldest Python mypy supports
    Package("click", "click-8.1.7.tar.gz", "flake8", "tests", "src", why="t.TYPE_CHECKING, 80"),
    Package("sqlparse", "sqlparse-0.6.1.tar.gz", "ruff", "tests", why="ruff config selects RUF"),
)
MODES = {"fix": ("--fix",), "unsafe": ("--fix", "--unsafe-fixes")}
GUARD = re.compile(r"^if (\w+\.)?TYPE_CHECKING:", re.M)


def sh(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 1800) -> str:
    proc = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout, check=False
    )
    return proc.stdout + proc.stderr


def unpack(pkg: Package, dest: Path) -> Path:
    dest.mkdir(parents=True)
    with tarfile.open(CACHE / pkg.sdist) as tar:
        tar.extractall(dest, filter="data")
    (root,) = [p for p in dest.iterdir() if p.is_dir()]
    for folder, _, files in os.walk(root):  # git refuses a repository another user owns
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            os.chown(path, os.getuid(), os.getgid(), follow_symlinks=False)
    if pkg.extra:
        shutil.copytree(CACHE.parent / "src" / pkg.extra, root, dirs_exist_ok=True)
    for name, old, new in pkg.patch:
        text = (root / name).read_text(encoding="utf-8")
        (root / name).write_text(text.replace(old, new), encoding="utf-8")
    sh(["git", "init", "-q"], root)
    sh(["git", *GIT, "add", "-A"], root)
    sh(["git", *GIT, "commit", "-qm", "sdist"], root)
    return root


def lint(pkg: Package, root: Path) -> collections.Counter[tuple[str, str]]:
    """(path, code) -> count, as the project's own linter configuration reports them."""
    if pkg.linter == "ruff":
        out = sh(
            [
                sys.executable,
                "-m",
                "ruff",
                "check",
                "--no-cache",
                "--output-format",
                "json",
                "--exit-zero",
                ".",
            ],
            root,
        )
        found = json.loads(out[out.index("[") :]) if "[" in out else []
        return collections.Counter(
            (os.path.relpath(f["filename"], root), f["code"] or "syntax") for f in found
        )
    tool = "flake8" if pkg.linter == "flake8" else "pycodestyle"
    out = sh([str(BENCH_VENV / "bin" / tool), "."], root)
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    for line in out.splitlines():
        hit = re.match(r"(.+?):\d+:\d+: (\w+)", line)
        if hit:
            counts[(os.path.normpath(hit.group(1)), hit.group(2))] += 1
    return counts


def suite(pkg: Package, root: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(root / pkg.path), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("VIRTUAL_ENV", None)
    args = [
        str(BENCH_VENV / "bin" / "python"),
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "filterwarnings=ignore",  # newer pytest's deprecations are errors under their configs
        *pkg.tests.split(),
    ]
    if pkg.unittest:
        args = [str(BENCH_VENV / "bin" / "python"), "-m", "unittest", "discover", pkg.tests]
        out = sh(args, root, env=env)
        ran = re.findall(r"Ran (\d+) tests|^(OK.*|FAILED.*)$", out, re.M)
        return " ".join(a or b for a, b in ran) or "no summary"
    out = sh(args, root, env=env)
    tail = [ln for ln in out.splitlines() if re.search(r"\d+ (passed|failed|error)", ln)]
    return re.sub(r" in [\d.]+s.*", "", tail[-1].strip("= ")) if tail else "no summary"


def hunks(diff: str) -> list[tuple[str, str]]:
    """(file, hunk text) of a unified diff."""
    found, path, current = [], "", []
    for line in diff.splitlines():
        if line.startswith("diff --git"):
            if current:
                found.append((path, "\n".join(current)))
            current, path = [], line.split(" b/", 1)[1]
        elif line.startswith("@@"):
            if current:
                found.append((path, "\n".join(current)))
            current = [line]
        elif current:
            current.append(line)
    if current:
        found.append((path, "\n".join(current)))
    return found


def runtime_typing_names(text: str) -> set[str]:
    """The names a module imports at run time (at its top level, not under a guard) from
    typing, typing_extensions or collections.abc; `typing` itself for `import typing`."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module in (
            "typing",
            "typing_extensions",
            "collections.abc",
        ):
            names |= {a.asname or a.name for a in node.names} - {"TYPE_CHECKING"}
        elif isinstance(node, ast.Import):
            names |= {a.asname or a.name for a in node.names if a.name == "typing"}
    return names


def columns(pkg: Package, root: Path, lay: layout.Layout) -> dict[str, int]:
    """The reviewer's columns from the committed tree (before) and the working tree (after)."""
    zero = sh(["git", "diff", "-U0"], root)
    long = 0
    for _, hunk in hunks(zero):
        removed = [ln[1:] for ln in hunk.splitlines()[1:] if ln.startswith("-")]
        widest = max((len(r) for r in removed), default=0)
        added = [ln[1:] for ln in hunk.splitlines()[1:] if ln.startswith("+")]
        long += sum(1 for a in added if len(a) > max(lay.line_length, widest))
    changed = [p for p in sh(["git", "diff", "--name-only"], root).split() if p.endswith(".py")]
    lost = imports = guards = 0
    for path in changed:
        before = sh(["git", "show", f"HEAD:{path}"], root)
        after = (root / path).read_text(encoding="utf-8")
        spans = edits.spans_between(before, after)
        bare = {c.line for c in comments.read(before) or () if not comments.rest(c.text)}
        lost += len(comments.unkept(before, after, spans, about=bare))
        if GUARD.search(before):
            imports += len(runtime_typing_names(after) - runtime_typing_names(before))
        try:
            guards += max(
                0,
                len(typing_guards.empty(ast.parse(after)))
                - len(typing_guards.empty(ast.parse(before))),
            )
        except SyntaxError:
            guards += 0
    return {"long": long, "comments": lost, "rt-imp": imports, "guards": guards}


def run(pkg: Package, mode: str, work: Path, out: Path, before_suite: dict[str, str]) -> dict:
    root = unpack(pkg, work / f"{pkg.name}-{mode}")
    lay = layout.read(root)
    lint_before = lint(pkg, root)
    if pkg.name not in before_suite:
        before_suite[pkg.name] = suite(pkg, root)
    config = work / f"{pkg.name}-{mode}.toml"
    config.write_text(f"exclude = {json.dumps(list(pkg.exclude))}\n", encoding="utf-8")
    started = time.monotonic()
    heal = subprocess.run(
        [
            sys.executable,
            "-m",
            "healers",
            "--scan",
            ".",
            *MODES[mode],
            "--output-format",
            "json",
            "--config",
            str(config),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    seconds = time.monotonic() - started
    report = json.loads(heal.stdout) if heal.stdout.startswith("{") else {"findings": []}
    fixed = sum(1 for f in report["findings"] if f["status"] == "fixed")
    diff = sh(["git", "diff"], root)
    (out / f"{pkg.name}-{mode}.diff").write_text(diff, encoding="utf-8")
    lint_after = lint(pkg, root)
    new_lint = sum(max(0, n - lint_before[k]) for k, n in lint_after.items())
    after_suite = suite(pkg, root)
    row = {
        "package": pkg.name,
        "mode": mode,
        "exit": heal.returncode,
        "fixed": fixed,
        "hunks": len(hunks(diff)),
        "lint+": new_lint,
        **columns(pkg, root, lay),
        "suite": before_suite[pkg.name]
        + (" = " if after_suite == before_suite[pkg.name] else " -> " + after_suite),
        "limit": f"{lay.line_length} ({lay.source})",
        "seconds": round(seconds),
        "new_lint": sorted(f"{k[0]}:{k[1]}" for k, n in lint_after.items() if n > lint_before[k]),
    }
    (out / f"{pkg.name}-{mode}.json").write_text(json.dumps(row, indent=1), encoding="utf-8")
    return row


def sample(out: Path, count: int, only: list[str]) -> None:
    """`count` hunks drawn at random (seed 13), the same share from each package and mode; what
    a small diff cannot give is drawn from the larger ones, so the sample holds `count` hunks."""
    diffs = [d for d in sorted(out.glob("*.diff")) if not only or d.stem.split("-")[0] in only]
    pools = [hunks(d.read_text(encoding="utf-8")) for d in diffs]
    quotas = [0] * len(pools)
    while sum(quotas) < count and any(q < len(p) for q, p in zip(quotas, pools, strict=True)):
        for i, pool in enumerate(pools):  # one more from each diff that has one, in turn
            if quotas[i] < len(pool) and sum(quotas) < count:
                quotas[i] += 1
    number = 0
    for diff, pool, quota in zip(diffs, pools, quotas, strict=True):
        for path, hunk in sorted(random.Random(13).sample(pool, quota)):
            number += 1
            print(f"### {number} {diff.stem} {path}\n{hunk}\n")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--out", default="/tmp/review-check")
    parser.add_argument("--sample", type=int, default=0)
    ns = parser.parse_args()
    out = Path(ns.out)
    if ns.sample:
        sample(out, ns.sample, ns.only)
        return 0
    out.mkdir(parents=True, exist_ok=True)
    keys = ("fixed", "hunks", "lint+", "long", "comments", "rt-imp", "guards")
    print(
        f"{'package':12} {'mode':7} "
        + " ".join(f"{k:>8}" for k in keys)
        + "  suite (before = after)"
    )
    before_suite: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="review-check-") as tmp:
        for pkg in PACKAGES:
            if ns.only and pkg.name not in ns.only:
                continue
            for mode in MODES:
                row = run(pkg, mode, Path(tmp), out, before_suite)
                cells = " ".join(f"{row[k]:>8}" for k in keys)
                print(
                    f"{pkg.name:12} {mode:7} {cells}  {row['suite']}  [{row['seconds']} s]",
                    flush=True,
                )
                if row["new_lint"]:
                    print("    new lint:", ", ".join(row["new_lint"][:12]), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
