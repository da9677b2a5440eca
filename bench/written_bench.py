"""What keeping literals as written costs (``govkg.written``): loading into the embedded store in
memory, the pre-scan, ``exact_view`` and ``written_quads``, on the shipped project plus a synthetic
graph (``synthetic.ntriples``, ~4 M triples at 200x5000) written as Turtle.

Three projects of the same size:

- ``clean``: no literal the store rewrites (the pre-scan passes every file: Oxigraph's own loader);
- ``own file``: 1 % more triples, each a non-canonical literal (``"01"^^xsd:integer``, ``1.50``,
  ``"5"^^xsd:positiveInteger``, ``"2020-01-01+00:00"^^xsd:date``), in a file of their own;
- ``spread``: the same triples in the big file itself, which then is parsed in Python.

``before`` is Oxigraph's loader on every file with no pre-scan (the load before this module).

    .venv/bin/python bench/written_bench.py [--size 200x5000] [--json FILE]
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from benchkit import machine, machine_line
from synthetic import ntriples

from govkg.load import graph_name, load_project
from govkg.namespaces import PREFIXES as ALL_PREFIXES
from govkg.namespaces import WRITTEN_GRAPH
from govkg.project import Project, find_project
from govkg.store import OxigraphStore
from govkg.store.literals import may_rewrite
from govkg.written import exact_view, has_records, written_quads

ROOT = Path(__file__).resolve().parents[1]
FOLDER = Path("/tmp/govkg-bench-written")
PREFIXES = {k: ALL_PREFIXES[k] for k in ("gk", "stance", "state", "instrument", "rdfs", "prov")}
ODD = [
    '"0{n}"^^<http://www.w3.org/2001/XMLSchema#integer>',
    "{n}.50",
    '"{m}"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>',
    '"20{y:02d}-01-01+00:00"^^<http://www.w3.org/2001/XMLSchema#date>',
]


def _odd_lines(data: bytes, share: float) -> bytes:
    """One triple with a non-canonical literal per ``1 / share`` triples of ``data``."""
    subjects = [line.split(b" ", 1)[0] for line in data.splitlines()[:: round(1 / share)]]
    lines = [
        f"{s.decode()} <https://example.org/bench#n> "
        + ODD[n % len(ODD)].format(n=n, m=n + 1, y=n % 100)
        + " ."
        for n, s in enumerate(subjects)
    ]
    return ("\n".join(lines) + "\n").encode()


def projects(actors: int, instruments: int) -> dict[str, Path]:
    """The three project folders (built once per size)."""
    base = FOLDER / f"{actors}x{instruments}"
    found = {name: base / name for name in ("clean", "own file", "spread")}
    if (base / ".complete").exists():
        return found
    shutil.rmtree(base, ignore_errors=True)
    data = ntriples(actors, instruments)
    odd = _odd_lines(data, 0.01)
    for name, folder in found.items():
        for part in ("ontology", "graph"):
            shutil.copytree(ROOT / part, folder / part)
        store = ox.Store()
        store.load(data, ox.RdfFormat.N_TRIPLES)
        store.dump(
            output=str(folder / "graph" / "synthetic.ttl"),
            format=ox.RdfFormat.TURTLE,
            from_graph=ox.DefaultGraph(),
            prefixes=PREFIXES,
        )
        del store
        if name == "own file":
            (folder / "graph" / "noncanonical.ttl").write_bytes(odd)
        elif name == "spread":
            with (folder / "graph" / "synthetic.ttl").open("ab") as file:
                file.write(odd)
    (base / ".complete").write_text("")
    return found


def timed(step: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    value = step()
    return time.perf_counter() - start, value


def before(project: Project) -> ox.Store:
    """Oxigraph's loader on every file, no pre-scan: what govkg did before ``govkg.written``."""
    store = ox.Store()
    for path in project.data_files():
        store.load(
            path=str(path),
            format=ox.RdfFormat.TURTLE,
            base_iri=path.resolve().as_uri(),
            to_graph=ox.NamedNode(graph_name(project, path)),
        )
    return store


def prescan(project: Project) -> int:
    return sum(may_rewrite(path.read_bytes()) for path in project.data_files())


def measure(name: str, folder: Path) -> dict[str, Any]:
    project = find_project(folder)
    row: dict[str, Any] = {"project": name}
    row["before_s"], raw = timed(lambda: before(project))
    row["stored_quads"] = len(raw)
    del raw
    row["prescan_s"], row["files_parsed"] = timed(lambda: prescan(project))
    row["load_s"], store = timed(lambda: load_project(project, OxigraphStore()))
    row["records"] = len(list(store._store.quads_for_pattern(None, None, None, _RECORDS))) // 7
    row["has_records_s"], _ = timed(partial(has_records, store))
    row["exact_view_s"], view = timed(partial(exact_view, store))
    row["view_quads"] = len(view)
    del view
    row["quads_s"], _ = timed(partial(_count, store.quads))
    row["written_quads_s"], row["written"] = timed(partial(_count, partial(written_quads, store)))
    return row


def _count(quads: Callable[[], Iterator[ox.Quad]]) -> int:
    return sum(1 for _ in quads())


_RECORDS = ox.NamedNode(WRITTEN_GRAPH)


def report(row: dict[str, Any]) -> None:
    print(
        f"{row['project']:<9} quads {row['stored_quads']:>9,}  before {row['before_s']:6.2f} s"
        f"  pre-scan {row['prescan_s']:5.2f} s ({row['files_parsed']} parsed)"
        f"  load {row['load_s']:6.2f} s ({row['load_s'] / row['before_s'] - 1:+.0%})"
        f"  records {row['records']:>7,}  exact_view {row['exact_view_s']:6.2f} s"
        f"  quads() {row['quads_s']:5.2f} s  written_quads {row['written_quads_s']:5.2f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="200x5000", help="ACTORSxINSTRUMENTS")
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    actors, instruments = (int(n) for n in options.size.split("x"))
    print(machine_line())
    rows = []
    for name, folder in projects(actors, instruments).items():
        rows.append(measure(name, folder))
        report(rows[-1])
    if options.json:
        options.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
