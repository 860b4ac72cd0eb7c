"""`python -m healers.scaffold <category>/<rule-id>`: a new rule's two hand-written files, with
TODOs: its TOML file, and its codemod class stub with its entry in the category's literal
CODEMODS dict (as ruff's scripts/add_rule.py does). CONTRIBUTING.md has the steps after it."""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from healers import catalogue, registry, tools
from healers.finding import CATEGORIES, CATEGORY_PRIORITY, Category

RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9]+")
CODE = re.compile(r"(ruff|mypy|bandit|heal):[A-Za-z0-9_-]+")
STUB_IMPORTS = ("from healers.codemod import FindingCodemod", "from healers.finding import Finding")
EXIT_OK, EXIT_USAGE = 0, 2


class ScaffoldError(ValueError):
    """What the scaffold refuses to write; the message is the one line it prints."""


@dataclass(frozen=True)
class Request:
    """A rule to scaffold: where it goes, which codes it claims, and how it is fixed."""

    category: Category
    rule_id: str
    code: str = ""  # tool-prefixed; "" leaves a TODO placeholder
    fix: str = ""  # "analyzer", "none", or "" for a codemod
    codemod: str = ""  # the codemod class name (a codemod's default: named after the rule)

    @property
    def fix_name(self) -> str:
        return self.fix or self.codemod


def camel(rule_id: str) -> str:
    """A placeholder class name: `pointless-comparison` -> `FixPointlessComparison`."""
    return "Fix" + "".join(part.capitalize() for part in rule_id.split("-"))


def request(target: str, *, code: str = "", fix: str = "", codemod: str = "") -> Request:
    """The command line checked against the catalogue and the codemod registry."""
    category, slash, rule_id = target.partition("/")
    if not slash or category not in CATEGORIES:
        choices = ", ".join(CATEGORIES)
        raise ScaffoldError(
            f"{category!r} is not a category: write <category>/<rule-id>, ({choices})"
        )
    if not RULE_ID.fullmatch(rule_id):
        raise ScaffoldError(f"rule id {rule_id!r} is not kebab-case (pointless-comparison)")
    cat = catalogue.load()
    if rule_id in cat.rules:
        raise ScaffoldError(f"rule {rule_id} already exists: {cat.rules[rule_id].source}")
    if code and not CODE.fullmatch(code):
        raise ScaffoldError(f"code {code!r} is not tool-prefixed (ruff:B015, mypy:union-attr)")
    if code in cat.by_code:
        raise ScaffoldError(f"{code} already belongs to rule {cat.by_code[code].id}")
    if fix and codemod:
        raise ScaffoldError(f"--fix {fix} has no codemod: leave out --codemod {codemod}")
    if not fix and not registry.HEALERS[category].has_codemods:
        raise ScaffoldError("style findings are fixed by ruff's own edits: use --fix analyzer|none")
    codemod = "" if fix else codemod or camel(rule_id)
    if codemod and not CLASS_NAME.fullmatch(codemod):
        raise ScaffoldError(f"codemod {codemod!r} is not a class name (UseSafeLoad)")
    if codemod in registry.codemods():
        raise ScaffoldError(f"codemod {codemod} already exists")
    return Request(category, rule_id, code, fix, codemod)


def rule_text(req: Request) -> str:
    """The rule file, every field present; what only a person can say is a TODO."""
    codes = f'["{req.code}"]' if req.code else f'["TODO:{req.rule_id}"]  # TODO: "ruff:B015"...'
    safety = (
        'safety = "safe"  # a rule without a fix changes nothing'
        if req.fix == "none"
        else 'safety = "unsafe"  # TODO: "safe" only when the fix can never change what code does'
    )
    after = "the same code after heal's fix" if req.fix != "none" else "how a person fixes it"
    return f"""\
# TODO: fill in every TODO, then `python -m healers.docs` and `pytest -k {req.rule_id}`
# (CONTRIBUTING.md, "Adding a rule").
summary = "TODO: what the rule flags, in one sentence (the docs' What it does)"
codes = {codes}
priority = "{CATEGORY_PRIORITY[req.category]}"  # the category's default (P0 first)
fix = "{req.fix_name}"
{safety}
approval = "never"  # TODO: or "always" (a proposal in `heal pending`), "block", "high-severity"
why = '''
TODO: why the flagged code is a problem (the docs' "Why is this bad?").
'''
fix_safety = '''
TODO: when the fix applies, when it declines and why it keeps the meaning (the docs' "Fix safety").
'''

# Each [[example]] is a generated test: the analyzer fires on `before` and not on `after`, and
# heal turns `before` into exactly `after`. Optional: path = "pkg/a.py", and an
# [example.context] table of the example project's other files ("pkg/b.py" = '''...''').
[[example]]
before = '''
# TODO: code the analyzer flags
'''
after = '''
# TODO: {after}
'''

# Each [[unchanged]] is a look-alike that heal must leave byte for byte as it is.
[[unchanged]]
code = '''
# TODO: code that looks alike, and must not change
'''
"""


def stub(req: Request) -> str:
    """A codemod class on the one base that never rewrites: its `fix` returns a TODO reason."""
    return f'''\
class {req.codemod}(FindingCodemod):
    """TODO: what it rewrites, in one line (rules/{req.category}/{req.rule_id}.toml)."""

    def fix(self, finding: Finding) -> str | None:
        # TODO: find the flagged node (self.at, self.matching), schedule its rewrite with
        # self.replace(node, ...) under a `# before -> after` comment and return None; or
        # return why the code is left alone.
        return "TODO: {req.codemod} does not rewrite anything yet"
'''


