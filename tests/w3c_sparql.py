"""The W3C SPARQL 1.1 query tests as referee for parameter substitution in query text (issue 15).

The embedded store binds a parameter natively (Oxigraph's ``substitutions=``, SEP-0007
pre-binding); a remote server gets the query text rewritten by
``govkg.store.substitute.substitute``, which must give valid SPARQL with the same answer, or
refuse with a ``QueryError``.

A case is one ``mf:QueryEvaluationTest`` of ``tests/w3c-sparql/`` (its query, its default graph
``qt:data`` and named graphs ``qt:graphData``), one variable of its query, one value.  The values
of a variable: the first two distinct values (in term order) it takes in the query's own answer
where it is projected, then the first IRI and the first literal of the test's data (fixed ones
when the data has none).  An outcome is one of

- ``pass``: the rewritten text parses (Oxigraph, and rdflib's ``prepareQuery`` when rdflib
  parses the original query) and its answer is the reference's;
- ``refused``: ``substitute`` raised ``QueryError`` (its message is kept);
- ``invalid``: a parser rejects the rewritten text (which parser is kept), or ``substitute``
  crashed;
- ``different``: the rewritten query fails to run, or answers otherwise than the reference;
- ``not applicable``: Oxigraph refuses the pre-binding itself (the variable is not in the
  query's projection, as SEP-0007 requires) or fails on it; or Oxigraph fails the W3C test
  itself (its answer to the query unchanged has another shape than the W3C expected answer),
  so that it cannot be the reference there.

The reference is the query with ``substitutions={Variable(name): value}`` on an in-memory
Oxigraph store holding the test's data; the candidate is the rewritten text on the same store.
Answers are compared as multisets of solutions (same variables; blank nodes up to renaming),
booleans, or graphs up to isomorphism.  Queries whose answer is not a function of the data
(``RAND``, ``NOW``, ``UUID``, ``STRUUID``, or two runs that differ) are compared by shape only:
form, variables and number of rows.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result
from rdflib.term import Node

from govkg.errors import QueryError
from govkg.rdf import graph_from_quads
from govkg.store import Term
from govkg.store.substitute import substitute as govkg_substitute

SUITE = Path(__file__).resolve().parent / "w3c-sparql"
ROOT_MANIFEST = SUITE / "manifest-sparql11-query.ttl"
#: Where the suite is published; files are named by their IRI under it, wherever the copy lives.
BASE = "https://w3c.github.io/rdf-tests/sparql/sparql11/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")

PASS, REFUSED, INVALID, DIFFERENT, NOT_APPLICABLE = (
    "pass",
    "refused",
    "invalid",
    "different",
    "not applicable",
)
OUTCOMES = (PASS, REFUSED, INVALID, DIFFERENT, NOT_APPLICABLE)
#: How a test's cases are "not applicable" when Oxigraph answers it otherwise than the W3C.
DOUBT = "Oxigraph fails this W3C test"

#: Values for a variable when the test's data holds no IRI or no literal.
FALLBACK_IRI = ox.NamedNode("http://example.org/govkg-w3c-sparql#value")
FALLBACK_LITERAL = ox.Literal("value")

Substitute = Callable[[str, Mapping[str, Term]], str]

# Comments, strings and IRIs (inert), then variables: the referee's own lexer, not govkg's.
_LEXER = re.compile(
    r'(?P<inert>#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>)'
    r"|[?$](?P<var>[A-Za-z0-9_\u00b7\u00c0-\uffff]+)"
)
_NONDETERMINISTIC = re.compile(r"\b(RAND|NOW|UUID|STRUUID)\s*\(", re.IGNORECASE)

logging.getLogger("rdflib").setLevel(logging.ERROR)  # rdflib logs each ill-typed literal


# --- the manifests -------------------------------------------------------------------------


@dataclass(frozen=True)
class Test:
    """One ``mf:QueryEvaluationTest``: ``bind/bind01`` (folder and the entry's local name)."""

    name: str
    query: Path
    data: tuple[Path, ...]
    graph_data: tuple[Path, ...]
    result: Path  # the W3C expected answer to the query unchanged

    @property
    def base_iri(self) -> str:
        """The query's IRI: its relative IRIs (``FROM <data.ttl>``) resolve against it."""
        return iri(self.query)


def iri(path: Path) -> str:
    """A file of the copy, named by its IRI where the suite is published."""
    return BASE + path.relative_to(SUITE).as_posix()


def path_of(node: object) -> Path:
    """The file of the copy that a manifest's IRI names."""
    if not isinstance(node, URIRef) or not str(node).startswith(BASE):
        raise ValueError(f"a manifest names {node!r} where a file of the suite belongs")
    return SUITE / str(node).removeprefix(BASE)


def manifest(path: Path) -> Graph:
    """A manifest, its relative IRIs resolved against its IRI."""
    return Graph().parse(path, format="turtle", publicID=iri(path))


def evaluation_tests(root: Path = ROOT_MANIFEST) -> list[Test]:
    """Every ``mf:QueryEvaluationTest`` of the manifests ``root`` includes, in manifest order."""
    top = manifest(root)
    found: list[Test] = []
    for head in top.objects(None, MF.include):
        for included in Collection(top, head):
            found.extend(_entries(path_of(included)))
    return found


def _entries(path: Path) -> Iterator[Test]:
    graph = manifest(path)
    for node in graph.subjects(RDF.type, MF.Manifest):
        for head in graph.objects(node, MF.entries):
            for entry in Collection(graph, head):
                if graph.value(entry, RDF.type) == MF.QueryEvaluationTest:
                    yield _test(graph, entry, path.parent.name)


def _test(graph: Graph, entry: Node, folder: str) -> Test:
    action = graph.value(entry, MF.action)
    return Test(
        name=f"{folder}/{str(entry).rsplit('#', 1)[-1]}",
        query=path_of(graph.value(action, QT.query)),
        data=tuple(sorted(path_of(f) for f in graph.objects(action, QT.data))),
        graph_data=tuple(sorted(path_of(f) for f in graph.objects(action, QT.graphData))),
        result=path_of(graph.value(entry, MF.result)),
    )


def count_in_manifests() -> int:
    """The number of query evaluation tests the copied manifests declare, counted apart from
    ``evaluation_tests()``: each ``a mf:QueryEvaluationTest`` in any manifest file of the copy."""
    store = ox.Store()
    for path in SUITE.rglob("manifest*.ttl"):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=iri(path))
    query = f"SELECT (COUNT(DISTINCT ?t) AS ?n) {{ ?t a <{MF.QueryEvaluationTest}> }}"
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return int(next(iter(solutions))[0].value)  # type: ignore[union-attr]


