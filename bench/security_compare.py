"""Security fixes, heal against codemodder, on the same files: bandit's own examples/ folder (from
the bandit sdist on PyPI) plus a few insecure samples written here.

For each tool a fresh copy of the files (a git repository with a pyproject.toml that declares no
dependencies) is fixed, then bandit runs again on it. Printed per tool: files changed, bandit
findings fixed (gone) and introduced (new) per (file, test id), files that compiled before and
still compile, and top-level imports of modules that are neither standard library nor imported
before anywhere in the tree (new, undeclared dependencies). heal runs twice: unattended
(`--fix --unsafe-fixes`, HIGH findings stay blocked) and with every proposed fix approved
(`heal approve` on everything `heal pending` lists with a diff), which is what a reviewer who
accepts all proposals gets.

    /work/venvs/NAME/bin/python bench/security_compare.py \
        --codemodder /work/venvs/NAME-codemodder/bin/codemodder

codemodder is AGPL-3.0: it is only ever run as a separate program, never imported. Install it in
its own virtual environment (`pip install "codemodder[semgrep]"`): its pins would otherwise
change the libcst heal is tested with. Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess  # nosec B404 - a benchmark that runs the tools it compares
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work" / "security"
SDISTS = Path(os.environ.get("BENCH_CACHE", "/work/bench-cache")) / "sdist"  # shared, kept
BANDIT = "bandit==1.9.4"
# examples/init-py-test holds an __init__.py but is no valid package name: mypy exits 2 on it
# and heal stops with that error, so heal is told to leave that one folder out
PYPROJECT = """\
[project]
name = "insecure"
version = "0"
dependencies = []

[tool.healers]
exclude = ["examples/init-py-test/"]
"""
SAMPLES = {
    "samples/web.py": """\
import hashlib
import subprocess
import tempfile

import requests
import yaml


def run(command):
    subprocess.run(command, shell=True, check=True)
    subprocess.run("ls -l /etc", shell=True, check=True)


def digest(data):
    return hashlib.md5(data).hexdigest()


def fetch(url):
    reply = requests.get(url, verify=False)
    settings = yaml.load(reply.text)
    return requests.post(url, data=settings)


def scratch():
    return tempfile.mktemp()
""",
    "samples/server.py": """\
import random
import tarfile

import flask
import jinja2
import paramiko

app = flask.Flask(__name__)
DB_PASSWORD = "hunter2"


def connect(host, password="s3cret"):
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host, password=DB_PASSWORD)
    return random.randint(1, 6)


def unpack(path):
    with tarfile.open(path) as tar:
        tar.extractall("out")
    return jinja2.Environment(autoescape=False)


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
""",
    "samples/mixed.py": """\
import pickle
import sqlite3
import tempfile
import xml.etree.ElementTree as ET


def load(blob):
    return pickle.loads(blob)


def user(db, name):
    return db.execute("SELECT * FROM users WHERE name = '%s'" % name).fetchone()


def title(text):
    return ET.fromstring(text).findtext("title")


def scratch(names):
    paths = [tempfile.mktemp() for _ in names]
    open(tempfile.mktemp(), "w").close()
    return paths
""",
}


def run(
    cmd: Sequence[str], cwd: Path, timeout: float = 1800, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # nosec B603 - argv lists built here, no shell
        list(cmd),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def examples() -> Path:
    """bandit's examples/ folder from its sdist, downloaded once."""
    sdist = SDISTS
    if not list(sdist.glob("bandit-1.9.4.tar.gz")):
        sdist.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        proc = run([*pip, BANDIT, "-d", str(sdist)], WORK)
        if proc.returncode:
            raise SystemExit(f"pip download failed:\n{proc.stderr}")
    (archive,) = sdist.glob("bandit-1.9.4.tar.gz")
    target = WORK / "src"
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/examples/" in m.name]
        tar.extractall(target, members=members, filter="data")
    (folder,) = target.glob("bandit-*/examples")
    return folder


EXCLUDED = {"examples/init-py-test/"}  # what heal is told to leave out, and why: see heal()


def exclude(root: Path) -> None:
    listed = ", ".join(json.dumps(p) for p in sorted(EXCLUDED))
    text = PYPROJECT.replace('exclude = ["examples/init-py-test/"]', f"exclude = [{listed}]")
    (root / "pyproject.toml").write_text(text, encoding="utf-8")


def prepare(name: str, source: Path) -> Path:
    root = WORK / name
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(source, root / "examples")
    for path, text in SAMPLES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    exclude(root)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@invalid"]
    run(["git", "init", "-q"], root)
    run(["git", "config", "user.name", "Bench Reviewer"], root)
    run(["git", "config", "user.email", "bench@example.invalid"], root)
    run([*git, "add", "-A"], root)
    run([*git, "commit", "-q", "-m", "insecure"], root)
    return root


def sources(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*.py"))
        if ".git" not in p.parts and ".heal" not in p.parts
    }


