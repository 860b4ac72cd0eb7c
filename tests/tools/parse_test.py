"""The analyzers' parsers on real output: fixtures/captured/, written by fixtures/capture.sh."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath

import pytest

from healers import catalogue
from healers.finding import CATEGORIES, Edit, Finding, Fix
from healers.tools import AnalyzerError, bandit, mypy, ruff
from tests.helpers import REPO

FIXTURES = REPO / "fixtures"
CAPTURED = FIXTURES / "captured"
SAMPLE = FIXTURES / "sample_repo"
BROKEN = FIXTURES / "broken"


def captured(name: str) -> str:
    return (CAPTURED / name).read_text(encoding="utf-8")


def ruff_findings() -> list[Finding]:
    return ruff.read(captured("ruff.json"), str(SAMPLE))


def mypy_findings() -> list[Finding]:
    return mypy.read(captured("mypy.jsonl"), str(SAMPLE))


def bandit_findings() -> list[Finding]:
    findings, errors = bandit.read(captured("bandit.json"), str(SAMPLE))
    assert errors == []
    return findings


def all_findings() -> list[Finding]:
    return ruff_findings() + mypy_findings() + bandit_findings()


def one(findings: list[Finding], code: str, path: str, line: int) -> Finding:
    matches = [f for f in findings if (f.code, f.path, f.line) == (code, path, line)]
    assert len(matches) == 1, matches
    return matches[0]


def source(path: str) -> str:
    """A sample file's text exactly as on disk (CRLF kept)."""
    return (SAMPLE / path).read_bytes().decode("utf-8")


def span(finding: Finding) -> str:
    """The text a one-line finding points at, taking its columns as 1-based, end exclusive."""
    assert finding.end_line == finding.line
    text = source(finding.path).splitlines()[finding.line - 1]
    return text[finding.column - 1 : finding.end_column - 1]


