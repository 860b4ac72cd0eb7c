"""What verification says of a pass it rolled fixes back from: one line per rule, with its count
and files and the command's output once (the fingerprints are in each finding's status, in
`--output-format json`), so 50 failing fixes are not 50 notes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from healers.bisection import Isolated, Unit


def per_rule(
    units: Sequence[Unit],
    found: Isolated,
    failures: Sequence[tuple[frozenset[int], str]],
    fails: str,
    tail: Callable[[str], str],
) -> list[str]:
    by_rule: dict[str, list[int]] = {}
    for index in found.taken:
        by_rule.setdefault(units[index].rule, []).append(index)
    notes = []
    for rule, indexes in sorted(by_rule.items()):
        files = sorted({units[i].path for i in indexes})
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        why = "the rule as a whole: its fixes fail together" if rule in found.rules else fails
        if all(i in found.unproven for i in indexes):
            why = "unproven: verify-budget ran out"
        output = next((o for s, o in reversed(failures) if set(indexes) & s), "")
        said = tail(output) if "unproven" not in why else ""
        if len(indexes) == 1:
            unit = units[indexes[0]]
            prints = ", ".join(unit.fingerprints)
            notes.append(f"verify: rolled back a {rule} fix in {unit.path} ({prints}): {why}{said}")
        else:
            notes.append(
                f"verify: rolled back {len(indexes)} {rule} fixes in {shown} ({why}){said}"
            )
    return notes
