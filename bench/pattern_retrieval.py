"""Is finding similar past heals fast enough to do for every proposal? Fills a pattern store
(.heal/patterns.sqlite, through healers.state.patterns.add) with N patterns cut from real code,
then times `patterns.similar()` (the call --propose makes for each finding: it opens the store,
asks for the rule's own patterns by BM25 over the normalised snippet through sqlite's FTS5, then
its latest, then other rules') against a plain Python scan that scores every pattern by the words
it shares with the query. The goal is **under 100 ms per lookup at 10,000 patterns**.

    python bench/pattern_retrieval.py                 # 10,000 patterns, 300 lookups
    python bench/pattern_retrieval.py --patterns 50000 --queries 500 --json

The snippets come from the .py files of an unpacked sdist (rich 13.9.4 from bench/scan_speed.py's
or /work/bench-cache's copy; --source DIR for another folder). Rules are drawn from heal's own
catalogue with a skewed spread (a few rules hold most patterns, as in a real project). Prints
figures; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from healers import catalogue, snippets
from healers.state import patterns

HERE = Path(__file__).resolve().parent
SOURCES = (
    HERE / ".work" / "src" / "rich-13.9.4",
    Path("/work/bench-cache/src/rich-13.9.4"),
)
GOAL_MS = 100.0


def cut(folder: Path, lines_each: int = 4) -> list[tuple[str, frozenset[str]]]:
    """Snippets of `lines_each` lines (non-blank) from every .py file, with the file's imports."""
    out = []
    for path in sorted(folder.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        keep = snippets.imported(text)
        lines = [line for line in text.splitlines(keepends=True) if line.strip()]
        starts = range(0, len(lines) - lines_each, lines_each)
        out.extend(("".join(lines[start : start + lines_each]), keep) for start in starts)
    return out


def fill(state_dir: Path, pieces: Sequence[tuple[str, frozenset[str]]], n: int, seed: int) -> list:
    """N patterns in the store: rule by a Zipf-like spread over the catalogue, the `after` a
    small edit of the `before` (the shape of a fix), all learned kept."""
    rng = random.Random(seed)
    rules = sorted(catalogue.load().rules.values(), key=lambda r: r.id)
    weights = [1 / (i + 1) for i in range(len(rules))]
    learned = []
    for i in range(n):
        code, keep = pieces[i % len(pieces)]
        rule = rng.choices(rules, weights)[0]
        after = code.replace("==", "is", 1) if "==" in code else code.rstrip("\n") + "  # fixed\n"
        pair = snippets.normalize(code, after, keep)
        code_name = rule.codes[0] if getattr(rule, "codes", None) else f"heal:{rule.id}"
        learned.append(patterns.Learned(rule.id, code_name, "codemod", pair.before, pair.after))
    for start in range(0, n, 1000):
        patterns.add(state_dir, learned[start : start + 1000])
    return rules


def scan_all(db_path: Path, rule: str, query: str, k: int = 3) -> list[int]:
    """The plain way: read every pattern, score by shared words, the rule's own first."""
    words = set(snippets.words(query))
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT id, rule, before FROM patterns").fetchall()
    scored = sorted(
        rows,
        key=lambda r: (r[1] != rule, -len(words & set(snippets.words(r[2])))),
    )
    return [r[0] for r in scored[:k]]


def timed(calls: Sequence[tuple[str, str]], fn) -> list[float]:  # type: ignore[no-untyped-def]
    took = []
    for rule, query in calls:
        start = time.perf_counter()
        fn(rule, query)
        took.append((time.perf_counter() - start) * 1000)
    return took


def summary(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[int(0.95 * (len(ordered) - 1))],
        "max": ordered[-1],
    }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--patterns", type=int, default=10_000)
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--source", type=Path, default=None)
    p.add_argument("--seed", type=int, default=16)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    source = args.source or next((s for s in SOURCES if s.is_dir()), None)
    if source is None:
        raise SystemExit("no source folder: run bench/scan_speed.py once, or give --source DIR")
    pieces = cut(source)
    rng = random.Random(args.seed)
    rng.shuffle(pieces)
    stored, asked = pieces[: max(1, len(pieces) - args.queries)], pieces[-args.queries :]
    with tempfile.TemporaryDirectory(prefix="heal-patterns-") as tmp:
        state_dir = Path(tmp) / ".heal"
        start = time.perf_counter()
        rules = fill(state_dir, stored, args.patterns, args.seed)
        build = time.perf_counter() - start
        db_path = state_dir / patterns.PATTERNS
        calls = []
        for code, keep in asked:  # snippets the store does not hold, each for a drawn rule
            rule = rng.choices(rules, [1 / (i + 1) for i in range(len(rules))])[0].id
            calls.append((rule, snippets.normalize(code, "", keep).before))
        first = timed(calls[:1], lambda r, q: patterns.similar(state_dir, r, q))[0]
        fts = timed(calls, lambda r, q: patterns.similar(state_dir, r, q))
        plain = timed(calls[: max(1, len(calls) // 10)], lambda r, q: scan_all(db_path, r, q))
        found = sum(bool(patterns.similar(state_dir, r, q)) for r, q in calls[:50])
        result = {
            "patterns": args.patterns,
            "distinct_snippets": len(stored),
            "queries": len(calls),
            "store_mb": db_path.stat().st_size / 1e6,
            "build_seconds": build,
            "first_lookup_ms": first,
            "similar_ms": summary(fts),
            "plain_scan_ms": summary(plain),
            "found_some": f"{found}/50",
            "python": sys.version.split()[0],
            "sqlite": sqlite3.sqlite_version,
        }
    result["ratio_median"] = result["similar_ms"]["median"] / result["plain_scan_ms"]["median"]
    result["goal_met"] = result["similar_ms"]["p95"] < GOAL_MS
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{args.patterns} patterns ({len(stored)} distinct snippets from {source.name}), "
        f"{result['store_mb']:.1f} MB, built in {build:.1f} s; sqlite {sqlite3.sqlite_version}"
    )
    print(f"{'':<34}{'median':>10}{'p95':>10}{'max':>10}")
    for label, key in (
        ("patterns.similar (FTS5, BM25)", "similar_ms"),
        ("plain scan", "plain_scan_ms"),
    ):
        s = result[key]
        print(f"{label:<34}{s['median']:>8.1f}ms{s['p95']:>8.1f}ms{s['max']:>8.1f}ms")
    print(
        f"first lookup (store just built): {first:.1f} ms; lookups that found a pattern: {found}/50"
    )
    print(
        f"similar / plain scan (median): {result['ratio_median']:.3f}; goal p95 < {GOAL_MS:g} ms: "
        + ("met" if result["goal_met"] else "NOT met")
    )
    return 0 if result["goal_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
