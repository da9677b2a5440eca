"""The stance matrix as :func:`govkg.align.matrix.load_matrix` reads it (the stances grouped by
instrument and kind, every actor and instrument detail in one query) equals a matrix built
straight from separate plain queries, one for each thing it shows: on the shipped graph and on a
small graph with the cases the grouped reading must not get wrong (blank-node and literal
actors, triples in two graphs, several acts in a cell, dates from an event or the stances)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pyoxigraph as ox
import pytest
from paths import ROOT

from govkg.align.matrix import (
    ACTOR_TYPES,
    DEFAULT_ACTOR_TYPES,
    KIND_CODES,
    STANCE_GROUPS,
    Instrument,
    MatrixOptions,
    StanceMatrix,
    _grouped_cells,
    build_matrix,
    dated_stance_rows,
    load_matrix,
    of_actor_types,
)
from govkg.load import Project, parse_files
from govkg.namespaces import DATA_BASE
from govkg.store import OxigraphStore, Store

#: One plain query for each detail, as the matrix read them before they were read together.
STANCES = """SELECT ?actor ?instrument ?kind WHERE {
  ?s a gk:Stance ; gk:actor ?actor ; gk:instrument ?instrument ; gk:stanceKind ?kind }"""
ACTOR_TYPE_ROWS = """SELECT ?actor ?type WHERE {
  VALUES ?type { gk:State gk:InternationalOrganisation gk:Company gk:ResearchInstitution }
  ?actor a ?type }"""
NAMES = """SELECT ?actor (SAMPLE(?l) AS ?label) (SAMPLE(?i) AS ?code) WHERE {
  ?actor gk:iso3|gk:orgId ?i . OPTIONAL { ?actor rdfs:label ?l } } GROUP BY ?actor"""
INSTRUMENT_ROWS = """SELECT ?instrument (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?complete)
       (MIN(STR(?own)) AS ?ownDate) (MIN(STR(?held)) AS ?eventDate) WHERE {
  ?instrument a/rdfs:subClassOf* gk:Instrument .
  OPTIONAL { ?instrument rdfs:label ?l }
  OPTIONAL { ?instrument gk:listComplete ?c }
  OPTIONAL { ?instrument dcterms:date ?own }
  OPTIONAL { ?instrument gk:adoptedAt/schema:startDate ?held }
} GROUP BY ?instrument"""
TYPES = """SELECT DISTINCT ?instrument ?v WHERE {
  ?instrument a ?v . ?v rdfs:subClassOf* gk:Instrument }"""
SERIES = "SELECT DISTINCT ?instrument ?v WHERE { ?instrument gk:adoptedAt/gk:inSeries ?v }"
THEMES = """SELECT DISTINCT ?instrument ?v WHERE {
  ?instrument gk:hasPrinciple/gk:theme/skos:broader* ?v }"""
STANCE_DATES = """SELECT ?instrument (MIN(STR(?d)) AS ?v) WHERE {
  ?s gk:instrument ?instrument ; dcterms:date ?d } GROUP BY ?instrument"""


@dataclass(frozen=True)
class Expected:
    """What the matrix must show, from the plain queries: actors (sorted), their codes and
    labels, the instruments with stances (by date, then IRI) and the stances it holds."""

    actors: tuple[str, ...]
    codes_of: tuple[str, ...]
    labels: tuple[str, ...]
    instruments: tuple[Instrument, ...]
    stances: list[tuple[str, str, str]]


def _texts(store: Store, query: str, *names: str) -> list[tuple[str, ...]]:
    return [tuple(r.text(n) for n in names) for r in store.query(query).records()]


def _sets(store: Store, query: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for instrument, value in _texts(store, query, "instrument", "v"):
        found[instrument].add(value)
    return found


def expected(store: Store, types: tuple[str, ...] = ()) -> Expected:
    """The matrix's actors, instruments and stances, each read by its own plain query."""
    typed: dict[str, set[str]] = defaultdict(set)
    for actor, type_iri in _texts(store, ACTOR_TYPE_ROWS, "actor", "type"):
        typed[actor].add(type_iri)
    wanted = {ACTOR_TYPES[t] for t in types or DEFAULT_ACTOR_TYPES}
    stances = [s for s in _texts(store, STANCES, "actor", "instrument", "kind")
               if typed.get(s[0], set()) & wanted or (not types and s[0] not in typed)]  # fmt: skip
    actors = tuple(sorted({a for a, _, _ in stances}))
    names = {a: (label, code) for a, label, code in _texts(store, NAMES, "actor", "label", "code")}
    tail = {a: a.rsplit("/", 1)[-1] for a in actors}
    rows = {r[0]: r[1:] for r in _texts(store, INSTRUMENT_ROWS, "instrument", "label", "complete",
                                        "ownDate", "eventDate")}  # fmt: skip
    kinds, series, themes = _sets(store, TYPES), _sets(store, SERIES), _sets(store, THEMES)
    first = dict(_texts(store, STANCE_DATES, "instrument", "v"))
    instruments = []
    for iri in {i for _, i, _ in stances}:
        label, complete, own, held = rows.get(iri, ("", "", "", ""))
        instruments.append(Instrument(iri, label or iri, own or held or first.get(iri, ""),
                                      complete in ("true", "1"),
                                      frozenset(t.split("#")[-1].lower() for t in kinds[iri]),
                                      frozenset(series[iri]), frozenset(themes[iri])))  # fmt: skip
    return Expected(
        actors=actors,
        codes_of=tuple(names.get(a, ("", ""))[1] or tail[a] for a in actors),
        labels=tuple(names.get(a, ("", ""))[0] or tail[a] for a in actors),
        instruments=tuple(sorted(instruments, key=lambda i: (i.date, i.iri))),
        stances=stances,
    )


