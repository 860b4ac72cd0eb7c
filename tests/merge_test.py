"""heal merge: N shard reports give the single run's report (findings, fingerprints, order,
summary; the SARIF byte for byte), with --fix the same fixed tree; on the sample and on a
generated 2,000-file repository."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from healers.imports.cycles import ROOTS, module_names
from tests import synthetic
from tests.helpers import commit_all, copy_sample, git, heal, make_repo

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end


def report(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def shards(repo: Path, out: Path, count: int, *extra: str) -> list[str]:
    """`heal --scan --shard K/N` for every K, each report to out/K-of-N.json."""
    names = []
    for k in range(1, count + 1):
        name = str(out / f"{k}-of-{count}.json")
        run = heal(
            repo,
            "--scan",
            "--shard",
            f"{k}/{count}",
            *extra,
            "--output-format",
            "json",
            "--output-file",
            name,
        )
        assert run.code in (0, 1, 3), run.err
        names.append(name)
    return names


def same(single: dict[str, Any], merged: dict[str, Any]) -> None:
    assert merged["findings"] == single["findings"]
    assert merged["summary"] == single["summary"]
    assert merged["changed_files"] == single["changed_files"]


@pytest.mark.parametrize("count", [1, 4])
def test_merged_shards_are_the_single_run_on_the_sample(tmp_path, count):
    repo = copy_sample(tmp_path / "repo")
    out = tmp_path / "out"
    out.mkdir()
    for fmt in ("json", "sarif"):
        single = heal(repo, "--scan", "--output-format", fmt, "--output-file", str(out / fmt))
        assert single.code == 3, single.err
    names = shards(repo, out, count)
    cycles = [f for n in names for f in report(Path(n))["findings"] if f["rule"] == "import-cycle"]
    assert cycles == []  # the shards leave the import graph to the merge
    for fmt in ("json", "sarif"):
        merged = heal(repo, "merge", str(out / f"merged.{fmt}"), "--format", fmt, *names)
        assert merged.code == 0, merged.err
    same(report(out / "json"), report(out / "merged.json"))
    assert any(f["rule"] == "import-cycle" for f in report(out / "merged.json")["findings"])
    assert (out / "merged.sarif").read_text() == (out / "sarif").read_text()
    if count == 4:
        merge_reads_no_source(repo, out, names)


def merge_reads_no_source(repo: Path, out: Path, names: list[str]) -> None:
    """The shards ship their files' import statements: after they ran, two files outside any
    cycle rewritten to import each other make a cycle a scan sees, and the merge does not."""
    in_cycles = {f["path"] for f in report(out / "json")["findings"] if f["rule"] == "import-cycle"}
    paths = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*.py"))
    first, second = [p for p in paths if p not in in_cycles and module_names(p, ROOTS)][:2]
    (repo / first).write_text(f"import {module_names(second, ROOTS)[0]}\n")
    (repo / second).write_text(f"import {module_names(first, ROOTS)[0]}\n")
    merged = heal(repo, "merge", str(out / "unread.json"), "--format", "json", *names)
    assert merged.code == 0, merged.err
    same(report(out / "json"), report(out / "unread.json"))
    rescan = heal(repo, "--scan", "--select", "import-cycle", "--output-format", "json")
    assert {first, second} <= {f["path"] for f in rescan.json()["findings"]}  # it would see it


def test_merged_fix_shards_are_the_single_fix_run_on_the_sample(tmp_path):
    """Each shard fixes its files in its own checkout; the merge applies the patches, heals the
    import cycles, and the tree and the report are the single --fix run's."""
    origin = copy_sample(tmp_path / "origin")
    single = tmp_path / "single"
    git(tmp_path, "clone", "-q", str(origin), str(single))
    run = heal(
        single,
        "--scan",
        "--fix",
        "--output-format",
        "json",
        "--output-file",
        str(tmp_path / "single.json"),
    )
    assert run.code == 3, run.err
    merged_tree = tmp_path / "merged"
    git(tmp_path, "clone", "-q", str(origin), str(merged_tree))
    names = []
    for k in range(1, 4):
        job = tmp_path / f"shard{k}"
        git(tmp_path, "clone", "-q", str(origin), str(job))
        names += shards_one(job, tmp_path, k, 3)
        patch = subprocess.run(  # bytes: the sample has CRLF files
            ["git", "diff", "--binary", "--", "*.py"], cwd=job, capture_output=True, check=True
        ).stdout
        if patch:
            (tmp_path / f"{k}.patch").write_bytes(patch)
            git(merged_tree, "apply", str(tmp_path / f"{k}.patch"))
    merged = heal(
        merged_tree, "merge", str(tmp_path / "merged.json"), "--fix", "--format", "json", *names
    )
    assert merged.code == 0, merged.err
    same(report(tmp_path / "single.json"), report(tmp_path / "merged.json"))
    fixed_cycles = [
        f
        for f in report(tmp_path / "merged.json")["findings"]
        if f["rule"] == "import-cycle" and f["status"] == "fixed"
    ]
    assert fixed_cycles  # healed by the merge, reported where the run first saw them
    for path in sorted(single.rglob("*.py")):
        rel = path.relative_to(single)
        assert (merged_tree / rel).read_bytes() == path.read_bytes(), rel


