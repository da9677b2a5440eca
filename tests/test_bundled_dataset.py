"""The dataset bundled with an installed package (govkg.bundled): where find_project looks for
it, the line that names it, and that no command writes into it.

The bundled dataset here is made by setup.py's own functions (the build step) in a folder
that stands for an installed package's ``govkg/_dataset/``; the commands run in process from
an empty working folder.  tests/test_wheel.py does the same with a wheel really installed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner, Result
from paths import ROOT

import govkg.bundled
from govkg import __version__
from govkg.atomic import write_atomically
from govkg.bundled import ReadOnlyDatasetError, bundled_dataset, refuse_bundled
from govkg.cli import cli
from govkg.errors import EXIT_ERROR
from govkg.project import ROOT_ENV, find_project
from govkg.site.release_history import version_key

ARTICLE = ROOT / "data" / "sources" / "000_5096008864bef671.txt"


def _load_setup() -> ModuleType:
    """setup.py as a module (it calls setup() only when run as a script)."""
    spec = importlib.util.spec_from_file_location("govkg_setup", ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SETUP = _load_setup()


def _tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and the SHA-256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _head() -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A bundled dataset as the build step makes it, in ``site/govkg/_dataset``."""
    folder = tmp_path / "site" / "govkg" / "_dataset"
    files = SETUP.copy_dataset(ROOT, folder)
    record = SETUP.dataset_record(ROOT, __version__, len(files))
    (folder / SETUP.INFO_NAME).write_text(json.dumps(record), encoding="utf-8")
    return folder


