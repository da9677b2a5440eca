"""Broken inputs: each gives one clear error line, the documented exit code, no traceback, and
leaves every file as it was.

The corpus is ``tests/bad/cases.toml`` (its header says what each field means) with the broken
files beside it.  Each case runs in-process with click's CliRunner; those marked ``subprocess``
also run as a real ``govkg`` process, whose stderr must hold no traceback either.  The last tests
kill an import and an export midway and check that the files they write are wholly old or wholly
new.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from paths import ROOT

from govkg.atomic import write_atomically
from govkg.cli import cli
from govkg.csv_input import MAX_BYTES

BAD = ROOT / "tests" / "bad"
CASES: list[dict[str, Any]] = tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))[
    "case"
]
#: The environment variables that would point govkg at another project or store.
ENVIRONMENT = ("GOVKG_ROOT", "GOVKG_STORE")
MB = 1_000_000


@dataclass
class Run:
    """What a command did: its exit code and what it printed."""

    code: int
    stdout: str
    stderr: str
    seconds: float = 0.0
    megabytes: float = 0.0


# --- the project copy and the inputs ------------------------------------------------------------


def _copy_project(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the project to break, and a scratch folder outside it."""
    root, scratch = tmp_path / "project", tmp_path / "scratch"
    for folder in ("ontology", "graph", "queries", "data"):
        shutil.copytree(ROOT / folder, root / folder)
    scratch.mkdir()
    return root, scratch


def _turtle_200_mb_literal(path: Path) -> None:
    """One triple whose literal is 200 MB long."""
    chunk = "abcdefghij" * 100_000
    with path.open("w", encoding="utf-8") as out:
        out.write("<https://w3id.org/govkg/id/thing/huge> <http://www.w3.org/2000/01/rdf-schema#")
        out.write('comment> """')
        for _ in range(200):
            out.write(chunk)
        out.write('""" .\n')


def _csv_200_mb(path: Path) -> None:
    """A stance list of 200 MB: one well-formed row, repeated."""
    header = (BAD / "csv-good.csv").read_bytes().splitlines(keepends=True)[0]
    row = b"big_list_2026,A big list,2026-03-01,France,FRA,,signed,https://example.org/big,x\n"
    block = row * (MB // len(row))
    with path.open("wb") as out:
        out.write(header)
        for _ in range(200 * MB // len(block) + 1):
            out.write(block)


GENERATORS: dict[str, Callable[[Path], None]] = {
    "turtle-200-mb-literal": _turtle_200_mb_literal,
    "csv-200-mb": _csv_200_mb,
}


def _place(case: dict[str, Any], root: Path) -> None:
    for where, name in case.get("files", {}).items():
        (root / where).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BAD / name, root / where)
    for where, generator in case.get("generate", {}).items():
        GENERATORS[generator](root / where)


def _fill(text: str, root: Path, scratch: Path) -> str:
    return text.format(root=root, tmp=scratch, bad=BAD)


def _command(case: dict[str, Any], root: Path, scratch: Path) -> list[str]:
    where = _fill(case.get("root", "{root}"), root, scratch)
    return ["--root", where, *(_fill(arg, root, scratch) for arg in case["args"])]


def _digest(*folders: Path) -> dict[str, str]:
    """Every file under the folders, by path, with a hash of its bytes."""
    found = {}
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                while block := handle.read(1 << 24):
                    digest.update(block)
            found[str(path)] = digest.hexdigest()
    return found


# --- running govkg ------------------------------------------------------------------------------


def _in_process(args: list[str]) -> Run:
    result = CliRunner().invoke(cli, args, prog_name="govkg", env=dict.fromkeys(ENVIRONMENT))
    return Run(result.exit_code, result.stdout, result.stderr)


def _govkg() -> list[str]:
    """The installed console script (``govkg = "govkg.cli:main"``), else the same entry point."""
    script = Path(sys.executable).with_name("govkg")
    return [str(script)] if script.is_file() else [sys.executable, "-c", _ENTRY]


_ENTRY = "import sys; from govkg.cli import main; sys.argv[0] = 'govkg'; main()"


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ENVIRONMENT}