# --- data, variables and values ------------------------------------------------------------


def _quads(path: Path) -> Iterator[ox.Triple]:
    format = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    return ox.parse(path=str(path), format=format, base_iri=iri(path))  # type: ignore[return-value]


def dataset(test: Test) -> ox.Store:
    """An in-memory store with the test's default graph and named graphs (each named by its
    file's IRI, which is what a query's ``FROM`` / ``FROM NAMED`` names)."""
    store = ox.Store()
    for path in test.data:
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in _quads(path))
    for path in test.graph_data:
        name = ox.NamedNode(iri(path))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in _quads(path))
    return store


def variables(sparql: str) -> list[str]:
    """The names of the variables the query's text holds, in order of first occurrence."""
    names = (m.group("var") for m in _LEXER.finditer(sparql) if m.group("var"))
    return list(dict.fromkeys(names))


def nondeterministic(sparql: str) -> bool:
    """Whether the query calls a function whose value is not a function of its arguments."""
    stripped = "".join(m.group() if not m.group("inert") else " " for m in _split(sparql))
    return bool(_NONDETERMINISTIC.search(stripped))


def _split(sparql: str) -> Iterator[re.Match[str]]:
    """The query as a sequence of matches covering it: inert parts and everything between."""
    return re.finditer(_LEXER.pattern + r"|[^#\"'<?$]+|.", sparql, flags=re.DOTALL)


def data_values(test: Test) -> list[Term]:
    """The first IRI and the first literal of the test's data, in file order."""
    found: dict[type, Term] = {}
    for path in (*test.data, *test.graph_data):
        for triple in _quads(path):
            for term in (triple.subject, triple.predicate, triple.object):
                if isinstance(term, ox.NamedNode | ox.Literal):
                    found.setdefault(type(term), term)
    return [found.get(ox.NamedNode, FALLBACK_IRI), found.get(ox.Literal, FALLBACK_LITERAL)]


def answer_values(result: object) -> dict[str, list[Term]]:
    """Per projected variable of a SELECT answer, the first two distinct IRIs and literals (in
    term order) it takes."""
    if not isinstance(result, ox.QuerySolutions):
        return {}
    names = _names(result.variables)
    seen: dict[str, set[Term]] = {name: set() for name in names}
    for row in result:
        for name in names:
            if isinstance(term := row[name], ox.NamedNode | ox.Literal):
                seen[name].add(term)
    return {name: sorted(terms, key=str)[:2] for name, terms in seen.items()}


def _names(variables: Iterable[ox.Variable]) -> list[str]:
    return [v.value for v in variables]


