"""Security codemod for `shell=True`: a literal command without shell features becomes an argument
list run without a shell; anything else is left to its author with the reason."""

from __future__ import annotations

import re
import shlex

import libcst as cst
import libcst.matchers as m

from healers.codemod import Rewrite
from healers.finding import Finding
from healers.security.flagged import FlaggedCodemod, dotted, keyword

SUBPROCESS_FUNCTIONS = frozenset({"call", "check_call", "check_output", "run", "Popen"})
# Anything the shell would interpret: pipes, redirections, substitutions, globs, variables,
# `~`, comments, line breaks, environment assignments (`A=1 cmd`), escapes.
SHELL_FEATURES = re.compile(r"[|&;<>()$`\\*?\[\]{}~#!\n\r\t=%]")


def _literal_command(value: cst.BaseExpression) -> str | None:
    """The command when it is a plain (not f-, not bytes) string literal, else None."""
    if isinstance(value, cst.SimpleString) and "b" in value.prefix.lower():
        return None
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        evaluated = value.evaluated_value
        return evaluated if isinstance(evaluated, str) else None
    return None


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
        command = _literal_command(first.value)
        if command is None:
            return (
                "the command is built at run time: only its author knows whether it needs a shell"
            )
        argv = _argv(command)
        if isinstance(argv, str):
            return argv
        quote = '"' if '"' not in "".join(argv) else "'"
        if any(quote in word for word in argv):
            return "the command's words hold both kinds of quotes"
        # SHELL_FEATURES refuses backslashes, so each word is its own literal between quotes
        words = cst.List([cst.Element(cst.SimpleString(quote + word + quote)) for word in argv])
        # subprocess.run("ls -l", shell=True) -> subprocess.run(["ls", "-l"], shell=False)
        return lambda new: _without_shell(cst.ensure_type(new, cst.Call), words)


def _without_shell(call: cst.Call, words: cst.List) -> cst.Call:
    first, shell = _command(call), keyword(call, "shell")
    values = {id(first): words, id(shell): cst.Name("False")}
    args = [a.with_changes(value=values[id(a)]) if id(a) in values else a for a in call.args]
    return call.with_changes(args=args)
