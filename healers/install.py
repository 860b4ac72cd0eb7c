"""Where a generated workflow installs heal from: a source that exists and is pinned, or an error
that names the option to give (the name `healers` on PyPI is not heal's)."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from importlib import metadata
from urllib.parse import urlsplit

from healers import __version__
from healers.errors import UsageError

COMMIT = re.compile(r"^[0-9a-f]{40}$")
# a requirement pip would look up on an index by name: `healers`, `healers[llm]==1.2`, ...
BY_NAME = re.compile(r"^healers(\[[^\]]*\])?\s*([=<>~!]=?.*)?$", re.IGNORECASE)
PINNED_VERSION = re.compile(r"^healers(\[[^\]]*\])?===?\S+$", re.IGNORECASE)
HOW = (
    "give --source GIT_URL@COMMIT (a full 40-hex commit) "
    "or --install 'healers==VERSION' --index-url URL"
)


def _git_url(url: str) -> str:
    """`git+URL`; a local `file:///path` gets the host `localhost`, without which pip before
    24 refuses the requirement (`file://localhost/path` is the same file to git)."""
    url = url if url.startswith("git+") else f"git+{url}"
    return url.replace("git+file:///", "git+file://localhost/", 1)


def from_source(source: str) -> str:
    """`--source URL@COMMIT` -> the pip requirement `healers @ git+URL@COMMIT`."""
    url, at, commit = source.rpartition("@")
    if not at or not url or "://" not in url or not COMMIT.match(commit):
        raise UsageError(
            f"--source {source!r}: needs GIT_URL@COMMIT, a URL with a scheme and a full 40-hex "
            "commit (a branch or tag can be moved)"
        )
    return f"healers @ {_git_url(url)}@{commit}"


def from_index(install: str, index_url: str) -> str:
    """`--install SPEC --index-url URL`: the words as given, on the index the user names; heal
    itself must be pinned to one version there."""
    words = shlex.split(install) if install else [f"healers=={__version__}"]
    if not any(PINNED_VERSION.match(w) for w in words):
        raise UsageError(f"--install {install!r}: pin heal to one version: 'healers==VERSION'")
    if urlsplit(index_url).scheme not in ("https", "http", "file"):
        raise UsageError(f"--index-url {index_url!r}: needs a URL (https://...)")
    return shlex.join(["--index-url", index_url, *words])


def from_words(install: str) -> str:
    """`--install WORDS` alone: pip arguments used as given (a path such as `.` in heal's own
    repository), but never heal by name, which pip would fetch from PyPI."""
    words = shlex.split(install)
    named = [w for w in words if BY_NAME.match(w)]
    if named:
        raise UsageError(
            f"--install {named[0]!r} without --index-url: pip would fetch it from PyPI, where "
            f"`healers` is not heal; {HOW}"
        )
    return install


def from_distribution(record: Mapping[str, object] | None) -> str:
    """The installed heal's PEP 610 record (direct_url.json): a git install pinned to its
    commit, or an archive URL with its hash; anything else cannot be pinned."""
    if record is None:
        raise UsageError(f"heal was installed from a package index heal cannot name; {HOW}")
    url = str(record.get("url", ""))
    vcs = record.get("vcs_info")
    if (
        isinstance(vcs, dict)
        and vcs.get("vcs") == "git"
        and COMMIT.match(str(vcs.get("commit_id")))
    ):
        if urlsplit(url).scheme == "file":
            raise UsageError(f"heal was installed from the local repository {url}; {HOW}")
        return f"healers @ {_git_url(url)}@{vcs['commit_id']}"
    archive = record.get("archive_info")
    if isinstance(archive, dict) and urlsplit(url).scheme == "https":
        digest = archive.get("hash") or next(iter(archive.get("hashes", {}).items()), None)
        if isinstance(digest, tuple):
            digest = "=".join(digest)
        if isinstance(digest, str) and "=" in digest:
            return f"healers @ {url}#{digest}"
    where = "the local folder" if "dir_info" in record else "an unpinned source"
    raise UsageError(f"heal was installed from {where} {url}; {HOW}")


def installed_record() -> dict[str, object] | None:
    """The installed heal's direct_url.json, or None when it came from an index."""
    try:
        text = metadata.distribution("healers").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if text is None:
        return None
    data = json.loads(text)
    return data if isinstance(data, dict) else None


def install_words(*, source: str, install: str, index_url: str) -> str:
    """The pip arguments the workflow's install step runs, as shell words."""
    if any("\n" in value for value in (source, install, index_url)):
        raise UsageError("--source, --install and --index-url must be one line each")
    try:
        return _words(source=source, install=install, index_url=index_url)
    except ValueError as exc:  # shlex: an unbalanced quote
        if isinstance(exc, UsageError):
            raise
        raise UsageError(f"--install {install!r}: {exc}") from exc


def _words(*, source: str, install: str, index_url: str) -> str:
    if source and (install or index_url):
        raise UsageError("--source names heal's source; give it without --install/--index-url")
    if source:
        return shlex.quote(from_source(source))
    if index_url:
        return from_index(install, index_url)
    if install:
        return from_words(install)
    return shlex.quote(from_distribution(installed_record()))