# --- answers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """An answer in a form that compares as the query form says."""

    form: str  # "select", "ask" or "graph"
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[tuple[str, str], ...], ...] = ()  # sorted; blank nodes relabelled
    boolean: bool | None = None
    triples: frozenset[str] = frozenset()  # N-Triples lines
    graph: Graph | None = field(default=None, compare=False)  # for isomorphism with blank nodes

    def shape(self) -> tuple[object, ...]:
        """The form and size: the boolean, the number of triples, or variables and row count."""
        if self.form == "ask":
            return ("ask", self.boolean)
        if self.form == "graph":
            return ("graph", len(self.triples))
        return ("select", self.variables, len(self.rows))

    def same(self, other: Answer, shape_only: bool = False) -> bool:
        """Whether two answers agree (only in form and size when ``shape_only``)."""
        if shape_only:
            return self.shape() == other.shape()
        if self.graph is not None and other.graph is not None:
            return isomorphic(self.graph, other.graph)
        return self == other

    def short(self, rows: int = 3) -> str:
        """The answer in one line: the boolean, or the size and the first rows or triples."""
        if self.form == "ask":
            return f"ASK {self.boolean}"
        if self.form == "graph":
            first = sorted(self.triples)[:rows]
            more = " …" if len(self.triples) > rows else ""
            return f"{len(self.triples)} triples: " + " | ".join(first) + more
        shown = ["{" + ", ".join(f"?{v}={t}" for v, t in row) + "}" for row in self.rows[:rows]]
        more = " …" if len(self.rows) > rows else ""
        head = " ".join(f"?{v}" for v in self.variables)
        return f"SELECT {head}: {len(self.rows)} rows " + " ".join(shown) + more