def assert_matrix_is(matrix: StanceMatrix, store: Store, types: tuple[str, ...] = ()) -> None:
    """The matrix shows what the plain queries give, and codes its cells as the matrix of every
    stance row with its dates does; a cell with one act has that act's code."""
    want = expected(store, types)
    assert matrix.actors == want.actors
    assert matrix.codes_of == want.codes_of
    assert matrix.labels == want.labels
    assert matrix.instruments == want.instruments
    every = build_matrix(store, of_actor_types(store, dated_stance_rows(store), types))
    assert (every.actors, every.instruments) == (matrix.actors, matrix.instruments)
    assert np.array_equal(matrix.codes, every.codes)
    assert np.array_equal(matrix.absent, every.absent)
    acts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for actor, instrument, kind in want.stances:
        acts[actor, instrument].append(kind)
    column = {i.iri: k for k, i in enumerate(matrix.instruments)}
    for (actor, instrument), kinds in acts.items():
        if len(kinds) == 1:
            code = KIND_CODES.get(kinds[0].rsplit("/", 1)[-1], 0)
            assert matrix.codes[matrix.actors.index(actor), column[instrument]] == code


@pytest.mark.parametrize("types", [(), ("company",), tuple(ACTOR_TYPES)])
def test_the_shipped_matrix_is_what_the_plain_queries_give(
    store: Store, types: tuple[str, ...]
) -> None:
    matrix = load_matrix(store, MatrixOptions(actor_types=types))
    assert len(matrix.actors) > (1 if types == ("company",) else 150)
    assert_matrix_is(matrix, store, types)


def test_the_shipped_stances_are_read_grouped(store: Store) -> None:
    cells = _grouped_cells(store.query(STANCE_GROUPS))
    assert cells is not None
    assert len(cells.actor) == len(store.query(STANCES).rows) > 900


