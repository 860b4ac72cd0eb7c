"""Does heal's type healer remove more mypy errors than autotyping + no_implicit_optional?

For each pinned sdist from PyPI (pure Python, with mypy errors under its own — here default —
settings), three copies of the unpacked sdist under bench/.work/type/ are measured with mypy as
heal runs it (the project's config, else none):

  before   the sdist as published;
  heal     after `heal --scan PKGDIR --fix --select mypy:` (the type healer only, safe fixes);
  unsafe   after `heal --scan PKGDIR --fix --unsafe-fixes --select mypy:`;
  anchors  after `python -m autotyping --safe PKGDIR` then `no_implicit_optional PKGDIR`.

sdists are downloaded once into /work/bench-cache/sdist (BENCH_CACHE overrides it), shared with
the other benchmarks.

"new" counts errors of a code a copy has more of than `before`. Then the package's own test
suite runs (offline) on `before`, `heal` and `unsafe`, and the failing tests are compared.
Prints a table; it is not a test. Needs autotyping, no_implicit_optional, pytest, freezegun and
hypothesis in the interpreter that runs it (bench tools, not heal's dependencies):

    /work/venvs/NAME/bin/python bench/type_compare.py [--package markdown] [--json]
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import common
from common import BIN, PACKAGES, run, tests, unpack

from healers.tools import mypy

WORK = Path(__file__).resolve().parent / ".work" / "type"


@dataclass(frozen=True)
class Row:
    package: str
    files: int
    before: int
    heal: int
    heal_new: int
    unsafe: int
    unsafe_new: int
    anchors: int
    anchors_new: int
    tests_before: str
    tests_heal: str
    tests_same: bool
    tests_unsafe: str
    tests_unsafe_same: bool
    heal_codes: dict[str, int]  # fixed (before - after) per code, heal
    unsafe_codes: dict[str, int]
    anchors_codes: dict[str, int]
    before_codes: dict[str, int]  # every code mypy reports before, most frequent first


def mypy_codes(root: Path, source: str) -> Counter[str]:
    conf = "pyproject.toml" if "[tool.mypy]" in (root / "pyproject.toml").read_text() else None
    cache = root / ".bench-mypy"
    args = mypy.command([source], config=conf, cache_dir=str(cache))
    out = run([sys.executable, "-m", "mypy", *args], cwd=root)
    return Counter(f.code for f in mypy.read(out, str(root)))


def new_errors(before: Counter[str], after: Counter[str]) -> int:
    return sum(max(0, after[code] - before[code]) for code in after)


def measure(name: str) -> Row:
    pkg = PACKAGES[name]
    base = WORK / "src"
    kinds = ("before", "heal", "unsafe", "anchors")
    trees = {kind: unpack(pkg, name, base / f"{name}-{kind}") for kind in kinds}
    files = sum(1 for _ in (trees["before"] / pkg.source).rglob("*.py"))
    before = mypy_codes(trees["before"], pkg.source)
    heal_args = ["--scan", pkg.source, "--fix", "--select", "mypy:", "--output-format", "json"]
    run([str(BIN / "heal"), *heal_args], cwd=trees["heal"])
    healed = mypy_codes(trees["heal"], pkg.source)
    run([str(BIN / "heal"), *heal_args, "--unsafe-fixes"], cwd=trees["unsafe"])
    unsafe = mypy_codes(trees["unsafe"], pkg.source)
    run([sys.executable, "-m", "autotyping", "--safe", pkg.source], cwd=trees["anchors"])
    run([str(BIN / "no_implicit_optional"), pkg.source], cwd=trees["anchors"])
    anchored = mypy_codes(trees["anchors"], pkg.source)
    tests_before, failed_before = tests(pkg, trees["before"])
    tests_heal, failed_heal = tests(pkg, trees["heal"])
    tests_unsafe, failed_unsafe = tests(pkg, trees["unsafe"])
    return Row(
        package=pkg.spec,
        files=files,
        before=sum(before.values()),
        heal=sum(healed.values()),
        heal_new=new_errors(before, healed),
        unsafe=sum(unsafe.values()),
        unsafe_new=new_errors(before, unsafe),
        anchors=sum(anchored.values()),
        anchors_new=new_errors(before, anchored),
        tests_before=tests_before,
        tests_heal=tests_heal,
        tests_same=failed_before == failed_heal and tests_before == tests_heal,
        tests_unsafe=tests_unsafe,
        tests_unsafe_same=failed_before == failed_unsafe and tests_before == tests_unsafe,
        heal_codes=dict((before - healed).most_common()),
        unsafe_codes=dict((before - unsafe).most_common()),
        anchors_codes=dict((before - anchored).most_common()),
        before_codes=dict(before.most_common()),
    )


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| package | .py files | mypy errors before | after heal --fix (new) | after heal --fix"
        " --unsafe-fixes (new) | after autotyping --safe + no_implicit_optional (new) |"
        " own tests before | after heal --fix | after --unsafe-fixes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        same = "same" if r.tests_same else "CHANGED"
        same_unsafe = "same" if r.tests_unsafe_same else "CHANGED"
        lines.append(
            f"| {r.package} | {r.files} | {r.before} | {r.heal} ({r.heal_new}) | {r.unsafe}"
            f" ({r.unsafe_new}) | {r.anchors} ({r.anchors_new}) | {r.tests_before} |"
            f" {r.tests_heal} ({same}) | {r.tests_unsafe} ({same_unsafe}) |"
        )
    keys = ("before", "heal", "heal_new", "unsafe", "unsafe_new", "anchors", "anchors_new")
    t = {k: sum(getattr(r, k) for r in rows) for k in keys}
    lines.append(
        f"| **total** | | {t['before']} | {t['heal']} ({t['heal_new']}) | {t['unsafe']}"
        f" ({t['unsafe_new']}) | {t['anchors']} ({t['anchors_new']}) | | | |"
    )
    if t["before"]:
        lines.append("")
        lines.append(
            "change in mypy errors: heal --fix "
            f"{(t['heal'] - t['before']) / t['before']:+.1%}, --unsafe-fixes "
            f"{(t['unsafe'] - t['before']) / t['before']:+.1%}, anchors "
            f"{(t['anchors'] - t['before']) / t['before']:+.1%}"
        )
    lines.append("")
    lines += [
        f"- {r.package} fixed by heal --fix: {r.heal_codes}; --unsafe-fixes: {r.unsafe_codes};"
        f" anchors: {r.anchors_codes}"
        for r in rows
    ]
    lines.append("")
    lines.append(codes_table(rows))
    return "\n".join(lines)


def codes_table(rows: Sequence[Row]) -> str:
    """mypy's codes over all packages, most frequent first: before, and what each side fixed."""
    before: Counter[str] = Counter()
    fixed: dict[str, Counter[str]] = {"heal": Counter(), "unsafe": Counter(), "anchors": Counter()}
    for r in rows:
        before.update(r.before_codes)
        fixed["heal"].update(r.heal_codes)
        fixed["unsafe"].update(r.unsafe_codes)
        fixed["anchors"].update(r.anchors_codes)
    lines = [
        "| mypy code | before | fixed by heal --fix | by --unsafe-fixes | by the anchors |",
        "|---|---:|---:|---:|---:|",
    ]
    for code, count in before.most_common():
        cells = " | ".join(str(fixed[k][code]) for k in ("heal", "unsafe", "anchors"))
        lines.append(f"| {code} | {count} | {cells} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return common.main(__doc__, WORK, measure, table, argv)


if __name__ == "__main__":
    raise SystemExit(main())
