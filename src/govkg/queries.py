"""The query catalogue: SPARQL files in ``queries/`` with a header that documents them.

A header is the comment block at the top of a ``.rq`` file::

    # title: Who signed or declined an instrument
    # description: Every recorded stance on the instrument, with its kind, date
    #   and sources.
    # param: instrument iri instrument:paris-statement-2025 The instrument

``param`` takes a name, a type (iri, string, integer, decimal, date, boolean), a default (``-``
when the parameter is required) and a description.  Parameters are bound as RDF terms by the
store (SEP-0007 substitution), never pasted into the query text, and must appear in the query's
SELECT clause.  Queries in ``queries/checks/`` are checks: they must return no rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from govkg.coverage import MODES, Coverage, answer_coverage
from govkg.errors import LoadError, ParameterError, QueryError
from govkg.namespaces import expand
from govkg.project import Project
from govkg.resolve import check_known
from govkg.store import QueryResult, Store, Term

_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Parameter type → the pattern a value must match (None: an IRI).
PARAM_TYPES: dict[str, str | None] = {
    "iri": None,
    "string": r".*",
    "integer": r"[+-]?[0-9]+",
    "decimal": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    "date": r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])",
    "boolean": r"true|false",
}
_HEADER_LINE = re.compile(r"^#\s?(?P<key>[a-z][a-z-]*):\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(?P<value>\S.*)$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


@dataclass(frozen=True)
class Parameter:
    """A query parameter declared in a header."""

    name: str
    type: str
    default: str | None
    description: str

    def bind(self, value: str) -> Term:
        """The RDF term for a value given as text; raises :class:`ParameterError` if ill-formed."""
        if self.type == "iri":
            iri = expand(value)
            if not _IRI.match(iri):
                raise ParameterError(
                    f"parameter {self.name}: {value!r} is not an IRI or a prefixed name "
                    "such as state:USA"
                )
            return ox.NamedNode(iri)
        pattern = PARAM_TYPES[self.type]
        if pattern is None or not re.fullmatch(pattern, value, re.DOTALL) or not _real(self, value):
            raise ParameterError(f"parameter {self.name}: {value!r} is not a valid {self.type}")
        return ox.Literal(value, datatype=ox.NamedNode(_XSD + self.type))


def _real(parameter: Parameter, value: str) -> bool:
    """Whether a value that matches its type's pattern names a real day (not 2025-02-30)."""
    if parameter.type != "date":
        return True
    try:
        return bool(date.fromisoformat(value))
    except ValueError:
        return False


@dataclass(frozen=True)
class Query:
    """One catalogue query: its name, header and SPARQL text."""

    name: str
    path: Path
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    coverage: str = "lists"

    @property
    def kind(self) -> str:
        """``competency`` for a question, ``check`` for a query that must return no rows."""
        return "check" if self.name.startswith("checks/") else "competency"

    def bindings(self, given: Mapping[str, str]) -> dict[str, Term]:
        """Terms for every parameter: the given value, else the default."""
        known = {p.name for p in self.parameters}
        unknown = sorted(set(given) - known)
        if unknown:
            hint = ", ".join(sorted(known)) or "none"
            raise ParameterError(f"{self.name}: unknown parameter {unknown[0]!r} (known: {hint})")
        bound: dict[str, Term] = {}
        for parameter in self.parameters:
            value = given.get(parameter.name, parameter.default)
            if value is None:
                raise ParameterError(f"{self.name}: parameter {parameter.name!r} is required")
            bound[parameter.name] = parameter.bind(value)
        return bound


def parse_header(text: str, shown: str) -> dict[str, list[str]]:
    """The ``# key: value`` lines at the top of a query, continuation lines folded in."""
    header: dict[str, list[str]] = {}
    last: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        if (cont := _CONTINUATION.match(line)) and last is not None:
            last[-1] += " " + cont.group("value").strip()
        elif match := _HEADER_LINE.match(line):
            last = header.setdefault(match.group("key"), [])
            last.append(match.group("value").strip())
        elif line.strip("# "):
            raise LoadError(shown, "header line is not '# key: value'", number)
    return header


def parse_parameter(spec: str, shown: str) -> Parameter:
    """A ``name type default description`` header value."""
    parts = spec.split(None, 3)
    if len(parts) < 3:
        raise LoadError(shown, f"param {spec!r}: expected 'name type default description'")
    name, kind, default = parts[:3]
    if not _NAME.match(name) or kind not in PARAM_TYPES:
        raise LoadError(
            shown, f"param {spec!r}: bad name or type (types: {', '.join(PARAM_TYPES)})"
        )
    return Parameter(
        name, kind, None if default == "-" else default, parts[3] if len(parts) > 3 else ""
    )


