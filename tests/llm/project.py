"""A small project for the proposal tests: functions with a bare `except:` (ruff E722, which no
codemod fixes), a check script as the verify command, a `.env`, and scripted model replies made
the way a model would make them (against the redacted text it was shown)."""

from __future__ import annotations

from pathlib import Path

from healers.llm import redact
from healers.report.diff import unified
from tests.helpers import git, make_repo

SECRET = "hunter2-very-secret"
ENV_VALUE = "postgres://app:s3cret-pw@db.internal/app"
ECHOED = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234"
HEAD = '"""Small helpers, each with a bare except."""\n\nimport json\nimport os\n'
FUNCTIONS = {
    "f1": f'    password = "{SECRET}"\n    try:\n        return int(value) + len(password)\n',
    "f2": "    try:\n        return int(value) + 2\n",
    "f3": f'    url = "{ENV_VALUE}"\n    try:\n        return int(value) + 3 + len(url[:0])\n',
}
for i in range(4, 11):
    FUNCTIONS[f"f{i}"] = f"    try:\n        return int(value) + {i}\n"
CHECK = "import store\n\n" + "".join(
    f'if store.{name}("x") != 0:\n    raise SystemExit("{name} changed")\n' for name in FUNCTIONS
)


def source(fixed: dict[str, str] | None = None, head: str = HEAD) -> str:
    """store.py; `fixed` replaces a function's `except:` line (and what follows it)."""
    parts = [head]
    for name, body in FUNCTIONS.items():
        handler = (fixed or {}).get(name, "    except:\n        return 0\n")
        parts.append(f"\n\ndef {name}(value):\n{body}{handler}")
    return "".join(parts)


def line_of(name: str, text: str | None = None) -> int:
    """The line of `name`'s `except:` in store.py."""
    lines = (text or source()).splitlines()
    start = lines.index(f"def {name}(value):")
    return next(i for i in range(start, len(lines)) if lines[i].strip() == "except:") + 1


def key(name: str) -> str:
    return f"src/store.py:{line_of(name)} ruff:E722"


def reply(before: str, after: str, path: str = "src/store.py", prose: str = "Here it is:") -> str:
    """A model's answer: prose and a fenced diff against what it was shown (the file with its
    secrets and .env values replaced by placeholders)."""
    shown = redact.for_file(before, [ENV_VALUE]).scrub
    return f"{prose}\n\n```diff\n{unified(path, shown(before), shown(after))}```\n"


GOOD = "    except ValueError:\n        return 0\n"


def fix(name: str, handler: str = GOOD) -> str:
    return reply(source(), source({name: handler}))


def make(root: Path, url: str, llm: str = "", healers: str = "") -> Path:
    """The project as a committed git repository, its [tool.healers.llm] pointing at `url`;
    `llm` adds or replaces settings (TOML lines)."""
    settings = {"base-url": f'"{url}"', "model": '"scripted-coder"', "retries": "1"}
    settings["timeout"] = "20"
    for line in filter(None, llm.splitlines()):
        name, _, value = line.partition("=")
        settings[name.strip()] = value.strip()
    table = "".join(f"{k} = {v}\n" for k, v in settings.items())
    pyproject = (
        '[project]\nname = "store"\nrequires-python = ">=3.10"\n\n'
        f'[tool.healers]\nverify-cmd = "python check.py"\n{healers}\n\n'
        f"[tool.healers.llm]\n{table}"
    )
    files = {
        "pyproject.toml": pyproject,
        "src/store.py": source(),
        "check.py": "import sys\nsys.path.insert(0, 'src')\n" + CHECK,
        ".env": f"DATABASE_URL={ENV_VALUE}\n",
        ".gitignore": ".env\n",
    }
    repo = make_repo(root, files)
    git(repo, "config", "user.name", "Ada Reviewer")
    git(repo, "config", "user.email", "ada@example.invalid")
    return repo


def point(repo: Path, url: str) -> None:
    """Point the project at another server (each test server has its own port)."""
    path = repo / "pyproject.toml"
    lines = [
        f'base-url = "{url}"' if line.startswith("base-url") else line
        for line in path.read_text().splitlines()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
