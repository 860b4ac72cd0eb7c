"""The baseline: `heal baseline` records today's findings in .heal/baseline.json; runs report
them as `baseline` and never fail on them: new code is held to the bar, legacy code is not."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from healers import __version__, config, folder, write
from healers.finding import Outcome

BASELINE = "baseline.json"


def load(state_dir: Path) -> frozenset[str]:
    """The fingerprints in .heal/baseline.json; none when there is no baseline."""
    path = state_dir / BASELINE
    try:
        with folder.opened(state_dir) as place:
            raw = place.read(BASELINE)
        if raw is None:
            return frozenset()
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        return frozenset()
    except folder.StateError:
        raise
    except (OSError, ValueError) as exc:
        raise config.ConfigError(f"{path}: not a heal baseline: {exc}") from None
    prints = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(prints, dict):
        raise config.ConfigError(f"{path}: not a heal baseline (no `findings` table)")
    return frozenset(prints)


def dump(outcomes: Sequence[Outcome]) -> str:
    """Stable JSON, sorted by fingerprint, one short description each: the file is committed and
    its diffs should read well."""
    described = {
        o.fingerprint: f"{o.finding.path}:{o.finding.line} {o.finding.code} [{o.rule.id}]"
        for o in outcomes
    }
    payload = {"heal_version": __version__, "findings": dict(sorted(described.items()))}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def save(state_dir: Path, outcomes: Sequence[Outcome]) -> Path:
    """Write every outcome's fingerprint to .heal/baseline.json, under heal's lock."""
    with write.locked(state_dir), folder.opened(state_dir) as place:
        write.write_in(place, BASELINE, dump(outcomes).encode("utf-8"))
    return state_dir / BASELINE
