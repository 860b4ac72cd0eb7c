"""`--output-format sarif`: valid against the official OASIS SARIF 2.1.0 schema (vendored in
tests/data/) and against what GitHub code scanning needs beyond the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.helpers import REPO, commit_all, copy_sample, heal, make_repo

_GITHUB_ERRORS_PATTERN = re.compile(r"^[a-z][a-z0-9+.-]*:|^/")

SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
UNUSED_IMPORT = '"""Imports what it never uses."""\n\nimport os\nimport sys\n\nprint(sys.argv)\n'


def schema_errors(log: dict[str, Any]) -> list[str]:
    cls = jsonschema.validators.validator_for(SCHEMA)
    checker = cls(SCHEMA, format_checker=cls.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in checker.iter_errors(log)]


def github_errors(log: dict[str, Any], repo: Path) -> list[str]:
    """GitHub's requirements the schema leaves open (docs: "SARIF support for code scanning"):
    non-empty rule texts, repo-relative URIs of real files, regions, fingerprints, limits."""
    errors: list[str] = []
    if log.get("version") != "2.1.0" or not log.get("$schema"):
        errors.append("log needs version 2.1.0 and $schema")
    runs = log.get("runs", [])
    if not 1 <= len(runs) <= 20:
        errors.append(f"{len(runs)} runs (1..20)")
    for run in runs:
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            errors.append("driver without a name")
        rules = driver.get("rules", [])
        ids = [r.get("id") for r in rules]
        if len(set(ids)) != len(ids):
            errors.append("duplicate rule ids")
        for rule in rules:
            errors += [
                f"rule {rule.get('id')}: no {key}.text"
                for key in ("shortDescription", "fullDescription", "help")
                if not rule.get(key, {}).get("text", "").strip()
            ]
            props = rule.get("properties", {})
            if len(props.get("tags", [])) > 20:
                errors.append(f"rule {rule['id']}: more than 20 tags")
            if "security-severity" in props:
                if not 0.1 <= float(props["security-severity"]) <= 10:
                    errors.append(f"rule {rule['id']}: security-severity out of 0.1..10")
                if "security" not in props.get("tags", []):
                    errors.append(f"rule {rule['id']}: security-severity without the tag")
        results = run.get("results", [])
        if len(results) > 25_000:
            errors.append("more than 25,000 results")
        for result in results:
            where = f"result {result.get('ruleId')}"
            if not result.get("message", {}).get("text"):
                errors.append(f"{where}: no message.text")
            if result.get("ruleId") not in ids:
                errors.append(f"{where}: ruleId not among the rules")
            elif ids[result.get("ruleIndex", -1)] != result["ruleId"]:
                errors.append(f"{where}: ruleIndex points at another rule")
            if not 1 <= len(result.get("locations", [])) <= 1000:
                errors.append(f"{where}: needs 1..1000 locations")
            if not result.get("partialFingerprints"):
                errors.append(f"{where}: no partialFingerprints")
            for loc in result.get("locations", [])[:1]:
                physical = loc["physicalLocation"]
                uri = physical["artifactLocation"]["uri"]
                if _GITHUB_ERRORS_PATTERN.match(uri) or ".." in uri.split("/"):
                    errors.append(f"{where}: URI {uri} is not repository-relative")
                elif not (repo / uri).is_file():
                    errors.append(f"{where}: URI {uri} names no file of the repository")
                region = physical.get("region", {})
                if not {"startLine", "startColumn", "endLine"} <= set(region):
                    errors.append(f"{where}: region {region} is incomplete")
    return errors


def sarif_scan(cwd: Path, *args: str) -> tuple[int, dict[str, Any]]:
    out = cwd / "heal.sarif"
    run = heal(cwd, *args, "--output-format", "sarif", "--output-file", str(out))
    assert run.code in (0, 1, 3), run.err
    assert run.out == ""  # the report went to the file
    return run.code, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("sarif") / "sample")


@pytest.fixture(scope="module")
def sample_sarif(sample: Path) -> dict[str, Any]:
    code, log = sarif_scan(sample, "--scan", ".")
    assert code == 3  # the sample holds HIGH bandit findings
    return log


@pytest.mark.slow
def test_sample_scan_validates_against_the_oasis_schema(sample_sarif):
    assert schema_errors(sample_sarif) == []


@pytest.mark.slow
def test_sample_scan_meets_githubs_requirements(sample, sample_sarif):
    assert github_errors(sample_sarif, sample) == []
    (run,) = sample_sarif["runs"]
    assert run["results"]


@pytest.mark.slow
def test_the_checks_can_fail(sample):
    """A broken log is caught: by the schema (3 errors, as in conventions.md) and by the GitHub
    checks (an absolute file URI, a result whose rule has no help)."""
    broken = {
        "$schema": "x",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"rules": [{"id": "r", "shortDescription": {"text": "s"}}]}},
                "results": [
                    {
                        "ruleId": "r",
                        "level": "critical",
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "file:///etc/passwd"},
                                    "region": {"startLine": 1},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }
    assert len(schema_errors(broken)) == 3
    found = github_errors(broken, sample)
    assert "driver without a name" in found
    assert "rule r: no help.text" in found
    assert "result r: URI file:///etc/passwd is not repository-relative" in found


@pytest.mark.slow
def test_one_rule_per_catalogue_rule_with_security_severity(sample_sarif):
    (run,) = sample_sarif["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {r["ruleId"] for r in run["results"]}
    hashlib = rules["weak-hash"]  # bandit B324, HIGH in the sample
    assert hashlib["properties"]["security-severity"] == "8.0"
    assert "security" in hashlib["properties"]["tags"]
    assert "bandit:B324" in hashlib["help"]["text"]
    catalogued = rules["undefined-stdlib-name"]  # a rule file: its own summary and why
    assert catalogued["shortDescription"]["text"].startswith("Import a standard-library name")
    assert "NameError" in catalogued["fullDescription"]["text"]
    assert "This fix is safe" in catalogued["help"]["text"]
    assert rules["unused-import"]["helpUri"] == "https://docs.astral.sh/ruff/rules/unused-import/"


@pytest.mark.slow
def test_fingerprints_are_heals_own(sample):
    json_run = heal(sample, "--scan", ".", "--output-format", "json")
    _, log = sarif_scan(sample, "--scan", ".")
    from_json = {f["fingerprint"] for f in json_run.json()["findings"]}
    (run,) = log["runs"]
    from_sarif = {r["partialFingerprints"]["healFingerprint/v1"] for r in run["results"]}
    assert from_sarif == from_json


def apply_replacements(text: str, replacements: list[dict[str, Any]]) -> str:
    """SARIF replacements (1-based lines and columns, end exclusive) applied to `text`."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    spans = []
    for rep in replacements:
        region = rep["deletedRegion"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        spans.append((start, end, rep.get("insertedContent", {}).get("text", "")))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


@pytest.mark.slow
def test_a_proposed_fix_is_a_sarif_fix_that_applies(tmp_path):
    repo = make_repo(tmp_path / "app", {"app.py": UNUSED_IMPORT})
    code, log = sarif_scan(repo, "--scan", ".")
    assert code == 1
    (run,) = log["runs"]
    (result,) = [r for r in run["results"] if r["ruleId"] == "unused-import"]
    assert result["properties"]["status"] == "fixable"
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "app.py"
    fixed = apply_replacements(UNUSED_IMPORT, change["replacements"])
    assert fixed == '"""Imports what it never uses."""\n\nimport sys\n\nprint(sys.argv)\n'
    heal(repo, "--scan", ".", "--fix")
    assert (repo / "app.py").read_text() == fixed  # the same edit --fix makes


@pytest.mark.slow
def test_an_unsafe_fix_says_so(sample_sarif):
    (run,) = sample_sarif["runs"]
    unsafe = [r for r in run["results"] if r["properties"]["status"] == "unsafe-fix"]
    assert unsafe  # the sample's `== None` (ruff E711) has an unsafe edit
    for result in unsafe:
        for fix in result.get("fixes", []):
            assert "only with --unsafe-fixes" in fix["description"]["text"]
    assert any(r.get("fixes") for r in unsafe)


@pytest.mark.slow
def test_uris_are_relative_to_the_repository_not_the_project(tmp_path):
    repo = make_repo(tmp_path / "mono", {"README.md": "x\n"}, commit=False)
    copy = copy_sample(tmp_path / "sample")
    for path in copy.rglob("*"):
        if ".git" not in path.parts and path.is_file():
            dest = repo / "services" / "api" / path.relative_to(copy)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(path.read_bytes())
    commit_all(repo)
    _, log = sarif_scan(repo, "--scan", "services/api")
    (run,) = log["runs"]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert uris and all(u.startswith("services/api/src/app/") for u in uris), uris
    assert github_errors(log, repo) == []
    annotations = heal(repo, "--scan", "services/api", "--output-format", "github").out
    files = re.findall(r"file=([^,]*),", annotations)
    assert files and all(f.startswith("services/api/src/app/") for f in files), files


@pytest.mark.slow
def test_annotations_carry_the_end_column_on_one_line(tmp_path):
    repo = make_repo(tmp_path / "app", {"app.py": UNUSED_IMPORT})
    out = heal(repo, "--scan", ".", "--output-format", "github").out
    assert out.startswith("::warning file=app.py,line=3,col=8,"), out
    assert ",endLine=3,endColumn=10::" in out, out  # `os` spans columns 8-9


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_output_file_takes_any_format(tmp_path, fmt):
    repo = make_repo(tmp_path / "app", {"app.py": UNUSED_IMPORT})
    to_stdout = heal(repo, "--scan", ".", "--output-format", fmt)
    to_file = heal(repo, "--scan", ".", "--output-format", fmt, "--output-file", "out.txt")
    assert (to_file.code, to_file.out) == (to_stdout.code, "")
    assert (repo / "out.txt").read_text() == to_stdout.out
    assert "F401" in to_stdout.out


@pytest.mark.slow
def test_an_unwritable_output_file_is_an_error(tmp_path):
    repo = make_repo(tmp_path / "app", {"app.py": UNUSED_IMPORT})
    run = heal(repo, "--scan", ".", "--output-format", "sarif", "--output-file", "no/such/dir/x")
    assert run.code == 2
    # one line, naming the file once (made absolute: the report path is resolved before the run)
    assert run.err.count("no/such/dir/x") == 1 and run.err.count("\n") == 1, run.err
    assert "cannot write " in run.err and "no/such/dir/x: No such file or directory" in run.err
