"""An instrument's imported stance list, back as the CSV that ``govkg import stances`` reads.

The inverse of the importer: it reads the instrument's own graph file (the one the importer
writes, ``graph/instruments/SLUG.ttl``) and gives one row per stance in the importer's columns,
so a curator can edit the list in a spreadsheet and import it again.  Importing the rows gives the
same file byte for byte: the actor's name as the source printed it comes back from
``gk:actorNameInSource``, the kind of date as an explicit ``date_type``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox

from govkg.atomic import write_atomically
from govkg.errors import ExportError, QueryError
from govkg.fixed_queries import fixed_query
from govkg.importer import STANCE_COLUMNS, STANCE_KINDS, instrument_slug
from govkg.namespaces import DATA_BASE, GRAPH_BASE, compact, expand
from govkg.resolve import Candidate, closest, kind_of, unknown_iris, unknown_message
from govkg.store import Dataset, Row, Store

COLUMNS = (*STANCE_COLUMNS, "date_type")
_KIND_TOKENS = {slug: token for token, slug in STANCE_KINDS.items()}
_STANCES = fixed_query(__file__, "imported-stances")


def instrument_graph(instrument_id: str) -> str:
    """The named graph of the file the importer writes for an instrument."""
    return f"{GRAPH_BASE}graph/instruments/{instrument_slug(instrument_id)}.ttl"


def imported_id(store: Store, given: str) -> str:
    """The importer's id of an instrument named by that id (``paris_statement_2025``), its
    prefixed name (``instrument:paris-statement-2025``) or its IRI; an instrument without an
    imported list is an error that suggests the closest ones that have one."""
    imported = {r.text("instrument"): r.text("id") for r in store.query(_IMPORTED).records()}
    iri = expand(given) if ":" in given else ""
    if iri in imported:
        return imported[iri]
    if given in imported.values():
        return given
    raise QueryError(_no_list(store, given, iri, imported))


def _no_list(store: Store, given: str, iri: str, imported: dict[str, str]) -> str:
    """Why there is no list for ``given``, and the imported lists closest to it."""
    names = [Candidate(compact(i), (ident,)) for i, ident in sorted(imported.items())]
    if iri and kind_of(iri) == "instrument" and not unknown_iris(store, [iri]):
        problem = f"instrument {compact(iri)} has no imported stance list"
    else:
        problem = f"no imported stance list for instrument {given}"
    expected = "no stance list is imported yet"
    if names:
        first = names[0]
        expected = (f"expected an instrument with an imported list, such as {first.name} "
                    f"(or its id {first.labels[0]})")  # fmt: skip
    return unknown_message(problem, closest(compact(iri) if iri else given, names), expected)


def stance_rows(store: Store, instrument: str) -> list[dict[str, str]]:
    """The instrument's stances as rows of the importer's columns, ordered by actor; the
    instrument is named as :func:`imported_id` takes it."""
    instrument_id = imported_id(store, instrument)
    dataset = Dataset((instrument_graph(instrument_id),))
    answer = store.query(_STANCES, {"id": ox.Literal(instrument_id)}, dataset=dataset)
    rows = [_row(instrument_id, solution) for solution in answer.records()]
    if not rows:
        raise QueryError(f"no imported stances for instrument {instrument_id!r}")
    return rows


_IMPORTED = "SELECT ?instrument ?id WHERE { ?instrument a gk:Instrument ; dcterms:identifier ?id }"


def _row(instrument_id: str, found: Row) -> dict[str, str]:
    actor = found.text("actor").removeprefix(DATA_BASE)
    kind, _, code = actor.partition("/")
    stance_kind = found.text("kind").rsplit("/", 1)[-1]
    as_of = found["asof"] is not None
    return {
        "instrument_id": instrument_id,
        "instrument_title": found.text("title"),
        "date": found.text("asof" if as_of else "date"),
        "actor_name": found.text("name"),
        "actor_iso3": code if kind == "state" else "",
        "actor_org": code if kind == "org" else "",
        "stance": _KIND_TOKENS[stance_kind],
        "source_url": found.text("url"),
        "note": found.text("note"),
        "date_type": "as_of" if as_of else ("act" if found["date"] is not None else ""),
    }


def to_csv(rows: list[dict[str, str]]) -> str:
    """Rows as CSV text with the importer's header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_stance_list(store: Store, instrument: str, path: Path) -> int:
    """Write the instrument's stance list to ``path`` (atomically); the number of rows."""
    rows = stance_rows(store, instrument)
    write_atomically([(path, to_csv(rows).encode("utf-8"))], ExportError)
    return len(rows)
