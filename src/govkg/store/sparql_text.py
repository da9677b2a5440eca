"""SPARQL query text as govkg reads it before a store runs it: federation refused, the graphs
its ``FROM`` clauses name, its form and the prefixes it declares, and a planner hint for bound
variables.  Comments, strings and IRIs are masked first (:data:`~govkg.store.tokens.INERT`), so
a word in them is never read as a keyword.  Parameters written into the text for a remote
server: :mod:`govkg.store.substitute`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from govkg.errors import QueryError
from govkg.namespaces import PREFIXES
from govkg.store.base import Dataset, Term
from govkg.store.textcache import kept_for_texts
from govkg.store.tokens import INERT

_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$])FROM(?![\w:])", re.IGNORECASE)


def refuse_federation(sparql: str) -> None:
    """Refuse a query with a ``SERVICE`` clause: govkg never fetches a URL a query names."""
    local_query(sparql)


@kept_for_texts()
def local_query(sparql: str) -> bool:
    """:func:`refuse_federation` and :func:`names_graphs` in one, the text masked once: refuse
    a ``SERVICE`` clause, then whether the query has a ``FROM`` clause (kept for the texts
    seen last)."""
    masked = INERT.sub(" ", sparql)
    if _SERVICE.search(masked):
        raise QueryError("SERVICE is not allowed: govkg queries never fetch remote data")
    return _names_graphs(masked)


def names_graphs(sparql: str) -> bool:
    """Whether the query has a ``FROM`` or ``FROM NAMED`` clause (graph names in the store)."""
    return _names_graphs(INERT.sub(" ", sparql))


def _names_graphs(masked: str) -> bool:
    return bool(_FROM.search(masked))


# One FROM clause with a full IRI.
_FROM_IRI = re.compile(r"(?<![\w:?$])FROM\s+(NAMED\s+)?<([^<>\s]*)>", re.IGNORECASE)


def from_clauses(sparql: str) -> Dataset | None:
    """The dataset a query's ``FROM`` / ``FROM NAMED`` clauses name, or None when it has none.

    For servers that treat their default graph as the union of all graphs, where a ``FROM`` in
    the text would be ignored: the graphs go as the protocol's dataset instead.
    """
    if not names_graphs(sparql):
        return None
    text = INERT.sub(lambda m: m.group() if m.group().startswith("<") else " ", sparql)
    clauses = _FROM_IRI.findall(text)
    if len(clauses) != len(_FROM.findall(INERT.sub(" ", sparql))):
        raise QueryError("FROM and FROM NAMED need full IRIs (<...>) on a remote store")
    return Dataset(
        tuple(iri for named, iri in clauses if not named),
        tuple(iri for named, iri in clauses if named),
    )


_WHERE = re.compile(r"(?<![\w:?$])WHERE\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def planner_hint(sparql: str, bindings: Mapping[str, Term]) -> str:
    """The query with ``VALUES ?name { term }`` first in its WHERE clause for each bound IRI or
    literal, as a hint to Oxigraph's planner; the binding itself is still Oxigraph's substitution.

    Oxigraph (0.5) plans a query before it applies substitutions, so a bound variable does not
    steer the join order: a lookup of one instrument's stances scanned every stance (0.5 s on
    400,000 triples, 100 times the hinted query).  A one-row ``VALUES`` of the same term joined
    at the top of the WHERE clause changes no answer and lets the planner start from the term.
    The term is written by Oxigraph in N-Triples syntax (escaped: never query syntax); only
    variables the WHERE clause uses are hinted.  The query is left as it is when its WHERE clause
    is not the first group (CONSTRUCT templates, a query without the WHERE keyword).

    A sub-select that projects a bound variable gets the same hint first in its own WHERE
    clause (Oxigraph binds the variable there too; one it does not project is another
    variable, never hinted).  This is what makes ``OPTIONAL { SELECT ?x … }`` the fast way
    to write "has no such stance": planned with the term, it reads a few hundred stances
    where ``NOT EXISTS`` or a large ``OPTIONAL`` read them all.
    """
    terms = {
        name: term
        for name, term in bindings.items()
        if isinstance(term, ox.NamedNode | ox.Literal) and _VARIABLE.fullmatch(name)
    }
    if not terms:  # nothing to hint
        return sparql
    masked = INERT.sub(lambda m: " " * len(m.group()), sparql)  # same offsets, no strings
    where = _WHERE.search(masked)
    if where is None or "{" in masked[: where.start()]:
        return sparql
    body = masked[where.end() :]
    inserts = [(where.end(), [name for name in terms if _uses(body, name)])]
    for sub in _SUB_SELECT.finditer(masked, where.end()):
        inserts.append((sub.end(), [name for name in terms if _projects(sub["head"], name)]))
    for offset, names in reversed(inserts):
        if names and not _OPENS_WITH_SELECT.match(masked, offset):  # `{ SELECT … }` stays alone
            hints = " ".join(f"VALUES ?{name} {{ {terms[name]} }}" for name in names)
            sparql = f"{sparql[:offset]} {hints}\n{sparql[offset:]}"
    return sparql


_SUB_SELECT = re.compile(
    r"(?<![\w:?$])SELECT(?![\w:])(?P<head>[^{}]*?)(?<![\w:?$])WHERE\s*\{", re.IGNORECASE
)


_OPENS_WITH_SELECT = re.compile(r"\s*SELECT(?![\w:])", re.IGNORECASE)


def _uses(text: str, name: str) -> bool:
    return re.search(rf"[?$]{name}(?![A-Za-z0-9_])", text) is not None


def _projects(head: str, name: str) -> bool:
    """Whether a SELECT clause projects ``?name`` as it is (not as ``… AS ?name``)."""
    return any(
        not re.search(r"(?<![\w:?$])AS\s*$", head[: found.start()], re.IGNORECASE)
        for found in re.finditer(rf"[?$]{name}(?![A-Za-z0-9_])", head)
    )


_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:])", re.IGNORECASE)
_DECLARED = re.compile(r"(?<![\w:?$])PREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)


def query_form(sparql: str) -> str:
    """``select``, ``ask``, ``construct`` or ``describe``: the query's first form keyword."""
    found = _FORM.search(INERT.sub(" ", sparql))
    return found.group(1).lower() if found else "select"


def prologue_for(sparql: str) -> str:
    """``PREFIX`` lines for govkg's prefixes the query does not declare itself (RDF4J and
    GraphDB refuse a prefix declared twice)."""
    declared = {name or "" for name in _DECLARED.findall(INERT.sub(" ", sparql))}
    return "".join(f"PREFIX {n}: <{iri}>\n" for n, iri in PREFIXES.items() if n not in declared)
