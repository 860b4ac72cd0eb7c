"""Property tests of the mechanical security rewrites: a parameterised query finds exactly the
rows it names in a real sqlite3 database (and the same rows as the string-built query whenever
that one was not broken by its value); a command split for subprocess runs the same argv the
shell would have run; `ast.literal_eval` gives what `eval` gave; a restricted file mode keeps
every bit bandit does not flag; os.popen's and getoutput's rewrites read the same output; a
mark_safe template given to format_html makes the same text of values that need no escaping."""

from __future__ import annotations

import ast
import shlex
import sqlite3
from typing import Any

from bandit.plugins.general_bad_file_permissions import _stat_is_dangerous
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from healers.finding import Finding
from tests.helpers import run_codemod

SETTINGS = settings(max_examples=40, deadline=None)
NAMES = st.text(alphabet="ab' %_\"-;", max_size=8)
FORMS = {
    "percent": "\"SELECT id FROM people WHERE name = '%s'\" % name",
    "format": "\"SELECT id FROM people WHERE name = '{}'\".format(name)",
    "fstring": "f\"SELECT id FROM people WHERE name = '{name}'\"",
    "concat": '"SELECT id FROM people WHERE name = \'" + name + "\'"',
}
QUERY_COLUMN = len("    return db.execute(") + 1


def finding(code: str, line: int, column: int) -> Finding:
    """A finding where bandit reports it (the flagged node's line and 1-based column)."""
    return Finding(code=code, path="m.py", line=line, column=column, message="")


def load(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(source, "m.py", "exec", dont_inherit=True), namespace)  # our own templates
    return namespace


def rows(source: str, db: sqlite3.Connection, name: str) -> Any:
    try:
        return ("ok", load(source)["find"](db, name))
    except sqlite3.Error as exc:
        return ("raised", type(exc).__name__)


@SETTINGS
@given(form=st.sampled_from(sorted(FORMS)), names=st.lists(NAMES, max_size=4), name=NAMES)
def test_parameterized_query_finds_the_named_rows(form: str, names: list[str], name: str) -> None:
    before = (
        "import sqlite3\n\n\ndef find(db, name):\n"
        f"    return db.execute({FORMS[form]}).fetchall()\n"
    )
    result = run_codemod("ParameterizeQuery", before, [finding("bandit:B608", 5, QUERY_COLUMN)])
    assert result.fixed == (0,), result.unfixed
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE people (id INTEGER, name TEXT)")
    db.executemany("INSERT INTO people VALUES (?, ?)", list(enumerate([*names, name])))
    expected = [(i,) for i, n in enumerate([*names, name]) if n == name]
    assert rows(result.text, db, name) == ("ok", expected)
    if "'" not in name and ("{" not in name or form != "fstring"):
        assert rows(before, db, name) == rows(result.text, db, name)


WORDS = st.lists(st.text(alphabet="abc-./_019", min_size=1, max_size=6), min_size=1, max_size=4)


@SETTINGS
@given(words=WORDS, value=st.text(alphabet="ab -;'$", max_size=6), form=st.sampled_from("%fb"))
def test_split_command_is_the_shells_argv(words: list[str], value: str, form: str) -> None:
    template = {"%": '"{t} %s" % value', "f": 'f"{t} {{value}}"', "b": '"{t} {{}}".format(value)'}
    command = template[form].format(t=" ".join(words))
    before = f"import os\n\n\ndef run(value):\n    os.system({command})\n"
    result = run_codemod("SystemToSubprocess", before, [finding("bandit:B605", 5, 5)])
    assert result.fixed == (0,), result.unfixed
    call = ast.parse(result.text).body[-1].body[0].value  # type: ignore[attr-defined] # our text
    argv = eval(compile(ast.Expression(call.args[0]), "m.py", "eval"), {"value": value})
    assert argv == [*words, value]  # now: the value is one argument, whatever it holds
    if value and not set(value) & set(";'$ "):  # a value the shell kept as one word
        assert argv == shlex.split(" ".join(words) + " " + value)  # the argv /bin/sh ran


LITERALS = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=5)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner),
    max_leaves=6,
)


@SETTINGS
@given(value=LITERALS)
def test_literal_eval_gives_what_eval_gave(value: object) -> None:
    text = repr(value)
    before = f"X = eval({text!r})\n"
    result = run_codemod("UseLiteralEval", before, [finding("bandit:B307", 1, 5)])
    assert result.fixed == (0,), result.unfixed
    assert load(result.text)["X"] == eval(text)  # nosec B307 - the property under test