def apply_edits(text: str, edits: tuple[Edit, ...]) -> str:
    """Apply 1-based (line, column) character edits, last first so earlier offsets stay valid."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    for e in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        begin = starts[e.line - 1] + e.column - 1
        end = starts[e.end_line - 1] + e.end_column - 1
        text = text[:begin] + e.content + text[end:]
    return text


# --- the fixtures themselves -------------------------------------------------------------------


def test_captures_are_not_stale():
    """capture.sh records a hash of every source it analyzed; re-run it after editing one."""
    recorded = {}
    for line in captured("sources.sha256").splitlines():
        digest, path = line.split("  ", 1)
        recorded[path] = digest
    on_disk = sorted(
        p.relative_to(FIXTURES).as_posix()
        for p in [*SAMPLE.glob("src/app/*.py"), *BROKEN.glob("*.py")]
    )
    assert sorted(recorded) == on_disk
    for path, digest in recorded.items():
        assert hashlib.sha256((FIXTURES / path).read_bytes()).hexdigest() == digest, path


def test_sample_compiles_and_broken_does_not():
    for path in SAMPLE.glob("src/app/*.py"):
        compile(path.read_bytes(), str(path), "exec")
    with pytest.raises(SyntaxError):
        compile((BROKEN / "syntax_error.py").read_bytes(), "syntax_error.py", "exec")


def test_legacy_file_keeps_crlf():
    data = (SAMPLE / "src/app/legacy_crlf.py").read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") == 13
    assert b"\r\n" not in (SAMPLE / "src/app/db.py").read_bytes()


def test_exit_codes():
    codes = dict(line.split() for line in captured("exit_codes.txt").splitlines())
    assert codes == {
        "ruff.json": "0",  # --exit-zero
        "mypy.jsonl": "1",
        "bandit.json": "1",
        "ruff_clean.json": "0",
        "mypy_clean.jsonl": "0",
        "bandit_errors.json": "0",  # a file bandit cannot parse is not a failure to bandit
        "mypy_syntax.jsonl": "2",  # a blocking error: mypy stops
        "ruff_syntax.json": "0",
    }


# --- every parser: paths and positions ----------------------------------------------------------


def test_paths_are_repo_relative_posix():
    for f in all_findings():
        p = PurePosixPath(f.path)
        assert not p.is_absolute(), f
        assert not f.path.startswith("./") and "\\" not in f.path and ".." not in p.parts, f
        assert str(p) == f.path, f
        assert (SAMPLE / f.path).is_file(), f


def test_positions_are_one_based_and_ordered():
    for f in all_findings():
        assert f.line >= 1 and f.column >= 1, f
        assert (f.end_line, f.end_column) >= (f.line, f.column), f


@pytest.mark.parametrize(
    ("code", "path", "line", "text"),
    [
        pytest.param("ruff:F401", "src/app/config.py", 4, "json", id="ruff unused import"),
        pytest.param("ruff:F821", "src/app/util.py", 22, "defaultdict", id="ruff undefined"),
        pytest.param("ruff:F821", "src/app/config.py", 29, "Path", id="ruff undefined Path"),
        pytest.param("ruff:UP045", "src/app/models.py", 18, "Optional[User]", id="ruff UP045"),
        pytest.param("ruff:E711", "src/app/config.py", 18, "None", id="ruff == None"),
        pytest.param("ruff:SIM118", "src/app/config.py", 23, "key in self.data.keys()", id="SIM"),
        pytest.param("ruff:B018", "src/app/db.py", 25, 'row["email"].lower', id="ruff B018"),
        pytest.param("ruff:B006", "src/app/models.py", 33, "[]", id="ruff mutable default"),
        pytest.param("ruff:W291", "src/app/legacy_crlf.py", 11, "  ", id="ruff W291 in CRLF"),
        pytest.param("ruff:E501", "src/app/legacy_crlf.py", 12, "]})", id="ruff E501 in CRLF"),
        pytest.param("mypy:name-defined", "src/app/util.py", 22, "defaultdict", id="mypy name"),
        pytest.param("mypy:union-attr", "src/app/models.py", 27, "self.manager.email", id="mypy"),
        pytest.param("mypy:assignment", "src/app/config.py", 29, "None", id="mypy default"),
        pytest.param("mypy:arg-type", "src/app/config.py", 35, "name", id="mypy arg-type"),
        pytest.param("mypy:return-value", "src/app/config.py", 26, 'self.get("port", "8080")'),
        pytest.param("bandit:B506", "src/app/config.py", 36, "yaml.load(fh)", id="bandit B506"),
        pytest.param("bandit:B105", "src/app/config.py", 9, '"change-me-2019"', id="B105"),
        pytest.param("bandit:B404", "src/app/db.py", 5, "import subprocess", id="B404"),
        pytest.param("bandit:B602", "src/app/db.py", 54, "subprocess.run(cmd, shell=True)"),
        pytest.param("bandit:B324", "src/app/db.py", 50, "hashlib.md5(password.encode())"),
    ],
)
def test_columns_point_at_the_flagged_text(code, path, line, text):
    assert span(one(all_findings(), code, path, line)) == text


def test_ruff_and_mypy_agree_on_undefined_names():
    ruff, mypy = ruff_findings(), mypy_findings()
    for path, line in [
        ("src/app/util.py", 22),
        ("src/app/config.py", 29),
        ("src/app/config.py", 30),
    ]:
        r = one(ruff, "ruff:F821", path, line)
        m = one(mypy, "mypy:name-defined", path, line)
        assert (m.column, m.end_line, m.end_column) == (r.column, r.end_line, r.end_column)


MESSAGES = [
    ("ruff:F401", "src/app/config.py", 4, "`json` imported but unused"),
    ("ruff:F401", "src/app/legacy_crlf.py", 5, "`os` imported but unused"),
    ("ruff:F821", "src/app/util.py", 22, "Undefined name `defaultdict`"),
    ("ruff:I001", "src/app/db.py", 3, "Import block is un-sorted or un-formatted"),
    ("ruff:F541", "src/app/app.py", 48, "f-string without any placeholders"),
    ("ruff:W291", "src/app/app.py", 12, "Trailing whitespace"),
    ("ruff:E722", "src/app/db.py", 22, "Do not use bare `except`"),
    ("ruff:PERF401", "src/app/db.py", 46, "Use a list comprehension to create a transformed list"),
    (
        "ruff:PLW0120",
        "src/app/db.py",
        39,
        "`else` clause on loop without a `break` statement; "
        "remove the `else` and dedent its contents",
    ),
    ("mypy:name-defined", "src/app/util.py", 22, 'Name "defaultdict" is not defined'),
    (
        "mypy:union-attr",
        "src/app/models.py",
        27,
        'Item "None" of "User | None" has no attribute "email"',
    ),
    (
        "mypy:return-value",
        "src/app/config.py",
        26,
        'Incompatible return value type (got "str | None", expected "int")',
    ),
    (
        "mypy:assignment",
        "src/app/config.py",
        29,
        'Incompatible default for parameter "name" '
        '(default has type "None", parameter has type "str")',
    ),
    ("mypy:import-untyped", "src/app/config.py", 5, 'Library stubs not installed for "yaml"'),
    (
        "mypy:call-arg",
        "src/app/app.py",
        38,
        'Unexpected keyword argument "active_only" for "list_users"',
    ),
    ("bandit:B105", "src/app/config.py", 9, "Possible hardcoded password: 'change-me-2019'"),
    (
        "bandit:B506",
        "src/app/config.py",
        36,
        "Use of unsafe yaml load. Allows instantiation of arbitrary objects. "
        "Consider yaml.safe_load().",
    ),
    (
        "bandit:B602",
        "src/app/db.py",
        54,
        "subprocess call with shell=True identified, security issue.",
    ),
    ("bandit:B113", "src/app/db.py", 57, "Call to requests without timeout"),
]


@pytest.mark.parametrize(("code", "path", "line", "message"), MESSAGES)
def test_message(code, path, line, message):
    assert one(all_findings(), code, path, line).message == message


# --- ruff ---------------------------------------------------------------------------------------

RUFF_COUNTS = {
    "ruff:UP045": 5,
    "ruff:I001": 3,
    "ruff:F401": 3,
    "ruff:F821": 3,
    "ruff:W291": 2,
    "ruff:UP035": 2,
    "ruff:UP006": 2,
    "ruff:UP032": 2,
    "ruff:PERF401": 2,
    "ruff:PERF102": 1,
    "ruff:F541": 1,
    "ruff:E711": 1,
    "ruff:E712": 1,
    "ruff:E722": 1,
    "ruff:E501": 1,
    "ruff:SIM118": 1,
    "ruff:RUF013": 1,
    "ruff:UP015": 1,
    "ruff:B006": 1,
    "ruff:B018": 1,
    "ruff:PLW0120": 1,
    "ruff:PLW1510": 1,
    "ruff:C419": 1,
    "ruff:C403": 1,
}


def test_ruff_counts():
    findings = ruff_findings()
    assert Counter(f.code for f in findings) == RUFF_COUNTS
    assert {f.severity for f in findings} == {"error"}
    assert {f.confidence for f in findings} == {""}


@pytest.mark.parametrize(
    ("code", "path", "line", "column", "end", "name"),
    [
        ("ruff:F401", "src/app/config.py", 4, 8, (4, 12), "unused-import"),
        ("ruff:F401", "src/app/legacy_crlf.py", 5, 8, (5, 10), "unused-import"),
        ("ruff:F821", "src/app/util.py", 22, 14, (22, 25), "undefined-name"),
        ("ruff:I001", "src/app/db.py", 3, 1, (8, 28), "unsorted-imports"),
        ("ruff:F541", "src/app/app.py", 48, 18, (48, 53), "f-string-missing-placeholders"),
        ("ruff:W291", "src/app/app.py", 12, 34, (12, 35), "trailing-whitespace"),
        ("ruff:E722", "src/app/db.py", 22, 9, (22, 15), "bare-except"),
        ("ruff:PERF401", "src/app/db.py", 46, 17, (46, 42), "manual-list-comprehension"),
        ("ruff:PERF102", "src/app/app.py", 22, 20, (22, 34), "incorrect-dict-iterator"),
        ("ruff:PLW0120", "src/app/db.py", 39, 9, (39, 13), "useless-else-on-loop"),
    ],
)
def test_ruff_finding(code, path, line, column, end, name):
    f = one(ruff_findings(), code, path, line)
    assert (f.column, (f.end_line, f.end_column), f.name) == (column, end, name)


@pytest.mark.parametrize(
    ("code", "path", "line", "fix"),
    [
        pytest.param(
            "ruff:F401",
            "src/app/config.py",
            4,
            Fix("safe", "Remove unused import: `json`", (Edit(4, 1, 5, 1, ""),)),
            id="delete an import line",
        ),
        pytest.param(
            "ruff:F401",
            "src/app/legacy_crlf.py",
            5,
            Fix("safe", "Remove unused import: `os`", (Edit(5, 1, 6, 1, ""),)),
            id="delete an import line in a CRLF file",
        ),
        pytest.param(
            "ruff:W291",
            "src/app/legacy_crlf.py",
            11,
            Fix("safe", "Remove trailing whitespace", (Edit(11, 23, 11, 25, ""),)),
            id="trailing whitespace before CRLF",
        ),
        pytest.param(
            "ruff:UP045",
            "src/app/models.py",
            18,
            Fix("safe", "Convert to `X | None`", (Edit(18, 14, 18, 28, "User | None"),)),
            id="Optional",
        ),
        pytest.param(
            "ruff:PLW0120",
            "src/app/db.py",
            39,
            Fix("safe", "Remove `else`", (Edit(39, 1, 41, 1, "        return None\n"),)),
            id="multi-line edit",
        ),
        pytest.param(
            "ruff:E711",
            "src/app/config.py",
            18,
            Fix("unsafe", "Replace with `cond is None`", (Edit(18, 12, 18, 25, "value is None"),)),
            id="unsafe",
        ),
        pytest.param(
            "ruff:B006",
            "src/app/models.py",
            33,
            Fix(
                "unsafe",
                "Replace with `None`; initialize within function",
                (
                    Edit(33, 33, 33, 35, "None"),
                    Edit(34, 1, 34, 1, "    if roles is None:\n        roles = []\n"),
                ),
            ),
            id="two edits, one an insertion",
        ),
        pytest.param(
            "ruff:PLW1510",
            "src/app/db.py",
            54,
            # ruff writes this applicability as "displayonly"
            Fix(
                "display-only",
                "Add explicit `check=False`",
                (Edit(54, 29, 54, 29, "check=False, "),),
            ),
            id="display-only",
        ),
    ],
)
def test_ruff_fix(code, path, line, fix):
    f = one(ruff_findings(), code, path, line)
    assert f.fix == fix
    assert f.hint == fix.message


@pytest.mark.parametrize(
    ("code", "path", "line"),
    [
        ("ruff:F821", "src/app/util.py", 22),
        ("ruff:E722", "src/app/db.py", 22),
        ("ruff:B018", "src/app/db.py", 25),
        ("ruff:PERF401", "src/app/db.py", 46),
        ("ruff:UP035", "src/app/config.py", 6),
    ],
)
def test_ruff_finding_without_fix(code, path, line):
    f = one(ruff_findings(), code, path, line)
    assert f.fix is None
    assert f.hint == ""


def test_ruff_applicability_counts():
    counts = Counter(f.fix.applicability if f.fix else None for f in ruff_findings())
    assert counts == {"safe": 20, "unsafe": 8, "display-only": 1, None: 10}


def test_ruff_safe_fixes_apply_alone_and_compile():
    for f in ruff_findings():
        if f.fix is None or f.fix.applicability != "safe":
            continue
        after = apply_edits(source(f.path), f.fix.edits)
        assert after != source(f.path), f
        compile(after, f.path, "exec")
        if f.path.endswith("legacy_crlf.py"):
            assert after.count("\n") == after.count("\r\n"), f


def test_ruff_safe_fix_edits_the_right_characters():
    crlf = "src/app/legacy_crlf.py"
    fix = one(ruff_findings(), "ruff:W291", crlf, 11).fix
    assert fix is not None
    after = apply_edits(source(crlf), fix.edits)
    assert after.split("\r\n")[10] == "    for row in reader:"
    fix = one(ruff_findings(), "ruff:F401", crlf, 5).fix
    assert fix is not None
    after = apply_edits(source(crlf), fix.edits)
    assert "import os" not in after and "import io\r\n\r\n\r\ndef" in after


def test_ruff_absolute_filenames_parse_the_same():
    items = json.loads(captured("ruff.json"))
    for item in items:
        item["filename"] = str(SAMPLE / item["filename"])
    assert ruff.read(json.dumps(items), str(SAMPLE)) == ruff_findings()


@pytest.mark.parametrize("output", ["[]", "[]\n"])
def test_ruff_empty(output):
    assert ruff.read(output, str(SAMPLE)) == []


NOT_THE_TOOLS_OUTPUT = [
    pytest.param("ruff", "", id="ruff: nothing (a shadowing ruff.py that prints nothing)"),
    pytest.param("ruff", "{}", id="ruff: an object, not a list"),
    pytest.param("ruff", '[{"code": "F401"}]', id="ruff: an item without its keys"),
    pytest.param("ruff", "[1]", id="ruff: an item that is not an object"),
    pytest.param("ruff", "All checks passed!", id="ruff: its text output"),
    pytest.param("bandit", "[]", id="bandit: a list, not its report"),
    pytest.param("bandit", "{}", id="bandit: no results and errors lists"),
    pytest.param("bandit", '{"results": [{}], "errors": []}', id="bandit: a result without keys"),
    pytest.param("bandit", "", id="bandit: nothing"),
    pytest.param("mypy", "Success: no issues found", id="mypy: its text output"),
    pytest.param("mypy", '{"file": "a.py"}', id="mypy: an object without its keys"),
    pytest.param("mypy", "[]", id="mypy: a list"),
]


@pytest.mark.parametrize(("tool", "output"), NOT_THE_TOOLS_OUTPUT)
def test_output_that_is_not_the_tools_is_a_tool_failure(tool, output):
    """Issue 11, item 1: a shadowing module's `[]` or empty output must not read as clean."""
    reader = {"ruff": ruff.read, "mypy": mypy.read, "bandit": bandit.read}[tool]
    with pytest.raises(AnalyzerError, match=f"not {tool}'s JSON"):
        reader(output, str(SAMPLE))


