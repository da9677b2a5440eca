"""Names of resources checked against the graph: an unknown one is an error that names it and
suggests the closest known ids.

A resource is *known* when the graph describes it: it is the subject of at least one triple (an
instrument, a state, a series, a theme, a ``stancekind:`` concept, a source …).  The check is one
query however many names are given; the candidates for a suggestion (every typed resource in the
same namespace, with its labels) are fetched only when a name is unknown.  Suggestions are the at
most three candidates closest to the name, by :mod:`difflib` ratio on the id (and its local part)
and on ``rdfs:label``, or containing it; when none is close, the message says what kind of id is
expected and where such ids are listed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from govkg.errors import GovkgError, ParameterError
from govkg.fixed_queries import fixed_query
from govkg.namespaces import DATA_BASE, DATA_KINDS, OWN_NAMESPACES, compact, expand
from govkg.store import Row, Store, Term

#: At most this many suggestions.
MAX_SUGGESTIONS = 3
#: The least :class:`difflib.SequenceMatcher` ratio that counts as close (difflib's default).
CUTOFF = 0.6
#: The least ratio of a one-word name to a word of a candidate's id or label that counts.
WORD_CUTOFF = 0.8
#: The score of a candidate whose id or label contains the name (three characters or more).
CONTAINS = 0.8
#: A kind's name in a sentence, where it is not the kind's path segment.
_KIND_WORDS = {"org": "organisation", "stance-kind": "stance kind"}
#: Where a kind's resources are listed: the server's index pages, or a catalogue query.
_LISTINGS = {
    "state": "all are listed on /states.html of govkg serve",
    "instrument": "all are listed on /instruments.html of govkg serve",
    "event": "all are listed on /events.html of govkg serve",
    "person": "all are listed on /people.html of govkg serve",
    "theme": "all are listed on /themes.html of govkg serve",
    "series": "list them with: govkg query summit-series",
}

_SEPARATOR = re.compile(r"[-\s_(),.]+")
_UNKNOWN = "SELECT ?item WHERE {{ VALUES ?item {{ {terms} }} FILTER NOT EXISTS {{ ?item ?p ?o }} }}"
_CANDIDATES = fixed_query(__file__, "id-candidates")
#: The same, among the instances of ``?like``'s types, of their govkg superclasses and of the
#: subclasses of either (a convention like a declaration), not of every type in the store.
_LIKE = fixed_query(__file__, "id-candidates-like")


@dataclass(frozen=True)
class Candidate:
    """A known name that may be suggested: an id (or a code) and the labels it is known by."""

    name: str
    labels: tuple[str, ...] = ()


def kind_of(iri: str) -> str | None:
    """The kind of data resource an IRI names by its namespace (``state``), or None."""
    local = iri.removeprefix(DATA_BASE)
    kind, slash, rest = local.partition("/")
    if local == iri or not slash or not rest or "/" in rest or kind not in DATA_KINDS:
        return None
    return kind


def kind_word(kind: str) -> str:
    """A kind of resource as a word: ``organisation``, ``stance kind``, ``instrument``."""
    return _KIND_WORDS.get(kind, kind)


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def listing(kind: str) -> str:
    """Where the resources of a kind are listed ("" when nowhere in particular)."""
    return _LISTINGS.get(kind, "")


def _normal(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def _local(text: str) -> str:
    _prefix, sep, local = text.partition(":")
    return local if sep and not local.startswith("//") else text


def _score(value: str, candidate: Candidate) -> float:
    """How close a name is to a candidate: the best ratio of the name's local part (past the
    prefix, which all candidates share) to the candidate's and to its labels (and, for a name of
    one word, to each of their words); one that contains the name scores at least
    :data:`CONTAINS`.  Below the cutoffs a score is 0."""
    wanted = _normal(_local(value))
    keys = {_normal(_local(candidate.name))} | {_normal(label) for label in candidate.labels}
    best = max(_ratio(wanted, key, CUTOFF) for key in keys)
    if not _SEPARATOR.search(wanted):  # one word: a close word of theirs counts too
        words = {word for key in keys for word in _SEPARATOR.split(key) if len(word) >= 4}
        best = max([best, *(_ratio(wanted, word, WORD_CUTOFF) for word in words)])
    if len(wanted) >= 3 and any(wanted in key for key in keys):
        best = max(best, CONTAINS)
    return best


def _ratio(a: str, b: str, cutoff: float) -> float:
    """difflib's ratio of two texts, or 0 when it is under ``cutoff`` (the cheap upper bounds
    first, as :func:`difflib.get_close_matches` does)."""
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= cutoff else 0.0


def closest(value: str, candidates: Iterable[Candidate], n: int = MAX_SUGGESTIONS) -> list[str]:
    """The names of the (at most ``n``) candidates closest to ``value``, closest first."""
    scored = [(_score(value, c), c.name) for c in candidates if c.name != value]
    close = sorted((-score, name) for score, name in scored if score >= CUTOFF)
    return list(dict.fromkeys(name for _score_, name in close))[:n]


def either(names: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def unknown_message(problem: str, suggestions: Sequence[str], expected: str) -> str:
    """``PROBLEM; did you mean X, Y or Z?``, else ``PROBLEM; EXPECTED``: one line."""
    if suggestions:
        return f"{problem}; did you mean {either(suggestions)}?"
    return f"{problem}; {expected}" if expected else problem


def expected_id(kind: str | None, example: str | None = None) -> str:
    """What a name should look like: ``expected an instrument id such as instrument:x (…)``."""
    if kind is None:
        return "expected the IRI or prefixed name of a resource in the graph"
    text = f"expected {_article(kind_word(kind))} id"
    if example:
        text += f" such as {example}"
    where = listing(kind)
    return f"{text} ({where})" if where else text


# --- against the store ------------------------------------------------------------------------


def unknown_iris(store: Store, iris: Iterable[str]) -> set[str]:
    """The IRIs the graph does not describe (subject of no triple), with one query."""
    wanted = sorted(set(iris))
    if not wanted:
        return set()
    terms = " ".join(str(ox.NamedNode(iri)) for iri in wanted)  # N-Triples: escaped, never syntax
    rows = store.query(_UNKNOWN.format(terms=terms)).records()
    return {row.text("item") for row in rows}


def candidates(store: Store, kind: str, like: str | None = None) -> list[Candidate]:
    """Every typed resource of a kind, as its prefixed name with its labels.

    With ``like`` (a resource of the kind, such as a parameter's default), only those sharing
    one of its types are read: on a store of millions of stances that is milliseconds, not the
    seconds a scan of every typed resource takes.  None found that way: every typed resource.
    """
    bound: dict[str, Term] = {"base": ox.Literal(f"{DATA_BASE}{kind}/")}
    rows: list[Row] = []
    if like:
        shared: dict[str, Term] = {
            **bound,
            "like": ox.NamedNode(like),
            "ours": ox.Literal(OWN_NAMESPACES["GK"]),
        }
        rows = store.query(_LIKE, shared).records()
    labels: dict[str, list[str]] = {}
    for row in rows or store.query(_CANDIDATES, bound).records():
        found = labels.setdefault(compact(row.text("item")), [])
        if (label := row.text("label", None)) is not None:
            found.append(label)
    return [Candidate(name, tuple(found)) for name, found in sorted(labels.items())]


def suggest(store: Store, value: str, kind: str | None) -> list[str]:
    """The known ids of a kind closest to ``value`` (none when the kind is not known)."""
    return closest(compact(expand(value)), candidates(store, kind)) if kind else []


def check_known(
    store: Store,
    named: Mapping[str, str],
    examples: Mapping[str, str | None] | None = None,
    error: type[GovkgError] = ParameterError,
) -> None:
    """Raise ``error`` for the first parameter whose IRI the graph does not describe.

    ``named`` maps a parameter's name to the value given (a prefixed name or an IRI);
    ``examples`` to an id to show when nothing is close (as a rule, the parameter's default).
    """
    for parameter, value in named.items():
        wrong = wrong_kind(parameter, expand(value), (examples or {}).get(parameter))
        if wrong:
            raise error(wrong)
    unknown = unknown_iris(store, (expand(value) for value in named.values()))
    for parameter, value in named.items():
        iri = expand(value)
        if iri in unknown:
            example = (examples or {}).get(parameter)
            kind = kind_of(iri) or kind_of(expand(example or ""))
            raise error(unknown_error(store, parameter, iri, kind, example))


#: Kinds that stand for one another: an actor is a state or an organisation.
INTERCHANGEABLE = frozenset({"state", "org"})


def wrong_kind(parameter: str, iri: str, example: str | None) -> str | None:
    """The message for a value of another kind than the parameter's default (``state:USA``
    given for an instrument), else None; states and organisations stand for each other."""
    expected = kind_of(expand(example or ""))
    got = kind_of(iri)
    if not expected or not got or got == expected or {got, expected} <= INTERCHANGEABLE:
        return None
    problem = (
        f"parameter {parameter}: {compact(iri)} is {_article(kind_word(got))}, "
        f"not {_article(kind_word(expected))}"
    )
    return f"{problem}; {expected_id(expected, example)}"


def unknown_error(
    store: Store, parameter: str, iri: str, kind: str | None, example: str | None = None
) -> str:
    """The one-line message for a parameter whose IRI the graph does not describe."""
    shown = compact(iri)
    what = kind_word(kind) if kind else "resource"
    problem = f"parameter {parameter}: no {what} {shown} in the graph"
    like = expand(example) if example and kind and kind_of(expand(example)) == kind else None
    known = candidates(store, kind, like) if kind else []
    if kind and like is None:
        example = known[0].name if known else None
    return unknown_message(problem, closest(shown, known), expected_id(kind, example))
