"""Security codemods for commands run by a shell (`shell=True`, `os.system`): a literal command
without shell features, or a literal with values substituted as whole words, becomes an argument
list run without a shell; anything else is left to its author with the reason."""

from __future__ import annotations

import re
import shlex

import libcst as cst
import libcst.matchers as m

from healers.codemod import Rewrite
from healers.finding import Finding
from healers.security.flagged import FlaggedCodemod, dotted, keyword
from healers.security.output import OUTPUT_CALLS, output, popen_read

SUBPROCESS_FUNCTIONS = frozenset({"call", "check_call", "check_output", "run", "Popen"})
PYTHON2_MODULES = frozenset({"commands", "popen2"})  # bandit still flags their shell calls
# Anything the shell would interpret: pipes, redirections, substitutions, globs, variables,
# `~`, comments, line breaks, environment assignments (`A=1 cmd`), escapes.
MARK = "HEAL_VALUE_0"  # where a substituted value goes while the template is split
SHELL_FEATURES = re.compile(r"[|&;<>()$`\\*?\[\]{}~#!\n\r\t=%]")


def _literal_command(value: cst.BaseExpression) -> str | None:
    """The command when it is a plain (not f-, not bytes) string literal, else None."""
    if isinstance(value, cst.SimpleString) and "b" in value.prefix.lower():
        return None
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        evaluated = value.evaluated_value
        return evaluated if isinstance(evaluated, str) else None
    return None


def _template(value: cst.BaseExpression) -> tuple[str, list[cst.BaseExpression]] | None:
    """A command written as a literal with values substituted (`"cp %s %s" % (a, b)`,
    `"ls {}".format(d)`, `f"ls {d}"`): the literal with each value as a NUL, and the values."""
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Modulo):
        text = _literal_command(value.left)
        right = value.right
        values = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
        if text is None or "%%" in text or text.count("%s") != len(values):
            return None
        return text.replace("%s", "\0"), values
    if isinstance(value, cst.Call) and m.matches(value.func, m.Attribute(attr=m.Name("format"))):
        text = _literal_command(cst.ensure_type(value.func, cst.Attribute).value)
        if text is None or any(a.keyword or a.star for a in value.args):
            return None
        if text.count("{}") != len(value.args) or text.count("{") != len(value.args):
            return None
        return text.replace("{}", "\0"), [a.value for a in value.args]
    if isinstance(value, cst.FormattedString) and not set(value.prefix.lower()) & {"b", "r"}:
        parts, values = [], []
        for part in value.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value.replace("{{", "{").replace("}}", "}"))
            elif isinstance(part, cst.FormattedStringExpression) and not (
                part.conversion or part.format_spec or part.equal
            ):
                parts.append("\0")
                values.append(part.expression)
            else:
                return None
        text = "".join(parts)
        return None if "\\" in text else (text, values)
    return None


def words(value: cst.BaseExpression) -> cst.List | str:
    """The argument list a literal command (or a literal with substituted values) splits into,
    the way the shell splits it, or why heal cannot tell."""
    command = _literal_command(value)
    if command is not None:
        argv = _argv(command)
        return argv if isinstance(argv, str) else _strings(argv, {})
    found = _template(value)
    if found is None:
        return "the command is built at run time: only its author knows whether it needs a shell"
    text, values = _constants(*found)
    if not values:
        argv = _argv(text)
        return argv if isinstance(argv, str) else _strings(argv, {})
    argv = _argv(text.replace("\0", MARK))
    if isinstance(argv, str):
        return argv
    split = text.split()
    if [w == MARK for w in argv] != [w == "\0" for w in split] or any(MARK in w for w in split):
        return "a substituted value is part of a word: the shell would split it with the rest"
    inserted = iter(values)
    return _strings(argv, {i: next(inserted) for i, w in enumerate(argv) if w == MARK})


def _constants(text: str, values: list[cst.BaseExpression]) -> tuple[str, list[cst.BaseExpression]]:
    """A literal value is part of the command's text: `"ls %s" % ("-l",)` is `"ls -l"`."""
    pieces = text.split("\0")
    out, left = [pieces[0]], []
    for value, piece in zip(values, pieces[1:], strict=True):
        constant = _literal_command(value)
        if constant is None:
            out.append("\0")
            left.append(value)
        else:
            out.append(constant)
        out.append(piece)
    return "".join(out), left