def _as_process(args: list[str], timeout: float = 120) -> Run:
    """Run govkg as a real process; with its time and (on Linux) its peak resident memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        process = subprocess.Popen([*_govkg(), *args], stdout=out, stderr=err, env=_environment())
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, _peak_megabytes(process.pid))
            if time.monotonic() > start + timeout:
                process.kill()
                pytest.fail(f"govkg {' '.join(args)} ran for more than {timeout} s")
            time.sleep(0.005)
        seconds = time.monotonic() - start
        printed = []
        for stream in (out, err):
            stream.seek(0)
            printed.append(stream.read().decode("utf-8", "replace"))
        return Run(process.returncode, printed[0], printed[1], seconds, peak)


def _peak_megabytes(pid: int) -> float:
    """A running process's peak resident memory so far (VmHWM), 0 where /proc cannot tell.

    Not getrusage: on Linux a child's ru_maxrss counts the memory of the parent it was forked
    from, here the whole test session."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0.0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) * 1024 / MB if found else 0.0


# --- the corpus ---------------------------------------------------------------------------------


def _check(case: dict[str, Any], run: Run) -> None:
    shown = f"exit {run.code}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert "Traceback" not in run.stdout + run.stderr, shown
    assert run.code == case["exit"], shown
    if case["exit"] == 2:
        progress = re.compile(case.get("progress", "(?!)"))
        lines = [x for x in run.stderr.splitlines() if x.strip() and not progress.search(x)]
        assert len(lines) == 1, shown  # one line, whatever went wrong
        assert re.search(case["error"], lines[0]), shown
        assert run.stdout == "", shown
    elif case["exit"] == 1:
        matching = [x for x in run.stdout.splitlines() if re.search(case["report"], x)]
        assert len(matching) == 1, shown
        assert run.stderr == "", shown
    else:
        assert any(re.search(case["output"], x) for x in run.stdout.splitlines()), shown


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_bad_input(case: dict[str, Any], tmp_path: Path) -> None:
    if "needs" in case and not Path(case["needs"]).exists():
        pytest.skip(f"needs {case['needs']}")
    root, scratch = _copy_project(tmp_path)
    _place(case, root)
    args = _command(case, root, scratch)
    before = _digest(root, scratch)
    _check(case, _in_process(args))
    if case["exit"] != 0:
        assert _digest(root, scratch) == before, "a failed command changed a file"
    if case.get("subprocess"):
        run = _as_process(args)
        _check(case, run)
        assert run.seconds <= case.get("seconds", 60), f"took {run.seconds:.1f} s"
        assert run.megabytes <= case.get("megabytes", 2000), f"used {run.megabytes:.0f} MB"
        if case["exit"] != 0:
            assert _digest(root, scratch) == before, "a failed command changed a file"


def test_the_corpus_is_large_and_complete() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 40
    named = {name for case in CASES for name in case.get("files", {}).values()}
    on_disk = {p.name for p in BAD.iterdir() if p.name not in ("cases.toml", ".gitattributes")}
    assert named == on_disk, "every file in tests/bad/ is used by a case, and exists"
    assert sum(bool(case.get("subprocess")) for case in CASES) >= 5
    assert 200 * MB > MAX_BYTES  # the 200 MB CSV is refused by its size, before it is read


def test_a_failed_load_keeps_the_store(tmp_path: Path) -> None:
    """Every file is parsed before an on-disk store is emptied: a broken file loses nothing."""
    root, scratch = _copy_project(tmp_path)
    store = scratch / "store"
    assert _in_process(["--root", str(root), "load", "--store", str(store)]).code == 0
    before = len(ox.Store.read_only(str(store)))
    shutil.copyfile(BAD / "ttl-unterminated-string.ttl", root / "graph" / "zz-bad.ttl")
    for args in (["load", "--store", str(store)], ["--store", str(store), "stats"]):
        run = _in_process(["--root", str(root), *args])
        assert run.code == 2 and "graph/zz-bad.ttl:2:11" in run.stderr, run.stderr
        assert len(ox.Store.read_only(str(store))) == before


