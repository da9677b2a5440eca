"""The wheel carries the dataset: built from this checkout, installed into a fresh virtual
environment, run from an empty folder with no checkout above it, ``govkg`` serves, queries and
aligns the graph it was built from, and refuses to write into it.

The wheel is built by pip as ``pip install .`` builds it (setuptools and setup.py's build
step); in the fresh environment pip installs it and its dependencies, given as wheels packed
from this environment's installed distributions (tests/wheelhouse.py), so no index is asked.
"""

from __future__ import annotations

import email
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.version import Version
from paths import ROOT
from wheelhouse import wheelhouse

from govkg import __version__

#: Environment variables that would point govkg, pip or Python at the checkout.
CLEARED = ("GOVKG_ROOT", "GOVKG_STORE", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
DATASET = "govkg/_dataset/"
NOTICE = f"govkg: using the dataset bundled with govkg {__version__} ("


@dataclass(frozen=True)
class Installed:
    """The fresh environment: its folder, the installed package's folder and an empty folder
    to run commands from, with the environment variables they get."""

    venv: Path
    package: Path
    empty: Path
    env: dict[str, str]

    def govkg(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``govkg ARGS`` of the fresh environment, run from the empty folder."""
        command = [str(self.venv / "bin" / "govkg"), *args]
        return _run(command, self.empty, self.env)


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300
    )


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in CLEARED}


def _in_checkout(*args: str) -> subprocess.CompletedProcess[str]:
    """``govkg --root ROOT ARGS`` of this (editable) environment: the checkout's own answer."""
    command = [str(Path(sys.executable).parent / "govkg"), "--root", str(ROOT), *args]
    return _run(command, ROOT, _clean_env())


def _setuptools_builds_wheels() -> bool:
    """Whether this environment's setuptools builds wheels itself (70.1 and later): then the
    wheel is built without an isolated build environment, so without an index."""
    try:
        return Version(metadata.version("setuptools")) >= Version("70.1")
    except metadata.PackageNotFoundError:
        return False


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel pip builds from the checkout; setuptools' build folders kept out of it."""
    folder = tmp_path_factory.mktemp("wheel")
    config = folder / "build.cfg"
    config.write_text(
        f"[build]\nbuild_base = {folder / 'build'}\n[egg_info]\negg_base = {folder}\n"
    )
    isolation = ["--no-build-isolation"] if _setuptools_builds_wheels() else []
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation]
    command += ["--quiet", "--wheel-dir", str(folder / "dist"), str(ROOT)]
    built = _run(command, folder, {**os.environ, "DIST_EXTRA_CONFIG": str(config)})
    assert built.returncode == 0, built.stderr
    (found,) = (folder / "dist").glob("govkg-*.whl")
    return found


def _requires(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(f"govkg-{__version__}.dist-info/METADATA")
    return email.message_from_bytes(text).get_all("Requires-Dist") or []


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel and its dependencies installed by pip into a new virtual environment."""
    base = tmp_path_factory.mktemp("fresh")
    venv, house, empty = base / "venv", base / "wheelhouse", base / "empty"
    empty.mkdir()
    assert not any((p / "ontology").is_dir() for p in (empty, *empty.parents))
    created = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], base, _clean_env())
    assert created.returncode == 0, created.stderr
    wheelhouse(_requires(wheel), house)
    command = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install"]
    command += ["--quiet", "--no-compile", "--no-index", "--find-links", str(house), str(wheel)]
    done = _run(command, base, _clean_env())
    assert done.returncode == 0, done.stderr
    found = _run([str(venv / "bin" / "python"), "-c", "import govkg; print(govkg.__file__)"],
                 empty, _clean_env())  # fmt: skip
    assert found.returncode == 0, found.stderr
    return Installed(venv, Path(found.stdout.strip()).parent, empty, _clean_env())


def _dataset_files() -> dict[str, bytes]:
    """The checkout's files a bundled dataset holds, by their name in the wheel."""
    folders = [ROOT / name for name in ("ontology", "graph", "queries")]
    files = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    changes = ("changes.json", "changes.atom", "CHANGES.md")  # of each release
    files += [p for p in (ROOT / "releases").glob("*/*") if p.name in changes and p.is_file()]
    shown = {DATASET + p.relative_to(ROOT).as_posix(): p for p in files}
    return {n: p.read_bytes() for n, p in shown.items() if "/." not in n and "__pycache__" not in n}


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_wheel_carries_the_checkouts_dataset(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.startswith(DATASET)]
        carried = {n: archive.read(n) for n in names if n != DATASET + "dataset.json"}
        record = json.loads(archive.read(DATASET + "dataset.json"))
    assert carried == _dataset_files()
    assert not (ROOT / "src" / "govkg" / "_dataset").exists()  # nothing copied into src/
    changed = _git("status", "--porcelain", "--", "ontology", "graph", "queries", "releases")
    assert (record["govkg"], record["commit"], record["modified"], record["files"]) == (
        __version__,
        _git("rev-parse", "HEAD"),
        bool(changed),
        len(carried),
    )


def test_the_package_and_its_dependencies_are_installed_in_the_fresh_environment(
    installed: Installed,
) -> None:
    assert installed.package.is_relative_to(installed.venv)
    assert (installed.package / "_dataset" / "graph").is_dir()
    code = "import numpy, pyoxigraph, rdflib; print(numpy.__file__, pyoxigraph.__file__)"
    found = _run([str(installed.venv / "bin" / "python"), "-c", code], installed.empty,
                 installed.env)  # fmt: skip
    assert found.returncode == 0, found.stderr
    assert all(Path(p).is_relative_to(installed.venv) for p in found.stdout.split())
    checked = _run([sys.executable, "-m", "pip", "--python", str(installed.venv / "bin" / "python"),
                    "check"], installed.empty, installed.env)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_serve_answers_from_the_bundled_dataset(installed: Installed) -> None:
    redirect = installed.govkg("serve", "--get", "/id/state/USA")
    assert redirect.returncode == 0, redirect.stderr
    lines = redirect.stderr.splitlines()
    commit = _git("rev-parse", "HEAD")[:12]
    assert lines[0].startswith(NOTICE) and f"built from commit {commit} of " in lines[0]
    assert lines[1] == "HTTP/1.1 303 See Other"
    assert "location: /doc/state/USA" in lines
    page = installed.govkg("serve", "--query-workers", "0", "--get", "/doc/state/USA")
    assert page.returncode == 0, page.stderr
    assert "<title>United States of America · govkg</title>" in page.stdout


def test_query_answers_as_the_checkout_does(installed: Installed) -> None:
    bundled = installed.govkg("query", "signatories")
    shipped = _in_checkout("query", "signatories")
    assert bundled.returncode == 0, bundled.stderr
    assert bundled.stdout == shipped.stdout
    rows = bundled.stdout.splitlines()[2:]
    assert len(rows) > 10 and all(" state:" in row for row in rows)
    assert bundled.stderr.startswith(NOTICE)


def _measures(table: str) -> dict[str, str]:
    """The measure/value rows of ``govkg align --pair``'s first table."""
    rows = table.split("\n\n")[0].splitlines()[2:]
    return dict(row.split(None, 1) for row in rows if len(row.split(None, 1)) == 2)


def test_align_gives_the_checkouts_us_china_agreement(installed: Installed) -> None:
    bundled = installed.govkg("align", "--pair", "USA", "CHN")
    shipped = _in_checkout("align", "--pair", "USA", "CHN")
    assert bundled.returncode == 0, bundled.stderr
    measures = _measures(bundled.stdout)
    assert measures == _measures(shipped.stdout)
    assert int(measures["n"]) > 0 and 0 <= float(measures["agreement"]) <= 1
    assert bundled.stdout == shipped.stdout


def _digest(folder: Path) -> str:
    hashed = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hashed.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return hashed.hexdigest()


@pytest.mark.parametrize(
    "args",
    [
        ["import", "states", str(ROOT / "data" / "states.csv")],
        ["ingest", str(ROOT / "data" / "sources" / "000_5096008864bef671.txt")],
        ["release", "9.9.9"],
    ],
    ids=["import", "ingest", "release"],
)
def test_writing_commands_refuse_the_installed_dataset(
    installed: Installed, args: list[str]
) -> None:
    dataset = installed.package / "_dataset"
    before = _digest(dataset)
    result = installed.govkg(*args)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert result.returncode == 2, result.stderr
    assert len(errors) == 1 and "read-only" in errors[0] and "--root CHECKOUT" in errors[0]
    assert "Traceback" not in result.stderr
    assert _digest(dataset) == before
    assert not (dataset / "review").exists() and not (dataset / "releases").exists()


def test_root_still_chooses_a_checkout(installed: Installed) -> None:
    given = installed.govkg("--root", str(ROOT), "stats", "--format", "json")
    by_env = _run([str(installed.venv / "bin" / "govkg"), "stats", "--format", "json"],
                  installed.empty, {**installed.env, "GOVKG_ROOT": str(ROOT)})  # fmt: skip
    assert given.returncode == 0 and by_env.returncode == 0, given.stderr + by_env.stderr
    assert NOTICE not in given.stderr + by_env.stderr
    assert given.stdout == by_env.stdout == _in_checkout("stats", "--format", "json").stdout
