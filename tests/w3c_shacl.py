"""The W3C SHACL test suite as a referee: read its manifests, run one test on one engine, judge.

The suite (``tests/w3c-shacl/``, copied unchanged from w3c/data-shapes) is a tree of manifests:
``mf:include`` leads to more manifests, ``mf:entries`` lists ``sht:Validate`` tests, each with an
``mf:action`` naming its data graph and shapes graph (``<>``: the test file itself) and an
``mf:result``: the expected ``sh:ValidationReport``, or ``sht:Failure`` when validation must fail.

A verdict is ``pass``, ``refused`` (the engine said by name, as a ``GovkgError``, that it does not
support something) or ``wrong`` (a different report, a crash, or an answer where the test expects
a failure).  Reports are compared as the suite's documentation says
(``data-shapes-test-suite/index.html``, "Validate RDF data"): only the report node's and its
results' triples with the listed predicates, each ``sh:resultPath`` structure cloned per result,
``sh:resultMessage`` kept only when the expected report holds the same message, then graph
isomorphism.  Files are parsed by Oxigraph
with the file's URL as base, literals kept as written.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyoxigraph as ox
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.term import Node
from w3c_rudof import rudof_report

from govkg.cli import cli
from govkg.errors import GovkgError, UnsupportedShape
from govkg.namespaces import SH
from govkg.rdf import graph_from_quads
from govkg.validate import validate_files

SUITE = Path(__file__).resolve().parent / "w3c-shacl"
ROOT_MANIFEST = SUITE / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
ENGINES = ("sparql", "pyshacl", "pyrudof")
PASS, REFUSED, WRONG = "pass", "refused", "wrong"

#: The predicates of the expected graph; any other triple of the actual report is dropped.
KEPT = frozenset(
    {
        SH.conforms,
        SH.focusNode,
        SH.resultPath,
        SH.resultSeverity,
        SH.sourceConstraint,
        SH.sourceConstraintComponent,
        SH.sourceShape,
        SH.value,
    }
)
#: A GovkgError other than UnsupportedShape is a refusal when its message says so.
REFUSAL = re.compile(
    r"not (currently )?supported|unsupported|does not support|not ?implemented|cannot evaluate"
    r"|refuse",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` test: its id (``core/node/datatype-001``) and what it names."""

    id: str
    label: str
    status: str
    data: Path
    shapes: Path
    expected: Graph | None  # the expected report (its node is EXPECTED), None for sht:Failure

    @property
    def same_file(self) -> bool:
        """Data and shapes are one graph (both ``<>`` in most tests)."""
        return self.data == self.shapes


@dataclass(frozen=True)
class Verdict:
    outcome: str  # PASS, REFUSED or WRONG
    reason: str = ""


EXPECTED = BNode("expected-report")


# --- the manifests -------------------------------------------------------------------------


def parse(path: Path) -> Graph:
    """A Turtle file as an rdflib Graph: relative IRIs against its URL, literals as written."""
    return parse_turtle(path.read_bytes(), path.as_uri())


def parse_turtle(text: bytes, base: str) -> Graph:
    """Turtle as an rdflib Graph, parsed by Oxigraph: literals as written (rdflib's own parser
    would rewrite ``"4"^^xsd:decimal`` as ``"4.0"``)."""
    return graph_from_quads(ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=base))


def cases(manifest: Path = ROOT_MANIFEST) -> list[Case]:
    """Every test reachable from ``manifest`` by ``mf:include``, in manifest order."""
    found: list[Case] = []
    for path in _manifests(manifest):
        graph = parse(path)
        for node in graph.subjects(RDF.type, MF.Manifest):
            for head in graph.objects(node, MF.entries):
                found.extend(_case(graph, entry) for entry in Collection(graph, head))
    return found


def _manifests(path: Path, seen: set[Path] | None = None) -> Iterable[Path]:
    seen = seen if seen is not None else set()
    if path in seen:
        return
    seen.add(path)
    yield path
    graph = parse(path)
    for included in sorted(graph.objects(None, MF.include), key=str):
        yield from _manifests(_path(included), seen)


def _path(iri: Node | None) -> Path:
    if not isinstance(iri, URIRef):
        raise ValueError(f"a manifest names {iri!r} where a file's IRI belongs")
    return Path(unquote(urlparse(str(iri)).path))


def _case(graph: Graph, entry: Node) -> Case:
    action = graph.value(entry, MF.action)
    result = graph.value(entry, MF.result)
    status = graph.value(entry, MF.status)
    return Case(
        id=_path(entry).relative_to(SUITE).as_posix(),
        label=str(graph.value(entry, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) or ""),
        status=str(status).removeprefix(str(SHT)) if status is not None else "",
        data=_path(graph.value(action, SHT.dataGraph)),
        shapes=_path(graph.value(action, SHT.shapesGraph)),
        expected=None if result in (SHT.Failure, None) else comparable(graph, result, None),
    )


