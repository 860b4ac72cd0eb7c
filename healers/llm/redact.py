"""What never leaves the machine: string literals that look like secrets and the values of the
project's .env files are replaced by placeholders in everything sent to a model, and put back in
its patch before the patch is applied; a reply that brings a new secret is refused."""

from __future__ import annotations

import io
import math
import re
import tokenize
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MIN_LENGTH = 4  # shorter values are not redacted: replacing them would mangle the code around
PLACEHOLDER = "<redacted-{}>"
SECRET_NAME = re.compile(
    r"(pass(wd|word|phrase)?|pwd|secret|token|api_?key|access_?key|private_?key|credential|"
    r"auth|session_?key|client_?secret|signing_?key|salt)",
    re.IGNORECASE,
)
SHAPES = re.compile(
    r"AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,}|sk-[A-Za-z0-9_-]{16,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|AIza[0-9A-Za-z_-]{35}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"
)
# a literal in a line of code with what is assigned or compared to it: name = "value"
_ASSIGNED = re.compile(
    r"""(?P<name>[A-Za-z_]\w*)["']?\s*(?:==|!=|=|:)\s*[rRbBuU]{0,2}(?P<q>["'])(?P<value>(?:\\.|(?!(?P=q)).)*)(?P=q)"""
)
_QUOTED = re.compile(r"""(?P<q>["'])(?P<value>(?:\\.|(?!(?P=q)).)*)(?P=q)""")
_SEPARATORS = frozenset({"=", ":", "==", "!=", "(", ","})


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_secret(value: str, name: str = "") -> bool:
    """A literal that is likely a credential: assigned to (or compared with) a secret-like name,
    shaped like a known token, or a long high-entropy word of letters and digits."""
    if len(value) < MIN_LENGTH or value.startswith("<redacted-"):
        return False
    if name and SECRET_NAME.search(name):
        return True
    if SHAPES.search(value):
        return True
    mixed = any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
    return len(value) >= 24 and " " not in value and mixed and entropy(value) >= 4.0


def _literal(token: str) -> str:
    body = token.lstrip("rRbBuUfF")
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    return body[len(quote) : len(body) - len(quote)]


def _strings(text: str) -> Iterator[tuple[str, str]]:
    """(name before it, value) for each string literal of the module; names are what the
    literal is assigned to, passed as, compared with, or the key it is the value of."""
    previous: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                continue
            if tok.type == tokenize.STRING:
                name = ""
                if len(previous) >= 2 and previous[-1].string in _SEPARATORS:
                    name = previous[-2].string.strip("\"'")
                yield name, _literal(tok.string)
            previous = [*previous[-1:], tok]
    except (tokenize.TokenError, SyntaxError):  # the rest of the file is not read
        return


def env_values(root: Path) -> list[str]:
    """The values of `.env` and `.env.*` files at the project root: KEY=VALUE lines."""
    values: list[str] = []
    for path in sorted(root.glob(".env*")):
        if not path.is_file() or path.is_symlink():
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            key, sep, value = line.strip().removeprefix("export ").partition("=")
            value = value.strip().strip("\"'")
            if sep and key and not key.startswith("#") and len(value) >= MIN_LENGTH:
                values.append(value)
    return values


@dataclass
class Redactor:
    """The secrets of one file (and the project's .env values), each with its placeholder."""

    secrets: dict[str, str] = field(default_factory=dict)  # value -> placeholder
    env: frozenset[str] = frozenset()

    def add(self, value: str) -> None:
        for line in value.splitlines():  # line by line: the text keeps its line numbers
            if len(line.strip()) >= MIN_LENGTH and line not in self.secrets:
                self.secrets[line] = PLACEHOLDER.format(len(self.secrets) + 1)

    def scrub(self, text: str) -> str:
        """`text` with every secret replaced by its placeholder (longest first)."""
        for value in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(value, self.secrets[value])
        return text

    def restore(self, text: str) -> str:
        """A reply's text with the placeholders put back, so its patch applies to the file."""
        for value, placeholder in self.secrets.items():
            text = text.replace(placeholder, value)
        return text

    def new_secret(self, added: Iterable[str], original: str) -> bool:
        """True when lines a patch adds hold a literal that looks like a secret and is not in
        the file already, or a value of the project's .env files."""
        for line in added:
            if any(value in line for value in self.env):
                return True
            named = {m.group("value"): m.group("name") for m in _ASSIGNED.finditer(line)}
            for m in _QUOTED.finditer(line):
                value = m.group("value")
                if value not in original and looks_secret(value, named.get(value, "")):
                    return True
        return False


def for_file(text: str, env: Iterable[str] = ()) -> Redactor:
    """The redactor of one file: its secret-looking literals and the project's .env values."""
    values = frozenset(env)
    found = Redactor(env=values)
    for value in sorted(values, key=len, reverse=True):
        found.add(value)
    for name, value in _strings(text):
        if looks_secret(value, name):
            found.add(value)
    return found
