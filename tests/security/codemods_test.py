"""The security codemods' family base on bandit-shaped findings (line, column counted in UTF-8
bytes from 1): which node a finding names, what is imported, and the reasons given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from healers import tools
from healers.codemod import CANNOT_PARSE
from healers.finding import Finding
from healers.security.flagged import NOT_FOUND
from healers.tools import bandit
from tests.helpers import run_codemod


def at(line: int, column: int, message: str = "") -> Finding:
    """A finding as bandit reports it: `column` is 1 + the node's offset in UTF-8 bytes."""
    return Finding(code="bandit:B000", path="m.py", line=line, column=column, message=message)


FIXES = [
    pytest.param(
        "HashNotForSecurity",
        'import hashlib\nh = {"é": hashlib.md5(b"x")}\n',
        [at(2, 12)],  # "é" is two bytes: the call starts at character 10, byte 11
        'import hashlib\nh = {"é": hashlib.md5(b"x", usedforsecurity=False)}\n',
        id="column in bytes after a non-ASCII character",
    ),
    pytest.param(
        "VerifyCertificates",
        "import requests\nr = requests.get(\n    url,\n    verify=False,\n)\n",
        [at(4, 5)],  # B501 reports the line of `verify=`, the column of the call
        "import requests\nr = requests.get(\n    url,\n    verify=True,\n)\n",
        id="line of an argument inside the call",
    ),
    pytest.param(
        "AddRequestTimeout",
        "import requests\ndata = requests.get(url).json()\n",
        [at(2, 8)],  # two calls start there: the inner one is asked first
        "import requests\ndata = requests.get(url, timeout=60).json()\n",
        id="the innermost call starting at the column",
    ),
    pytest.param(
        "AddRequestTimeout",
        "import requests\ndata = requests.get(url).json()\n",
        [at(2, 8), at(2, 8)],  # the inner call, once rewritten, no longer answers the second
        "import requests\ndata = requests.get(url, timeout=60).json(timeout=60)\n",
        id="two findings at one column: the second moves on to the outer call",
    ),
    pytest.param(
        "SecretFromEnvironment",
        'password = "hunter2"\ntoken = "s3cret"\n',
        [
            at(1, 12, "Possible hardcoded password: 'hunter2'"),
            at(2, 9, "Possible hardcoded password: 's3cret'"),
        ],
        'import os\n\npassword = os.environ["PASSWORD"]\ntoken = os.environ["TOKEN"]\n',
        id="os imported once for two fixes",
    ),
    pytest.param(
        "SecretFromEnvironment",
        'import os\n\ndef connect(password="hunter2"):\n    pass\n',
        [at(3, 1, "Possible hardcoded password: 'hunter2'")],
        'import os\n\ndef connect(password=os.environ["PASSWORD"]):\n    pass\n',
        id="os already imported",
    ),
    pytest.param(
        "UseSystemRandom",
        "import random\nimport sys\nroll = random.randint(1, 6)\nsalt = random.randbytes(8)\n",
        [at(4, 8)],
        "import random\nimport secrets\nimport sys\nroll = random.randint(1, 6)\n"
        "salt = secrets.SystemRandom().randbytes(8)\n",
        id="secrets imported with the other imports",
    ),
    pytest.param(
        "UseSystemRandom",
        "import random\n\n\ndef make_password():\n"
        "    return ''.join(random.sample(ALPHABET, 12))\n",
        [at(5, 20)],
        "import secrets\n\n\ndef make_password():\n"
        "    return ''.join(secrets.SystemRandom().sample(ALPHABET, 12))\n",
        id="random's import goes once nothing uses it",
    ),
    pytest.param(
        "MktempToNamedTemporaryFile",
        "import tempfile\na = tempfile.mktemp()\nb = tempfile.mktemp(suffix='.txt')\n",
        [at(3, 5), at(2, 5)],
        "import tempfile\n"
        "with tempfile.NamedTemporaryFile(delete=False) as tmp_file:\n"
        "    a = tmp_file.name\n"
        "with tempfile.NamedTemporaryFile(delete=False, suffix='.txt') as tmp_file_2:\n"
        "    b = tmp_file_2.name\n",
        id="mktemp: fresh names in source order, whatever the findings' order",
    ),
    pytest.param(
        "RestrictPermissions",
        "import os\nos.chmod('a', 0o777)\nos.chmod('b', 511)\nos.chmod('c', 0o4775)\n",
        [at(2, 1), at(3, 1), at(4, 1)],
        "import os\nos.chmod('a', 0o744)\nos.chmod('b', 0o744)\nos.chmod('c', 0o4744)\n",
        id="B103: group and others lose write and execute, nothing else changes",
    ),
    pytest.param(
        "SystemToSubprocess",
        "import os as o\nfrom os import popen as p\no.popen('/bin/id')\nx = p('/bin/id').read()\n",
        [at(3, 1), at(4, 5)],
        "import os as o\nimport subprocess\nfrom os import popen as p\n"
        'subprocess.Popen(["/bin/id"], stdout=subprocess.PIPE)\n'
        'x = subprocess.run(["/bin/id"], stdout=subprocess.PIPE, text=True, check=False)'
        ".stdout\n",
        id="os.popen under an alias: dropped, and read to the end",
    ),
    pytest.param(
        "SystemToSubprocess",
        "import subprocess\nfor line in __import__('os').popen('x'):\n    pass\n"
        "out = subprocess.getoutput('/bin/ls -l')\n",
        [at(4, 7)],
        "import subprocess\nfor line in __import__('os').popen('x'):\n    pass\n"
        'out = subprocess.run(["/bin/ls", "-l"], stdout=subprocess.PIPE, '
        'stderr=subprocess.STDOUT, text=True, check=False).stdout.removesuffix("\\n")\n',
        id="subprocess.getoutput: the text it returns",
    ),
    pytest.param(
        "VerifyCertificates",
        "import ssl\nc = ssl._create_unverified_context(cafile=ca)\n",
        [at(2, 5)],
        "import ssl\nc = ssl.create_default_context(cafile=ca)\n",
        id="B323: the default context checks certificates",
    ),
    pytest.param(
        "UseFormatHtml",
        "from django.utils.safestring import mark_safe as ms\nx = ms('<b>%s</b>' % name)\n",
        [at(2, 5), at(2, 5)],  # bandit's B703 and B308 on the one call
        "from django.utils.html import format_html\n"
        "from django.utils.safestring import mark_safe as ms\nx = format_html('<b>{}</b>', name)\n",
        id="B308 and B703 on one aliased mark_safe: one rewrite fixes both",
    ),
    pytest.param(
        "UseFormatHtml",
        "from django.utils.html import format_html\nfrom django.utils import safestring\n"
        "x = safestring.mark_safe('{a} {{b}}'.format(a=v))\n",
        [at(3, 5)],
        "from django.utils.html import format_html\nfrom django.utils import safestring\n"
        "x = format_html('{a} {{b}}', a=v)\n",
        id="format_html imported already",
    ),
]