def test_ruff_clean_capture_is_empty():
    assert captured("ruff_clean.json") == "[]"
    assert ruff.read(captured("ruff_clean.json"), str(SAMPLE)) == []


def test_ruff_reports_unparsable_file_as_invalid_syntax():
    """Newer ruff names the code `invalid-syntax` (older ones wrote null); parse drops both."""
    items = json.loads(captured("ruff_syntax.json"))
    assert [(i["code"], i["filename"]) for i in items] == [
        ("invalid-syntax", "syntax_error.py")
    ] * 2


def test_ruff_syntax_errors_are_left_to_the_prescreen():
    assert ruff.read(captured("ruff_syntax.json"), str(BROKEN)) == []


# --- mypy ---------------------------------------------------------------------------------------

MYPY_COUNTS = {
    "mypy:name-defined": 3,
    "mypy:union-attr": 2,
    "mypy:import-untyped": 2,
    "mypy:arg-type": 2,
    "mypy:return-value": 1,
    "mypy:assignment": 1,
    "mypy:call-arg": 1,
}


def test_mypy_counts():
    findings = mypy_findings()
    assert Counter(f.code for f in findings) == MYPY_COUNTS
    assert {f.severity for f in findings} == {"error"}
    assert all(f.name == f.code.removeprefix("mypy:") for f in findings)