@SETTINGS
@given(mode=st.integers(min_value=0, max_value=0o7777))
def test_restricted_mode_keeps_every_bit_bandit_does_not_flag(mode: int) -> None:
    before = f"import os\nos.chmod('f', {oct(mode)})\n"
    result = run_codemod("RestrictPermissions", before, [finding("bandit:B103", 2, 1)])
    if not _stat_is_dangerous(mode):
        assert result.text == before  # bandit does not flag it, the codemod leaves it
        return
    assert result.fixed == (0,), result.unfixed
    new = ast.literal_eval(result.text.splitlines()[1].removeprefix("os.chmod('f', ")[:-1])
    assert not _stat_is_dangerous(new)  # bandit's own test
    assert new | 0o033 == mode | 0o033  # only group/other write and execute change
    assert new & mode == new  # and those only ever go


ECHOED = st.lists(st.text(alphabet="abc-./_019", min_size=1, max_size=6), max_size=4)


@settings(max_examples=12, deadline=None)
@given(words=ECHOED, form=st.sampled_from(["read", "loop", "getoutput"]))
def test_popen_output_is_the_same_without_a_shell(words: list[str], form: str) -> None:
    command = " ".join(["/bin/echo", *words])
    use = {
        "read": f"OUT = os.popen({command!r}).read()\n",
        "loop": f"OUT = [line for line in os.popen({command!r})]\n",
        "getoutput": f"OUT = subprocess.getoutput({command!r})\n",
    }[form]
    before = "import os\nimport subprocess\n\n" + use
    column = use.index("os.popen" if form != "getoutput" else "subprocess") + 1
    result = run_codemod("SystemToSubprocess", before, [finding("bandit:B605", 4, column)])
    assert result.fixed == (0,), result.unfixed
    assert "shell" not in result.text and "popen" not in result.text.replace("Popen", "")
    assert load(result.text)["OUT"] == load(before)["OUT"]


# Pieces of a %-template: text (with braces, which str.format needs doubled), `%%`, `%s`.
PERCENT_PIECES = st.lists(
    st.text(alphabet="ab<>/{} =", max_size=4) | st.sampled_from(["%%", "%s"]), max_size=6
)
VALUES = st.text(alphabet="xyz 0", max_size=4)  # nothing to escape: format_html keeps them


def format_html_call(text: str) -> ast.expr:
    """The format_html(...) expression of the rewritten module."""
    calls = [
        n
        for n in ast.walk(ast.parse(text))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "format_html"
    ]
    assert len(calls) == 1, text
    return calls[0]


def formatted(call: ast.expr) -> str:
    """What format_html makes of values with nothing to escape: the template's str.format."""
    code = compile(ast.Expression(call), "m.py", "eval")
    names = {"format_html": lambda t, *a, **k: t.format(*a, **k)}
    done = eval(code, names)  # nosec B307 - the call heal wrote, of literals only
    assert isinstance(done, str)
    return done


@SETTINGS
@given(pieces=PERCENT_PIECES, data=st.data(), quote=st.sampled_from(["'", '"']))
def test_mark_safe_percent_template_formats_the_same_text(
    pieces: list[str], data: st.DataObject, quote: str
) -> None:
    template = "".join(pieces)  # only %% and %s: no other placeholder can be drawn
    count = template.replace("%%", "").count("%s")
    assume(count > 0)  # nothing formatted in: reported, not rewritten
    values = data.draw(st.lists(VALUES, min_size=count, max_size=count))
    literal = quote + template + quote
    operand = repr(values[0]) if count == 1 else "(" + ", ".join(map(repr, values)) + ")"
    before = (
        f"from django.utils.safestring import mark_safe\nX = mark_safe({literal} % {operand})\n"
    )
    result = run_codemod("UseFormatHtml", before, [finding("bandit:B308", 2, 5)])
    assert result.fixed == (0,), result.unfixed
    assert "mark_safe(" not in result.text
    assert formatted(format_html_call(result.text)) == ast.literal_eval(literal) % tuple(values)


FORMAT_PIECES = st.lists(
    st.text(alphabet="ab<>/ =", max_size=4) | st.sampled_from(["{{", "}}", "{}"]), max_size=6
)


@SETTINGS
@given(pieces=FORMAT_PIECES, data=st.data())
def test_mark_safe_format_template_formats_the_same_text(
    pieces: list[str], data: st.DataObject
) -> None:
    template = "".join(pieces)
    count = template.replace("{{", "").replace("}}", "").count("{}")
    assume(count > 0)  # nothing formatted in: reported, not rewritten
    values = data.draw(st.lists(VALUES, min_size=count, max_size=count))
    call = f"{template!r}.format({', '.join(map(repr, values))})"
    before = f"from django.utils import safestring\nX = safestring.mark_safe({call})\n"
    result = run_codemod("UseFormatHtml", before, [finding("bandit:B703", 2, 5)])
    assert result.fixed == (0,), result.unfixed
    assert formatted(format_html_call(result.text)) == template.format(*values)
