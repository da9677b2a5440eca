"""A folder opened read-only lets go of its handle between reads (and with it of the caches its
reads filled), opens it again at the next read, and the pages process does so once it has read
nothing for a while (govkg.server.idle_store)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from paths import ROOT

from govkg.server.idle_store import let_go_when_idle
from govkg.store import OxigraphStore

EX = "http://example.org/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _quads(n: int) -> list[ox.Quad]:
    graph = ox.NamedNode(EX + "g")
    return [
        ox.Quad(ox.NamedNode(f"{EX}s{k}"), ox.NamedNode(f"{EX}p{k % 7}"), ox.Literal(str(k)), graph)
        for k in range(n)
    ]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("idle") / "store"
    OxigraphStore(path).load(_quads(2_000))
    return path


def _open_in(folder: Path) -> int:
    """How many of this process's file descriptors are open on files in ``folder``."""
    found = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        found += target.startswith(str(folder))
    return found


def _count(store: OxigraphStore) -> int:
    return int(store.query(COUNT).rows[0][0].value)  # type: ignore[union-attr]


def test_a_read_only_folder_lets_go_of_its_handle_and_opens_it_again(folder: Path) -> None:
    store = OxigraphStore.read_only(folder)
    assert _count(store) == 2_000
    assert _open_in(folder) > 0
    assert store.let_go() is True
    assert _open_in(folder) == 0  # Oxigraph closed the folder: its caches are gone with it
    assert store.let_go() is False  # nothing left to let go of
    assert _count(store) == 2_000  # the next read opens it again
    assert _open_in(folder) > 0
    store.let_go()


def test_a_read_under_way_keeps_its_handle_and_counts_as_reading(folder: Path) -> None:
    store = OxigraphStore.read_only(folder)
    rows = store.iter_rows("SELECT ?s WHERE { ?s ?p ?o }")
    first = next(rows)
    assert store.idle_s() == 0.0  # rows still being read
    store.let_go()
    assert len([first, *rows]) == 2_000  # the read goes on with the handle it began with
    time.sleep(0.05)
    assert store.idle_s() >= 0.05
    assert _open_in(folder) == 0  # and the handle closed when the read ended


def test_a_store_opened_for_writing_or_in_memory_never_lets_go(tmp_path: Path) -> None:
    for store in (OxigraphStore(tmp_path / "w"), OxigraphStore()):
        store.load(_quads(3))
        assert store.let_go() is False
        assert store.idle_s() == 0.0
        assert _count(store) == 3


def test_the_pages_process_lets_go_once_it_has_read_nothing_for_a_while(folder: Path) -> None:
    store = OxigraphStore.read_only(folder)
    stop = threading.Event()
    watcher = let_go_when_idle(store, idle_s=0.2, stop=stop)
    assert _count(store) == 2_000
    deadline = time.monotonic() + 10
    while _open_in(folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _open_in(folder) == 0
    assert _count(store) == 2_000  # a page after the idle spell reads as before
    stop.set()
    watcher.join(timeout=5)
    assert not watcher.is_alive()
    store.let_go()


#: Fills a handle's caches with a full scan, lets go and gives the memory back; prints the
#: process's anonymous memory (MB) after opening, after the scan and after letting go.
_MEASURE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from govkg.server.idle_store import give_back_memory
    from govkg.store import OxigraphStore

    def anon():
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss_Anon:"):
                return int(line.split()[1]) / 1024

    store = OxigraphStore.read_only(sys.argv[1])
    opened = anon()
    store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?p = ?s) }")
    scanned = anon()
    store.let_go()
    give_back_memory()
    print(opened, scanned, anon())
    """
)


def test_letting_go_gives_the_caches_memory_back_to_the_system(tmp_path: Path) -> None:
    path = tmp_path / "big"
    OxigraphStore(path).load(_quads(300_000))
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    opened, scanned, after = map(float, done.stdout.split())
    assert scanned - opened > 5  # the scans filled Oxigraph's caches
    assert after < opened + (scanned - opened) / 2  # most of it is the system's again