@pytest.mark.parametrize(
    ("code", "path", "line", "column", "end"),
    [
        ("mypy:name-defined", "src/app/util.py", 22, 14, (22, 25)),
        ("mypy:union-attr", "src/app/models.py", 27, 16, (27, 34)),
        ("mypy:union-attr", "src/app/app.py", 17, 12, (17, 29)),
        ("mypy:return-value", "src/app/config.py", 26, 16, (26, 40)),
        ("mypy:assignment", "src/app/config.py", 29, 29, (29, 33)),
        ("mypy:import-untyped", "src/app/config.py", 5, 1, (5, 2)),
        ("mypy:call-arg", "src/app/app.py", 38, 17, (38, 66)),
    ],
)
def test_mypy_finding(code, path, line, column, end):
    f = one(mypy_findings(), code, path, line)
    assert (f.column, (f.end_line, f.end_column)) == (column, end)


def test_mypy_notes_at_the_error_are_its_hint():
    """mypy 2.4.1 folds notes at an error's (file, line, column) into the JSON `hint` itself."""
    findings = mypy_findings()
    yaml = one(findings, "mypy:import-untyped", "src/app/config.py", 5)
    assert yaml.hint.splitlines() == [
        'Hint: "python3 -m pip install types-PyYAML"',
        '(or run "mypy --install-types" to install all missing stub packages)',
        "See https://mypy.readthedocs.io/en/stable/running_mypy.html#missing-imports",
    ]
    requests = one(findings, "mypy:import-untyped", "src/app/db.py", 6)
    assert requests.hint == 'Hint: "python3 -m pip install types-requests"'
    default = one(findings, "mypy:assignment", "src/app/config.py", 29)
    assert default.hint.splitlines() == [
        "PEP 484 prohibits implicit Optional. Accordingly, mypy has changed its default to "
        "no_implicit_optional=True",
        "Use https://github.com/hauntsaninja/no_implicit_optional to automatically upgrade your "
        "codebase",
    ]
    assert one(findings, "mypy:union-attr", "src/app/models.py", 27).hint == ""


