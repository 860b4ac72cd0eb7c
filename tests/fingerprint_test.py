from __future__ import annotations

import ast

from healers.finding import Finding
from healers.fingerprint import fingerprints, scopes


def prints(text: str, lines: list[int], code: str = "ruff:F401") -> list[str]:
    found = [Finding(code=code, path="m.py", line=n, column=1, message="m") for n in lines]
    return fingerprints(found, text, scopes(ast.parse(text)))


SOURCE = "import os\n\n\ndef f():\n    import sys\n    return 1\n"


def test_survives_line_shifts():
    shifted = "# a comment\n\n" + SOURCE
    assert prints(SOURCE, [1, 5]) == prints(shifted, [3, 7])


def test_survives_crlf_and_reindentation():
    crlf = SOURCE.replace("\n", "\r\n")
    tabs = SOURCE.replace("    ", "\t")
    assert prints(SOURCE, [5]) == prints(crlf, [5]) == prints(tabs, [5])


def test_identical_findings_in_one_file_differ():
    text = "def f():\n    x = 1\n\n\ndef g():\n    x = 1\n    x = 1\n"
    a, b, c = prints(text, [2, 6, 7])
    assert len({a, b, c}) == 3  # different scope (f vs g), then occurrence index within g


def test_code_and_content_matter():
    assert prints(SOURCE, [1]) != prints(SOURCE, [1], code="ruff:I001")
    assert prints(SOURCE, [1]) != prints(SOURCE.replace("os", "re"), [1])


def test_shape():
    (value,) = prints(SOURCE, [1])
    assert len(value) == 16
    int(value, 16)