def _offset(lines: Sequence[str], line: int, column: int) -> int:
    """ast's (1-based line, UTF-8 byte column) as an offset into the text."""
    before = sum(len(text) for text in lines[: line - 1])
    return before + len(lines[line - 1].encode("utf-8")[:column].decode("utf-8"))


def _registry(tree: ast.Module, where: str) -> tuple[ast.stmt, ast.Dict]:
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        value = getattr(stmt, "value", None)
        named = any(isinstance(t, ast.Name) and t.id == "CODEMODS" for t in targets)
        if named and isinstance(value, ast.Dict):
            return stmt, value
    raise ScaffoldError(f"{where}: no literal `CODEMODS = {{...}}` dict to add the codemod to")


def _missing_imports(tree: ast.Module, imports: Sequence[str]) -> list[str]:
    bound = {
        a.asname or a.name for s in tree.body if isinstance(s, ast.ImportFrom) for a in s.names
    }
    bound |= {a.asname or a.name for s in tree.body if isinstance(s, ast.Import) for a in s.names}
    return [line for line in imports if line.split()[-1] not in bound]


def add_codemod(text: str, name: str, source: str, imports: Sequence[str], where: str) -> str:
    """The codemods module with the class `source` put before its CODEMODS dict, the entry
    `"name": name` at the dict's end, and the `imports` it lacks after its last import (ruff's
    isort then merges and sorts them: `tidy`)."""
    tree = ast.parse(text)
    if any(isinstance(s, ast.ClassDef | ast.FunctionDef) and s.name == name for s in tree.body):
        raise ScaffoldError(f"{where}: {name} is already defined there")
    stmt, table = _registry(tree, where)
    lines = text.splitlines(keepends=True)
    close = _offset(lines, table.end_lineno or 0, (table.end_col_offset or 1) - 1)
    head = text[:close].rstrip()
    comma = "" if head.endswith(("{", ",")) else ","
    text = f'{head}{comma}\n    "{name}": {name},\n{text[close:]}'
    first = stmt.lineno
    while first > 1 and lines[first - 2].startswith("#"):  # the dict's own comment stays on it
        first -= 1
    at = _offset(lines, first, 0)
    text = f"{text[:at]}{source}\n\n{text[at:]}"
    wanted = _missing_imports(tree, imports)
    imported = [s for s in tree.body if isinstance(s, ast.Import | ast.ImportFrom)]
    last = max((s.end_lineno or 0 for s in imported), default=0)
    at = _offset(lines, last + 1, 0) if last < len(lines) else len(text)
    text = text[:at] + "".join(f"{line}\n" for line in wanted) + text[at:]
    try:
        ast.parse(text)  # a module this cannot edit must not be written broken
    except SyntaxError as exc:
        raise ScaffoldError(f"{where}: cannot add {name} there ({exc.msg})") from None
    return text


def codemods_module(category: Category) -> Path:
    package = importlib.import_module(f"healers.{registry.HEALERS[category].package}")
    return Path(package.__file__ or "").parent / "codemods.py"


def tidy(path: Path) -> None:
    """ruff's isort and formatter on the edited module (the project's own settings)."""
    tools.run_tool(
        "ruff",
        ["check", "--quiet", "--fix", "--select", "I", "--", str(path)],
        cwd=path.parent,
        ok=(0,),
    )
    tools.run_tool("ruff", ["format", "--quiet", "--", str(path)], cwd=path.parent, ok=(0,))


def shown(path: Path) -> str:
    """A path as the user reads it: relative to the working directory when it is inside."""
    real, cwd = path.resolve(), Path.cwd().resolve()
    return str(real.relative_to(cwd)) if real.is_relative_to(cwd) else str(path)


def write(req: Request, rules_dir: Path) -> list[str]:
    """Write the rule file and (for a codemod) the class and its entry; what was written."""
    toml_path = rules_dir / req.category / f"{req.rule_id}.toml"
    if toml_path.exists():
        raise ScaffoldError(f"{toml_path} already exists")
    module = codemods_module(req.category) if req.codemod else None
    new = ""
    if module is not None:
        old = module.read_text(encoding="utf-8")
        new = add_codemod(old, req.codemod, stub(req), STUB_IMPORTS, str(module))
    toml_path.parent.mkdir(parents=True, exist_ok=True)
    toml_path.write_text(rule_text(req), encoding="utf-8")
    done = [f"wrote: {shown(toml_path)}"]
    if module is not None:
        module.write_text(new, encoding="utf-8")
        tidy(module)
        done.append(f"added: {req.codemod} and its CODEMODS entry to {shown(module)}")
    return done


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m healers.scaffold",
        description="Write a new rule's TOML file and its codemod class stub, with TODOs.",
    )
    p.add_argument("target", metavar="CATEGORY/RULE-ID", help="e.g. logic/pointless-comparison")
    p.add_argument("--codemod", default="", metavar="CLASS", help="the codemod's class name")
    p.add_argument("--code", default="", metavar="TOOL:CODE", help="the code it claims: ruff:B015")
    p.add_argument("--fix", choices=("analyzer", "none"), default="", help="no codemod")
    args = p.parse_args(argv)
    try:
        req = request(args.target, code=args.code, fix=args.fix, codemod=args.codemod)
        done = write(req, Path(str(resources.files("healers.rules"))))
    except (ScaffoldError, tools.AnalyzerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for line in done:
        print(line)
    print(f"next: fill in the TODOs, then python -m healers.docs and pytest -k {req.rule_id}")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