def answer(result: object) -> Answer:
    """An Oxigraph query result, read to the end, as an ``Answer``."""
    if isinstance(result, ox.QueryBoolean):
        return Answer("ask", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        names = _names(result.variables)
        rows = [tuple((n, row[n]) for n in names if row[n] is not None) for row in result]
        return Answer("select", tuple(sorted(names)), _canonical(rows))
    triples = list(result)  # type: ignore[call-overload]
    lines = frozenset(str(t) + " ." for t in triples)
    with_bnodes = any(isinstance(t, ox.BlankNode) for tr in triples for t in tr)
    return Answer("graph", triples=lines, graph=graph_from_quads(triples) if with_bnodes else None)


def _canonical(rows: list[tuple[tuple[str, Term], ...]]) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Rows sorted, blank nodes renamed in order of appearance (rows sorted with blank nodes
    masked first, so that the renaming does not depend on the order rows came in)."""

    def masked(row: tuple[tuple[str, Term], ...]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((n, "_:" if isinstance(t, ox.BlankNode) else str(t)) for n, t in row))

    labels: dict[str, str] = {}

    def label(term: Term) -> str:
        if isinstance(term, ox.BlankNode):
            return labels.setdefault(term.value, f"_:b{len(labels)}")
        return str(term)

    ordered = sorted(rows, key=masked)
    return tuple(sorted(tuple(sorted((n, label(t)) for n, t in row)) for row in ordered))


# --- one test, its cases, one case ---------------------------------------------------------


@dataclass(frozen=True)
class Case:
    test: str
    variable: str
    value: Term


@dataclass(frozen=True)
class Outcome:
    """A case's outcome, and what a reader needs to see why."""

    case: Case
    outcome: str
    message: str = ""
    substituted: str | None = None
    reference: Answer | None = None
    candidate: Answer | None = None


@dataclass
class Prepared:
    """A test ready to run cases on: its store, its text and what the original query does."""

    test: Test
    store: ox.Store
    text: str
    rdflib_parses: bool  # rdflib's verdict counts only for queries it parses unchanged
    shape_only: bool  # the answer is not a function of the data
    doubt: str  # why Oxigraph's answer cannot be the reference here ("" when it can)
    cases: list[Case]


def prepare(test: Test) -> Prepared:
    """Load a test's data, run its query unchanged, and list its cases."""
    store = dataset(test)
    text = test.query.read_text(encoding="utf-8")
    first = answer(_run(store, text, test.base_iri))
    shape_only = nondeterministic(text) or not first.same(answer(_run(store, text, test.base_iri)))
    expected = expected_shape(test.result)
    doubt = (
        ""
        if first.shape() == expected
        else f"{DOUBT}: the query unchanged gives {describe(first.shape())}"
        f", the W3C answer is {describe(expected)}"
    )
    from_data = data_values(test)
    from_answer = answer_values(_run(store, text, test.base_iri))
    cases = [
        Case(test.name, name, value)
        for name in variables(text)
        for value in dict.fromkeys([*from_answer.get(name, []), *from_data])
    ]
    rdflib_parses = rdflib_error(text, test.base_iri) is None
    return Prepared(test, store, text, rdflib_parses, shape_only, doubt, cases)


def describe(shape: tuple[object, ...]) -> str:
    """A shape in words: ``ASK true``, ``3 triples``, ``2 rows of ?g ?t``."""
    if shape[0] == "ask":
        return f"ASK {str(shape[1]).lower()}"
    if shape[0] == "graph":
        return f"{shape[1]} triples"
    names = " ".join(f"?{name}" for name in shape[1])  # type: ignore[attr-defined]
    return f"{shape[2]} rows of {names}"


def expected_shape(path: Path) -> tuple[object, ...]:
    """The shape (``Answer.shape``) of a W3C expected answer: SPARQL XML or JSON results, a
    result set in RDF (``rs:ResultSet``), or a graph."""
    if path.suffix == ".ttl":
        graph = Graph().parse(path, format="turtle", publicID=iri(path))
        results = next(graph.subjects(RDF.type, RS.ResultSet), None)
        if results is None:
            return ("graph", len(graph))
        names = tuple(sorted(str(v) for v in graph.objects(results, RS.resultVariable)))
        return ("select", names, len(list(graph.objects(results, RS.solution))))
    with path.open("rb") as source:
        result = Result.parse(source, format="xml" if path.suffix == ".srx" else "json")
    if result.type == "ASK":
        return ("ask", result.askAnswer)
    return ("select", tuple(sorted(str(v) for v in result.vars or ())), len(result.bindings))


def _run(
    store: ox.Store, sparql: str, base_iri: str, bindings: dict[str, Term] | None = None
) -> object:
    subs = {ox.Variable(n): t for n, t in (bindings or {}).items()}
    return store.query(sparql, base_iri=base_iri, substitutions=subs or None)


def rdflib_error(sparql: str, base_iri: str) -> str | None:
    """rdflib's parser's message on the query, or None when it parses and translates it."""
    try:
        prepareQuery(sparql, base=base_iri)
    except Exception as error:  # any failure of the parser is its verdict
        return f"{type(error).__name__}: {error}".splitlines()[0][:300]
    return None


def run_case(prepared: Prepared, case: Case, substitute: Substitute = govkg_substitute) -> Outcome:
    """One case: the reference (pre-binding), then ``substitute``'s text judged against it."""
    base, bindings = prepared.test.base_iri, {case.variable: case.value}
    if prepared.doubt:
        return Outcome(case, NOT_APPLICABLE, prepared.doubt)
    try:
        reference = answer(_run(prepared.store, prepared.text, base, bindings))
    except Exception as error:  # Oxigraph refuses this pre-binding
        return Outcome(case, NOT_APPLICABLE, _first_line(error))
    try:
        text = substitute(prepared.text, bindings)
    except QueryError as error:
        return Outcome(case, REFUSED, str(error), reference=reference)
    except Exception as error:  # a crash is no refusal
        return Outcome(case, INVALID, f"substitute crashed: {_first_line(error)}")
    return _judge(prepared, case, text, reference)


def _judge(prepared: Prepared, case: Case, text: str, reference: Answer) -> Outcome:
    found = Outcome(case, PASS, substituted=text, reference=reference)
    base = prepared.test.base_iri
    rejected, candidate = [], None
    try:
        candidate = answer(_run(prepared.store, text, base))
    except SyntaxError as error:
        rejected.append(f"oxigraph: {_first_line(error)}")
    except Exception as error:  # valid text that fails to run
        return replace(found, outcome=DIFFERENT, message=f"fails: {_first_line(error)}")
    if prepared.rdflib_parses and (message := rdflib_error(text, base)) is not None:
        rejected.append(f"rdflib: {message}")
    if rejected or candidate is None:
        return replace(found, outcome=INVALID, message="; ".join(rejected))
    found = replace(found, candidate=candidate)
    if not reference.same(candidate, prepared.shape_only):
        how = "shape" if prepared.shape_only else "answer"
        return replace(found, outcome=DIFFERENT, message=how)
    return found


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]


# --- the suite -----------------------------------------------------------------------------


@dataclass
class Summary:
    """Every case's outcome, the tests run, and how long it took."""

    outcomes: list[Outcome]
    tests: int
    seconds: float

    def counts(self) -> Counter[str]:
        counts = Counter({outcome: 0 for outcome in OUTCOMES})
        counts.update(o.outcome for o in self.outcomes)
        return counts

    def of(self, outcome: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.outcome == outcome]


def run_suite(
    substitute: Substitute = govkg_substitute, selected: list[Test] | None = None
) -> Summary:
    """Every case of every test (default: the whole suite) through ``substitute``."""
    start = time.perf_counter()
    chosen = evaluation_tests() if selected is None else selected
    outcomes: list[Outcome] = []
    for test in chosen:
        prepared = prepare(test)
        outcomes.extend(run_case(prepared, case, substitute) for case in prepared.cases)
    return Summary(outcomes, len(chosen), time.perf_counter() - start)
