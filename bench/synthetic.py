"""Synthetic governance graphs shaped like govkg's: states with ISO codes and Wikidata links,
instruments adopted at dated events with principles and themes, one stance per actor and
instrument (most cells) with kinds in realistic proportions, each stance with a source."""

from __future__ import annotations

import numpy as np

GK = "https://w3id.org/govkg/ontology#"
WD = "http://www.wikidata.org/entity/"
ID = "https://w3id.org/govkg/id/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DATE = "<http://purl.org/dc/terms/date>"
SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
XSD_DATE = "^^<http://www.w3.org/2001/XMLSchema#date>"
KINDS = ["signed", "endorsed", "declined", "voted-yes", "voted-no", "abstained", "did-not-vote"]
SHARES = [0.30, 0.15, 0.05, 0.30, 0.05, 0.08, 0.07]
THEMES = ["human-control", "testing", "safety", "transparency", "international-cooperation"]


def _actors(actors: int) -> list[str]:
    lines = []
    for a in range(actors):
        iri = f"<{ID}state/S{a:03d}>"
        lines += [
            f"{iri} {RDF_TYPE} <{GK}State> .",
            f'{iri} {LABEL} "State {a}"@en .',
            f'{iri} <{GK}iso3> "S{a:03d}" .',
            f"{iri} <http://www.w3.org/2002/07/owl#sameAs> <{WD}Q{a + 1}> .",
        ]
    return lines


def _instruments(instruments: int) -> list[str]:
    lines = [f"<{ID}source/synthetic> {RDF_TYPE} <{GK}Document> .",
             f'<{ID}source/synthetic> {LABEL} "synthetic source"@en .']  # fmt: skip
    for i in range(instruments):
        iri, event, principle = (
            f"<{ID}{kind}/i{i}>" for kind in ("instrument", "event", "principle")
        )
        day = f'"{2000 + i % 26}-{1 + i % 12:02d}-{1 + i % 28:02d}"{XSD_DATE}'
        lines += [
            f"{iri} {RDF_TYPE} <{GK}Declaration> .",
            f'{iri} {LABEL} "Instrument {i}"@en .',
            f"{iri} {DATE} {day} .",
            f"{iri} <{GK}adoptedAt> {event} .",
            f"{event} {RDF_TYPE} <{GK}Summit> .",
            f'{event} {LABEL} "Summit {i}"@en .',
            f"{event} <https://schema.org/startDate> {day} .",
            f"{iri} <{GK}hasPrinciple> {principle} .",
            f"{principle} {RDF_TYPE} <{GK}Principle> .",
            f'{principle} {LABEL} "Principle {i}"@en .',
            f"{principle} <{GK}theme> <{ID}theme/{THEMES[i % len(THEMES)]}> .",
            f"{iri} {SOURCE} <{ID}source/synthetic> .",
        ]
    return lines


def _stances(actors: int, instruments: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    kinds = rng.choice(len(KINDS), size=(actors, instruments), p=SHARES)
    present = rng.random((actors, instruments)) < 0.8
    lines = []
    for a in range(actors):
        for i in np.flatnonzero(present[a]):
            stance = f"<{ID}stance/i{i}--S{a:03d}>"
            lines += [
                f"{stance} {RDF_TYPE} <{GK}Stance> .",
                f"{stance} <{GK}actor> <{ID}state/S{a:03d}> .",
                f"{stance} <{GK}instrument> <{ID}instrument/i{i}> .",
                f"{stance} <{GK}stanceKind> <{ID}stance-kind/{KINDS[kinds[a, i]]}> .",
                f"{stance} {SOURCE} <{ID}source/synthetic> .",
            ]
    return lines


def ntriples(actors: int, instruments: int, seed: int = 7) -> bytes:
    """The graph as N-Triples."""
    lines = _actors(actors) + _instruments(instruments) + _stances(actors, instruments, seed)
    return ("\n".join(lines) + "\n").encode()