def _strings(argv: list[str], values: dict[int, cst.BaseExpression]) -> cst.List | str:
    quote = '"' if '"' not in "".join(argv) else "'"
    if any(quote in word for word in argv):
        return "the command's words hold both kinds of quotes"
    elements = []
    for i, word in enumerate(argv):
        if i in values:
            # "ls %s" % d -> ["ls", str(d)]: the text %-formatting would have put there
            item: cst.BaseExpression = cst.Call(cst.Name("str"), [cst.Arg(values[i])])
        else:
            # SHELL_FEATURES refuses backslashes, so each word is its own literal between quotes
            item = cst.SimpleString(quote + word + quote)
        elements.append(cst.Element(item))
    return cst.List(elements)


def _argv(command: str) -> list[str] | str:
    """shlex's POSIX split of a command, or why the shell would do more than split it."""
    if SHELL_FEATURES.search(command):
        return "the command uses shell features (pipes, redirections, variables, globs, ...)"
    try:
        words = shlex.split(command)
    except ValueError as exc:
        return f"the command does not split into words: {exc}"
    if not words:
        return "the command is empty"
    return words


def _command(call: cst.Call) -> cst.Arg | None:
    """The argument holding the command: the first positional one, or `args=`."""
    return call.args[0] if call.args and call.args[0].keyword is None else keyword(call, "args")


class SubprocessWithoutShell(FlaggedCodemod):
    """bandit B602/B604: run a literal command as an argument list, without a shell."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        shell = keyword(call, "shell")
        if shell is None:
            return None
        name = dotted(call.func)
        if name.rpartition(".")[2] not in SUBPROCESS_FUNCTIONS or not name.startswith(
            "subprocess."
        ):
            return "not a subprocess function: what shell=False means for it is not known"
        if not m.matches(shell.value, m.Name("True")):
            return "shell= is computed at run time"
        first = _command(call)
        if first is None or first.star:
            return "the command is not the first argument"
        argv = words(first.value)
        if isinstance(argv, str):
            return argv
        # subprocess.run("ls -l", shell=True) -> subprocess.run(["ls", "-l"], shell=False)
        return lambda new: _without_shell(cst.ensure_type(new, cst.Call), argv)


class SystemToSubprocess(FlaggedCodemod):
    """bandit B605: `os.system("cmd")` whose result is not used -> `subprocess.run([...],
    check=False)`, the command split as the shell would split it; `os.popen("cmd")` -> the same
    stream from `subprocess.Popen` (`.read()` of it: `subprocess.run(...).stdout`), and
    `subprocess.getoutput("cmd")` -> the same text from `subprocess.run`."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        inner = popen_read(call)
        if inner is not None and self.qualified(inner.func) == "os.popen":
            return self._output(inner, "os.popen.read")
        name = self.qualified(call.func)
        if name in OUTPUT_CALLS:
            return self._output(call, name)
        if name.partition(".")[0] in PYTHON2_MODULES:
            return f"{name} is Python 2's: the module is gone, and the code needs porting first"
        if name == "subprocess.getstatusoutput":
            return "getstatusoutput returns the shell's exit status with the output: reported"
        if not name.startswith("os."):
            return None
        if name != "os.system":
            return f"{name} returns the process's output or handle: subprocess.run does not"
        expr = self.parents.get(call)
        if not isinstance(expr, cst.Expr) or len(call.args) != 1 or call.args[0].keyword:
            return "the exit status os.system returns is used: subprocess.run returns no status"
        argv = words(call.args[0].value)
        if isinstance(argv, str):
            return argv
        self.imports.add("subprocess")
        # os.system("ls -l") -> subprocess.run(["ls", "-l"], check=False)
        return lambda new: _run(cst.ensure_type(new, cst.Call), argv)

    def _output(self, call: cst.Call, name: str) -> Rewrite | str | None:
        if len(call.args) != 1 or call.args[0].keyword or call.args[0].star:
            shown = name.removesuffix(".read")
            return f"{shown} is given more than the command (a mode, buffering, an encoding)"
        argv = words(call.args[0].value)
        if isinstance(argv, str):
            return argv
        found = output(call, name, argv, self.parents, self.target)
        if callable(found):
            self.imports.add("subprocess")
        return found


def _run(call: cst.Call, argv: cst.List) -> cst.Call:
    func = cst.Attribute(cst.Name("subprocess"), cst.Name("run"))
    check = cst.Arg(
        cst.Name("False"),
        keyword=cst.Name("check"),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    first = call.args[0].with_changes(
        value=argv, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    )
    return call.with_changes(func=func, args=[first, check])


def _without_shell(call: cst.Call, argv: cst.List) -> cst.Call:
    first, shell = _command(call), keyword(call, "shell")
    values = {id(first): argv, id(shell): cst.Name("False")}
    args = [a.with_changes(value=values[id(a)]) if id(a) in values else a for a in call.args]
    return call.with_changes(args=args)
