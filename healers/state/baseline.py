"""The baseline: `heal baseline` records today's findings in .heal/baseline.json; runs report
them as `baseline` and never fail on them: new code is held to the bar, legacy code is not."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from healers import __version__, catalogue, config, engine, files, project, tools
from healers.finding import Outcome

BASELINE = "baseline.json"


def load(state_dir: Path) -> frozenset[str]:
    """The fingerprints in .heal/baseline.json; none when there is no baseline."""
    path = state_dir / BASELINE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return frozenset()
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


def main(argv: Sequence[str] | None = None) -> int:
    """`heal baseline [PATH]`: accept every finding of today as the baseline."""
    parser = argparse.ArgumentParser(prog="heal baseline", description=main.__doc__)
    parser.add_argument("path", nargs="?", default=".", help="the project to scan (default .)")
    args = parser.parse_args(argv)
    try:
        catalogue.load()
        proj, conf = project.select(
            [],
            scan=args.path,
            cwd=Path.cwd(),
            config_for=lambda root: config.load(root / "pyproject.toml", explicit=False),
        )
        rep = engine.run(proj, conf, engine.Options())
        state_dir = engine.ensure_state_dir(proj.root)
        data = dump(rep.outcomes).encode("utf-8")
        with files.locked(state_dir):
            files.write_atomic(state_dir / BASELINE, data, root=state_dir)
    except (
        project.SelectError,
        config.ConfigError,
        catalogue.CatalogueError,
        tools.AnalyzerError,
        OSError,
    ) as exc:
        print(f"heal baseline: error: {exc}", file=sys.stderr)
        return 2
    print(
        f"heal baseline: {len(rep.outcomes)} finding(s) recorded in "
        f"{state_dir / BASELINE}; runs report them as `baseline` and do not fail on them"
    )
    return 0
