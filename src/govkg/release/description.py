"""A release's VoID/DCAT description: the dataset's (:mod:`govkg.site.metadata`), published at
the release's own URL, with ``dcat:version``, ``dcterms:issued``, ``dcterms:isVersionOf`` the
living dataset and ``dcat:previousVersion`` the release before it."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, FOAF, VOID, XSD

from govkg.namespaces import PREFIXES, SPDX
from govkg.release.versions import release_dataset
from govkg.site.dumps import turtle
from govkg.site.metadata import DatasetFacts, Site, metadata_triples

_PREFIXES = {
    **{name: PREFIXES[name] for name in ("gk", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms")},
    "void": str(VOID),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "spdx": str(SPDX),
}


def version_triples(version: str, issued: str, previous: str | None) -> list[ox.Triple]:
    """What the release's dataset says of its version."""
    dataset = ox.NamedNode(release_dataset(version))
    out = [
        ox.Triple(dataset, ox.NamedNode(str(DCAT) + "version"), ox.Literal(version)),
        ox.Triple(
            dataset,
            ox.NamedNode(str(DCTERMS.issued)),
            ox.Literal(issued, datatype=ox.NamedNode(str(XSD.date))),
        ),
        ox.Triple(dataset, ox.NamedNode(str(DCTERMS.isVersionOf)), ox.NamedNode(Site().dataset)),
    ]
    if previous is not None:
        previous_iri = ox.NamedNode(release_dataset(previous))
        out.append(ox.Triple(dataset, ox.NamedNode(str(DCAT) + "previousVersion"), previous_iri))
    return out


def release_void(facts: DatasetFacts, version: str, issued: str, previous: str | None) -> bytes:
    """The release's ``void.ttl``; ``facts`` are the dataset's as published at the release."""
    triples = metadata_triples(facts) + version_triples(version, issued, previous)
    return turtle(sorted(set(triples), key=str), _PREFIXES)
