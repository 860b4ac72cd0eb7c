from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from healers.finding import Source
from healers.source import SourceError, encode, match_newlines, read_source
from healers.write import LockTimeout, WriteError, locked, sha256, write_atomic

REPO = Path(__file__).resolve().parents[1]
BOM = b"\xef\xbb\xbf"


def _temps(*directories: Path) -> list[Path]:
    return [p for d in directories for p in d.glob(".heal-*.tmp")]


@pytest.mark.parametrize(
    ("data", "encoding", "newline"),
    [
        pytest.param(b"x = 1\ny = 2\n", "utf-8", "\n", id="LF"),
        pytest.param(b"x = 1\r\ny = 2\r\n", "utf-8", "\r\n", id="CRLF"),
        pytest.param(b"x = 1\ry = 2\r", "utf-8", "\r", id="CR only"),
        pytest.param(b"a = 1\r\nb = 2\r\nc = 3\nd = 4\r", "utf-8", "\r\n", id="mixed"),
        pytest.param(b"x = 1\ny = 2", "utf-8", "\n", id="no final newline"),
        pytest.param(b"x = 1\r\ny = 2\r\nz = 3\r", "utf-8", "\r\n", id="CRLF ending in bare CR"),
        pytest.param(b"", "utf-8", "\n", id="empty file"),
        pytest.param(BOM + b"x = '\xc3\xa9'\r\n", "utf-8-sig", "\r\n", id="UTF-8 BOM"),
        pytest.param(
            b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "iso-8859-1", "\n", id="latin-1 cookie"
        ),
        pytest.param(
            b"#!/usr/bin/env python\n# coding: cp1252\nx = '\x80'\n", "cp1252", "\n", id="cp1252"
        ),
        pytest.param(b"if x:\n\ty = 1\n\t\tz = 2\n", "utf-8", "\n", id="tabs"),
        pytest.param(b"x = 1\n\x0c\ny = 2\n", "utf-8", "\n", id="form feed"),
        pytest.param(b"x = 1\r\x0c\ry = 2\r", "utf-8", "\r", id="form feed in CR-only file"),
        pytest.param(
            b"s = '\xe2\x80\xa8\x0b\x1c'\n", "utf-8", "\n", id="U+2028 VT FS not newlines"
        ),
        pytest.param(b"s = '\xe2\x82\xac'  \t\n\n\n", "utf-8", "\n", id="trailing blanks"),
    ],
)
def test_round_trip_is_byte_exact(tmp_path, data, encoding, newline):
    source = read_source(data)
    assert (source.encoding, source.newline) == (encoding, newline)
    assert not source.text.startswith("\ufeff")
    assert encode(source, source.text) == data
    target = tmp_path / "m.py"
    target.write_bytes(b"old")
    write_atomic(target, encode(source, source.text), root=tmp_path)
    assert target.read_bytes() == data


def test_read_source_keeps_line_endings_in_text():
    assert read_source(b"a\r\nb\rc\n").text == "a\r\nb\rc\n"


