"""SPARQL answers as bytes: results in JSON, XML, CSV and TSV (SPARQL 1.1), graphs in RDF formats.

:func:`to_answer` turns a :class:`~govkg.store.QueryResult` into an :class:`Answer` (status, media
type, body, headers): plain data, so a query process can send it back whole.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from govkg.documents import OX_FORMATS, serialize
from govkg.errors import ProtocolError
from govkg.server.negotiation import choose
from govkg.store import QueryResult, Term

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Media type → writer of SELECT/ASK results.
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/xml",
)


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    triple = term
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(triple.subject),
            "predicate": _json_term(triple.predicate),
            "object": _json_term(triple.object),
        },
    }


def to_json(result: QueryResult, extra: dict[str, object] | None = None) -> str:
    """SPARQL 1.1 JSON results; ``extra`` members (a canned answer's ``coverage``) go beside
    ``head`` and ``results``, where SPARQL clients do not look."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean), **(extra or {})})
    bindings = [
        {
            name: _json_term(value)
            for name, value in zip(result.variables, row, strict=True)
            if value is not None
        }
        for row in result.rows
    ]
    answer = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps({**answer, **(extra or {})})


#: What XML text escapes (``xml.sax.saxutils``'s, which imports ``urllib.request`` and with it
#: an HTTP client and ``ssl``: ~3.5 MB a query process does not need).
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_XML_ATTRIBUTE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def xml_escape(text: str) -> str:
    """``text`` as XML character data (as ``xml.sax.saxutils.escape``)."""
    return text.translate(_XML_TEXT)


def quoteattr(text: str) -> str:
    """``text`` as a quoted XML attribute value (as ``xml.sax.saxutils.quoteattr``)."""
    text = text.translate(_XML_ATTRIBUTE)
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace('"', "&quot;") + '"'


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return (
                f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
            )
        if term.datatype.value != XSD_STRING:
            dt = quoteattr(term.datatype.value)
            return f"<literal datatype={dt}>{xml_escape(term.value)}</literal>"
        return f"<literal>{xml_escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def to_xml(result: QueryResult) -> str:
    head = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
    if result.kind == "ask":
        return f"{head}<head/><boolean>{str(bool(result.boolean)).lower()}</boolean></sparql>\n"
    variables = "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables)
    rows = []
    for row in result.rows:
        cells = "".join(
            f"<binding name={quoteattr(name)}>{_xml_term(value)}</binding>"
            for name, value in zip(result.variables, row, strict=True)
            if value is not None
        )
        rows.append(f"<result>{cells}</result>")
    return f"{head}<head>{variables}</head><results>{''.join(rows)}</results></sparql>\n"


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def to_csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    writer.writerow(result.variables)
    writer.writerows([_csv_value(value) for value in row] for row in result.rows)
    return out.getvalue()


def _tsv_value(term: Term | None) -> str:
    """A term in Turtle syntax, as SPARQL TSV requires (oxigraph's str() is N-Triples)."""
    return "" if term is None else str(term)


def to_tsv(result: QueryResult) -> str:
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_value(value) for value in row) for row in result.rows]
    return "\n".join(lines) + "\n"


WRITERS: dict[str, Callable[[QueryResult], str]] = {
    "application/sparql-results+json": to_json,
    "application/json": to_json,
    "application/sparql-results+xml": to_xml,
    "application/xml": to_xml,
    "text/csv": to_csv,
    "text/tab-separated-values": to_tsv,
}

#: The formats of CONSTRUCT and DESCRIBE answers.
GRAPH_TYPES = tuple(OX_FORMATS)
TRUNCATED = "X-Govkg-Truncated"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer as plain data; ``message`` says what went wrong when ``status`` >= 400."""

    status: int
    media_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    message: str = ""

    @classmethod
    def error(cls, status: int, message: str) -> Answer:
        return cls(status, body=(message + "\n").encode(), message=message)


def to_answer(result: QueryResult, accept: str | None, max_rows: int) -> Answer:
    """The result in the format the Accept header asks for, cut at ``max_rows`` rows or triples.

    A cut answer carries the header ``X-Govkg-Truncated: true``.  Raises 406 when no format fits.
    """
    graph = result.kind == "graph"
    offered = list(GRAPH_TYPES) if graph else list(RESULT_TYPES)
    media = choose(accept, offered)
    if media is None:
        kind = "graph" if graph else "result"
        raise ProtocolError(406, f"acceptable {kind} formats: " + ", ".join(offered))
    headers = {"Vary": "Accept"}
    size = len(result.triples) if graph else len(result.rows)
    if size > max_rows:
        result.rows, result.triples = result.rows[:max_rows], result.triples[:max_rows]
        headers[TRUNCATED] = "true"
    body = serialize(result.triples, media) if graph else WRITERS[media](result).encode()
    return Answer(200, content_type(media), body, headers)


def content_type(media_type: str) -> str:
    """The Content-Type header of an answer: a text type gets ``charset=utf-8`` unless it names
    one (as Starlette's Response writes it)."""
    if media_type.startswith("text/") and "charset=" not in media_type.lower():
        return media_type + "; charset=utf-8"
    return media_type