# --- comparing reports ---------------------------------------------------------------------


def comparable(graph: Graph, report: Node | None, messages: set[Node] | None) -> Graph:
    """The part of a report the suite compares: the report (as EXPECTED) with its type and
    sh:conforms, each sh:result (a fresh blank node) with the KEPT predicates, its sh:resultPath
    structure cloned, and the sh:resultMessage triples whose message is in ``messages`` (all of
    them when ``messages`` is None).  Nested results (sh:detail) are left out."""
    out = Graph()
    if (report, RDF.type, SH.ValidationReport) in graph:
        out.add((EXPECTED, RDF.type, SH.ValidationReport))
    for value in graph.objects(report, SH.conforms):
        out.add((EXPECTED, SH.conforms, value))
    for result in graph.objects(report, SH.result):
        node = BNode()
        out.add((EXPECTED, SH.result, node))
        if (result, RDF.type, None) in graph:  # a subclass counts as sh:ValidationResult
            out.add((node, RDF.type, SH.ValidationResult))
        for predicate, value in graph.predicate_objects(result):
            if predicate == SH.resultPath:
                out.add((node, predicate, _clone(graph, value, out)))
            elif predicate in KEPT or (
                predicate == SH.resultMessage and (messages is None or value in messages)
            ):
                out.add((node, predicate, value))
    return out


def _clone(graph: Graph, node: Node, into: Graph) -> Node:
    """A path's blank-node structure copied into ``into`` with fresh blank nodes (never shared)."""
    if not isinstance(node, BNode):
        return node
    copy = BNode()
    for predicate, value in graph.predicate_objects(node):
        into.add((copy, predicate, _clone(graph, value, into)))
    return copy


def judge(case: Case, actual: Graph) -> Verdict:
    """The verdict on an engine's report graph for ``case``."""
    if case.expected is None:
        return Verdict(WRONG, "answered a report where the test expects a failure")
    reports = set(actual.subjects(RDF.type, SH.ValidationReport))
    if len(reports) != 1:
        return Verdict(WRONG, f"the report graph has {len(reports)} sh:ValidationReport nodes")
    messages = set(case.expected.objects(None, SH.resultMessage))
    got = comparable(actual, reports.pop(), messages)
    if isomorphic(got, case.expected):
        return Verdict(PASS)
    return Verdict(WRONG, difference(case.expected, got))


def difference(expected: Graph, got: Graph) -> str:
    """What differs between two comparable reports, in one line."""
    parts = []
    want, have = _conforms(expected), _conforms(got)
    if want != have:
        parts.append(f"sh:conforms {have} instead of {want}")
    want_results, have_results = _summaries(expected), _summaries(got)
    missing = list((want_results - have_results).elements())
    extra = list((have_results - want_results).elements())
    if missing:
        parts.append(f"missed {len(missing)}: " + "; ".join(missing[:3]))
    if extra:
        parts.append(f"extra {len(extra)}: " + "; ".join(extra[:3]))
    if not parts:
        parts.append("the same results, but blank nodes shared differently")
    text = " | ".join(parts)
    return text if len(text) <= 400 else text[:397] + "..."


def _conforms(graph: Graph) -> str:
    values = sorted(str(v) for v in graph.objects(EXPECTED, SH.conforms))
    return "/".join(values) or "(none)"


def _summaries(graph: Graph) -> Counter[str]:
    return Counter(_summary(graph, r) for r in graph.objects(EXPECTED, SH.result))


def _summary(graph: Graph, result: Node) -> str:
    def one(predicate: URIRef) -> str:
        value = graph.value(result, predicate)
        if predicate == SH.resultPath and value is not None:
            return path_text(graph, value)
        return short(value) if value is not None else "-"

    component = one(SH.sourceConstraintComponent).removesuffix("ConstraintComponent")
    text = f"{component} focus {one(SH.focusNode)} path {one(SH.resultPath)}"
    text += f" value {one(SH.value)} shape {one(SH.sourceShape)}"
    if (constraint := one(SH.sourceConstraint)) != "-":
        text += f" constraint {constraint}"
    if (severity := one(SH.resultSeverity)) != "Violation":
        text += f" severity {severity}"
    messages = sorted(short(m) for m in graph.objects(result, SH.resultMessage))
    return text + "".join(f" message {m}" for m in messages)


def short(term: Node) -> str:
    """A term for a reason line: an IRI by its last segment, a blank node as ``_:``."""
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, Literal):
        datatype = f"^^{short(term.datatype)}" if term.datatype else ""
        language = f"@{term.language}" if term.language else ""
        return f'"{term}"{language}{datatype}'
    return re.split(r"[#/]", str(term).rstrip("/#"))[-1] or str(term)


