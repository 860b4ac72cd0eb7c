"""An offline wheelhouse for pre-commit's `pip install .`, rebuilt from this environment's own
installed distributions (their RECORD files), so the hook tests need no network.

pre-commit installs a `language: python` hook with `pip install .` into a fresh virtualenv: that
needs the build backend (setuptools) and every runtime dependency of healers as wheels. `pip
download` would fetch them (online); instead each installed distribution is packed back into a
wheel from the files its RECORD lists: the same versions, the same compiled files, the same
WHEEL tags. Console scripts are left out (pip writes them from entry_points.txt); other files
installed outside site-packages (ruff's binary) go to the wheel's `.data/scripts/`.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

INSTALL_ONLY = frozenset({"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"})


class WheelhouseError(RuntimeError):
    """An installed distribution that cannot be packed back into a wheel."""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(roots: list[str]) -> list[metadata.Distribution]:
    """The installed distributions `roots` need at run time, transitively (markers evaluated for
    this interpreter, no extras)."""
    seen: dict[str, metadata.Distribution] = {}
    todo = list(roots)
    while todo:
        name = _canonical(todo.pop())
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError as exc:
            raise WheelhouseError(f"{name} is required but not installed") from exc
        seen[name] = dist
        for text in dist.requires or ():
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return list(seen.values())


def _tags(wheel_file: str) -> str:
    lines = wheel_file.splitlines()
    tags = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Tag:")]
    if not tags:
        raise WheelhouseError("WHEEL file has no Tag")
    parts = [t.split("-") for t in tags]
    return "-".join(".".join(dict.fromkeys(p[i] for p in parts)) for i in range(3))


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def repack(dist: metadata.Distribution, dest: Path) -> Path:
    """One installed distribution as a wheel in `dest`."""
    files = dist.files or ()
    records = [f for f in files if f.name == "RECORD" and f.parent.suffix == ".dist-info"]
    if not records:
        raise WheelhouseError(f"{dist.metadata['Name']} was not installed from a wheel (no RECORD)")
    info = Path(str(dist.locate_file(records[0]))).resolve().parent
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    version = dist.version
    wheel_file = (info / "WHEEL").read_text(encoding="utf-8")
    wrappers = ("console_scripts", "gui_scripts")
    scripts = {ep.name for ep in dist.entry_points if ep.group in wrappers}
    site = info.parent.resolve()
    prefix = Path(sys.prefix).resolve()
    target = dest / f"{name}-{version}-{_tags(wheel_file)}.whl"
    record: list[str] = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as whl:
        for file in files:
            path = Path(str(dist.locate_file(file))).resolve()
            if "__pycache__" in file.parts or file.suffix == ".pyc" or not path.is_file():
                continue
            if path.parent == info and path.name in INSTALL_ONLY:
                continue
            if path.is_relative_to(site):
                arcname = path.relative_to(site).as_posix()
            elif path.parent == prefix / "bin":
                if path.name in scripts:
                    continue  # a console-script wrapper: pip writes its own
                arcname = f"{name}-{version}.data/scripts/{path.name}"
            elif path.is_relative_to(prefix):
                arcname = f"{name}-{version}.data/data/{path.relative_to(prefix).as_posix()}"
            else:
                raise WheelhouseError(f"{dist.metadata['Name']}: {file} is outside the prefix")
            data = path.read_bytes()
            entry = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = (path.stat().st_mode & 0xFFFF) << 16  # keeps ruff's exec bit
            whl.writestr(entry, data)
            record.append(_record_line(arcname, data))
        record_name = f"{info.relative_to(site).as_posix()}/RECORD"
        whl.writestr(record_name, "\n".join([*record, f"{record_name},,"]) + "\n")
    return target


def build(dest: Path, project: str, *, build_requires: tuple[str, ...]) -> Path:
    """A find-links folder with what `pip install .` of `project` needs: its build backend and
    its runtime dependencies, transitively, as wheels (the project itself is built by pip)."""
    dest.mkdir(parents=True, exist_ok=True)
    needs = [
        req.name
        for req in map(Requirement, metadata.requires(project) or ())
        if req.marker is None or req.marker.evaluate({"extra": ""})
    ]
    for dist in closure([*needs, *build_requires]):
        repack(dist, dest)
    return dest