@pytest.mark.parametrize(
    ("data", "newline"),
    [
        pytest.param(b"a\nb\nc\r\n", "\n", id="LF majority"),
        pytest.param(b"a\r\nb\r\nc\n", "\r\n", id="CRLF majority"),
        pytest.param(b"a\rb\rc\r\nd\n", "\r", id="CR majority"),
        pytest.param(b"a\nb\r\n", "\n", id="tie goes to first LF"),
        pytest.param(b"a\r\nb\n", "\r\n", id="tie goes to first CRLF"),
        pytest.param(b"a\rb\n", "\r", id="tie goes to first CR"),
        pytest.param(b"x = 1", "\n", id="no line ending"),
        pytest.param(b"a\x0cb\x0bc\x1cd", "\n", id="only splitlines-style breaks"),
        pytest.param(b"a\r\r\nb\r\r\nc\r\n", "\r\n", id="CR CR LF is a CR and a CRLF"),
    ],
)
def test_newline_detection(data, newline):
    assert read_source(data).newline == newline


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"\xff = 1\n", "not valid utf-8: invalid start byte at offset 0", id="line 1"),
        pytest.param(
            b"x = 1\ny = 2\nz = '\xe9'\n",
            "not valid utf-8: invalid continuation byte at offset 17",
            id="beyond the first two lines",
        ),
        pytest.param(
            BOM + b"ab\xff\n", "not valid utf-8: invalid start byte at offset 5", id="after BOM"
        ),
        pytest.param(
            BOM + b"a\nb\nc\xff\n",
            "not valid utf-8-sig: invalid start byte at offset 8",
            id="after BOM beyond the first two lines",
        ),
        pytest.param(
            b"# coding: ascii\nx = '\xe9'\n",
            "not valid ascii: ordinal not in range(128) at offset 21",
            id="ascii cookie",
        ),
        pytest.param(b"x = 1\0\n", "contains a NUL byte at offset 5", id="NUL byte"),
        pytest.param(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "NUL byte at offset 8", id="binary"),
        pytest.param(b"# coding: klingon\n", "unknown encoding: klingon", id="unknown codec"),
        pytest.param(b"# coding: rot13\n", "rot13 is not a text encoding", id="str-to-str codec"),
        pytest.param(
            b"# coding: utf-16\nx = 1\n", "utf-16 is not an ASCII-compatible", id="utf-16 cookie"
        ),
        pytest.param(
            BOM + b"# coding: latin-1\n", "encoding problem: utf-8", id="BOM contradicts cookie"
        ),
        pytest.param(
            b"# coding: utf-7\nx = '+AGE-'\n", "does not round-trip", id="utf-7 not byte-exact"
        ),
    ],
)
def test_undecodable_raises_source_error_with_reason(data, reason):
    with pytest.raises(SourceError, match="^.*" + reason.replace("(", r"\(").replace(")", r"\)")):
        read_source(data)


def test_source_error_is_a_value_error():
    with pytest.raises(ValueError, match="NUL"):
        read_source(b"\0")


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        pytest.param(Source("", "utf-8-sig", "\n"), "x = 1\n", BOM + b"x = 1\n", id="BOM kept"),
        pytest.param(Source("", "iso-8859-1", "\n"), "x = 'é'\n", b"x = '\xe9'\n", id="latin-1"),
        pytest.param(Source("", "utf-8", "\r\n"), "é\r\n", b"\xc3\xa9\r\n", id="utf-8 CRLF"),
    ],
)
def test_encode(source, text, expected):
    assert encode(source, text) == expected


@pytest.mark.parametrize(
    ("encoding", "text", "reason"),
    [
        pytest.param(
            "ascii", "x = 1\ny = 'é'\n", "'é' on line 2 cannot be encoded in ascii", id="ascii"
        ),
        pytest.param("iso-8859-1", "a\r\nb\r\n€", "'€' on line 3 cannot", id="latin-1 euro CRLF"),
        pytest.param("utf-8", "x\ry\r'\ud800'", r"'\\ud800' on line 3", id="lone surrogate"),
    ],
)
def test_encode_unencodable_raises_source_error(encoding, text, reason):
    with pytest.raises(SourceError, match=reason):
        encode(Source("", encoding, "\n"), text)


@pytest.mark.parametrize(
    ("inserted", "newline", "expected"),
    [
        pytest.param("a\nb\n", "\r\n", "a\r\nb\r\n", id="LF to CRLF"),
        pytest.param("a\r\nb\r\n", "\n", "a\nb\n", id="CRLF to LF"),
        pytest.param("a\r\nb\nc\r", "\r", "a\rb\rc\r", id="mixed to CR"),
        pytest.param("a\r\nb", "\r\n", "a\r\nb", id="CRLF stays CRLF, not CR CR LF"),
        pytest.param("a\rb", "\n", "a\nb", id="CR to LF"),
        pytest.param("a\r\r\nb", "\n", "a\n\nb", id="CR then CRLF is two endings"),
        pytest.param("a\x0cb\x0b\u2028\n", "\r\n", "a\x0cb\x0b\u2028\r\n", id="only real endings"),
        pytest.param("x = 1", "\r", "x = 1", id="no line ending"),
        pytest.param("", "\r\n", "", id="empty"),
    ],
)
def test_match_newlines(inserted, newline, expected):
    assert match_newlines(inserted, newline) == expected
    assert match_newlines(expected, newline) == expected


def test_match_newlines_rejects_non_newline():
    with pytest.raises(ValueError, match="not a line ending"):
        match_newlines("a\n", "\n\n")