def path_text(graph: Graph, node: Node) -> str:
    """A SHACL path in SPARQL-like text (``^p``, ``p/q``, ``(p|q)``, ``p*``); a blank node with
    several path forms (ill-formed) as ``{form & form}``."""
    if not isinstance(node, BNode):
        return short(node)
    forms = []
    if (node, RDF.first, None) in graph:
        forms.append("(" + "/".join(path_text(graph, n) for n in Collection(graph, node)) + ")")
    unary = {SH.inversePath: "^{}", SH.zeroOrMorePath: "{}*", SH.oneOrMorePath: "{}+",
             SH.zeroOrOnePath: "{}?"}  # fmt: skip
    for predicate, form in unary.items():
        forms += [form.format(path_text(graph, n)) for n in graph.objects(node, predicate)]
    for options in graph.objects(node, SH.alternativePath):
        forms.append("(" + "|".join(path_text(graph, n) for n in Collection(graph, options)) + ")")
    if len(forms) == 1:
        return forms[0]
    return "{" + " & ".join(sorted(forms)) + "}"


# --- running the engines -------------------------------------------------------------------


def engine_report(engine: str, case: Case) -> Graph:
    """The report graph of ``engine`` (``sparql`` or ``pyshacl``) on the test's files, through
    :func:`govkg.validate.validate_files` (shapes None: read from the data file); ``pyrudof``'s
    through :func:`w3c_rudof.rudof_report`."""
    if engine == "pyrudof":
        return rudof_report(case.data, case.shapes)
    shapes = None if case.same_file else [case.shapes]
    return validate_files([case.data], shapes, engine=engine).report_graph()


def run(engine: str, case: Case) -> Verdict:
    """One test on one engine through the library."""
    return verdict(case, lambda: engine_report(engine, case))


def verdict(case: Case, report: Callable[[], Graph]) -> Verdict:
    """The verdict on whatever ``report`` answers for ``case`` (any engine: it returns the report
    graph, or raises a GovkgError to fail or refuse)."""
    try:
        actual = report()
    except GovkgError as error:
        return _error_verdict(case, error)
    except Exception as error:
        return Verdict(WRONG, f"crash: {type(error).__name__}: {one_line(str(error))}")
    return judge(case, actual)


def _error_verdict(case: Case, error: GovkgError) -> Verdict:
    if case.expected is None:
        return Verdict(PASS, str(error))  # the expected failure
    if isinstance(error, UnsupportedShape) or REFUSAL.search(str(error)):
        return Verdict(REFUSED, str(error))
    return Verdict(WRONG, f"error: {error}")


def run_cli(engine: str, case: Case) -> Verdict:
    """One test through ``govkg validate --data … --shapes … --format turtle`` (in-process): exit
    0 or 1 with a report on stdout (exit 1 exactly when it holds a violation), or exit 2 with one
    ``Error: …`` line, a refusal unless it is an internal error."""
    args = ["validate", "--data", str(case.data), "--shapes", str(case.shapes)]
    args += ["--engine", engine, "--format", "turtle"]
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return Verdict(WRONG, f"crash: {type(result.exception).__name__}: {result.exception}")
    if result.exit_code == 2:
        return _cli_error_verdict(case, result.stderr)
    if result.exit_code not in (0, 1):
        return Verdict(WRONG, f"exit code {result.exit_code}")
    try:
        actual = parse_turtle(result.stdout_bytes, case.data.as_uri())
    except SyntaxError as error:
        return Verdict(WRONG, f"the report printed is not Turtle: {one_line(str(error))}")
    violations = any(actual.subjects(SH.resultSeverity, SH.Violation))
    if result.exit_code != int(violations):
        which = "with" if violations else "without"
        return Verdict(WRONG, f"exit code {result.exit_code} for a report {which} violations")
    return judge(case, actual)


def _cli_error_verdict(case: Case, stderr: str) -> Verdict:
    lines = stderr.splitlines()
    if len(lines) != 1 or not lines[0].startswith("Error: "):
        return Verdict(WRONG, f"exit 2 without one 'Error:' line: {one_line(stderr)[:200]}")
    message = lines[0].removeprefix("Error: ")
    if message.startswith("internal error"):
        return Verdict(WRONG, f"crash: {message}")
    return Verdict(PASS if case.expected is None else REFUSED, message)


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def run_suite(
    engine: str, tests: Sequence[Case], via: Callable[[str, Case], Verdict] = run
) -> dict[str, Verdict]:
    """Every test's verdict for one engine, by test id."""
    return {case.id: via(engine, case) for case in tests}


@dataclass
class Timed:
    verdicts: dict[str, Verdict]
    seconds: float


def timed_suite(
    engine: str, tests: Sequence[Case], via: Callable[[str, Case], Verdict] = run
) -> Timed:
    start = time.perf_counter()
    verdicts = run_suite(engine, tests, via)
    return Timed(verdicts, time.perf_counter() - start)


def tally(verdicts: dict[str, Verdict]) -> Counter[str]:
    """How many tests passed, were refused, were wrong."""
    counts = Counter({PASS: 0, REFUSED: 0, WRONG: 0})
    counts.update(v.outcome for v in verdicts.values())
    return counts