def test_a_matrix_as_of_a_day_has_the_instruments_the_plain_queries_give(store: Store) -> None:
    matrix = load_matrix(store, MatrixOptions(at="2025-02-11"))
    shown = {i.iri for i in matrix.instruments}
    want = expected(store)
    assert 0 < len(shown) < len(want.instruments)
    assert matrix.instruments == tuple(i for i in want.instruments if i.iri in shown)
    names = dict(zip(want.actors, zip(want.codes_of, want.labels, strict=True), strict=True))
    assert [names[a] for a in matrix.actors] == list(zip(matrix.codes_of, matrix.labels,
                                                         strict=True))  # fmt: skip


# --- a small graph ----------------------------------------------------------------------------

PREFIXES = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix i: <https://w3id.org/govkg/id/instrument/> .
@prefix state: <https://w3id.org/govkg/id/state/> .
@prefix org: <https://w3id.org/govkg/id/org/> .
@prefix k: <https://w3id.org/govkg/id/stance-kind/> .
@prefix x: <https://w3id.org/govkg/id/test/> .
"""

SMALL = (
    PREFIXES
    + """
i:treaty a gk:Convention ; rdfs:label "A treaty"@en ; gk:listComplete true ;
    dcterms:date "2024-09-05"^^xsd:date ; gk:hasPrinciple x:p1 .
x:p1 gk:theme x:narrow . x:narrow skos:broader x:broad .
i:summit-text a gk:Declaration, gk:JointStatement, gk:Summit ; rdfs:label "A declaration"@en ;
    gk:adoptedAt x:summit .
x:summit schema:startDate "2023-11-01"^^xsd:date ; gk:inSeries x:series .
i:vote a gk:Resolution ; rdfs:label "A vote"@en .
i:untyped rdfs:label "No type"@en .
state:AAA a gk:State ; gk:iso3 "AAA" ; rdfs:label "Aland"@en .
state:BBB a gk:State ; gk:iso3 "BBB" .
state:CCC gk:iso3 "CCC" ; rdfs:label "Cland"@en .
org:ACME a gk:Company ; gk:orgId "ACME" ; rdfs:label "Acme"@en .
org:BODY a gk:InternationalOrganisation, gk:Company ; gk:orgId "BODY" ; rdfs:label "Body"@en .
state:NOCODE a gk:State .
x:t-a a gk:Stance ; gk:actor state:AAA ; gk:instrument i:treaty ; gk:stanceKind k:signed ;
    dcterms:date "2024-09-05"^^xsd:date .
x:t-a2 a gk:Stance ; gk:actor state:AAA ; gk:instrument i:treaty ; gk:stanceKind k:withdrew ;
    dcterms:date "2025-01-01"^^xsd:date .
x:t-b a gk:Stance ; gk:actor state:BBB ; gk:instrument i:treaty ; gk:stanceKind k:did-not-sign .
x:t-c a gk:Stance ; gk:actor state:CCC ; gk:instrument i:treaty ; gk:stanceKind k:ratified .
x:t-acme a gk:Stance ; gk:actor org:ACME ; gk:instrument i:treaty ; gk:stanceKind k:signed .
x:s-a a gk:Stance ; gk:actor state:AAA ; gk:instrument i:summit-text ; gk:stanceKind k:endorsed .
x:s-body a gk:Stance ; gk:actor org:BODY ; gk:instrument i:summit-text ;
    gk:stanceKind k:endorsed .
x:v-a a gk:Stance ; gk:actor state:AAA ; gk:instrument i:vote ; gk:stanceKind k:voted-yes ;
    dcterms:date "2024-12-02"^^xsd:date .
x:v-b a gk:Stance ; gk:actor state:BBB ; gk:instrument i:vote ; gk:stanceKind k:voted-no ;
    dcterms:date "2024-12-01"^^xsd:date .
