"""An instrument's imported stance list, back as the CSV that ``govkg import stances`` reads.

The inverse of the importer: it reads the instrument's own graph file (the one the importer
writes, ``graph/instruments/SLUG.ttl``) and gives one row per stance in the importer's columns,
so a curator can edit the list in a spreadsheet and import it again.  Importing the rows gives the
same file byte for byte: the actor's name comes back from the stance's label, the kind of date as
an explicit ``date_type``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from govkg.atomic import write_atomically
from govkg.errors import ExportError, QueryError
from govkg.importer import STANCE_COLUMNS, STANCE_KINDS, instrument_slug
from govkg.namespaces import DATA_BASE, GRAPH_BASE
from govkg.store import Dataset, Store

COLUMNS = (*STANCE_COLUMNS, "date_type")
_KIND_TOKENS = {slug: token for token, slug in STANCE_KINDS.items()}
_STANCES = """SELECT ?id ?title ?label ?actor ?kind ?date ?asof ?url ?note WHERE {
  ?instrument dcterms:identifier ?id ; dcterms:title ?title .
  ?stance a gk:Stance ; gk:instrument ?instrument ; gk:actor ?actor ; gk:stanceKind ?kind ;
    rdfs:label ?label ; prov:wasDerivedFrom ?source .
  ?source schema:url ?url .
  OPTIONAL { ?stance dcterms:date ?date }
  OPTIONAL { ?stance gk:asOf ?asof }
  OPTIONAL { ?stance rdfs:comment ?note }
} ORDER BY ?actor"""


def instrument_graph(instrument_id: str) -> str:
    """The named graph of the file the importer writes for an instrument."""
    return f"{GRAPH_BASE}graph/instruments/{instrument_slug(instrument_id)}.ttl"


def stance_rows(store: Store, instrument_id: str) -> list[dict[str, str]]:
    """The instrument's stances as rows of the importer's columns, ordered by actor."""
    dataset = Dataset((instrument_graph(instrument_id),))
    answer = store.query(_STANCES, {"id": ox.Literal(instrument_id)}, dataset=dataset)
    rows = [_row(instrument_id, solution) for solution in answer.dicts()]
    if not rows:
        raise QueryError(f"no imported stances for instrument {instrument_id!r}")
    return rows


def _value(term: object) -> str:
    return str(getattr(term, "value", "")) if term is not None else ""


def _row(instrument_id: str, found: Mapping[str, object]) -> dict[str, str]:
    actor = _value(found["actor"]).removeprefix(DATA_BASE)
    kind, _, code = actor.partition("/")
    stance_kind = _value(found["kind"]).rsplit("/", 1)[-1]
    words = f" {stance_kind.replace('-', ' ')} {instrument_id}"
    as_of = found["asof"] is not None
    return {
        "instrument_id": instrument_id,
        "instrument_title": _value(found["title"]),
        "date": _value(found["asof"] if as_of else found["date"]),
        "actor_name": _value(found["label"]).removesuffix(words),
        "actor_iso3": code if kind == "state" else "",
        "actor_org": code if kind == "org" else "",
        "stance": _KIND_TOKENS[stance_kind],
        "source_url": _value(found["url"]),
        "note": _value(found["note"]),
        "date_type": "as_of" if as_of else ("act" if found["date"] is not None else ""),
    }


def to_csv(rows: list[dict[str, str]]) -> str:
    """Rows as CSV text with the importer's header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_stance_list(store: Store, instrument_id: str, path: Path) -> int:
    """Write the instrument's stance list to ``path`` (atomically); the number of rows."""
    rows = stance_rows(store, instrument_id)
    write_atomically([(path, to_csv(rows).encode("utf-8"))], ExportError)
    return len(rows)
