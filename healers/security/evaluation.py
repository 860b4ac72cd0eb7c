"""Security codemod for `eval` of a literal: `ast.literal_eval` gives the same value and cannot
run code."""

from __future__ import annotations

import ast

import libcst as cst

from healers.codemod import Rewrite
from healers.finding import Finding
from healers.security.flagged import FlaggedCodemod, dotted


class UseLiteralEval(FlaggedCodemod):
    """bandit B307: `eval("[1, 2]")` -> `ast.literal_eval("[1, 2]")` where the text is a literal."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        if dotted(call.func) not in ("eval", "builtins.eval"):
            return None
        if len(call.args) != 1 or call.args[0].keyword or call.args[0].star:
            return "eval is given globals or locals: the text may use names"
        text = call.args[0].value
        evaluated = text.evaluated_value if isinstance(text, cst.SimpleString) else None
        if not isinstance(evaluated, str):
            return "the evaluated text is computed at run time: only its author knows what it is"
        if evaluated != evaluated.strip():
            return "the text has spaces around it: older ast.literal_eval refuses them"
        try:
            ast.literal_eval(evaluated)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return "the text is not a Python literal: ast.literal_eval would refuse it"
        self.imports.add("ast")
        # eval("[1, 2]") -> ast.literal_eval("[1, 2]")
        func = cst.Attribute(cst.Name("ast"), cst.Name("literal_eval"))
        return lambda new: cst.ensure_type(new, cst.Call).with_changes(func=func)
