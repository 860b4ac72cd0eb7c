"""The heal run's words, sorted before option parsing: a word that names an existing file or
folder is a path, never an option, so file names (pre-commit's, a shell glob's) cannot become
heal's options or a subcommand."""

from __future__ import annotations

import argparse
import os
from collections.abc import Collection, Sequence


def is_path(word: str) -> bool:
    """Does the word name something that exists (a dangling link included)?"""
    return word == "" or os.path.lexists(word)


def names_file(word: str) -> bool:
    """A word pre-commit could pass: an existing file (or a link), not a folder."""
    return os.path.lexists(word) and not os.path.isdir(word)


def value_options(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """The parser's options that take one value, and those whose value is optional."""
    one: set[str] = set()
    optional: set[str] = set()
    for action in parser._actions:
        if action.nargs is None and action.option_strings:
            one.update(action.option_strings)
        elif action.nargs == "?" and action.option_strings:
            optional.update(action.option_strings)
    return one, optional


def separate(words: Sequence[str], one: Collection[str], optional: Collection[str]) -> list[str]:
    """The words as options, `--`, then paths. pre-commit runs `entry + args + file names` and
    nothing ends the options, so a staged `--verify-cmd=touch PWNED #.py` would otherwise be an
    option. An option's value stays with it (`--config heal.toml`, `--scan src`); every other word
    that names an existing path is a path; `--` ends the options as usual."""
    options: list[str] = []
    paths: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            paths += words[i + 1 :]
            break
        following = words[i + 1] if i + 1 < len(words) else None
        if is_path(word):
            paths.append(word)
        elif following is not None and (word in one or (word in optional and _value(following))):
            options += [word, following]
            i += 1
        else:
            options.append(word)
        i += 1
    return [*options, "--", *paths] if paths else options


def _value(word: str) -> bool:
    """Would argparse take this word as an optional value (`--scan PATH`)?"""
    return is_path(word) or not word.startswith("-")
