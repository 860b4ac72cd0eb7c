"""Security codemods for commands whose output a shell hands back (`os.popen`,
`subprocess.getoutput`): the same stream or text from the command run without a shell."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from healers.codemod import Rewrite
from healers.results import Version

READERS = frozenset({"read", "readline", "readlines"})  # os.popen's stream, read to the end
OUTPUT_CALLS = frozenset({"os.popen", "subprocess.getoutput"})


def popen_read(call: cst.Call) -> cst.Call | None:
    """The `os.popen(...)`-looking call `call` reads to the end (`X(...).read()`), or None."""
    func = call.func
    if call.args or not isinstance(func, cst.Attribute) or func.attr.value != "read":
        return None
    return func.value if isinstance(func.value, cst.Call) else None


_NO_SPACE = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


def _keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value, keyword=cst.Name(name), equal=_NO_SPACE)


def _subprocess(name: str) -> cst.Attribute:
    return cst.Attribute(cst.Name("subprocess"), cst.Name(name))


def _call(func: str, argv: cst.List, keywords: list[cst.Arg]) -> cst.Call:
    args = [cst.Arg(argv), *keywords]
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return cst.Call(_subprocess(func), [a.with_changes(comma=comma) for a in args[:-1]] + args[-1:])


def _popen_use(call: cst.Call, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> str:
    """How the stream os.popen returns is used: "statement" (dropped), "read" (read or looped
    over), or "" (kept: its close() would return the exit status)."""
    parent = parents.get(call)
    if isinstance(parent, cst.Expr):
        return "statement"
    if isinstance(parent, cst.Attribute) and parent.attr.value in READERS:
        outer = parents.get(parent)
        if isinstance(outer, cst.Call) and parent.attr.value == "read" and not outer.args:
            return "outer"  # `os.popen(c).read()` starts where the call does: rewritten whole
        return "read" if isinstance(outer, cst.Call) else ""
    if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is call:
        return "read"
    return ""


def output(
    call: cst.Call,
    name: str,
    argv: cst.List,
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    target: Version | None,
) -> Rewrite | str | None:
    """The rewrite of `os.popen(COMMAND)`, `os.popen(COMMAND).read()` (`name` "os.popen.read")
    or `subprocess.getoutput(COMMAND)` whose command split into `argv`, why there is none, or
    None for the `os.popen(...)` inside `.read()` (the outer call is rewritten whole)."""
    if name == "subprocess.getoutput":
        if target is not None and target < (3, 9):
            return "str.removesuffix needs Python 3.9; the project declares an older one"
        # subprocess.getoutput("ls -l") -> subprocess.run(["ls", "-l"], stdout=subprocess.PIPE,
        #     stderr=subprocess.STDOUT, text=True, check=False).stdout.removesuffix("\n")
        run = _call(
            "run",
            argv,
            [
                _keyword("stdout", _subprocess("PIPE")),
                _keyword("stderr", _subprocess("STDOUT")),
                _keyword("text", cst.Name("True")),
                _keyword("check", cst.Name("False")),
            ],
        )
        stdout = cst.Attribute(run, cst.Name("stdout"))
        done = cst.Call(
            cst.Attribute(stdout, cst.Name("removesuffix")), [cst.Arg(cst.SimpleString('"\\n"'))]
        )
        return lambda _: done
    if name == "os.popen.read":
        # os.popen("ls -l").read() -> subprocess.run(["ls", "-l"], stdout=subprocess.PIPE,
        #     text=True, check=False).stdout
        pipe, text, check = (
            _keyword("stdout", _subprocess("PIPE")),
            _keyword("text", cst.Name("True")),
            _keyword("check", cst.Name("False")),
        )
        stdout = cst.Attribute(_call("run", argv, [pipe, text, check]), cst.Name("stdout"))
        return lambda _: stdout
    use = _popen_use(call, parents)
    if use == "outer":
        return None
    if not use:
        return (
            "the stream os.popen returns is kept: its close() returns the exit status, which the "
            "stream of subprocess.Popen does not"
        )
    pipe = _keyword("stdout", _subprocess("PIPE"))
    if use == "statement":
        # os.popen("ls -l") -> subprocess.Popen(["ls", "-l"], stdout=subprocess.PIPE)
        popen = _call("Popen", argv, [pipe])
        return lambda _: popen
    # os.popen("ls -l").read() -> subprocess.Popen(["ls", "-l"], stdout=subprocess.PIPE,
    #     text=True).stdout.read(): the very stream os.popen wraps
    stream = cst.Attribute(
        _call("Popen", argv, [pipe, _keyword("text", cst.Name("True"))]), cst.Name("stdout")
    )
    return lambda _: stream
