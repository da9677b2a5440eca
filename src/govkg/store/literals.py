"""Literals the store keeps in another form than the files wrote them, found as files load.

Oxigraph stores a literal of a datatype it knows by its value, written in canonical form:
``"5"^^xsd:positiveInteger`` comes back as ``"5"^^xsd:integer``, ``"01"^^xsd:integer`` as ``"1"``
(so ``"01"`` and ``"1"`` on one subject and predicate become one triple), ``"1.50"`` as ``"1.5"``,
``"2020-01-01+00:00"^^xsd:date`` as ``"2020-01-01Z"``.  At load, each such literal is recorded in
the store, in the named graph :data:`~govkg.namespaces.WRITTEN_GRAPH` (:func:`record_quads`);
:mod:`govkg.written` reads the records back.

Which literals are rewritten is Oxigraph's decision, never re-implemented here: the candidates
(literals with an XSD datatype other than xsd:string) are put in a scratch store and read back.
Only a file whose bytes :func:`may_rewrite` needs a parse in Python; that pre-scan passes a file
whose typed literals are all of a few forms Oxigraph keeps as they are (``tests/test_written.py``
checks those forms against Oxigraph), as govkg's own data is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import sha256

import pyoxigraph as ox

from govkg.namespaces import VOCABULARIES, WRITTEN, WRITTEN_GRAPH
from govkg.store.tokens import INERT

XSD = VOCABULARIES["XSD"]
_XSD_STRING = XSD + "string"
RECORD_GRAPH = ox.NamedNode(WRITTEN_GRAPH)
RECORD_IN_GRAPH = ox.NamedNode(WRITTEN + "graph")
RECORD_SUBJECT = ox.NamedNode(WRITTEN + "subject")  # an IRI subject, as a string
RECORD_SUBJECT_NODE = ox.NamedNode(WRITTEN + "subjectNode")  # a blank-node subject, the node itself
RECORD_PREDICATE = ox.NamedNode(WRITTEN + "predicate")
RECORD_STORED_LEXICAL = ox.NamedNode(WRITTEN + "storedLexical")
RECORD_STORED_DATATYPE = ox.NamedNode(WRITTEN + "storedDatatype")
RECORD_LEXICAL = ox.NamedNode(WRITTEN + "lexical")
RECORD_DATATYPE = ox.NamedNode(WRITTEN + "datatype")

# --- the pre-scan: which files need a look -------------------------------------------------------

#: Forms of typed literal Oxigraph keeps as written: ``"LEX"^^xsd:TYPE`` or ``^^<…#TYPE>``.
KEPT_FORMS = {
    "date": "[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "gYear": "[0-9]{4}",
    "gYearMonth": "[0-9]{4}-[0-9]{2}",
    "integer": "0|-?[1-9][0-9]*",
    "boolean": "true|false",
    "anyURI": '[^"\\\\\n\r]*',
    "string": '[^"\\\\\n\r]*',
}
_KEPT_LEXICAL = {name: re.compile(form.encode()) for name, form in KEPT_FORMS.items()}
#: A typed literal's end: ``"^^xsd:NAME`` or ``"^^<…XMLSchema#NAME>``.
_TYPED_END = re.compile(
    rb'"\^\^(?:xsd:([A-Za-z]+)(?=[\s,;.)\]]|$)|<' + re.escape(XSD.encode()) + rb"([A-Za-z]+)>)"
)


def _kept_typed(data: bytes) -> int:
    """How many typed literals are of a form in ``KEPT_FORMS`` (each looked at from its
    ``"^^``, which is rare, back to its opening quote)."""
    kept = 0
    for end in _TYPED_END.finditer(data):
        form = _KEPT_LEXICAL.get((end[1] or end[2]).decode())
        start = data.rfind(b'"', 0, end.start())
        if form is not None and start > 0 and data[start - 1 : start] not in (b'"', b"\\"):
            kept += form.fullmatch(data, start + 1, end.start()) is not None
    return kept


_INERT = re.compile(INERT.pattern.encode())


def _classes() -> bytes:
    """A byte table for ``bytes.translate``: a delimiter a numeral may follow becomes a space,
    1-9 become 9, ``E`` becomes ``e`` and any other letter ``a`` (so one pattern starting with a
    space finds every numeral, fast)."""
    table = bytearray(range(256))
    for byte in b"\t\r\n,()[]>":
        table[byte] = ord(" ")
    for byte in b"123456789":
        table[byte] = ord("9")
    for byte in b"ABCDFGHIJKLMNOPQRSTUVWXYZabcdfghijklmnopqrstuvwxyz":
        table[byte] = ord("a")
    table[ord("E")] = ord("e")
    return bytes(table)


_CLASSES = _classes()
#: A bare Turtle numeral that is not a canonical integer (in the translated bytes): a sign
#: ``+``, a leading zero or ``-0``, a decimal, a double.
_OTHER_NUMERAL = re.compile(rb" (?=[-+.09])(?:\+|-?0[09.e]|-0|[-+]?[09]*\.[09]|[-+]?[09]+e)")


def may_rewrite(data: bytes) -> bool:
    """Whether a Turtle document may hold a literal the store keeps in another form: a typed
    literal not of a form in ``KEPT_FORMS``, or a bare numeral other than a canonical integer
    (outside strings, comments and IRIs).  False means it certainly holds none; True that it
    must be parsed to know."""
    typed = data.count(b"^^")
    if typed and typed != _kept_typed(data):
        return True
    return _other_numeral(data)


def _other_numeral(data: bytes) -> bool:
    """Whether a numeral other than a canonical integer is outside strings, comments and IRIs.
    Without long strings (``\"\"\"``, ``'''``) those end on their line: only the lines of the
    numerals found in the bytes are looked at again."""
    found = _OTHER_NUMERAL.finditer(data.translate(_CLASSES))
    if b'"""' in data or b"'''" in data:
        return next(found, None) is not None and _outside_text(data)
    checked = -1  # the end of the last line looked at
    for hit in found:
        if hit.start() < checked:
            continue
        start = data.rfind(b"\n", 0, hit.start()) + 1
        checked = data.find(b"\n", hit.end()) % (len(data) + 1)  # -1: the end of the data
        if _outside_text(b" " + data[start:checked]):
            return True
    return False


def _outside_text(data: bytes) -> bool:
    return _OTHER_NUMERAL.search(_INERT.sub(b" ", data).translate(_CLASSES)) is not None


# --- detection: Oxigraph decides -----------------------------------------------------------------


def is_candidate(term: object) -> bool:
    """A literal of an XSD datatype other than xsd:string: the only kind Oxigraph may rewrite."""
    if not isinstance(term, ox.Literal) or term.language:
        return False
    datatype = term.datatype.value
    return datatype.startswith(XSD) and datatype != _XSD_STRING


def stored_forms(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """Each literal that Oxigraph stores in another form, and that form: the literals are put in
    a scratch store, each as the object of its own subject, and read back."""
    unique = list(dict.fromkeys(literals))
    if not unique:
        return {}
    scratch = ox.Store()
    predicate = ox.NamedNode("urn:p")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:{number}"), predicate, literal)
        for number, literal in enumerate(unique)
    )
    changed = {}
    for quad in scratch:
        written = unique[int(quad.subject.value[4:])]
        if quad.object != written:
            changed[written] = quad.object
    return changed  # type: ignore[return-value]


@dataclass(frozen=True)
class Record:
    """A literal written in one form and stored in another, where it is (graph, subject,
    predicate).  ``written == stored`` records that the stored form was written too, beside
    another form that the store made the same triple."""

    graph: ox.NamedNode
    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    stored: ox.Literal
    written: ox.Literal


def records_of(quads: Iterable[ox.Quad]) -> list[Record]:
    """The records for quads as written (their graphs named): one for each literal the store
    keeps in another form, and one for a stored form also written where it collapses with one."""
    candidates = [q for q in quads if is_candidate(q.object) and _recordable(q)]
    changed = stored_forms(q.object for q in candidates)  # type: ignore[misc]
    if not changed:
        return []
    records = {
        Record(q.graph_name, q.subject, q.predicate, changed[q.object], q.object)  # type: ignore[arg-type,index]
        for q in candidates
        if q.object in changed
    }
    places = {(r.graph, r.subject, r.predicate, r.stored) for r in records}
    records |= {
        Record(q.graph_name, q.subject, q.predicate, q.object, q.object)  # type: ignore[arg-type]
        for q in candidates
        if (q.graph_name, q.subject, q.predicate, q.object) in places
    }
    return sorted(records, key=str)


def _recordable(quad: ox.Quad) -> bool:
    return isinstance(quad.graph_name, ox.NamedNode) and isinstance(
        quad.subject, ox.NamedNode | ox.BlankNode
    )


# --- the records in the store --------------------------------------------------------------------


def record_quads(records: Iterable[Record]) -> list[ox.Quad]:
    """The records as quads of :data:`WRITTEN_GRAPH`: an IRI per record (a blank node could be
    named twice by a server that receives the graph in several requests), IRIs as strings (so
    that no data IRI gains a link from them), a blank-node subject as the node itself."""
    quads = []
    for record in records:
        node = ox.NamedNode(f"{WRITTEN}record-{sha256(str(record).encode()).hexdigest()[:32]}")
        if isinstance(record.subject, ox.NamedNode):
            subject = (RECORD_SUBJECT, ox.Literal(record.subject.value))
        else:
            subject = (RECORD_SUBJECT_NODE, record.subject)  # type: ignore[assignment]
        for predicate, value in (
            (RECORD_IN_GRAPH, ox.Literal(record.graph.value)),
            subject,
            (RECORD_PREDICATE, ox.Literal(record.predicate.value)),
            (RECORD_STORED_LEXICAL, ox.Literal(record.stored.value)),
            (RECORD_STORED_DATATYPE, ox.Literal(record.stored.datatype.value)),
            (RECORD_LEXICAL, ox.Literal(record.written.value)),
            (RECORD_DATATYPE, ox.Literal(record.written.datatype.value)),
        ):
            quads.append(ox.Quad(node, predicate, value, RECORD_GRAPH))
    return quads


def links_blank_nodes(records: Iterable[Record]) -> bool:
    """Whether a record names a blank node (then it must reach a remote server in the same
    request as the node's triples, or the server names the node twice)."""
    return any(isinstance(r.subject, ox.BlankNode) for r in records)


def file_quads(triples: Iterable[ox.Triple], graph: str) -> list[ox.Quad]:
    """A file's triples as quads of its graph."""
    name = ox.NamedNode(graph)
    return [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
