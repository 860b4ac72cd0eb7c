"""How many of a model's patches pass heal's checks, and how often do proposals reuse the pattern
store? Runs `heal --scan --propose` over a folder (or a pinned PyPI sdist) against an endpoint and
prints, per round, how many findings were asked about and how many patches passed each check in
order, the requests, tokens and time, and the reuse rate (proposals whose prompt showed a stored
pattern / all proposals).

The rounds, in a throwaway git copy under bench/.work/propose/ (the folder itself is not touched):
  0. `heal --scan --fix`: the codemod fixes, each learned as a pattern (skip with --no-seed);
  1. `heal --scan --propose`, then `heal approve` of every model-proposed fix it queued (learned);
  2. `heal --scan --propose` again: the findings left, with round 1's patches in the store.

    python bench/propose.py                                  # offline: the scripted local model
    python bench/propose.py --package markdown==3.11.3 --max-requests 60
    python bench/propose.py --folder ~/src/app --base-url http://localhost:11434/v1 \\
        --model qwen2.5-coder:7b                             # Ollama
    python bench/propose.py --base-url https://api.openai.com/v1 --model gpt-4o-mini \\
        --api-key-env OPENAI_API_KEY

Without --base-url it starts bench/offline_model.py on 127.0.0.1 and needs no network (the sdist
comes from /work/bench-cache/sdist/ when it is there, else from PyPI once). It prints figures and
is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scan_speed import _heal_command, _unpack  # bench/ is the script's folder

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "propose"
CACHE = Path("/work/bench-cache/sdist")
DEFAULT_PACKAGE = "tabulate==0.10.0"  # 9 files, ~9,800 lines; ~100 findings no codemod fixes
# the checks in the order heal runs them; a dropped patch stopped at the first it failed
STAGES = (
    "answered",
    "offered a patch",
    "a diff of its own file",
    "applies (git apply)",
    "only what it was shown",
    "compiles",
    "finding gone",
    "nothing new",
    "verify-cmd",
    "queued",
)
FAILED_AT = (  # what a dropped patch's reason starts with -> the stage it did not pass
    ("the request failed", "answered"),
    ("heal stop", "answered"),
    ("the request budget", "answered"),
    ("the model found no safe fix", "offered a patch"),
    ("the reply holds no unified diff", "a diff of its own file"),
    ("git cannot read the patch", "a diff of its own file"),
    ("the patch touches another file", "a diff of its own file"),
    ("the patch creates, deletes or renames", "a diff of its own file"),
    ("the patch adds a <redacted-N>", "a diff of its own file"),
    ("the reply holds what looks like a secret", "a diff of its own file"),
    ("the patch does not apply", "applies (git apply)"),
    ("the patched file cannot be read", "applies (git apply)"),
    ("the patch changes the file's encoding", "applies (git apply)"),
    ("the patch changes nothing", "applies (git apply)"),
    ("the patch changes line", "only what it was shown"),
    ("the patched file does not compile", "compiles"),
    ("the finding is still there", "finding gone"),
    ("the patch adds findings", "nothing new"),
)


def failed_at(reason: str) -> str:
    """The stage a dropped patch did not pass; a model that gave up on the retry is counted
    where its first patch failed."""
    final, _, first = reason.partition(" (first try: ")
    if final.startswith("the model found no safe fix") and first:
        final = first
    for start, stage in FAILED_AT:
        if final.startswith(start):
            return stage
    return "verify-cmd" if "fails with the patch" in final else "other"


def funnel(model: dict[str, Any]) -> dict[str, int]:
    """Findings asked about that passed each stage (queued ones passed them all)."""
    stopped = Counter(failed_at(row["reason"]) for row in model["dropped"])
    asked = len(model["queued"]) + len(model["dropped"])
    out, left = {}, asked
    for stage in STAGES:
        left -= stopped.get(stage, 0)
        out[stage] = left
    out["other"] = stopped.get("other", 0)
    out["asked"] = asked
    return out


def _run(cmd: Sequence[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def heal(cwd: Path, *args: str, ok: Sequence[int] = (0, 1, 3)) -> tuple[float, str]:
    took, done = _run([*_heal_command(), *args], cwd)
    if done.returncode not in ok:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"heal {' '.join(args)} exited {done.returncode}")
    return took, done.stdout


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _sdist(spec: str) -> Path:
    name, _, version = spec.partition("==")
    for folder in (CACHE, WORK / "sdist"):
        found = sorted(folder.glob(f"{name.replace('-', '_')}-{version}.tar.gz")) + sorted(
            folder.glob(f"{name}-{version}.tar.gz")
        )
        if found:
            return found[0]
    into = CACHE if CACHE.is_dir() and os.access(CACHE, os.W_OK) else WORK / "sdist"
    into.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
    subprocess.run([*pip, spec, "-d", str(into)], check=True)
    return _sdist(spec)


def prepare(args: argparse.Namespace, base_url: str) -> Path:
    """The throwaway copy: the folder or the sdist, [tool.healers.llm] added, committed."""
    if args.folder:
        source = Path(args.folder).resolve()
        repo = WORK / "src" / source.name
        shutil.rmtree(repo, ignore_errors=True)
        ignore = shutil.ignore_patterns(".git", ".heal", "__pycache__", ".venv", "venv", ".tox")
        shutil.copytree(source, repo, ignore=ignore, symlinks=True)
    else:
        repo = _unpack(_sdist(args.package), WORK / "src" / args.package.replace("==", "-"))
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    if "[tool.healers.llm]" in text:
        raise SystemExit(f"{pyproject} has its own [tool.healers.llm]: give its values instead")
    table = {
        "base-url": json.dumps(base_url),
        "model": json.dumps(args.model),
        "max-requests": str(args.max_requests),
        "max-concurrent": str(args.max_concurrent),
        "timeout": str(args.timeout),
    }
    if args.api_key_env:
        table["api-key-env"] = json.dumps(args.api_key_env)
    lines = "".join(f"{k} = {v}\n" for k, v in table.items())
    pyproject.write_text(text.rstrip("\n") + f"\n\n[tool.healers.llm]\n{lines}", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "heal bench")
    git(repo, "config", "user.email", "bench@example.invalid")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "bench: the project as it was")
    return repo


def propose_round(repo: Path, select: Sequence[str]) -> dict[str, Any]:
    """One `heal --scan --propose` (`select`: more of heal's arguments)."""
    took, out = heal(repo, "--scan", "--propose", *select, "--output-format", "json")
    model = json.loads(out)["model"]
    asked = len(model["queued"]) + len(model["dropped"])
    return {
        "seconds": took,
        "funnel": funnel(model),
        "not_asked": len(model["not_asked"]),
        "requests": model["requests"],
        "tokens": model["prompt_tokens"] + model["completion_tokens"],
        "cost": model.get("cost"),
        "reused": model["reused_patterns"],
        "reuse_rate": model["reused_patterns"] / asked if asked else None,
        "queued": [row["where"] for row in model["queued"]],
        "dropped": {row["where"]: row["reason"] for row in model["dropped"]},
    }


def approve_all(repo: Path) -> int:
    _, out = heal(repo, "pending", "--output-format", "json")
    prints = [row["fingerprint"] for row in json.loads(out)["model_proposed"]]
    if prints:
        heal(repo, "approve", *prints, ok=(0, 1))
        git(repo, "commit", "-qam", "bench: the approved model-proposed fixes")
    return len(prints)


@contextmanager
def endpoint(args: argparse.Namespace) -> Iterator[str]:
    if args.base_url:
        yield args.base_url
        return
    from offline_model import model

    with model() as served:
        yield served.url


def run(args: argparse.Namespace) -> dict[str, Any]:
    select = [f"--select={s}" for s in args.select]
    verify = ["--verify-cmd", args.verify_cmd] if args.verify_cmd else []
    with endpoint(args) as base_url:
        repo = prepare(args, base_url)
        result: dict[str, Any] = {"project": repo.name, "endpoint": base_url, "model": args.model}
        if args.seed:
            took, _ = heal(repo, "--scan", "--fix", *select)
            git(repo, "commit", "-qam", "bench: heal --fix", "--allow-empty")
            result["seed_seconds"] = took
        result["rounds"] = []
        for number in range(1, args.rounds + 1):
            figures = propose_round(repo, [*select, *verify])
            figures["approved"] = approve_all(repo) if number < args.rounds else 0
            result["rounds"].append(figures)
        _, out = heal(repo, "stats", "--output-format", "json")
        result["store"] = json.loads(out).get("patterns", {})
    return result


def print_table(result: dict[str, Any]) -> None:
    rounds = result["rounds"]
    print(f"\n{result['project']} against {result['endpoint']} (model {result['model']})")
    if "seed_seconds" in result:
        print(f"seed: heal --scan --fix in {result['seed_seconds']:.1f} s")
    head = "".join(f"{'round ' + str(i + 1):>12}" for i in range(len(rounds)))
    print(f"{'':<34}{head}")
    for stage in ("asked", *STAGES, "other"):
        label = f"passed: {stage}" if stage in STAGES[:-1] else stage
        print(f"{label:<34}" + "".join(f"{r['funnel'][stage]:>12}" for r in rounds))
    for key in ("not_asked", "requests", "tokens", "reused", "approved"):
        print(f"{key.replace('_', ' '):<34}" + "".join(f"{r[key]:>12}" for r in rounds))

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.0%}"

    print(f"{'reuse rate':<34}" + "".join(f"{pct(r['reuse_rate']):>12}" for r in rounds))
    print(f"{'seconds':<34}" + "".join(f"{r['seconds']:>12.1f}" for r in rounds))
    store = result["store"]
    if store:
        print(
            f"pattern store: {store['stored']} pattern(s), {store['offered']} offered; reuse rate "
            f"over every run {pct(store['reuse_rate'])} ({store['reused']} of "
            f"{store['proposals']} proposal(s))"
        )


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = p.add_mutually_exclusive_group()
    where.add_argument("--folder", help="a project folder (copied; the copy is what changes)")
    where.add_argument("--package", default=DEFAULT_PACKAGE, help="NAME==VERSION of an sdist")
    p.add_argument("--base-url", default="", help="an OpenAI-compatible endpoint (else offline)")
    p.add_argument("--model", default="offline-scripted")
    p.add_argument("--api-key-env", default="", help="the variable that holds the key")
    p.add_argument("--max-requests", type=int, default=40, help="per run (per round)")
    p.add_argument("--max-concurrent", type=int, default=5)
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--select", action="append", default=[], help="as heal's --select")
    p.add_argument("--verify-cmd", default="", help="checks each patch in the scratch copy")
    p.add_argument("--no-seed", dest="seed", action="store_false", help="skip heal --fix")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
