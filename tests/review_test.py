"""The review of a fix's form, pure parts: the project's layout read from its configs, comments
kept or not, continuation lines aligned, emptied guards removed, the line diff of a fix."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from healers import (
    alignment,
    comments,
    edits,
    import_place,
    layout,
    literals,
    review,
    typing_guards,
)
from healers.finding import Span

LAYOUTS = [
    pytest.param({}, 88, "ruff's default", id="nothing configured"),
    pytest.param({"setup.cfg": "[flake8]\nignore = E203\n"}, 79, "flake8", id="flake8 default 79"),
    pytest.param({"tox.ini": "[flake8]\nmax-line-length = 99\n"}, 99, "tox.ini", id="tox.ini"),
    pytest.param({".flake8": "[flake8]\nmax_line_length = 100\n"}, 100, ".flake8", id=".flake8"),
    pytest.param(
        {"setup.cfg": "[flake8]\nselect = B9\nignore = E501\nmax-line-length = 80\n"},
        88,
        "B950",
        id="bugbear's B950 at 80 + 10%",
    ),
    pytest.param(
        {"setup.cfg": "[pycodestyle]\nmax_line_length = 79\n"}, 79, "pycodestyle", id="pycodestyle"
    ),
    pytest.param(
        {"pyproject.toml": "[tool.black]\nline-length = 100\n[tool.isort]\nline_length = 90\n"},
        90,
        "isort",
        id="the shortest of black and isort",
    ),
    pytest.param({"ruff.toml": "line-length = 120\n"}, 120, "ruff.toml", id="ruff.toml"),
]


@pytest.mark.parametrize(("files", "length", "source"), LAYOUTS)
def test_line_length(tmp_path: Path, files: dict[str, str], length: int, source: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = layout.read(tmp_path)
    assert found.line_length == length
    assert source in found.source


def test_formatters(tmp_path: Path) -> None:
    assert layout.read(tmp_path).formatter is None
    (tmp_path / ".pre-commit-config.yaml").write_text("- id: black\n", encoding="utf-8")
    assert layout.read(tmp_path).formatter == layout.Formatter("black", None, ())
    (tmp_path / "pyproject.toml").write_text(
        "[tool.black]\nskip-string-normalization = true\n", encoding="utf-8"
    )
    black = layout.read(tmp_path).formatter
    assert black is not None and black.settings == ("format.quote-style='preserve'",)
    (tmp_path / "ruff.toml").write_text("[format]\n", encoding="utf-8")
    assert layout.read(tmp_path).formatter == layout.Formatter("ruff format", "ruff.toml", ())


def lost(before: str, after: str, about: tuple[int, ...] = ()) -> str:
    return comments.lost(before, after, edits.spans_between(before, after), about)


KEPT = [
    pytest.param("x = '%s' % (y,)  # why\n", "x = f'{y}'  # why\n", (), id="a rewritten line"),
    pytest.param(
        "# head\nimport b\nimport a\n", "# head\nimport a\nimport b\n", (), id="untouched"
    ),
    pytest.param(
        "x = 1  # noqa: E501\n", "x = 1\n", (1,), id="a bare suppression the fix is about"
    ),
    pytest.param(
        "f(2048)\n\nf(1024)\n# weak\nf(512)\n",
        "f(2048)\n\nf(2048)\n# weak\nf(2048)\n",
        (),
        id="rewritten lines around it that now read like a line elsewhere",
    ),
]
LOST = [
    pytest.param(
        "if a:  # one\n    f()\nelif b:  # two\n    f()\n",
        "if a or b:  # one\n    f()\n",
        (),
        "deletes the comment `# two`",
        id="merged branches",
    ),
    pytest.param(
        "x = 1  # noqa: C901 TODO simplify\n",
        "x = 1\n",
        (1,),
        "deletes `TODO simplify`",
        id="the words of a suppression",
    ),
]


@pytest.mark.parametrize(("before", "after", "about"), KEPT)
def test_comments_kept(before: str, after: str, about: tuple[int, ...]) -> None:
    assert lost(before, after, about) == ""


@pytest.mark.parametrize(("before", "after", "about", "why"), LOST)
def test_comments_lost(before: str, after: str, about: tuple[int, ...], why: str) -> None:
    assert why in lost(before, after, about)


def test_a_comment_an_edit_moves_above_other_code() -> None:
    before, after = "import sys\n# Author: me\nimport os\n", "# Author: me\nimport os\nimport sys\n"
    whole = [Span(0, len(before), after)]  # ruff's I001 rewrites the block as one edit
    assert "moves the comment `# Author: me` (line 2)" in comments.lost(before, after, whole)


def test_alignment() -> None:
    before = "x = y % (a,\n         b)\n"
    moved = "x = '{}'.format(a,\n         b)\n"
    assert "line 2 is aligned with (line 1)" in alignment.misaligned(
        before, moved, edits.spans_between(before, moved)
    )
    hanging = "x = f(\n    a)\n"
    renamed = "x = g(\n    a)\n"
    assert alignment.misaligned(hanging, renamed, edits.spans_between(hanging, renamed)) == ""


def test_an_emptied_guard_goes_with_its_import() -> None:
    before = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import os\n\nx = 1\n"
    after = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    pass\n\nx = 1\n"
    spans = edits.spans_between(before, after)
    assert typing_guards.without_empty(before, after, spans) == "\nx = 1\n"


def test_line_diff_is_the_diff_of_the_touched_lines() -> None:
    rng = random.Random(13)
    for _ in range(500):
        before = "".join(f"l{rng.randint(0, 4)}\n" for _ in range(rng.randint(1, 8)))
        start = rng.randint(0, len(before))
        span = Span(start, rng.randint(start, len(before)), rng.choice(["", "x", "l1\nl2\n"]))
        after = edits.apply(before, [span])
        assert edits.apply(before, edits.line_diff(before, after, [span])) == after


def test_a_comment_shifted_by_added_lines_is_kept() -> None:
    before = "import os\nSEP = os.sep\n# why\nX = 1\n"
    after = "import os\nimport sys\n\nSEP = os.sep\n# why\nX = 1\n"
    assert lost(before, after) == ""
    twin = "def f():\n    pass  # twin\n\n\ndef g():\n    pass  # twin\n"
    assert "deletes the comment `# twin` (line 2)" in lost(twin, twin.replace("  # twin", "", 1))


STRIPPED = "\n".join(("DATA = '''first   ", "second   ", "'''", "x = 1   ", ""))
DOC = "\n".join(("def f():", "    '''Prose.   ", "", "    more   ", "    '''", ""))


def test_whitespace_inside_a_string_literal_is_its_value() -> None:
    def strip(text: str, line: int) -> list[Span]:
        starts = edits.line_starts(text)
        end = starts[line] - 1
        start = starts[line - 1] + len(text[starts[line - 1] : end].rstrip())
        return [Span(start, end, "")]

    assert "line 2 is inside the string literal that starts on line 1" in (
        literals.stripped_from_string(STRIPPED, strip(STRIPPED, 2))
    )
    assert literals.stripped_from_string(STRIPPED, strip(STRIPPED, 4)) == ""
    assert literals.stripped_from_string(DOC, strip(DOC, 2)) == ""  # a docstring is prose


def test_a_stray_comma_before_a_closing_bracket_goes() -> None:
    before = "x = list((a,))\ny = list((b,))\n"
    after = "x = [a,]\ny = list((b,))\n"  # ruff's C410; a tuple's comma stays
    spans = edits.spans_between(before, after)
    assert review.without_stray_commas(after, spans) == "x = [a]\ny = list((b,))\n"
    index = "x = grid[i,]\n"  # a tuple index: its comma matters
    assert (
        review.without_stray_commas(index, edits.spans_between("x = grid[i, j]\n", index)) == index
    )
    kept = "x = [\n    a,\n]\n"  # a magic trailing comma the project wrote
    assert review.without_stray_commas(kept, edits.spans_between(kept, kept)) == kept


def test_an_added_standard_library_import_goes_into_its_block() -> None:
    before = "import codecs\nimport sys\nfrom weakref import ref\n\nimport click\n\nX = 1\n"
    after = before.replace("import click\n", "import click\nimport contextlib\n")
    spans = edits.spans_between(before, after)
    assert import_place.in_order(before, after, spans) == before.replace(
        "import codecs\n", "import codecs\nimport contextlib\n"
    )
    relative = "from .types import P\n\nX = 1\n"  # no standard-library block: left as written
    added = relative.replace("P\n", "P\nimport contextlib\n")
    assert import_place.in_order(relative, added, edits.spans_between(relative, added)) == added
