"""Does `heal --fix` fix at least what `ruff check --fix` fixes, with the same selection,
configuration and target version?

For each package of type_compare.py (the same pinned sdists, from /work/bench-cache/sdist), two
copies of the unpacked sdist under bench/.work/style/ are fixed:

  ruff  `ruff check --fix` with exactly the arguments heal gives ruff (the project's own ruff
        config when it has one, else heal's selection and the project's oldest Python);
  heal  `heal --scan PKGDIR --fix --select ruff: --select import` (ruff's findings and heal's
        own import rules; safe fixes only, as ruff without --unsafe-fixes).

Then ruff runs on each copy (and on the sdist as published) with heal's arguments, and the
findings are counted per code: fixed = before - after. heal's own import fixes are counted from
its JSON report. Where heal fixed fewer findings of a code than ruff, the table says so and heal's
report gives the reason for each finding it left (a rollback, a conflict, a pass limit, a fix it
refuses on purpose). Prints tables; it is not a test.

    python bench/style_compare.py [--package markdown] [--json]
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import common
from common import BIN, PACKAGES, heal_report, run, unpack

from healers import layout, project
from healers.tools import ruff

WORK = Path(__file__).resolve().parent / ".work" / "style"


@dataclass(frozen=True)
class Row:
    package: str
    before: int
    after_ruff: int
    after_heal: int
    fixed_ruff: dict[str, int]  # per code: before - after
    fixed_heal: dict[str, int]
    heal_own: dict[str, int]  # heal's own (non-ruff) import fixes, per code
    heal_left: dict[str, list[str]]  # code heal fixed less of -> its reasons (first few)


def ruff_args(root: Path, source: str, *, fix: bool) -> list[str]:
    """heal's ruff arguments for this project; with `fix`, ruff's own --fix instead of JSON."""
    config = project.tool_config(root)["ruff"]
    # as heal does: no I001 when the project orders its imports with a sorter of its own
    sorter = layout.import_sorter(root) if config is None else ""
    args = ruff.command([source], config=config, target=project.target_version(root), sorter=sorter)
    if fix:
        args = [a for a in args if a not in ("--output-format", "json", "--no-fix")]
        args.insert(1, "--fix")
    return args


def ruff_codes(root: Path, source: str) -> Counter[str]:
    out = run([sys.executable, "-m", "ruff", *ruff_args(root, source, fix=False)], cwd=root)
    return Counter(f.code for f in ruff.read(out[: out.rindex("]") + 1], str(root)))


def measure(name: str) -> Row:
    pkg = PACKAGES[name]
    trees = {
        kind: unpack(pkg, name, WORK / f"{name}-{kind}") for kind in ("before", "ruff", "heal")
    }
    before = ruff_codes(trees["before"], pkg.source)
    run(
        [sys.executable, "-m", "ruff", *ruff_args(trees["ruff"], pkg.source, fix=True)],
        cwd=trees["ruff"],
    )
    args = ["--scan", pkg.source, "--fix", "--select", "ruff:", "--select", "import"]
    out = run([str(BIN / "heal"), *args, "--output-format", "json"], cwd=trees["heal"])
    report = heal_report(out, str(trees["heal"]))
    after_ruff, after_heal = (
        ruff_codes(trees["ruff"], pkg.source),
        ruff_codes(trees["heal"], pkg.source),
    )
    fixed_ruff, fixed_heal = before - after_ruff, before - after_heal
    own = Counter(
        f["code"]
        for f in report["findings"]
        if f["status"] == "fixed" and not f["code"].startswith("ruff:")
    )
    left: dict[str, list[str]] = {}
    for code in fixed_ruff:
        if fixed_heal[code] < fixed_ruff[code]:
            reasons = Counter(
                f.get("fix", "")
                for f in report["findings"]
                if f["code"] == code and f["status"] != "fixed"
            )
            left[code] = [f"{n}x {why}" for why, n in reasons.most_common(3)]
    return Row(
        package=pkg.spec,
        before=sum(before.values()),
        after_ruff=sum(after_ruff.values()),
        after_heal=sum(after_heal.values()),
        fixed_ruff=dict(fixed_ruff.most_common()),
        fixed_heal=dict(fixed_heal.most_common()),
        heal_own=dict(own.most_common()),
        heal_left=left,
    )


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| package | ruff findings before | fixed by ruff check --fix | fixed by heal --fix"
        " | heal's own import fixes | codes heal fixed less of |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        fewer = ", ".join(
            f"{c} ({r.fixed_heal.get(c, 0)} vs {n})"
            for c, n in r.fixed_ruff.items()
            if r.fixed_heal.get(c, 0) < n
        )
        lines.append(
            f"| {r.package} | {r.before} | {r.before - r.after_ruff} | {r.before - r.after_heal}"
            f" | {sum(r.heal_own.values())} | {fewer or 'none'} |"
        )
    t = [sum(getattr(r, k) for r in rows) for k in ("before", "after_ruff", "after_heal")]
    own = sum(sum(r.heal_own.values()) for r in rows)
    lines.append(f"| **total** | {t[0]} | {t[0] - t[1]} | {t[0] - t[2]} | {own} | |")
    lines.append("")
    for r in rows:
        for code, reasons in r.heal_left.items():
            lines.append(f"- {r.package} {code}: heal left {'; '.join(reasons)}")
        more = {c: n - r.fixed_ruff.get(c, 0) for c, n in r.fixed_heal.items()}
        extra = {c: n for c, n in more.items() if n > 0}
        if extra:
            lines.append(f"- {r.package}: heal fixed more than ruff of {extra}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return common.main(__doc__, WORK, measure, table, argv)


if __name__ == "__main__":
    raise SystemExit(main())