x:v-n a gk:Stance ; gk:actor state:NOCODE ; gk:instrument i:vote ; gk:stanceKind k:abstained .
x:u-c a gk:Stance ; gk:actor state:CCC ; gk:instrument i:untyped ; gk:stanceKind k:joined .
x:u-b a gk:Stance ; gk:actor state:BBB ; gk:instrument i:untyped ; gk:stanceKind k:unknown-kind .
"""
)
#: The same stance again in another graph: every row of the union is read twice, both ways.
AGAIN = (
    PREFIXES
    + """
x:v-a a gk:Stance ; gk:actor state:AAA ; gk:instrument i:vote ; gk:stanceKind k:voted-yes .
"""
)
#: Actors that are not IRIs: a blank node, a literal with a space in it.
BLANK = (
    PREFIXES
    + """
x:o-1 a gk:Stance ; gk:actor [ gk:iso3 "BNK" ] ; gk:instrument i:vote ; gk:stanceKind k:voted-no .
"""
)
LITERAL = (
    PREFIXES
    + """
x:o-2 a gk:Stance ; gk:actor "two words" ; gk:instrument i:vote ; gk:stanceKind k:voted-yes .
"""
)


def small_store(*parts: str) -> OxigraphStore:
    """The ontology and these Turtle documents, each in a graph of its own."""
    project = Project(ROOT)
    store = OxigraphStore()
    store.load(parse_files(project, project.ontology_files()))
    for k, text in enumerate(parts):
        graph = ox.NamedNode(f"{DATA_BASE}graph/part-{k}")
        store.load(ox.Quad(t.subject, t.predicate, t.object, graph)
                   for t in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))  # fmt: skip
    return store


@pytest.mark.parametrize("parts", [(SMALL,), (SMALL, AGAIN)], ids=["once", "twice"])
@pytest.mark.parametrize("types", [(), ("company",), tuple(ACTOR_TYPES)])
def test_a_small_matrix_is_what_the_plain_queries_give(
    parts: tuple[str, ...], types: tuple[str, ...]
) -> None:
    store = small_store(*parts)
    assert _grouped_cells(store.query(STANCE_GROUPS)) is not None
    matrix = load_matrix(store, MatrixOptions(actor_types=types))
    assert_matrix_is(matrix, store, types)
    if not types:
        treaty = [i.iri.rsplit("/", 1)[-1] for i in matrix.instruments].index("treaty")
        assert matrix.codes[matrix.actors.index(f"{DATA_BASE}state/AAA"), treaty] == 3  # withdrew
        assert [i.date for i in matrix.instruments] == ["", "2023-11-01", "2024-09-05",
                                                        "2024-12-01"]  # fmt: skip
        untyped, summit, treaty_, vote = matrix.instruments
        assert summit.types == {"declaration", "jointstatement"} and vote.types == {"resolution"}
        assert summit.series == {f"{DATA_BASE}test/series"} and not treaty_.series
        assert treaty_.themes == {f"{DATA_BASE}test/narrow", f"{DATA_BASE}test/broad"}
        assert treaty_.complete and not untyped.types and untyped.label == untyped.iri  # not typed


@pytest.mark.parametrize("odd", [BLANK, LITERAL, BLANK + LITERAL], ids=["blank", "literal", "both"])
def test_actors_that_are_not_iris_are_read_stance_by_stance(odd: str) -> None:
    store = small_store(SMALL, odd)
    assert _grouped_cells(store.query(STANCE_GROUPS)) is None
    matrix = load_matrix(store)
    assert len(matrix.actors) == 5 + odd.count("gk:actor")  # AAA BBB CCC NOCODE BODY, and these
    assert ("two words" in matrix.actors) == ("two words" in odd)
    assert_matrix_is(matrix, store)


def test_instruments_with_the_same_types_series_or_themes_share_one_set(store: Store) -> None:
    """A few distinct sets among many instruments: one object each, as the pages keep them."""
    instruments = load_matrix(store).instruments
    for field in ("types", "series", "themes"):
        sets = [getattr(instrument, field) for instrument in instruments]
        assert len({id(one) for one in sets}) == len(set(sets)) < len(sets)
