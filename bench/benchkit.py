"""What the benchmark scripts share: the synthetic stores they run on, medians and peak memory.

A benchmark store is the shipped project (ontology, vocabularies, graph: each file its own named
graph) plus a synthetic graph from ``synthetic.py`` in the named graph ``…/graph/synthetic.nt``, so
the catalogue queries' default parameters still name real resources while the stance table grows.
It is built once per size in an on-disk Oxigraph folder (``/tmp/govkg-bench`` by default) and
reused while the project's files are unchanged.  The folder is stamped with the project's source
hash, so ``govkg --store FOLDER …`` uses it as it is instead of rebuilding it from the files: a
benchmark-only shortcut; never do this to a store anyone relies on.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import os
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import synthetic
from rdflib.namespace import DCTERMS
from synthetic import ntriples

from govkg.load import parse_files, source_hash
from govkg.namespaces import GRAPH_BASE, META_GRAPH
from govkg.project import Project, find_project
from govkg.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
STORES = Path(os.environ.get("GOVKG_BENCH_STORES", "/tmp/govkg-bench"))
SYNTHETIC_GRAPH = GRAPH_BASE + "synthetic.nt"
DEFAULT_SIZES = "20x100,100x1000,200x5000"


def size_parser(doc: str, rdflib_limit: int | None = 450_000) -> argparse.ArgumentParser:
    """The options every per-size benchmark takes: --sizes, --runs, --json (and --rdflib-limit,
    the most triples the rdflib baseline is run on)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--runs", type=int, default=3)
    if rdflib_limit is not None:
        parser.add_argument("--rdflib-limit", type=int, default=rdflib_limit, help="triples")
    parser.add_argument("--json", type=Path)
    return parser


def sizes(text: str) -> list[tuple[int, int]]:
    """``20x100,100x1000`` as [(20, 100), (100, 1000)]."""
    return [tuple(int(n) for n in size.split("x")) for size in text.split(",")]  # type: ignore[misc]


# ---------------------------------------------------------------------------------------- memory


def rss_mb(pid: int | str = "self", field: str = "VmHWM") -> float:
    """A process's peak (``VmHWM``) or current (``VmRSS``) resident memory in MB; 0 if gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def reset_peak(pid: int | str = "self") -> None:
    """Start a new peak: Linux resets ``VmHWM`` to the current RSS (``clear_refs`` 5)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass


class Peak:
    """The peak RSS of this process during a ``with`` block (MB in ``.mb``)."""

    mb: float = 0.0

    def __enter__(self) -> Peak:
        reset_peak()
        return self

    def __exit__(self, *exc: object) -> None:
        self.mb = rss_mb()


# ---------------------------------------------------------------------------------------- timing


@dataclass
class Timing:
    """Median of the runs, every run's seconds, and the value of the last run."""

    median: float
    runs: list[float]
    value: object = None


def timed(step: Callable[[], object], runs: int, give_up: float = 30.0) -> Timing:
    """Run ``step`` ``runs`` times (fewer when one run takes over ``give_up`` seconds)."""
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = step()
        times.append(time.perf_counter() - start)
        if times[-1] > give_up:
            break
    return Timing(statistics.median(times), times, value)


def machine() -> dict[str, object]:
    """How loaded the machine is: load averages and CPUs (other people run tests here)."""
    one, five, fifteen = os.getloadavg()
    return {"load_1m": one, "load_5m": five, "load_15m": fifteen, "cpus": os.cpu_count()}


def machine_line() -> str:
    m = machine()
    return (
        f"machine: {m['cpus']} CPUs, load average {m['load_1m']:.2f} / {m['load_5m']:.2f} / "
        f"{m['load_15m']:.2f} (1, 5, 15 min)"
    )


# ---------------------------------------------------------------------------------------- stores


@dataclass
class BenchStore:
    """An on-disk benchmark store: its folder, size and how it was built."""

    path: Path
    actors: int
    instruments: int
    quads: int
    build_s: float | None  # None: reused from an earlier run
    build_peak_mb: float | None

    @property
    def label(self) -> str:
        return f"{self.actors}x{self.instruments}"


def generator_source() -> str:
    """The source of the synthetic generator's functions that ``ntriples`` runs."""
    parts = (synthetic._actors, synthetic._instruments, synthetic._stances, synthetic.ntriples)
    return "".join(inspect.getsource(part) for part in parts)


def store_folder(project: Project, actors: int, instruments: int) -> Path:
    """The folder of a size's store, named by what it is built from: the project's files and the
    generator's code (another version of either is another folder, never a stale one)."""
    digest = hashlib.sha256((source_hash(project) + generator_source()).encode()).hexdigest()
    return STORES / f"store-{actors}x{instruments}-{digest[:12]}"


def bench_store(actors: int, instruments: int, project: Project | None = None) -> BenchStore:
    """The on-disk store for a size, built (shipped project + synthetic graph) unless already
    there.  ``actors == 0`` means the shipped graph alone."""
    project = project or find_project(ROOT)
    folder = store_folder(project, actors, instruments)
    done = folder.with_name(folder.name + ".complete")
    if done.exists():
        quads = int(done.read_text())
        return BenchStore(folder, actors, instruments, quads, None, None)
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.parent.mkdir(parents=True, exist_ok=True)
    with Peak() as peak:
        start = time.perf_counter()
        store = ox.Store(str(building))
        store.bulk_extend(parse_files(project, project.data_files()))
        if actors:
            store.bulk_load(
                ntriples(actors, instruments),
                ox.RdfFormat.N_TRIPLES,
                to_graph=ox.NamedNode(SYNTHETIC_GRAPH),
            )
        meta = ox.NamedNode(META_GRAPH)
        stamp = ox.Literal(source_hash(project))
        store.add(ox.Quad(meta, ox.NamedNode(str(DCTERMS.identifier)), stamp, meta))
        store.flush()
        quads = len(store)
        del store
        seconds = time.perf_counter() - start
    done.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
    done.write_text(str(quads))
    return BenchStore(folder, actors, instruments, quads, seconds, peak.mb)


def memory_copy(path: Path) -> ox.Store:
    """An in-memory Oxigraph store holding what the on-disk store in ``path`` holds."""
    disk = ox.Store.read_only(str(path))
    data = disk.dump(format=ox.RdfFormat.N_QUADS)
    del disk
    memory = ox.Store()
    memory.load(data, ox.RdfFormat.N_QUADS)
    return memory


def govkg_store(store: ox.Store, path: Path | None = None) -> OxigraphStore:
    """A govkg :class:`OxigraphStore` around an open pyoxigraph store."""
    wrapped = OxigraphStore.__new__(OxigraphStore)
    wrapped.path = path
    wrapped._handle = store
    return wrapped
