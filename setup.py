"""govkg's build step: a built package carries the dataset of the checkout it was built from.

The metadata is in pyproject.toml; this file only adds two commands to setuptools:

- ``build_py`` copies the checkout's ``ontology/``, ``graph/`` and ``queries/``, and the change
  files of each release in ``releases/`` (what ``govkg serve`` reads of them), into the build's
  ``govkg/_dataset/``, with ``dataset.json``: the govkg version, the git commit the files come
  from, its date, whether they had uncommitted changes, and when the package was built.  The
  installed package then finds it (:mod:`govkg.bundled`).  An editable install copies nothing:
  it keeps using the checkout.
- ``sdist`` puts the same folders and the same record of their commit into the source
  distribution, so a wheel built from it (``python -m build``) carries the same dataset.

Nothing is copied into ``src/``: the dataset exists only in the build folder and the
distributions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

#: The checkout's folders a Project reads at run time (govkg/project.py).
DATASET_DIRS = ("ontology", "graph", "queries")
#: The folder of releases, and the files of each that the server reads (its Changes pages and
#: /changes.atom) or a reader looks for; the dumps and the panel stay out of the package.
RELEASES_DIR = "releases"
RELEASE_FILES = ("changes.json", "changes.atom", "CHANGES.md")
#: Where the dataset goes in the package, and its record of what it was built from.
PACKAGE_DIR = ("govkg", "_dataset")
INFO_NAME = "dataset.json"
#: The record of the commit, written into a source distribution (which has no git history).
SOURCE_INFO = "dataset-source.json"

HERE = Path(__file__).resolve().parent


def _skipped(path: Path) -> bool:
    """Hidden files (an interrupted atomic write's temporary files) and Python caches."""
    return any(part.startswith(".") or part == "__pycache__" for part in path.parts)


def dataset_files(root: Path) -> list[Path]:
    """The dataset's files under ``root``, relative to it, sorted."""
    found = [
        path.relative_to(root)
        for folder in DATASET_DIRS
        for path in (root / folder).rglob("*")
        if path.is_file()
    ]
    releases = root / RELEASES_DIR
    if releases.is_dir():
        found += [
            path.relative_to(root)
            for release in releases.iterdir()
            if release.is_dir()
            for name in RELEASE_FILES
            if (path := release / name).is_file()
        ]
    return sorted(path for path in found if not _skipped(path))


def copy_dataset(root: Path, target: Path) -> list[Path]:
    """Replace ``target`` with a copy of the dataset of ``root``; returns the files copied."""
    missing = [name for name in DATASET_DIRS if not (root / name).is_dir()]
    if missing:
        raise SystemExit(f"govkg build: {root} has no {', '.join(missing)}/: not a govkg checkout")
    shutil.rmtree(target, ignore_errors=True)  # no file left from an earlier build
    copied = []
    for relative in dataset_files(root):
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / relative, destination)
        copied.append(destination)
    return copied


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def git_source(root: Path) -> dict[str, Any] | None:
    """The commit ``root`` is checked out at: its hash, date and whether the dataset's folders
    differ from it; None when ``root`` is not the top of a git checkout."""
    try:
        if Path(_git(root, "rev-parse", "--show-toplevel")).resolve() != root.resolve():
            return None
        commit = _git(root, "rev-parse", "HEAD")
        date = _git(root, "log", "-1", "--format=%cI", "HEAD")
        changed = _git(root, "status", "--porcelain", "--", *DATASET_DIRS, RELEASES_DIR)
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "commit_date": date, "modified": bool(changed)}


def source_record(root: Path) -> dict[str, Any]:
    """Where the dataset comes from: git, else the record a source distribution carries."""
    found = git_source(root)
    if found is not None:
        return found
    try:
        return dict(json.loads((root / SOURCE_INFO).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {"commit": None, "commit_date": None, "modified": None}


def _now() -> str:
    """The build time, or SOURCE_DATE_EPOCH's for a reproducible build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """The order of release versions, as govkg.site.release_history.version_key orders them
    (the build cannot import govkg: its dependencies are not installed yet)."""
    main, _dash, pre = version.partition("-")
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in main.split("."))
    return (*parts, (1, 0, "") if not pre else (0, 0, pre))


def releases(root: Path) -> list[str]:
    """The versions released in ``root``'s releases/ (those with a changes.json), oldest first."""
    folder = root / RELEASES_DIR
    found = [p.parent.name for p in folder.glob("*/changes.json")] if folder.is_dir() else []
    return sorted((v for v in found if not v.startswith(".")), key=version_key)


def dataset_record(root: Path, version: str, files: int) -> dict[str, Any]:
    """``dataset.json``: the govkg version, the newest release, the source and the build time."""
    released = releases(root)
    return {
        "govkg": version,
        "release": released[-1] if released else None,
        "releases": released,
        **source_record(root),
        "built": _now(),
        "files": files,
    }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


class BuildWithDataset(build_py):
    """build_py, and the dataset copied into the build's govkg/_dataset/."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib, *PACKAGE_DIR)
        files = copy_dataset(HERE, target)
        record = dataset_record(HERE, self.distribution.get_version(), len(files))
        _write_json(target / INFO_NAME, record)


class SdistWithDataset(sdist):
    """sdist, with the dataset's folders and the record of their commit."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        base = Path(base_dir)
        for relative in dataset_files(HERE):
            destination = base / relative
            if not destination.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(HERE / relative, destination)
        _write_json(base / SOURCE_INFO, source_record(HERE))


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import it
    setup(cmdclass={"build_py": BuildWithDataset, "sdist": SdistWithDataset})
