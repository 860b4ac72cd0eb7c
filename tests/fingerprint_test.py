from __future__ import annotations

import ast
import hashlib
import re
from collections import Counter

from healers import source
from healers.finding import Finding
from healers.fingerprint import fingerprints, scope_at, scopes


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


# --- issue 11, items 6 and 7 -------------------------------------------------------------------

TWINS = "def g():\n    x = 1\n    x = 1\n\n\ndef h():\n    x = 1\n"
SPACE = re.compile(r"\s+")


def legacy(text: str, lines: list[int]) -> list[str]:
    """The fingerprints heal wrote before issue 11 (occurrence index only; str.splitlines)."""
    src, out = text.splitlines(), []
    seen: Counter[tuple[str, ...]] = Counter()
    table = scopes(ast.parse(text))
    for n in lines:
        key = ("ruff:F401", "m.py", scope_at(table, n), SPACE.sub("", src[n - 1]))
        seen[key] += 1
        out.append(hashlib.sha256("\0".join((*key, str(seen[key]))).encode()).hexdigest()[:16])
    return out


def test_a_finding_alone_of_its_kind_keeps_the_fingerprint_heal_always_gave_it():
    assert prints(SOURCE, [1, 5]) == legacy(SOURCE, [1, 5])
    assert prints(TWINS, [7]) == legacy(TWINS, [7])


def test_when_one_of_two_twins_goes_the_other_does_not_inherit_its_fingerprint():
    first, second = prints(TWINS, [2, 3])
    fixed_first = TWINS.replace("    x = 1\n", "    x = 2\n", 1)
    (left,) = prints(fixed_first, [3])
    assert left not in (first, second)
    assert prints(TWINS.replace("    x = 1\n    x = 1\n", "    x = 1\n"), [2])[0] == left


def test_a_new_twin_changes_the_fingerprint_of_the_one_that_was_alone():
    (alone,) = prints(TWINS, [7])
    added = TWINS + "    x = 1\n"
    assert alone not in prints(added, [7, 8])


def test_lines_are_the_tokenizers_a_form_feed_does_not_end_one():
    text = "import os\n\x0c\ndef f():\n    x = 1  # \u2028 \x1c\n    import sys\n"
    tree = ast.parse(text)
    imported = next(n for n in ast.walk(tree) if isinstance(n, ast.Import) and n.lineno > 1)
    assert source.lines(text)[imported.lineno - 1] == "    import sys"
    assert len(text.splitlines()) > len(source.lines(text))  # what the old code used
    moved = text.replace("import sys", "import re")
    assert prints(text, [imported.lineno]) != prints(moved, [imported.lineno])