@pytest.mark.parametrize(("codemod", "before", "findings", "after"), FIXES)
def test_fixes(codemod: str, before: str, findings: list[Finding], after: str) -> None:
    result = run_codemod(codemod, before, findings)
    assert result.text == after
    assert result.fixed == tuple(range(len(findings)))
    assert result.unfixed == ()


NOOPS = [
    pytest.param(
        "HashNotForSecurity",
        "import hashlib\nh = hashlib.md5(b'x')\n",
        at(2, 1),
        NOT_FOUND,
        id="no call starts where the finding points",
    ),
    pytest.param(
        "VerifyCertificates",
        "import requests\nr = requests.get(url, verify=False)\nx = 1\n",
        at(3, 5),
        NOT_FOUND,
        id="the call does not reach the finding's line",
    ),
    pytest.param(
        "HashNotForSecurity",
        "import hashlib\nh = hashlib.md5(b'x')\r",
        at(2, 5),
        CANNOT_PARSE,
        id="a trailing bare carriage return libcst would drop",
    ),
    pytest.param(
        "HashNotForSecurity",
        "import hashlib\nh = hashlib.md5(b'x', **options)\n",
        at(2, 5),
        "usedforsecurity may come in **kwargs",
        id="the rewrite's own reason",
    ),
    pytest.param(
        "MktempToNamedTemporaryFile",
        "import tempfile\nf(\n    tempfile.mktemp())\n",
        at(2, 5),
        NOT_FOUND,
        id="mktemp: the finding's line must be the call's first",
    ),
    pytest.param(
        "UseSystemRandom",
        "import random\n\n\ndef roll(seed):\n"
        "    random.seed(seed)\n    return random.randrange(6)\n",
        at(6, 12),
        "the module seeds or saves a generator's state: the system generator has none",
        id="B311: a seeded generator is meant to be reproducible",
    ),
    pytest.param(
        "UseSystemRandom",
        "import random\nrng = random.Random(42)\n",
        at(2, 7),
        "random.Random is given a seed: the numbers are meant to be reproducible",
        id="B311: random.Random with a seed",
    ),
    pytest.param(
        "RestrictPermissions",
        "import os\nos.chmod(path, mode)\n",
        at(2, 1),
        "the mode is computed at run time",
        id="B103: a mode computed at run time",
    ),
    pytest.param(
        "SystemToSubprocess",
        "import os\np = os.popen('/bin/ls')\nstatus = p.close()\n",
        at(2, 5),
        "the stream os.popen returns is kept: its close() returns the exit status, which the "
        "stream of subprocess.Popen does not",
        id="os.popen: a kept stream may be asked for the exit status",
    ),
    pytest.param(
        "SystemToSubprocess",
        "import os\nos.popen('/bin/ls | wc -l').read()\n",
        at(2, 1),
        "the command uses shell features (pipes, redirections, variables, globs, ...)",
        id="os.popen of a pipeline",
    ),
    pytest.param(
        "VerifyCertificates",
        "import ssl\nc = ssl._create_unverified_context(ssl.PROTOCOL_TLS_CLIENT)\n",
        at(2, 5),
        "an argument create_default_context does not take (protocol, cert_reqs...)",
        id="B323: a protocol create_default_context does not take",
    ),
    pytest.param(
        "SystemToSubprocess",
        "import popen2\nprint(popen2.popen2('/bin/ls')[0].read())\n",
        at(2, 7),
        "popen2.popen2 is Python 2's: the module is gone, and the code needs porting first",
        id="B605: Python 2's popen2",
    ),
    pytest.param(
        "SystemToSubprocess",
        "import subprocess\nsubprocess.getstatusoutput('/bin/ls -l')\n",
        at(2, 1),
        "getstatusoutput returns the shell's exit status with the output: reported",
        id="B605: getstatusoutput",
    ),
    pytest.param(
        "UseFormatHtml",
        "from django.utils.safestring import mark_safe\nx = mark_safe(html)\n",
        at(2, 5),
        "mark_safe is not given a string literal formatted in place (a variable or a value "
        "built elsewhere): which parts are markup and which are values only its author knows",
        id="B308: mark_safe of a variable",
    ),
    pytest.param(
        "UseFormatHtml",
        "from django.utils import safestring\nx = safestring.SafeString(html)\n",
        at(2, 5),
        "SafeString marks the text it is given safe as it is: which parts are markup and "
        "which are values only its author knows",
        id="B703: a SafeString",
    ),
    pytest.param(
        "UseFormatHtml",
        "from django.utils.safestring import mark_safe\nx = mark_safe('<b>%d</b>' % n)\n",
        at(2, 5),
        "the template has placeholders other than a plain %s (%d, %(name)s, %r, ...)",
        id="B308: a %d template",
    ),
    pytest.param(
        "UseFormatHtml",
        "from django.utils.safestring import mark_safe\nx = mark_safe('%s %s' % (a,))\n",
        at(2, 5),
        "the template's %s placeholders and the values given differ in number",
        id="B308: fewer values than placeholders (it raised before)",
    ),
    pytest.param(
        "UseFormatHtml",
        "from django.utils.safestring import mark_safe\nx = mark_safe('\\x25s' % a)\n",
        at(2, 5),
        "the template has placeholders other than a plain %s (%d, %(name)s, %r, ...)",
        id="B308: a placeholder written as an escape",
    ),
    pytest.param(
        "UseFormatHtml",
        "from django.utils.safestring import mark_safe\n\ndef format_html(t):\n    return t\n\n"
        "x = mark_safe('<b>{}</b>'.format(a))\n",
        at(6, 5),
        "format_html is a name of this module that is not Django's",
        id="format_html is the module's own name",
    ),
]