def test_sha256():
    assert sha256(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sha256(b"a\r\n") != sha256(b"a\n")


@pytest.mark.parametrize("mode", [0o755, 0o644, 0o600, 0o640, 0o4755])
def test_write_atomic_keeps_mode(tmp_path, mode):
    target = tmp_path / "m.py"
    target.write_bytes(b"old\n")
    target.chmod(mode)
    write_atomic(target, b"new\n", root=tmp_path)
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert _temps(tmp_path) == []


def test_write_atomic_new_file_gets_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.py", b"x = 1\n", root=tmp_path)
    finally:
        os.umask(old)
    assert (tmp_path / "new.py").read_bytes() == b"x = 1\n"
    assert stat.S_IMODE((tmp_path / "new.py").stat().st_mode) == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_write_atomic_keeps_owner_when_root(tmp_path):
    target = tmp_path / "m.py"
    target.write_bytes(b"old\n")
    os.chown(target, 12345, 23456)
    target.chmod(0o2755)
    write_atomic(target, b"new\n", root=tmp_path)
    st = target.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (12345, 23456, 0o2755)


@pytest.mark.parametrize(
    "via_root_alias", [pytest.param(False, id="root"), pytest.param(True, id="root alias")]
)
def test_write_through_symlink_inside_repo(tmp_path, via_root_alias):
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    real = repo / "pkg" / "real.py"
    real.write_bytes(b"old\n")
    real.chmod(0o755)
    (repo / "link.py").symlink_to("pkg/real.py")
    (repo / "chain.py").symlink_to("link.py")
    root = repo
    if via_root_alias:
        root = tmp_path / "alias"
        root.symlink_to(repo)
    write_atomic(root / "chain.py", b"new\r\n", root=root)
    assert real.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o755
    assert (repo / "link.py").is_symlink() and (repo / "chain.py").is_symlink()
    assert os.readlink(repo / "chain.py") == "link.py"
    assert os.readlink(repo / "link.py") == "pkg/real.py"
    assert _temps(repo, repo / "pkg") == []


@pytest.mark.parametrize(
    ("make", "written", "message"),
    [
        pytest.param(
            lambda repo, out: (repo / "link.py").symlink_to(out / "x.py"),
            "link.py",
            "symlink points outside the repository",
            id="symlink to outside file",
        ),
        pytest.param(
            lambda repo, out: (repo / "link.py").symlink_to("../out/x.py"),
            "link.py",
            "symlink points outside the repository",
            id="relative symlink escaping",
        ),
        pytest.param(
            lambda repo, out: (repo / "vendor").symlink_to(out),
            "vendor/x.py",
            "path is outside the repository",
            id="symlinked directory",
        ),
        pytest.param(lambda repo, out: None, "../out/x.py", "path is outside", id="dot-dot path"),
    ],
)
def test_write_outside_repo_is_refused(tmp_path, make, written, message):
    repo, out = tmp_path / "repo", tmp_path / "out"
    repo.mkdir()
    out.mkdir()
    (out / "x.py").write_bytes(b"outside\n")
    make(repo, out)
    links = {p: os.readlink(p) for p in repo.iterdir() if p.is_symlink()}
    with pytest.raises(WriteError, match=message):
        write_atomic(repo / written, b"pwned\n", root=repo)
    assert (out / "x.py").read_bytes() == b"outside\n"
    assert {p: os.readlink(p) for p in repo.iterdir() if p.is_symlink()} == links
    assert _temps(repo, out) == []


def test_dangling_symlink_is_refused(tmp_path):
    (tmp_path / "link.py").symlink_to("missing.py")
    with pytest.raises(WriteError, match="cannot resolve symlink"):
        write_atomic(tmp_path / "link.py", b"x\n", root=tmp_path)
    assert (tmp_path / "link.py").is_symlink()
    assert not (tmp_path / "missing.py").exists()


def test_short_writes_are_completed(tmp_path, monkeypatch):
    real_write = os.write
    calls = []

    def short_write(fd, data):
        calls.append(len(data))
        return real_write(fd, bytes(data[:3]))

    monkeypatch.setattr(os, "write", short_write)
    target = tmp_path / "m.py"
    target.write_bytes(b"old\n")
    write_atomic(target, b"0123456789\n", root=tmp_path)
    assert target.read_bytes() == b"0123456789\n"
    assert len(calls) == 4


@pytest.mark.parametrize(
    ("function", "code"),
    [
        pytest.param("write", errno.ENOSPC, id="write ENOSPC"),
        pytest.param("fsync", errno.ENOSPC, id="fsync ENOSPC"),
        pytest.param("fsync", errno.EIO, id="fsync EIO"),
        pytest.param("fchmod", errno.EPERM, id="fchmod EPERM"),
        pytest.param("replace", errno.ENOSPC, id="replace ENOSPC"),
        pytest.param("replace", errno.EACCES, id="replace EACCES"),
    ],
)
def test_write_error_leaves_original_intact(tmp_path, monkeypatch, function, code):
    target = tmp_path / "m.py"
    target.write_bytes(b"original\r\n")
    target.chmod(0o755)

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, function, fail)
    with pytest.raises(WriteError) as info:
        write_atomic(target, b"new\n", root=tmp_path)
    monkeypatch.undo()
    assert isinstance(info.value, OSError)
    assert info.value.errno == code
    assert str(info.value) == f"{target}: {os.strerror(code)}"
    assert target.read_bytes() == b"original\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert _temps(tmp_path) == []