def read_query(path: Path, name: str, shown: str | None = None) -> Query:
    """Read one ``.rq`` file and its header."""
    shown = shown or str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(shown, f"cannot read query: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line, column = before.count(b"\n") + 1, error.start - before.rfind(b"\n")
        message = f"byte 0x{data[error.start]:02X} is not UTF-8: save the query as UTF-8"
        raise LoadError(shown, message, line, column) from None
    header = parse_header(text, shown)
    params = tuple(parse_parameter(spec, shown) for spec in header.get("param", []))
    return Query(
        name=name,
        path=path,
        title=" ".join(header.get("title", [name])),
        description=" ".join(header.get("description", [])),
        parameters=params,
        text=text,
        coverage=_coverage_mode(header.get("coverage", ["lists"]), shown),
    )


def _coverage_mode(values: list[str], shown: str) -> str:
    """The ``# coverage:`` header's mode (see :mod:`govkg.coverage`)."""
    mode = " ".join(values).strip()
    if mode not in MODES:
        raise LoadError(shown, f"coverage {mode!r}: expected one of {', '.join(MODES)}")
    return mode


def catalogue(project: Project) -> list[Query]:
    """Every query in ``queries/``, sorted by name (``checks/…`` for checks)."""
    folder = project.queries_dir
    paths = sorted(folder.rglob("*.rq")) if folder.is_dir() else []
    return [
        read_query(p, p.relative_to(folder).with_suffix("").as_posix(), project.relative(p))
        for p in paths
    ]


def find_query(project: Project, name_or_file: str) -> Query:
    """A catalogue query by name, or any ``.rq`` file by path."""
    path = Path(name_or_file)
    if path.suffix == ".rq":  # a file: catalogue names have no suffix
        return read_query(path, path.stem)
    for query in catalogue(project):
        if query.name == name_or_file:
            return query
    names = ", ".join(q.name for q in catalogue(project))
    raise QueryError(f"no query named {name_or_file!r}; the catalogue has: {names}")


def check_given(store: Store, query: Query, given: Mapping[str, str]) -> None:
    """Refuse an ``iri`` parameter given a resource the graph does not describe, with the
    closest known ids (:func:`govkg.resolve.check_known`: one query for all of them)."""
    declared = {p.name: p for p in query.parameters if p.type == "iri"}
    named = {name: value for name, value in given.items() if name in declared}
    check_known(store, named, {name: declared[name].default for name in named})


def run_query(store: Store, query: Query, params: Mapping[str, str] | None = None) -> QueryResult:
    """Run a query with its parameters bound; an ``iri`` given that names nothing in the graph is
    a :class:`ParameterError`."""
    bindings = query.bindings(params or {})
    check_given(store, query, params or {})
    try:
        return sorted_concatenations(query.text, store.query(query.text, bindings))
    except QueryError as error:
        raise QueryError(f"{query.name}: {error}") from None


_NESTED = r"(?:[^()]|\((?:[^()]|\([^()]*\))*\))*"  # text with parentheses two deep
_CONCAT = re.compile(rf"GROUP_CONCAT\s*\(({_NESTED})\)\s*AS\s*\?(\w+)", re.IGNORECASE)
_SEPARATOR = re.compile(r";\s*SEPARATOR\s*=\s*(?:\"([^\"]*)\"|'([^']*)')\s*$", re.IGNORECASE)


def sorted_concatenations(sparql: str, result: QueryResult) -> QueryResult:
    """The result with the parts of each ``GROUP_CONCAT`` column in sorted order: SPARQL leaves
    the order it joins values in undefined, and stores differ (Oxigraph in memory, on disk and
    as a server, and Virtuoso each join a group's values in another order), so answers, pages
    and dumps are the same from every store."""
    columns: dict[int, str] = {}
    for inner, name in _CONCAT.findall(sparql):
        found = _SEPARATOR.search(inner)
        separator = (found.group(1) or found.group(2) or "") if found else " "  # SPARQL's default
        if name in result.variables:
            columns[result.variables.index(name)] = separator
    if not columns:
        return result
    result.rows = [
        tuple(_sorted_parts(t, columns[i]) if i in columns else t for i, t in enumerate(row))
        for row in result.rows
    ]
    return result


def _sorted_parts(term: Term | None, separator: str) -> Term | None:
    if not isinstance(term, ox.Literal) or not separator:
        return term
    text = separator.join(sorted(term.value.split(separator)))
    if term.language:
        return ox.Literal(text, language=term.language)
    return ox.Literal(text, datatype=term.datatype)


def result_coverage(
    store: Store, query: Query, params: Mapping[str, str] | None, result: QueryResult
) -> Coverage:
    """What the lists behind a query's answer are worth: its bound parameters and every term of
    its rows name the instruments, events and series it rests on."""
    bound = query.bindings(params or {}).values()
    terms = [term for row in result.rows for term in row]
    return answer_coverage(store, query.coverage, [*bound, *terms])