def test_mypy_note_elsewhere_is_not_a_finding():
    notes = [json.loads(line) for line in captured("mypy.jsonl").splitlines()]
    notes = [n for n in notes if n["severity"] == "note"]
    assert [(n["file"], n["line"], n["code"]) for n in notes] == [
        ("src/app/legacy_crlf.py", 10, "annotation-unchecked")
    ]
    findings = mypy_findings()
    assert not [f for f in findings if f.path == "src/app/legacy_crlf.py"]
    assert not [f for f in findings if "check-untyped-defs" in f.hint]


def _note_after(error_line: str, **changes: object) -> str:
    """A note line shaped like mypy's, placed after a real captured error line."""
    error = json.loads(error_line)
    note = {**error, "message": "a note", "hint": None, "code": None, "severity": "note"}
    return error_line + "\n" + json.dumps({**note, **changes}) + "\n"


def _captured_error(code: str, file: str) -> str:
    lines = captured("mypy.jsonl").splitlines()
    return next(line for line in lines if f'"{code}"' in line and f'"{file}"' in line)


def test_mypy_separate_note_on_the_same_line_joins_the_hint():
    # mypy prints a note as its own line when it is at another column of the error's line.
    plain = _note_after(_captured_error("union-attr", "src/app/models.py"), column=4)
    [f] = mypy.read(plain, str(SAMPLE))
    assert (f.code, f.line, f.hint) == ("mypy:union-attr", 27, "a note")
    hinted = _note_after(_captured_error("return-value", "src/app/config.py"), column=4)
    hinted = hinted.replace('"hint": null', '"hint": "first"', 1)
    [f] = mypy.read(hinted, str(SAMPLE))
    assert f.hint == "first\na note"