@pytest.mark.parametrize(
    "interrupt",
    [
        pytest.param(KeyboardInterrupt(), id="KeyboardInterrupt"),
        pytest.param(SystemExit(143), id="SIGTERM exit"),
    ],
)
def test_interrupt_between_write_and_rename(tmp_path, monkeypatch, interrupt):
    target = tmp_path / "m.py"
    target.write_bytes(b"original\n")
    seen: list[bytes] = []

    def interrupted_replace(src, dst):
        seen.extend(p.read_bytes() for p in _temps(tmp_path))
        raise interrupt

    monkeypatch.setattr(os, "replace", interrupted_replace)
    with pytest.raises(type(interrupt)):
        write_atomic(target, b"new\n", root=tmp_path)
    assert seen == [b"new\n"]  # the interrupt came after the temp file was fully written
    assert target.read_bytes() == b"original\n"
    assert _temps(tmp_path) == []


def test_write_replaces_file_not_rewrites_in_place(tmp_path):
    target = tmp_path / "m.py"
    target.write_bytes(b"old\n")
    with target.open("rb") as reader:  # a reader that opened the old file keeps the old bytes
        write_atomic(target, b"new\n", root=tmp_path)
        assert reader.read() == b"old\n"
    assert target.read_bytes() == b"new\n"


CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from healers.write import LockTimeout, locked
    try:
        with locked(Path(sys.argv[1]), timeout=float(sys.argv[2])):
            print("held", flush=True)
            time.sleep(float(sys.argv[3]))
    except LockTimeout as exc:
        print("timeout:", exc, flush=True)
        sys.exit(3)
    """
)


def _child(state, timeout, hold=0.0):
    args = [sys.executable, "-c", CHILD, str(state), str(timeout), str(hold)]
    return subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_lock_excludes_another_process_until_released(tmp_path):
    state = tmp_path / "state"
    with locked(state, timeout=1):
        child = _child(state, timeout=0.3)
        out, _ = child.communicate(timeout=30)
        assert child.returncode == 3
        assert out.startswith("timeout:")
        assert str(state / "lock") in out
    child = _child(state, timeout=0.3)
    out, _ = child.communicate(timeout=30)
    assert (child.returncode, out) == (0, "held\n")


@pytest.mark.slow
def test_lock_waits_for_another_process(tmp_path):
    state = tmp_path / "state"
    child = _child(state, timeout=5, hold=0.5)
    assert child.stdout.readline() == "held\n"
    start = time.monotonic()
    with pytest.raises(LockTimeout), locked(state, timeout=0.05):
        pass
    with locked(state, timeout=20):
        waited = time.monotonic() - start
    assert child.wait(timeout=30) == 0
    assert waited > 0.2


def test_lock_is_per_open_file_even_in_one_process(tmp_path):
    start = time.monotonic()
    with (
        locked(tmp_path, timeout=1),
        pytest.raises(LockTimeout, match="lock: still locked"),
        locked(tmp_path, timeout=0.2),
    ):
        pass
    assert time.monotonic() - start >= 0.2


def test_lock_released_on_exception_and_creates_state_dir(tmp_path):
    state = tmp_path / "a" / "b"
    with pytest.raises(RuntimeError), locked(state):
        assert (state / "lock").is_file()
        raise RuntimeError
    with locked(state, timeout=0):
        pass
    child = _child(state, timeout=0)
    assert child.communicate(timeout=30)[0] == "held\n"


def test_lock_timeout_is_an_os_error():
    assert issubclass(LockTimeout, TimeoutError)
    assert issubclass(LockTimeout, OSError)
