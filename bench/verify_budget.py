"""How many runs of the verify command bisection spends on one pass of 200 fixes (10 rules x 20
files) when 1, 5 or 50 of them break it: heal's bounded bisection against an older heal's
unbounded one (`--before PATH/healers/bisection.py`), in one run. Not a test; it prints a table.

    python bench/verify_budget.py --before /work/wt-speed-base/healers/bisection.py
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from healers import bisection
from healers.finding import Span

LAYOUT = [(f"rule-{r}", f"f{f}.py") for r in range(10) for f in range(20)]


def _units(module: Any) -> list[Any]:
    return [
        module.Unit(path, rule, (f"fp{i}",), (Span(i, i + 1, ""),))
        for i, (rule, path) in enumerate(sorted(LAYOUT))
    ]


def _cases() -> dict[str, Callable[[int], bool]]:
    return {
        "1 culprit": lambda i: i == 117,
        "5 culprits, 5 rules": lambda i: i in (3, 47, 88, 131, 176),
        "50 culprits, 3 rules (20 + 20 + 10)": lambda i: i // 20 in (2, 6) or 160 <= i < 170,
        "50 culprits, scattered": lambda i: (i * 37) % 200 < 50,
    }


def runs(module: Any, bad: Callable[[int], bool]) -> tuple[int, int, int]:
    """(runs, fixes taken back, good fixes among them)."""
    units = _units(module)
    calls = 0

    def passes(subset: frozenset[int]) -> bool:
        nonlocal calls
        calls += 1
        return not any(bad(i) for i in subset)

    found = module.isolate(units, passes)
    taken = list(getattr(found, "taken", found))
    return calls, len(taken), sum(1 for i in taken if not bad(i))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--before", type=Path, help="an older healers/bisection.py to compare")
    args = p.parse_args(argv)
    sides: dict[str, Any] = {"after": bisection}
    if args.before:
        spec = importlib.util.spec_from_file_location("bisection_before", args.before)
        assert spec is not None and spec.loader is not None
        before = importlib.util.module_from_spec(spec)
        sys.modules["bisection_before"] = before  # dataclasses look their module up there
        spec.loader.exec_module(before)
        sides = {"before": before, **sides}
    print(f"200 fixes; default verify-budget {bisection.budget_for(200)} runs")
    print(f"{'case':40}" + "".join(f"{s + ': runs, taken back (good)':>36}" for s in sides))
    for case, bad in _cases().items():
        cells = [runs(module, bad) for module in sides.values()]
        print(f"{case:40}" + "".join(f"{f'{r}, {t} ({g})':>36}" for r, t, g in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