def compiles(data: bytes) -> bool:
    try:
        compile(data, "x", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def bandit(root: Path) -> Counter[tuple[str, str]]:
    proc = run([sys.executable, "-m", "bandit", "-r", "-f", "json", "-q", "."], root)
    data = json.loads(proc.stdout)
    found: Counter[tuple[str, str]] = Counter()
    for item in data["results"]:
        found[(Path(item["filename"]).as_posix().removeprefix("./"), item["test_id"])] += 1
    return found


def top_imports(data: bytes) -> set[str]:
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.partition(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.partition(".")[0])
    return names


def heal(root: Path, *, approve_all: bool) -> float:
    start = time.perf_counter()
    exe = Path(sys.executable).with_name("heal")
    for _ in range(20):
        fix = [str(exe), "--scan", ".", "--select", "security", "--fix", "--unsafe-fixes"]
        fixed = run(fix, root)
        # mypy stops the whole run on some files (a relative import in a top-level module);
        # heal reports that as an error (exit 2): leave those files out, and count them
        blocking = set(re.findall(r'"file": "([^"]+)"', fixed.stderr)) - EXCLUDED
        if fixed.returncode != 2 or not blocking:
            break
        EXCLUDED.update(blocking)
        exclude(root)
    if fixed.returncode not in (0, 1, 3):
        raise SystemExit(f"heal failed:\n{fixed.stderr[-2000:]}")
    if approve_all:
        pending = run([str(exe), "pending", "--output-format", "json"], root)
        if pending.returncode not in (0, 3):
            raise SystemExit(f"heal pending failed:\n{pending.stderr[-2000:]}")
        ids = [row["fingerprint"] for row in json.loads(pending.stdout)["pending"] if row["diff"]]
        if ids:
            done = run([str(exe), "approve", *ids], root)
            if done.returncode not in (0, 1):
                print(done.stderr, file=sys.stderr)
    return time.perf_counter() - start


def codemodder(root: Path, exe: str) -> float:
    start = time.perf_counter()
    out = WORK / "codetf.json"
    # codemodder starts `semgrep` from PATH: the one installed beside it
    env = {**os.environ, "PATH": f"{Path(exe).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = run([exe, ".", "--path-include=*.py", f"--output={out}"], root, env=env)
    # it logs a traceback for each file it cannot parse and goes on: only its exit code counts
    if proc.returncode not in (0, 1):
        raise SystemExit(f"codemodder failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


@dataclass(frozen=True)
class Row:
    tool: str
    seconds: float
    changed: int
    fixed: Counter[str]  # bandit test id -> findings gone
    fixed_examples: int  # of those, in bandit's examples/ folder (the target)
    introduced: Counter[str]  # bandit test id -> findings new
    still_compile: int
    compiled_before: int
    undeclared: list[str]


def measure(
    tool: str,
    seconds: float,
    before: dict[str, bytes],
    found: Counter[tuple[str, str]],
    root: Path,
) -> Row:
    after = sources(root)
    now = bandit(root)
    changed = [p for p in before if after.get(p) != before[p]]
    compiled = [p for p in before if compiles(before[p])]
    had = set().union(*(top_imports(d) for d in before.values()))
    new_modules = set().union(*(top_imports(after.get(p, b"")) for p in changed)) - had
    fixed: Counter[str] = Counter()
    introduced: Counter[str] = Counter()
    in_examples = 0
    for key in found.keys() | now.keys():
        fixed[key[1]] += max(0, found[key] - now[key])
        in_examples += max(0, found[key] - now[key]) if key[0].startswith("examples/") else 0
        introduced[key[1]] += max(0, now[key] - found[key])
    return Row(
        tool=tool,
        seconds=round(seconds, 1),
        changed=len(changed),
        fixed=+fixed,
        fixed_examples=in_examples,
        introduced=+introduced,
        still_compile=sum(compiles(after.get(p, b"")) for p in compiled),
        compiled_before=len(compiled),
        undeclared=sorted(m for m in new_modules if m not in sys.stdlib_module_names),
    )


def table(rows: Sequence[Row], total: int) -> str:
    out = [
        "| tool | files changed | bandit findings fixed | of them in examples/ | introduced "
        "| still compile | undeclared deps added | seconds |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        fixed, new = sum(r.fixed.values()), sum(r.introduced.values())
        deps = ", ".join(r.undeclared) or "none"
        out.append(
            f"| {r.tool} | {r.changed} | {fixed} of {total} | {r.fixed_examples} | {new} | "
            f"{r.still_compile}/{r.compiled_before} | {deps} | {r.seconds} |"
        )
    out += ["", "| bandit test | " + " | ".join(r.tool for r in rows) + " |"]
    out.append("|---|" + "---:|" * len(rows))
    for code in sorted({c for r in rows for c in (*r.fixed, *r.introduced)}):
        cells = [f"{r.fixed[code]} fixed, {r.introduced[code]} new" for r in rows]
        out.append(f"| {code} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--codemodder", default=shutil.which("codemodder"), help="codemodder program")
    args = p.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    folder = examples()
    original = prepare("original", folder)
    before = sources(original)
    found = bandit(original)
    total = sum(found.values())
    in_examples = sum(n for (path, _), n in found.items() if path.startswith("examples/"))
    compiling = sum(compiles(d) for d in before.values())
    print(
        f"{len(before)} files ({len(SAMPLES)} samples + bandit's examples/), "
        f"{total} bandit findings ({in_examples} in examples/), {compiling} files compile"
    )
    jobs: list[tuple[str, Callable[[Path], float]]] = [
        ("heal --fix --unsafe-fixes", lambda r: heal(r, approve_all=False)),
        ("heal + approve all pending", lambda r: heal(r, approve_all=True)),
    ]
    if args.codemodder:
        jobs.append(("codemodder (all codemods)", lambda r: codemodder(r, args.codemodder)))
    else:
        print("codemodder not found: pass --codemodder PATH", file=sys.stderr)
    rows = []
    for i, (name, job) in enumerate(jobs):
        root = prepare(f"copy{i}", folder)
        try:
            seconds = job(root)
        except subprocess.TimeoutExpired as exc:  # the rows measured so far still print
            print(f"{name}: stopped after {exc.timeout:.0f} s, not measured", file=sys.stderr)
            continue
        rows.append(measure(name, seconds, before, found, root))
    sys.stdout.write(table(rows, total))
    print(f"\nheal left out (mypy stops on them): {', '.join(sorted(EXCLUDED))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