@pytest.fixture
def installed(
    dataset: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The package's bundled dataset is ``dataset``; the working folder is empty, with no
    checkout above it (not in tmp_path, where project_copy puts one), and GOVKG_ROOT is unset.
    Yields the empty folder."""
    empty = tmp_path_factory.mktemp("empty")
    assert not any((p / "ontology").is_dir() for p in (empty, *empty.parents))
    monkeypatch.setattr(govkg.bundled, "BUNDLED_DIR", dataset)
    monkeypatch.setattr(govkg.bundled, "_announced", set())
    monkeypatch.delenv(ROOT_ENV, raising=False)
    monkeypatch.delenv("GOVKG_STORE", raising=False)
    monkeypatch.chdir(empty)
    yield empty


# --- the build step (setup.py) ---------------------------------------------------------------


def test_the_build_copies_the_folders_a_project_reads(dataset: Path) -> None:
    copied = _tree_digest(dataset)
    del copied[SETUP.INFO_NAME]
    expected = {
        f"{folder}/{name}": digest
        for folder in ("ontology", "graph", "queries")
        for name, digest in _tree_digest(ROOT / folder).items()
        if not any(part.startswith(".") for part in name.split("/"))
    }
    assert copied == expected
    assert {n.split("/")[0] for n in copied} == {"ontology", "graph", "queries"}


def test_the_build_records_version_and_commit(dataset: Path) -> None:
    record = json.loads((dataset / SETUP.INFO_NAME).read_text(encoding="utf-8"))
    assert record["govkg"] == __version__
    assert record["commit"] == _head()
    assert record["commit_date"][:4].isdigit()
    assert record["files"] == len(_tree_digest(dataset)) - 1


def test_the_build_replaces_an_earlier_copy_and_leaves_temporary_files_out(
    project_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "build" / "govkg" / "_dataset"
    (target / "graph").mkdir(parents=True)
    (target / "graph" / "removed-since.ttl").write_text("# an earlier build's file\n")
    (project_copy / "graph" / ".people.ttl.x1y2z3").write_text("# an interrupted write\n")
    SETUP.copy_dataset(project_copy, target)
    assert not (target / "graph" / "removed-since.ttl").exists()
    assert not (target / "graph" / ".people.ttl.x1y2z3").exists()
    assert (target / "graph" / "people.ttl").read_bytes() == (
        project_copy / "graph" / "people.ttl"
    ).read_bytes()


def test_the_build_takes_each_releases_change_files_only(
    project_copy: Path, tmp_path: Path
) -> None:
    for version in ("1.2.0", "1.10.0", "1.10.0-rc1"):
        release = project_copy / "releases" / version
        (release / "dumps").mkdir(parents=True)
        (release / "dumps" / "govkg.nq.gz").write_bytes(b"not copied")
        for name in ("changes.json", "changes.atom", "CHANGES.md", "void.ttl"):
            (release / name).write_text(f"{version} {name}\n")
    target = tmp_path / "_dataset"
    SETUP.copy_dataset(project_copy, target)
    copied = {
        p.relative_to(target).as_posix() for p in (target / "releases").rglob("*") if p.is_file()
    }
    assert copied == {
        f"releases/{v}/{n}"
        for v in ("1.2.0", "1.10.0", "1.10.0-rc1")
        for n in ("changes.json", "changes.atom", "CHANGES.md")
    }
    record = SETUP.dataset_record(project_copy, "0.1.0", 0)
    assert record["releases"] == ["1.2.0", "1.10.0-rc1", "1.10.0"]
    assert record["release"] == "1.10.0"


def test_the_builds_release_order_is_govkgs() -> None:
    versions = ["2.0", "1.10.0", "1.9.0", "1.0.0-rc1", "1.0.0", "1.0.0-beta", "2026.1", "1.a"]
    assert sorted(versions, key=SETUP.version_key) == sorted(versions, key=version_key)


def test_a_source_tree_without_git_uses_the_record_of_its_sdist(tmp_path: Path) -> None:
    tree = tmp_path / "govkg-0.1.0"
    tree.mkdir()
    sdist_record = {"commit": "0123456789abcdef", "commit_date": "2026-12-01", "modified": True}
    (tree / SETUP.SOURCE_INFO).write_text(json.dumps(sdist_record), encoding="utf-8")
    assert SETUP.source_record(tree) == sdist_record
    assert SETUP.source_record(tmp_path / "nothing")["commit"] is None


# --- which project find_project chooses -------------------------------------------------------


def test_no_checkout_here_or_above_uses_the_bundled_dataset(
    installed: Path, dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert find_project().root == dataset
    assert find_project().root == dataset
    found = bundled_dataset(dataset)
    assert found is not None
    assert capsys.readouterr().err.splitlines() == [found.describe()]  # once a process
    assert found.describe().startswith(
        f"govkg: using the dataset bundled with govkg {__version__} (no release yet, built "
        f"from commit {_head()[:12]} of "
    )


def test_a_checkout_above_the_working_folder_comes_first(
    installed: Path, project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project_copy / "sub" / "folder").mkdir(parents=True)
    monkeypatch.chdir(project_copy / "sub" / "folder")
    assert find_project().root == project_copy


def test_root_and_the_environment_come_before_everything(
    installed: Path, project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ROOT_ENV, str(project_copy))
    assert find_project().root == project_copy
    assert find_project(ROOT).root == ROOT


def test_without_a_bundled_dataset_an_editable_install_uses_its_checkout(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(govkg.bundled, "BUNDLED_DIR", tmp_path / "no-dataset")
    assert bundled_dataset() is None
    assert find_project().root == ROOT


def test_the_line_names_the_release_and_uncommitted_changes(dataset: Path) -> None:
    record = {"govkg": "0.2.0", "release": "1.1.0", "commit": "a" * 40}
    (dataset / "dataset.json").write_text(
        json.dumps({**record, "commit_date": "2026-12-04T16:16:42+00:00", "modified": True})
    )
    found = bundled_dataset(dataset)
    assert found is not None
    assert found.describe() == (
        "govkg: using the dataset bundled with govkg 0.2.0 (release 1.1.0, built from commit "
        "aaaaaaaaaaaa of 2026-12-04 with uncommitted changes); give --root CHECKOUT for another"
    )


def test_an_unreadable_record_still_finds_the_dataset(dataset: Path) -> None:
    (dataset / "dataset.json").write_text("{not json")
    found = bundled_dataset(dataset)
    assert found is not None and found.version == "?" and found.commit is None
    assert "without its commit recorded" in found.describe()


# --- read-only commands work on it, writing ones refuse ----------------------------------------


def test_read_only_commands_run_on_the_bundled_dataset(installed: Path) -> None:
    runner = CliRunner()
    shipped = runner.invoke(cli, ["--root", str(ROOT), "query", "signatories", "--format", "csv"])
    bundled = runner.invoke(cli, ["query", "signatories", "--format", "csv"])
    assert bundled.exit_code == 0, bundled.output
    assert bundled.stdout == shipped.stdout and len(bundled.stdout.splitlines()) > 10
    assert bundled.stderr.startswith("govkg: using the dataset bundled with govkg")
    assert not shipped.stderr.startswith("govkg: using")
    stats = runner.invoke(cli, ["stats", "--format", "json"])
    assert stats.exit_code == 0, stats.output


def _refused(result: Result, dataset: Path, before: dict[str, str]) -> None:
    """The command exited 2 with one error line saying to use a checkout; nothing changed."""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert result.exit_code == EXIT_ERROR, result.stderr
    assert len(errors) == 1, result.stderr
    assert "read-only" in errors[0] and "work in a checkout (govkg --root CHECKOUT)" in errors[0]
    assert _tree_digest(dataset) == before


def test_import_refuses_to_write_into_the_bundled_dataset(installed: Path, dataset: Path) -> None:
    before = _tree_digest(dataset)
    result = CliRunner().invoke(cli, ["import", "states", str(ROOT / "data" / "states.csv")])
    _refused(result, dataset, before)
    assert f"Error: {dataset / 'graph'}: the dataset bundled" in result.stderr  # refused first


def test_ingest_refuses_to_write_its_review_file(installed: Path, dataset: Path) -> None:
    before = _tree_digest(dataset)
    result = CliRunner().invoke(cli, ["ingest", str(ARTICLE)])
    _refused(result, dataset, before)
    assert not (dataset / "review").exists()


def test_accept_refuses_to_write_into_the_bundled_graph(
    installed: Path, dataset: Path, project_copy: Path
) -> None:
    runner = CliRunner()
    ingested = runner.invoke(cli, ["--root", str(project_copy), "ingest", str(ARTICLE)])
    assert ingested.exit_code == 0, ingested.output
    (review,) = (project_copy / "review").glob("*.json")
    review_before = review.read_bytes()
    first = json.loads(review_before)["candidates"][0]["id"]
    before = _tree_digest(dataset)
    result = runner.invoke(cli, ["accept", str(review), "--id", first])
    _refused(result, dataset, before)
    assert review.read_bytes() == review_before
    assert not (dataset / "graph" / "articles" / f"{review.stem}.ttl").exists()


def test_release_refuses_to_write_into_the_bundled_dataset(installed: Path, dataset: Path) -> None:
    before = _tree_digest(dataset)
    result = CliRunner().invoke(cli, ["release", "9.9.9"])
    _refused(result, dataset, before)
    assert not (dataset / "releases").exists()


def test_only_paths_inside_the_bundled_dataset_are_refused(installed: Path, dataset: Path) -> None:
    for inside in (dataset, dataset / "releases", dataset / "graph" / ".." / "review" / "a.json"):
        with pytest.raises(ReadOnlyDatasetError, match="work in a checkout"):
            refuse_bundled(inside)
    for outside in (installed / "releases", dataset.parent / "_dataset2" / "x", dataset / ".."):
        refuse_bundled(outside)


def test_write_atomically_refuses_any_file_inside(installed: Path, dataset: Path) -> None:
    outside = installed / "out.txt"
    sibling = dataset.parent / "_dataset-other" / "x.ttl"
    sibling.parent.mkdir()
    with pytest.raises(ReadOnlyDatasetError, match=r"graph/new\.ttl: the dataset bundled"):
        write_atomically([(outside, b"a"), (dataset / "graph" / "new.ttl", b"b")])
    assert not outside.exists() and not (dataset / "graph" / "new.ttl").exists()
    assert write_atomically([(outside, b"a"), (sibling, b"b")]) == [outside, sibling]
