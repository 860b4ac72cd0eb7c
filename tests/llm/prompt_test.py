"""The prompt for a known finding: what it holds, what it never holds, and the lines a patch may
change (what the model was shown)."""

from __future__ import annotations

import ast
import difflib
import re
from pathlib import Path

import pytest

from healers import catalogue
from healers.finding import Finding, Outcome
from healers.llm import prompt, redact
from healers.state.patterns import Pattern
from healers.tools import patch

SOURCE = '''\
"""A module."""

import json
import os

TOKEN = "ghp_0123456789abcdefghijklmnopqrstuvwxyz"


def other():
    return "not shown"


class Store:
    kind = "json"

    def load(self, path):
        secret = "hunter2-very-secret"
        try:
            return json.load(open(path))
        except:
            return {}
''' + "".join(f"\n\ndef f{i}():\n    return {i}\n" for i in range(40))


def _outcome(line: int, code: str = "heal:swallowed-exception") -> Outcome:
    f = Finding(code, "src/store.py", line, 9, "Do not use bare `except`", name="swallowed")
    return Outcome(f, catalogue.load().rule_for(f), "0123456789abcdef", "unfixable")


def _build(line: int, shown: tuple[Pattern, ...] = (), text: str = SOURCE) -> prompt.Prompt:
    red = redact.for_file(text, ["s3cret-from-env"])
    return prompt.build(_outcome(line), text, ast.parse(text), red, shown)


def test_the_prompt_holds_the_rule_the_finding_the_scope_and_the_imports() -> None:
    built = _build(20)
    system, user = (m["content"] for m in built.messages)
    assert "unified diff" in system and "NO FIX" in system
    assert "Finding: heal:swallowed-exception at line 20, column 9: Do not use bare" in user
    assert "Rule: swallowed-exception: A bare or broad `except` that does nothing" in user
    assert "Why it matters: `except:` or `except Exception:` with only `pass`" in user
    assert "import json\nimport os" in user  # the head of the file
    assert "def load(self, path):" in user and "except:" in user  # the enclosing function
    assert "def other" not in user and "def f1()" not in user  # not the rest of the file
    assert "lines 14-23 of src/store.py; the finding is at line 20" in user  # with CONTEXT


def test_secrets_never_reach_the_prompt() -> None:
    user = _build(20).messages[1]["content"]
    assert "hunter2-very-secret" not in user and 'secret = "<redacted-' in user
    module_level = _build(6).messages[1]["content"]  # TOKEN's own line, with a margin
    assert "ghp_0123" not in module_level and 'TOKEN = "<redacted-' in module_level


def test_patterns_are_shown_normalised_with_their_ids() -> None:
    shown = (
        Pattern(7, "bare-except", "ruff:E722", "model", "except:", "except OSError:", "kept", ""),
    )
    built = _build(20, shown)
    assert built.patterns == (7,)
    user = built.messages[1]["content"]
    assert "Similar fixes made in this project before" in user
    assert "before:\n```\nexcept:\n```\nafter:\n```\nexcept OSError:\n```" in user
    assert built.hash != _build(20).hash and built.hash == _build(20, shown).hash


def test_a_long_scope_is_cut_to_a_window() -> None:
    long = "def big():\n" + "".join(f"    x{i} = {i}\n" for i in range(200)) + "    return x1\n"
    view = prompt.window(ast.parse(long), 150, long.count("\n"))
    assert (view.first, view.last) == (150 - prompt.WINDOW, 150 + prompt.WINDOW)


def test_a_module_level_statement_gets_a_margin() -> None:
    view = prompt.window(ast.parse(SOURCE), 6, SOURCE.count("\n"))
    assert (view.first, view.last, view.head) == (3, 9, 4)


@pytest.mark.parametrize(
    ("first", "last", "allowed"),
    [
        pytest.param(19, 19, True, id="the flagged line"),
        pytest.param(13, 20, True, id="the whole scope"),
        pytest.param(21, 20, True, id="an insertion at the end of the scope"),
        pytest.param(5, 4, True, id="an import added after the imports"),
        pytest.param(3, 3, True, id="an import changed"),
        pytest.param(9, 10, False, id="another function"),
        pytest.param(18, 22, False, id="running out of the scope"),
        pytest.param(30, 29, False, id="an insertion far away"),
    ],
)
def test_a_patch_may_change_only_what_the_model_was_shown(first, last, allowed) -> None:
    view = prompt.Window(13, 20, 4)
    assert view.allows(first, last) is allowed


def test_the_retry_feeds_the_failure_back_redacted() -> None:
    built = _build(20)
    red = redact.for_file(SOURCE)
    again = prompt.retry(built, "a reply", "B105: 'hunter2-very-secret' found", red)
    assert [m["role"] for m in again] == ["system", "user", "assistant", "user"]
    assert (
        "hunter2" not in again[-1]["content"] and "Your patch was not used" in again[-1]["content"]
    )


@pytest.mark.slow
@pytest.mark.parametrize("line", [21, 16], ids=["the last line of a function", "its def line"])
def test_a_patch_of_a_scope_edge_made_from_what_was_shown_applies(tmp_path: Path, line) -> None:
    """With no line after the scope in the prompt, a model's hunk of its last line has no
    trailing context, and `git apply` matches such a hunk only at the end of the file."""
    user = _build(line).messages[1]["content"]
    m = re.search(r"\(lines (\d+)-\d+ of src/store.py; .*?\n```python\n(.*?)```", user, re.S)
    assert m is not None
    first, shown = int(m[1]), m[2].splitlines(keepends=True)
    edited = [*shown]
    edited[line - first] = edited[line - first].replace("return {}", "return None")
    edited[line - first] = edited[line - first].replace("path):", "path, /):")
    diff = "".join(difflib.unified_diff(shown, edited, "a/src/store.py", "b/src/store.py"))
    shift = first - 1
    diff = re.sub(
        r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@",
        lambda h: f"@@ -{int(h[1]) + shift},{h[2]} +{int(h[3]) + shift},{h[4]} @@",
        diff,
        flags=re.M,
    )
    (tmp_path / "src").mkdir()
    shown_file = redact.for_file(SOURCE, ["s3cret-from-env"]).scrub(SOURCE)  # as the model saw it
    (tmp_path / "src/store.py").write_text(shown_file)
    assert patch.apply(diff, tmp_path) == ""
    assert (tmp_path / "src/store.py").read_text().count("\n") == SOURCE.count("\n")
