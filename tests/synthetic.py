"""A generated repository of any size for the sharding tests and bench/shard_speed.py: packages
of modules that import their neighbours (some in cycles), with findings of every category."""

from __future__ import annotations

from pathlib import Path

PACKAGE_SIZE = 50  # modules per package: imports stay inside one, as in real code


def module(index: int, *, blocks: int) -> str:
    """The text of module `index`: imports of two neighbours, then `blocks` blocks of ~10 lines
    that hold a style, a type, an import, a security, a logic and a performance finding."""
    package, number = divmod(index, PACKAGE_SIZE)
    prev = (number - 1) % PACKAGE_SIZE
    nxt = (number + 1) % PACKAGE_SIZE
    head = [
        '"""Generated module."""',
        "",
        "import os",
        "import subprocess",
        "import sys",
        f"from pkg{package} import mod{prev}",
    ]
    if number % 10 == 0:  # every tenth module imports its successor back: a two-module cycle
        head.append(f"from pkg{package} import mod{nxt}")
    body: list[str] = []
    for b in range(blocks):
        body += [
            "",
            "",
            f"def work{b}(items: list[int], seen=[]) -> int:",
            f"    total: int = mod{prev}.VALUE",
            "    for item in items:",
            "        total += item",
            "    if items == None:",
            '        subprocess.call("ls", shell=True)',
            f'    name: str = {b}  # a type error: "int" is not "str"',
            "    return total + len(name)",
        ]
    tail = ["", "", f"VALUE = {index}", ""]
    return "\n".join([*head, *body, *tail])


def generate(root: Path, *, files: int, blocks: int = 1) -> Path:
    """`files` modules under root (packages of PACKAGE_SIZE), with a pyproject.toml."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "synthetic"\nversion = "0"\n')
    for index in range(files):
        package, number = divmod(index, PACKAGE_SIZE)
        folder = root / f"pkg{package}"
        if number == 0:
            folder.mkdir(exist_ok=True)
            (folder / "__init__.py").write_text("")
        (folder / f"mod{number}.py").write_text(module(index, blocks=blocks))
    return root
