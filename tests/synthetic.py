"""A generated repository of any size for the sharding tests and bench/shard_speed.py: packages
of modules that import their package's base module (or, with `chain`, their predecessor, so that
every module's import closure is its whole package), pairs of modules in import cycles, and in
each module one finding of every category; further blocks are clean code."""

from __future__ import annotations

from pathlib import Path

PACKAGE_SIZE = 50  # modules per package: imports stay inside one, as in real code

FINDINGS = [  # one block with a finding of every category
    "def work(items: list[int], seen=[]) -> int:",
    "    total: int = {dep}.VALUE",
    "    for i in range(len(items)):",
    "        total += items[i]",
    '    label = f"total"',
    "    if items == None:",
    '        subprocess.call("ls", shell=True)',
    '    name: str = 1  # a type error: "int" is not "str"',
    "    return total + len(name) + len(label)",
]
CLEAN = [
    "def clean{b}(values: list[int]) -> list[int]:",
    '    """Double the positive values."""',
    "    doubled: list[int] = []",
    "    for value in values:",
    "        if value > 0:",
    "            doubled.append(value * 2)",
    "    return doubled",
]


def imports(number: int, package: int, *, chain: bool) -> list[int]:
    """The modules of its package that module `number` imports: the base (mod0) or, in a chain,
    its predecessor; every tenth module and its successor import each other (a cycle)."""
    deps = [(number - 1) % PACKAGE_SIZE] if chain else ([0] if number else [])
    if number % 10 == 0:
        deps.append(number + 1)
    if number % 10 == 1 and not chain:
        deps.append(number - 1)
    return sorted(set(deps))


def module(index: int, *, blocks: int, chain: bool = False) -> str:
    """The text of module `index`: its imports, the block of findings, `blocks - 1` clean ones."""
    package, number = divmod(index, PACKAGE_SIZE)
    deps = imports(number, package, chain=chain) or [number]
    head = ['"""Generated module."""', "", "import os", "import subprocess", "import sys"]
    head += [f"from pkg{package} import mod{d}" for d in deps if d != number]
    dep = f"mod{deps[0]}" if deps[0] != number else "sys.modules[__name__]"
    body = ["", "", *(line.format(dep=dep) for line in FINDINGS)]
    for b in range(1, blocks):
        body += ["", "", *(line.format(b=b) for line in CLEAN)]
    return "\n".join([*head, *body, "", "", f"VALUE = {index}", ""])


def generate(root: Path, *, files: int, blocks: int = 1, chain: bool = False) -> Path:
    """`files` modules under root (packages of PACKAGE_SIZE), with a pyproject.toml."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "synthetic"\nversion = "0"\n')
    for index in range(files):
        package, number = divmod(index, PACKAGE_SIZE)
        folder = root / f"pkg{package}"
        if number == 0:
            folder.mkdir(exist_ok=True)
            (folder / "__init__.py").write_text("")
        text = module(index, blocks=blocks, chain=chain)
        (folder / f"mod{number}.py").write_text(text)
    return root