def test_mypy_note_in_another_file_is_not_attached():
    output = _note_after(_captured_error("name-defined", "src/app/util.py"), file="src/app/app.py")
    [f] = mypy.read(output, str(SAMPLE))
    assert f.hint == ""


def test_mypy_syntax_error():
    findings = mypy.read(captured("mypy_syntax.jsonl"), str(BROKEN))
    assert [(f.code, f.path, f.line, f.column, f.message) for f in findings] == [
        # mypy 2.4.1 reports these columns one greater than ruff does (ruff: 7 and 8)
        (
            "mypy:syntax",
            "syntax_error.py",
            1,
            8,
            "Expected a parameter or the end of the parameter list",
        ),
        ("mypy:syntax", "syntax_error.py", 1, 9, "Expected `)`, found newline"),
    ]


@pytest.mark.parametrize("output", ["", "\n"])
def test_mypy_empty(output):
    assert mypy.read(output, str(SAMPLE)) == []


def test_mypy_clean_capture_is_empty():
    assert captured("mypy_clean.jsonl") == ""


# --- bandit -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "path", "line", "column", "end", "name"),
    [
        ("bandit:B105", "src/app/config.py", 9, 18, (9, 34), "hardcoded_password_string"),
        ("bandit:B506", "src/app/config.py", 36, 16, (36, 29), "yaml_load"),
        ("bandit:B404", "src/app/db.py", 5, 1, (5, 18), "blacklist"),
        ("bandit:B324", "src/app/db.py", 50, 16, (50, 46), "hashlib"),
        (
            "bandit:B602",
            "src/app/db.py",
            54,
            9,
            (54, 40),
            "subprocess_popen_with_shell_equals_true",
        ),
        # bandit's line_number is the `verify=False` line; col_offset is the call's, on line 57
        ("bandit:B501", "src/app/db.py", 58, 20, (59, 10), "request_with_no_cert_validation"),
        ("bandit:B113", "src/app/db.py", 57, 20, (59, 10), "request_without_timeout"),
    ],
)
def test_bandit_finding(code, path, line, column, end, name):
    f = one(bandit_findings(), code, path, line)
    assert (f.column, (f.end_line, f.end_column), f.name) == (column, end, name)


