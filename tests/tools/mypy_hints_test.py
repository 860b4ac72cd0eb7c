"""mypy's hints do not depend on which files a run had (a shard, the hook's files): the
stub-install hint it gives the first finding per package goes to all, its once-per-run lines
to none."""

from __future__ import annotations

from healers.tools import mypy

# mypy 2.4.1 -O json on a.py (import toml, six) and b.py (import toml), in one run
OUTPUT = "\n".join(
    [
        '{"file": "b.py", "line": 1, "column": 0, "end_line": 1, "end_column": 1, "message": '
        '"Library stubs not installed for \\"toml\\"", "hint": null, "code": "import-untyped", '
        '"severity": "error"}',
        '{"file": "a.py", "line": 1, "column": 0, "end_line": 1, "end_column": 1, "message": '
        '"Library stubs not installed for \\"toml\\"", "hint": "Hint: \\"python3 -m pip install '
        'types-toml\\"\\n(or run \\"mypy --install-types\\" to install all missing stub packages)'
        '\\nSee https://mypy.readthedocs.io/en/stable/running_mypy.html#missing-imports", '
        '"code": "import-untyped", "severity": "error"}',
        '{"file": "a.py", "line": 2, "column": 0, "end_line": 2, "end_column": 1, "message": '
        '"Library stubs not installed for \\"six\\"", "hint": "Hint: \\"python3 -m pip install '
        'types-six\\"", "code": "import-untyped", "severity": "error"}',
    ]
)


def test_every_finding_of_a_package_gets_its_hint_and_no_once_per_run_line():
    found = mypy.same_hints(mypy.read(OUTPUT, "."))
    assert [f.hint for f in found] == [
        'Hint: "python3 -m pip install types-toml"',
        'Hint: "python3 -m pip install types-toml"',
        'Hint: "python3 -m pip install types-six"',
    ]
