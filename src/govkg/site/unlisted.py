"""What a state's or an organisation's page says of the lists it has no record on: the answer of
:func:`govkg.coverage.page_coverage` for an actor, read in two parts.

The whole graph's part is the same for every actor, so it is read once per store and kept
(:mod:`govkg.site.kept`): every instrument whose list is not complete (or complete only as of a
date) and has a stance, in IRI order, and which of them hold a company or a research institution.
A page then reads the instruments its actor has a stance on and its kind, and what it finds (the
lists the actor is not on, each list's coverage) is kept with the store's lists.  At 4 M triples
``coverage-unlisted.rq`` took minutes for a state with 4,000 stances (its "no peer of the actor's
kind" test was planned as a join over every stance, for each list); reading the actor's 4,000
instruments takes about a second on a busy 2-core machine, and then nothing while it is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from govkg.coverage import MAX_LINES, UNLISTED, Coverage, ListCoverage, instrument_coverage
from govkg.fixed_queries import fixed_query
from govkg.site.kept import Kept, KeptByKey
from govkg.store import Store

_CANDIDATES = fixed_query(__file__, "unlisted-candidates")
_PEER_KINDS = fixed_query(__file__, "unlisted-peer-kinds")
_LISTED = fixed_query(__file__, "unlisted-listed")
_ACTOR_KINDS = fixed_query(__file__, "unlisted-actor-kinds")


@dataclass(frozen=True)
class Unlisted:
    """The first lists an actor is not on (at most ``MAX_LINES``), and how many there are."""

    first: list[str]
    total: int


@dataclass(frozen=True)
class Lists:
    """The instruments an actor might be missing from (in IRI order) and the kinds of company or
    research institution each holds; with what pages found from them while they are kept: each
    actor's lists (``actors``) and each list's coverage (``coverage``, None: unknown)."""

    instruments: tuple[str, ...]
    kinds: dict[str, frozenset[str]]
    actors: dict[tuple[str, int], Unlisted] = field(default_factory=dict)
    coverage: dict[str, ListCoverage | None] = field(default_factory=dict)


def _read_lists(store: Store) -> Lists:
    found = [
        term.value
        for row in store.query(_CANDIDATES).records()
        if isinstance(term := row["instrument"], ox.NamedNode)
    ]
    kinds: dict[str, set[str]] = {}
    for row in store.query(_PEER_KINDS).records():
        kinds.setdefault(row.text("instrument"), set()).add(row.text("kind"))
    return Lists(tuple(found), {i: frozenset(k) for i, k in kinds.items()})


_LISTS: Kept[Lists] = Kept(_read_lists, "lists of instruments")


def _listed(store: Store, actor: ox.NamedNode) -> set[str]:
    """The instruments the actor has a stance on."""
    rows = store.query(_LISTED, {"a": actor}).records()
    return {term.value for row in rows if isinstance(term := row["instrument"], ox.NamedNode)}


def unlisted(store: Store, iri: str, first: int = MAX_LINES) -> Unlisted:
    """The instruments whose list the actor ``iri`` might belong on but has no stance on (the
    rows of ``coverage-unlisted.rq``): the first ``first`` in IRI order, and how many; for a
    company or a research institution, only lists that hold an actor of its kind.  Kept with
    the store's lists (an actor's page is read again and again; each read costs a second at
    4 M triples)."""
    lists = _LISTS.get(store)
    found = lists.actors.get((iri, first))
    if found is None:
        actor = ox.NamedNode(iri)
        own = {row.text("kind") for row in store.query(_ACTOR_KINDS, {"a": actor}).records()}
        has = _listed(store, actor)
        missing = [
            i for i in lists.instruments if i not in has and own <= lists.kinds.get(i, frozenset())
        ]
        found = lists.actors[(iri, first)] = Unlisted(missing[:first], len(missing))
    return found


def _coverage(store: Store, lists: Lists, iris: Sequence[str]) -> list[ListCoverage]:
    """The coverage of these lists, each read once with the store's lists."""
    wanted = [i for i in iris if i not in lists.coverage]
    if wanted:
        found = {c.iri: c for c in instrument_coverage(store, wanted)}
        lists.coverage.update({i: found.get(i) for i in wanted})
    return [c for i in sorted(iris) if (c := lists.coverage[i]) is not None]


def actor_coverage(store: Store, iri: str) -> Coverage:
    """The coverage notice of an actor's page, as :func:`govkg.coverage.page_coverage` gives it:
    the first :data:`~govkg.coverage.MAX_LINES` lists it is not on, and how many more."""
    missing = unlisted(store, iri)
    lists = tuple(_coverage(store, _LISTS.get(store), missing.first))
    return Coverage(UNLISTED, lists, max(0, missing.total - MAX_LINES), "page")


def start_reading_lists(store: Store) -> None:
    """Read the store's lists in the background unless they are kept (a page that asks for them
    meanwhile waits a while, then says its notice is not ready)."""
    _LISTS.ready(store)


def ready_actor_coverage(store: Store, iri: str, wait_s: float) -> Coverage | None:
    """:func:`actor_coverage` once the store's lists are read, else None (they go on being read
    in the background: a page says that its notice is not ready rather than wait for the whole
    graph's lists), waiting for them until ``wait_s`` seconds after they were first asked for."""
    if _LISTS.ready(store, wait_s) is None:
        return None
    return _NOTICES.get(store, iri)


#: The notices of the actors whose pages were asked for last, kept a while: read once however
#: many ask at once (each reads the actor's 4,000 instruments at 4 M triples), and again in the
#: background after :data:`govkg.site.kept.TTL` seconds (the lists they rest on, too).
_NOTICES: KeptByKey[str, Coverage] = KeptByKey(actor_coverage, 256)