def shards_one(job: Path, out: Path, k: int, count: int) -> list[str]:
    name = str(out / f"{k}-of-{count}.json")
    run = heal(
        job,
        "--scan",
        "--fix",
        "--shard",
        f"{k}/{count}",
        "--output-format",
        "json",
        "--output-file",
        name,
    )
    assert run.code in (0, 1, 3), run.err
    return [name]


def test_merged_shards_are_the_single_run_on_2000_generated_files(tmp_path):
    repo = synthetic.generate(tmp_path / "repo", files=2000)
    make_repo(repo, {})
    out = tmp_path / "out"
    out.mkdir()
    single = heal(repo, "--scan", "--output-format", "json", "--output-file", str(out / "single"))
    assert single.code in (1, 3), single.err  # 3 when a generated HIGH finding blocks
    expected = report(out / "single")
    assert expected["summary"]["found"] > 10_000
    assert {f["category"] for f in expected["findings"]} >= {
        "type",
        "import",
        "style",
        "security",
        "performance",
        "logic",
    }
    for count in (1, 4):
        names = shards(repo, out, count)
        merged = heal(repo, "merge", str(out / f"merged-{count}"), "--format", "json", *names)
        assert merged.code == 0, merged.err
        same(expected, report(out / f"merged-{count}"))


def test_merge_refuses_an_incomplete_or_foreign_set(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.py": "import os\n", "b.py": "import sys\n"})
    out = tmp_path / "out"
    out.mkdir()
    one, two = shards(repo, out, 2)
    plain = out / "plain.json"
    assert heal(repo, "--scan", "--output-format", "json", "--output-file", str(plain)).code == 1
    cases = {
        (one,): "shard(s) 2/2 missing",
        (one, one): "also",
        (one, two, str(plain)): "not a shard report",
        (str(out / "none.json"),): "not a heal JSON report",
    }
    shutil.copy(one, out / "other.json")
    data = report(out / "other.json")
    data["shard"] = "1/3"
    (out / "other.json").write_text(json.dumps(data))
    cases[(one, two, str(out / "other.json"))] = "different splits"
    for inputs, message in cases.items():
        run = heal(repo, "merge", str(out / "merged.json"), *inputs)
        assert run.code == 2, (inputs, run.out)
        assert message in run.err and "Traceback" not in run.err
        assert len(run.err.strip().splitlines()) == 1
    commit_all(repo)
    assert heal(repo, "--shard", "1/2", "a.py").code == 2  # the hook mode is not split
