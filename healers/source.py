"""Source files as Python reads them: bytes decoded by the coding cookie or BOM, every line ending
kept, and text encoded back byte for byte."""

from __future__ import annotations

import io
import re
import tokenize

from healers.finding import Source

# Only these end a line in Python source; str.splitlines() would also split on \f, \v, \x1c, ...
_LINE_END = re.compile(r"\r\n|\r|\n")
NEWLINES = ("\n", "\r\n", "\r")


class SourceError(ValueError):
    """A file heal cannot read as Python source (undecodable, binary)."""


def read_source(data: bytes) -> Source:
    """Decode a file's bytes the way Python would, keeping every line ending as it is."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise SourceError(f"contains a NUL byte at offset {nul} (binary file?)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        problem = ""
    except SyntaxError as exc:  # an unknown codec, or a cookie that contradicts the BOM
        encoding, problem = "utf-8", str(exc.msg)
    try:
        if b"#\n".decode(encoding) != "#\n":  # CPython refuses these too (utf-16, ...)
            raise SourceError(f"{encoding} is not an ASCII-compatible encoding")
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        # utf-8-sig reports offsets after the BOM it stripped; count from the file's first byte.
        offset = exc.start + len(data) - len(exc.object)
        raise SourceError(f"not valid {encoding}: {exc.reason} at offset {offset}") from None
    except LookupError:  # e.g. "# coding: rot13", a str-to-str codec
        raise SourceError(f"{encoding} is not a text encoding") from None
    if problem:
        raise SourceError(problem)
    source = Source(text=text, encoding=encoding, newline=dominant_newline(text))
    if encode(source, text) != data:  # e.g. utf-7 or unicode_escape: several spellings of one text
        raise SourceError(f"{encoding} does not round-trip this file byte-exactly")
    return source


def lines(text: str, *, keepends: bool = False) -> list[str]:
    """The text's lines as Python's tokenizer counts them (line N of a finding is lines[N-1]):
    only \r\n, \r and \n end a line; a form feed or \u2028 inside a line does not."""
    found, start = [], 0
    for match in _LINE_END.finditer(text):
        found.append(text[start : match.end() if keepends else match.start()])
        start = match.end()
    if start < len(text):
        found.append(text[start:])
    return found


def dominant_newline(text: str) -> str:
    counts: dict[str, int] = {}  # in order of first appearance
    for match in _LINE_END.finditer(text):
        counts[match[0]] = counts.get(match[0], 0) + 1
    # max() keeps the earliest of equals, so a tie goes to the ending seen first. (libcst's
    # Module.default_newline is always the first line's ending, even when it is the odd one out.)
    return max(counts, key=counts.__getitem__, default="\n")


def encode(source: Source, text: str) -> bytes:
    """`text` as bytes in the encoding `source` was read with (utf-8-sig writes the BOM back)."""
    try:
        return text.encode(source.encoding)
    except UnicodeEncodeError as exc:
        line = len(_LINE_END.findall(text, 0, exc.start)) + 1
        char, codec = exc.object[exc.start], source.encoding
        raise SourceError(f"{char!r} on line {line} cannot be encoded in {codec}") from None


def match_newlines(inserted: str, newline: str) -> str:
    """Give every line ending in text a fix inserts the file's own `newline`."""
    if newline not in NEWLINES:
        raise ValueError(f"not a line ending: {newline!r}")
    return _LINE_END.sub(newline, inserted)