def test_a_closed_pipe_is_not_an_internal_error(tmp_path: Path) -> None:
    """``govkg export … | head`` ends quietly, without an internal-error line."""
    command = [*_govkg(), "--root", str(ROOT), "export", "gexf", "--view", "full"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment()
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()  # the reader goes away, as `head -c 10` does
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    """Imported files were left 0600 (mkstemp's mode): now 0666 less the umask, as a plain write."""
    mask = os.umask(0o022)
    try:
        (written,) = write_atomically([(tmp_path / "states.ttl", b"# states\n")])
    finally:
        os.umask(mask)
    assert written.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["states.ttl"]


# --- interrupted writes -------------------------------------------------------------------------


def _on_a_slow_disk(seconds: float) -> list[str]:
    """govkg with every fsync taking ``seconds`` longer, as on a slow disk, so that a kill can
    land while its files are being written."""
    program = (
        "import os, sys, time; fsync = os.fsync; "
        f"os.fsync = lambda fd: (fsync(fd), time.sleep({seconds}))[0]; "
        "from govkg.cli import main; sys.argv[0] = 'govkg'; main()"
    )
    return [sys.executable, "-c", program]


def _temporary(path: Path) -> bool:
    """A temporary file of an atomic write: ``.NAME.XXXXXXXX`` beside NAME."""
    return path.name.startswith(".")


def _state(folder: Path) -> dict[str, bytes]:
    """What govkg reads in a folder: every file but the temporary ones."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not _temporary(p)
    }


def _kill(command: list[str], when: Callable[[], bool], at_most: float) -> None:
    """Start a process, SIGKILL it once ``when()`` holds (or after ``at_most`` seconds)."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_environment()
    )
    deadline = time.monotonic() + at_most
    while process.poll() is None and not when() and time.monotonic() < deadline:
        time.sleep(0.001)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _changed_reference_data(root: Path) -> None:
    """Edit every list in data/ (its free-text column: a note, else the last one) so that an
    import rewrites the generated files."""
    for path in sorted((root / "data").rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        column = rows[0].index("note") if "note" in rows[0] else -1
        for row in rows[1:]:
            row[column] += " (checked)"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)


def test_import_killed_midway_leaves_the_old_files_or_the_new(tmp_path: Path) -> None:
    """``govkg import reference`` writes 21 files: killed at any moment, graph/ holds either all
    the old files or all the new ones, never a mixture and never a half-written file."""
    root, _scratch = _copy_project(tmp_path / "template")
    _changed_reference_data(root)
    old = _state(root / "graph")
    finished = tmp_path / "finished"
    shutil.copytree(root, finished)
    args = ["--root", str(finished), "import", "reference", str(finished / "data")]
    assert _as_process(args).code == 0
    new = _state(finished / "graph")
    changed = {name for name in new if new[name] != old.get(name)}
    assert len(changed) >= 18  # nearly every generated file differs

    def attempt(number: int, command: list[str], when: Callable[[Path], bool], at_most: float):
        copy = tmp_path / f"attempt-{number}"
        shutil.copytree(root, copy)
        argv = ["--root", str(copy), "import", "reference", str(copy / "data")]
        _kill([*command, *argv], lambda: when(copy), at_most)
        state = _state(copy / "graph")
        assert state in (old, new), sorted(n for n in state if state[n] != old.get(n))
        leftovers = [p for p in (copy / "graph").rglob(".*") if p.is_file()]
        assert all(p.name.startswith(".") and ".ttl." in p.name for p in leftovers)
        return state, leftovers

    def writing(copy: Path) -> bool:
        return any((copy / "graph").rglob(".*.ttl.*"))

    # on a slow disk, killed while the temporary files are being written: the old files
    state, leftovers = attempt(0, _on_a_slow_disk(0.05), writing, 60)
    assert state == old and leftovers, "the kill should land while files are being written"
    # killed at moments through the run: old or new, whichever it reached
    for number, delay in enumerate((0.5, 2.5), start=1):
        attempt(number, _govkg(), lambda _copy: False, delay)


def test_export_killed_midway_keeps_the_old_file(tmp_path: Path) -> None:
    """``govkg export --out FILE`` killed while writing leaves FILE as it was."""
    out = tmp_path / "full.gexf"
    out.write_bytes(b"the old export\n")
    argv = ["--root", str(ROOT), "export", "gexf", "--view", "full", "--out", str(out)]

    def writing() -> bool:
        return any(p.name.startswith(".full.gexf.") for p in tmp_path.iterdir())

    _kill([*_on_a_slow_disk(0.5), *argv], writing, 60)
    assert out.read_bytes() == b"the old export\n"
    for delay in (0.3, 1.0):
        _kill([*_govkg(), *argv], lambda: False, delay)
        data = out.read_bytes()  # the old file, or the whole new one
        assert data == b"the old export\n" or data.endswith(b"</gexf>\n")