@pytest.mark.parametrize(
    ("code", "path", "line", "severity", "confidence", "cwe"),
    [
        ("bandit:B105", "src/app/config.py", 9, "low", "medium", "CWE-259"),
        ("bandit:B506", "src/app/config.py", 36, "medium", "high", "CWE-20"),
        ("bandit:B404", "src/app/db.py", 5, "low", "high", "CWE-78"),
        ("bandit:B324", "src/app/db.py", 50, "high", "high", "CWE-327"),
        ("bandit:B602", "src/app/db.py", 54, "high", "high", "CWE-78"),
        ("bandit:B501", "src/app/db.py", 58, "high", "high", "CWE-295"),
        ("bandit:B113", "src/app/db.py", 57, "medium", "low", "CWE-400"),
    ],
)
def test_bandit_severity_confidence_cwe(code, path, line, severity, confidence, cwe):
    f = one(bandit_findings(), code, path, line)
    assert (f.severity, f.confidence, f.hint) == (severity, confidence, cwe)


def test_bandit_counts():
    findings = bandit_findings()
    assert len(findings) == 7
    assert {f.code for f in findings} == {
        "bandit:B105",
        "bandit:B506",
        "bandit:B404",
        "bandit:B324",
        "bandit:B602",
        "bandit:B501",
        "bandit:B113",
    }
    assert Counter(f.severity for f in findings) == {"high": 3, "medium": 2, "low": 2}
    assert Counter(f.confidence for f in findings) == {"high": 5, "medium": 1, "low": 1}


def test_bandit_unparsable_file_is_an_error_not_a_finding():
    raw = json.loads(captured("bandit_errors.json"))
    assert [e["filename"] for e in raw["errors"]] == ["./syntax_error.py"]
    findings, errors = bandit.read(captured("bandit_errors.json"), str(BROKEN))
    assert findings == []
    assert errors == [("syntax_error.py", "syntax error while parsing AST from file")]


# --- classification -----------------------------------------------------------------------------


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> Iterator[catalogue.Catalogue]:
    # healers.rules is a setuptools package-dir mapping (rules/ -> healers.rules): it exists only
    # once healers is installed. From a plain checkout, map it the same way for this test.
    if importlib.util.find_spec("healers.rules") is None:
        spec = importlib.util.spec_from_file_location(
            "healers.rules",
            REPO / "rules" / "__init__.py",
            submodule_search_locations=[str(REPO / "rules")],
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        monkeypatch.setitem(sys.modules, "healers.rules", module)
    catalogue.load.cache_clear()
    yield catalogue.load()
    catalogue.load.cache_clear()


def test_sample_covers_every_category(rules):
    by_category = Counter(rules.rule_for(f).category for f in all_findings())
    assert set(by_category) == set(CATEGORIES)
    assert by_category == {
        "style": 16,
        # F821 and mypy name-defined belong to rules/import/undefined-stdlib-name.toml
        "type": 9,
        "logic": 7,
        "import": 14,
        "security": 7,
        "performance": 5,
    }


def test_high_severity_security_needs_approval(rules):
    for f in bandit_findings():
        rule = rules.rule_for(f)
        assert (rule.category, rule.priority) == ("security", "P0")
        # hard-coded secrets, and fixes whose meaning only a person can judge (a hash declared
        # not for security), always ask a person; every other bandit rule asks for HIGH findings
        expected = "always" if rule.id in ("hardcoded-password", "weak-hash") else "high-severity"
        assert rule.approval == expected, (f.code, rule.id)


@pytest.mark.parametrize(
    ("code", "path", "line", "category", "priority"),
    [
        ("bandit:B602", "src/app/db.py", 54, "security", "P0"),
        ("mypy:union-attr", "src/app/models.py", 27, "type", "P1"),
        ("ruff:B006", "src/app/models.py", 33, "logic", "P1"),
        ("ruff:E722", "src/app/db.py", 22, "logic", "P1"),
        ("ruff:E711", "src/app/config.py", 18, "logic", "P1"),
        ("ruff:F401", "src/app/util.py", 4, "import", "P2"),
        ("ruff:I001", "src/app/db.py", 3, "import", "P2"),
        ("ruff:PERF401", "src/app/db.py", 46, "performance", "P2"),
        ("ruff:C403", "src/app/util.py", 18, "performance", "P2"),
        ("ruff:UP045", "src/app/models.py", 18, "style", "P3"),
        ("ruff:F541", "src/app/app.py", 48, "style", "P3"),
        ("ruff:W291", "src/app/legacy_crlf.py", 11, "style", "P3"),
    ],
)
def test_classification(rules, code, path, line, category, priority):
    rule = rules.rule_for(one(all_findings(), code, path, line))
    assert (rule.category, rule.priority) == (category, priority)
