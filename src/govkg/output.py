"""Formatting query rows for people and programs: table, CSV, JSON and newline-delimited JSON.

Tables show compact IRIs (``state:USA``); CSV and JSON keep full IRIs.  In JSON, numbers and
booleans typed as such in RDF become JSON numbers and booleans; every other value is a string.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import pyoxigraph as ox

from govkg.namespaces import compact
from govkg.store import Term

FORMATS = ("table", "csv", "json", "ndjson")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {
    _XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "nonNegativeInteger",
        "positiveInteger",
        "decimal",
        "double",
        "float",
    )
}


Value = Term | str | int | float | None


def text_value(term: Value, short: bool = False) -> str:
    """A term as text: an IRI (compact if ``short``), a literal's lexical form or ``_:b``."""
    if term is None:
        return ""
    if isinstance(term, str):
        return compact(term) if short else term
    if isinstance(term, int | float):
        return str(term)
    if isinstance(term, ox.NamedNode):
        return compact(term.value) if short else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def json_value(term: Value) -> object:
    """A term as a JSON value."""
    if isinstance(term, str | int | float):
        return term
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMBERS:
        try:
            number = float(term.value)
            return int(number) if number.is_integer() and "." not in term.value else number
        except ValueError:
            return term.value
    if isinstance(term, ox.Literal) and term.datatype.value == _XSD + "boolean":
        return term.value in ("true", "1")
    return None if term is None else text_value(term)


def format_rows(variables: Sequence[str], rows: Sequence[Sequence[Value]], fmt: str) -> str:
    """Rows in one of :data:`FORMATS`; the text ends with a newline unless empty."""
    if fmt == "table":
        cells = [[text_value(v, short=True).replace("\n", " ") for v in row] for row in rows]
        return _table(variables, cells)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(variables)
        writer.writerows([text_value(v) for v in row] for row in rows)
        return buffer.getvalue()
    objects = [{k: json_value(v) for k, v in zip(variables, row, strict=True)} for row in rows]
    if fmt == "json":
        return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"
    if fmt == "ndjson":
        return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)
    raise ValueError(f"unknown format {fmt!r}")


#: The key of the last ndjson line, which carries an answer's coverage: never a SPARQL variable
#: name (a colon cannot be in one), so no row can be mistaken for it.
NDJSON_COVERAGE_KEY = "govkg:coverage"


def format_answer(
    variables: Sequence[str],
    rows: Sequence[Sequence[Value]],
    fmt: str,
    coverage: dict[str, object],
) -> str:
    """A query's answer with its coverage: in ``json`` an object with ``variables``, ``rows``
    and ``coverage``; in ``ndjson`` the rows, then one line ``{"govkg:coverage": …}``; in
    ``table`` and ``csv`` the rows alone (the caller prints the notice on stderr)."""
    if fmt == "json":
        objects = [{k: json_value(v) for k, v in zip(variables, row, strict=True)} for row in rows]
        answer = {"variables": list(variables), "rows": objects, "coverage": coverage}
        return json.dumps(answer, indent=2, ensure_ascii=False) + "\n"
    text = format_rows(variables, rows, fmt)
    if fmt == "ndjson":
        text += json.dumps({NDJSON_COVERAGE_KEY: coverage}, ensure_ascii=False) + "\n"
    return text


def _table(headers: Sequence[str], cells: list[list[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines) + "\n"


def format_triples(triples: Sequence[ox.Triple]) -> str:
    """Triples (a CONSTRUCT or DESCRIBE answer) as Turtle with govkg's prefixes."""
    from govkg.rdf import graph_from_quads  # rdflib, imported where Turtle is written

    return graph_from_quads(triples).serialize(format="turtle")