@pytest.mark.parametrize(("codemod", "source", "finding", "why"), NOOPS)
def test_noop(codemod: str, source: str, finding: Finding, why: str) -> None:
    result = run_codemod(codemod, source, [finding])
    assert result.text == source
    assert result.fixed == ()
    assert result.unfixed == ((0, why),)


def test_two_mktemp_calls_in_one_statement() -> None:
    source = "import tempfile\npair = (tempfile.mktemp(), tempfile.mktemp())\n"
    result = run_codemod("MktempToNamedTemporaryFile", source, [at(2, 9), at(2, 28)])
    assert result.fixed == (0,)
    assert result.unfixed == ((1, "two mktemp() calls in one statement"),)
    assert result.text == (
        "import tempfile\n"
        "with tempfile.NamedTemporaryFile(delete=False) as tmp_file:\n"
        "    pair = (tmp_file.name, tempfile.mktemp())\n"
    )


@pytest.mark.slow
def test_bandit_columns_after_non_ascii_text(tmp_path: Path) -> None:
    """The byte columns are bandit's own: a real run on a line with a two-byte character."""
    source = 'import hashlib\nh = {"é": hashlib.md5(b"x")}\n'
    (tmp_path / "m.py").write_text(source, encoding="utf-8")
    out = tools.run_tool("bandit", bandit.command(["m.py"], config=None), cwd=tmp_path, ok=(1,))
    findings, _ = bandit.read(out.stdout, str(tmp_path))
    assert [(f.code, f.line, f.column) for f in findings] == [("bandit:B324", 2, 12)]
    result = run_codemod("HashNotForSecurity", source, findings)
    assert result.text == 'import hashlib\nh = {"é": hashlib.md5(b"x", usedforsecurity=False)}\n'


def test_an_import_goes_above_code_that_runs_before_the_first_imports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # bandit's hardcoded-passwords.py: a class body at the top, the imports far below; an
    # `import os` added to those imports would run after the class body reads os.environ
    source = "class A:\n    password = 'x'\n\n\nimport sys\n"
    found = Finding("bandit:B105", "m.py", 2, 16, "Possible hardcoded password: 'x'")
    result = run_codemod("SecretFromEnvironment", source, [found])
    assert result.text == (
        'import os\n\n\nclass A:\n    password = os.environ["PASSWORD"]\n\n\nimport sys\n'
    )
    monkeypatch.setenv("PASSWORD", "from the environment")
    namespace: dict[str, Any] = {}
    exec(compile(result.text, "m.py", "exec"), namespace)  # nosec B102 - our own text
    assert namespace["A"].password == "from the environment"
