"""Where the generated workflow installs heal from: pinned, or refused at init with the option."""

from __future__ import annotations

import pytest

from healers import install
from healers.errors import UsageError

SHA = "0123456789abcdef0123456789abcdef01234567"


def words(**kw: str) -> str:
    return install.install_words(**{"source": "", "install": "", "index_url": "", **kw})


def test_a_git_source_pinned_to_a_commit():
    assert words(source=f"https://github.com/o/healers@{SHA}") == (
        f"'healers @ git+https://github.com/o/healers@{SHA}'"
    )
    assert words(source=f"git+ssh://git@host/o/h.git@{SHA}") == (
        f"'healers @ git+ssh://git@host/o/h.git@{SHA}'"
    )


@pytest.mark.parametrize(
    "source",
    ["https://github.com/o/healers@main", "https://github.com/o/healers", f"github.com/o@{SHA}"],
)
def test_a_source_that_is_not_pinned_is_refused(source):
    with pytest.raises(UsageError, match="GIT_URL@COMMIT"):
        words(source=source)


def test_a_local_repository_gets_the_host_old_pips_need():
    assert words(source=f"file:///srv/healers@{SHA}") == (
        f"'healers @ git+file://localhost/srv/healers@{SHA}'"
    )


def test_an_index_needs_a_pinned_version():
    assert words(index_url="https://pkgs.example/simple") == (
        "--index-url https://pkgs.example/simple healers==0.1.0"
    )
    got = words(install="healers==0.2.0 -r requirements.txt", index_url="https://x/simple")
    assert got == "--index-url https://x/simple healers==0.2.0 -r requirements.txt"
    with pytest.raises(UsageError, match="healers==VERSION"):
        words(install="healers>=0.1", index_url="https://x/simple")
    with pytest.raises(UsageError, match="needs a URL"):
        words(install="healers==0.1.0", index_url="pkgs.example")


@pytest.mark.parametrize("spec", ["healers", "healers==0.1.0", "healers[llm]==0.1.0", "HEALERS"])
def test_heal_by_name_without_an_index_is_refused(spec):
    with pytest.raises(UsageError, match="--index-url") as error:
        words(install=spec)
    assert "PyPI" in str(error.value)


def test_a_path_is_used_as_given():
    assert words(install=".") == "."


def test_source_and_install_together_are_refused():
    with pytest.raises(UsageError, match="without --install"):
        words(source=f"https://h/o/r@{SHA}", install=".")


def test_newlines_and_bad_quotes_are_refused():
    with pytest.raises(UsageError, match="one line"):
        words(install=".\nrm -rf /")
    with pytest.raises(UsageError, match="--install"):
        words(install="'unbalanced")


def test_pep_610_git_install_is_pinned_to_its_commit():
    record = {"url": "https://github.com/o/healers", "vcs_info": {"vcs": "git", "commit_id": SHA}}
    assert install.from_distribution(record) == f"healers @ git+https://github.com/o/healers@{SHA}"


def test_pep_610_https_archive_with_its_hash():
    record = {
        "url": "https://files.example/healers-0.1.0-py3-none-any.whl",
        "archive_info": {"hashes": {"sha256": "ab" * 32}},
    }
    assert install.from_distribution(record) == (
        f"healers @ https://files.example/healers-0.1.0-py3-none-any.whl#sha256={'ab' * 32}"
    )


@pytest.mark.parametrize(
    ("record", "where"),
    [
        (None, "package index"),
        ({"url": "file:///home/me/healers", "dir_info": {"editable": True}}, "local folder"),
        (
            {"url": "file:///home/me/healers", "vcs_info": {"vcs": "git", "commit_id": SHA}},
            "local repository",
        ),
        ({"url": "https://x/h.tar.gz", "archive_info": {}}, "unpinned source"),
        ({"url": "https://github.com/o/h", "vcs_info": {"vcs": "git", "commit_id": "main"}}, ""),
    ],
)
def test_pep_610_sources_that_cannot_be_pinned_name_the_options(record, where):
    with pytest.raises(UsageError, match="--source GIT_URL@COMMIT") as error:
        install.from_distribution(record)
    assert where in str(error.value)
    assert "--index-url" in str(error.value)
