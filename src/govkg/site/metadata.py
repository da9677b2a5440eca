"""Dataset metadata: VoID and DCAT 3, rendered from one set of facts.

:func:`dataset_facts` computes what is true of the dataset (sizes from a few aggregate SPARQL
queries, the dumps, where the site lives); :func:`metadata_triples` says it once, with VoID and
DCAT terms on the same nodes; :func:`serialize_facts` writes it as Turtle, N-Triples or JSON-LD.
Every URL is built from the site's public base, so the same generator serves the live server and
the static site.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from govkg.namespaces import (
    DATA_BASE,
    GRAPH_BASE,
    META_GRAPH,
    PREFIXES,
    WRITTEN_GRAPH,
    Terms,
    terms,
)
from govkg.site.dumps import DUMPS_DIR, Dumps, serialize, turtle
from govkg.store import Store
from govkg.written import exact_view

DCAT = Terms("http://www.w3.org/ns/dcat#")
VOID = Terms("http://rdfs.org/ns/void#")
DCTERMS, FOAF, RDF, XSD = terms("DCTERMS"), terms("FOAF"), terms("RDF"), terms("XSD")
SPDX = terms("SPDX")

#: The site's permanent public base: w3id.org redirects it to wherever the site is hosted.
W3ID_BASE = DATA_BASE.removesuffix("id/")
#: The path of the VoID description on the site (also at /.well-known/void).
VOID_PATH = "void"
TITLE = "govkg: a knowledge graph of international AI governance"
DESCRIPTION = (
    "States, summits and commitments in international AI governance: who signed what, who "
    "declined, who attended without signing, what each instrument commits to, what officials "
    "said and when. Every fact carries its source."
)
#: The licence of the data: CC BY 4.0, as the ontology and shapes (the code is MIT).
DATA_LICENSE: str | None = "https://creativecommons.org/licenses/by/4.0/"
#: Extension → media type of the metadata documents; the first is the default.
METADATA_FORMATS: dict[str, str] = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}
_IANA = "https://www.iana.org/assignments/media-types/"
# govkg's graphs but the stamp and the records: a server's own graphs (Virtuoso's) are not data
_NOT_DATA = (f'FILTER(STRSTARTS(STR(?g), "{GRAPH_BASE}") && ?g != <{META_GRAPH}> '
             f"&& ?g != <{WRITTEN_GRAPH}>)")  # fmt: skip
_META = f"GRAPH ?g {{ ?s ?p ?o }} {_NOT_DATA}"
_PROPERTIES = f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{
  SELECT DISTINCT ?s ?p ?o WHERE {{ {_META} }} }} GROUP BY ?p ORDER BY ?p"""
_CLASSES = f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  GRAPH ?g {{ ?s a ?c }} {_NOT_DATA} }} GROUP BY ?c ORDER BY ?c"""
_DISTINCT = f"""SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
  WHERE {{ {_META} }}"""
_ENTITIES = f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_META}
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{DATA_BASE}")) }}"""


@dataclass(frozen=True)
class Site:
    """Where the site is published: its public base URL and its SPARQL endpoint, if any."""

    base: str = W3ID_BASE
    endpoint: str | None = None

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            object.__setattr__(self, "base", self.base + "/")

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")

    @property
    def dataset(self) -> str:
        return self.url(VOID_PATH) + "#govkg"


@dataclass(frozen=True)
class Download:
    """One dump as the metadata lists it."""

    url: str
    media_type: str
    byte_size: int
    sha256: str
    compress_format: str | None = None


@dataclass(frozen=True)
class DatasetFacts:
    """Everything the VoID and DCAT descriptions say, computed once."""

    site: Site
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: tuple[tuple[str, int], ...]
    properties: tuple[tuple[str, int], ...]
    vocabularies: tuple[str, ...]
    downloads: tuple[Download, ...]
    license: str | None = DATA_LICENSE


def _counts(store: Store, query: str, name: str) -> tuple[tuple[str, int], ...]:
    rows = store.query(query).records()
    return tuple(
        (row.text(name), row.int("n")) for row in rows if isinstance(row[name], ox.NamedNode)
    )


def namespace_of(iri: str) -> str:
    """The vocabulary an IRI belongs to: everything up to its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _downloads(site: Site, dumps: Dumps) -> tuple[Download, ...]:
    return tuple(
        Download(
            site.url(f"{DUMPS_DIR}/{dump.name}"),
            dump.inner_type or dump.media_type,
            len(dump.data),
            dump.sha256,
            dump.media_type if dump.inner_type else None,
        )
        for dump in dumps.data_files
    )


def dataset_facts(store: Store, site: Site, dumps: Dumps) -> DatasetFacts:
    """The facts about the store's dataset (its meta graph left out) as published at ``site``,
    its literals counted as written (as the dumps hold them)."""
    store = exact_view(store)
    properties = _counts(store, _PROPERTIES, "p")
    classes = _counts(store, _CLASSES, "c")
    distinct = store.query(_DISTINCT).records()[0]
    subjects, objects = distinct.int("subjects"), distinct.int("objects")
    used = {p for p, _ in properties} | {c for c, _ in classes}
    return DatasetFacts(
        site=site,
        triples=sum(n for _, n in properties),
        entities=store.query(_ENTITIES).records()[0].int("n"),
        distinct_subjects=subjects,
        distinct_objects=objects,
        classes=classes,
        properties=properties,
        vocabularies=tuple(sorted({namespace_of(iri) for iri in used})),
        downloads=_downloads(site, dumps),
    )


# --- the description, as triples -----------------------------------------------------------------

Triple = tuple[str, str, ox.NamedNode | ox.Literal]


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _number(value: int, datatype: str = str(XSD.integer)) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(datatype))


def _dataset_triples(facts: DatasetFacts) -> list[Triple]:
    ds = facts.site.dataset
    out: list[Triple] = [
        (ds, str(RDF.type), _iri(str(VOID.Dataset))),
        (ds, str(RDF.type), _iri(str(DCAT.Dataset))),
        (ds, str(DCTERMS.title), ox.Literal(TITLE, language="en")),
        (ds, str(DCTERMS.description), ox.Literal(DESCRIPTION, language="en")),
        (ds, str(FOAF.homepage), _iri(facts.site.base)),
        (ds, str(DCAT.landingPage), _iri(facts.site.base)),
        (ds, str(VOID.uriSpace), ox.Literal(DATA_BASE)),
        (ds, str(VOID.triples), _number(facts.triples)),
        (ds, str(VOID.entities), _number(facts.entities)),
        (ds, str(VOID.distinctSubjects), _number(facts.distinct_subjects)),
        (ds, str(VOID.distinctObjects), _number(facts.distinct_objects)),
        (ds, str(VOID.classes), _number(len(facts.classes))),
        (ds, str(VOID.properties), _number(len(facts.properties))),
    ]
    out += [(ds, str(VOID.vocabulary), _iri(v)) for v in facts.vocabularies]
    if facts.license:
        out.append((ds, str(DCTERMS.license), _iri(facts.license)))
    return out


def _partition_triples(facts: DatasetFacts) -> list[Triple]:
    ds, doc = facts.site.dataset, facts.site.url(VOID_PATH)
    out: list[Triple] = []
    for number, (cls, count) in enumerate(facts.classes, 1):
        node = f"{doc}#class-{number:03d}"
        out += [
            (ds, str(VOID.classPartition), _iri(node)),
            (node, str(VOID["class"]), _iri(cls)),
            (node, str(VOID.entities), _number(count)),
        ]
    for number, (prop, count) in enumerate(facts.properties, 1):
        node = f"{doc}#property-{number:03d}"
        out += [
            (ds, str(VOID.propertyPartition), _iri(node)),
            (node, str(VOID.property), _iri(prop)),
            (node, str(VOID.triples), _number(count)),
        ]
    return out


def _download_triples(facts: DatasetFacts, download: Download) -> list[Triple]:
    ds, doc = facts.site.dataset, facts.site.url(VOID_PATH)
    name = download.url.rsplit("/", 1)[-1]
    node, checksum = f"{doc}#{name}", f"{doc}#{name}-sha256"
    out: list[Triple] = [
        (ds, str(VOID.dataDump), _iri(download.url)),
        (ds, str(DCAT.distribution), _iri(node)),
        (node, str(RDF.type), _iri(str(DCAT.Distribution))),
        (node, str(DCAT.downloadURL), _iri(download.url)),
        (node, str(DCAT.accessURL), _iri(download.url)),
        (node, str(DCAT.mediaType), _iri(_IANA + download.media_type)),
        (node, str(DCAT.byteSize), _number(download.byte_size, str(XSD.nonNegativeInteger))),
        (node, str(SPDX.checksum), _iri(checksum)),
        (checksum, str(RDF.type), _iri(str(SPDX.Checksum))),
        (checksum, str(SPDX.algorithm), _iri(str(SPDX.checksumAlgorithm_sha256))),
        (checksum, str(SPDX.checksumValue), ox.Literal(download.sha256, datatype=_hex())),
    ]
    if download.compress_format:
        out.append((node, str(DCAT.compressFormat), _iri(_IANA + download.compress_format)))
    if facts.license:
        out.append((node, str(DCTERMS.license), _iri(facts.license)))
    return out


def _hex() -> ox.NamedNode:
    return ox.NamedNode(str(XSD.hexBinary))


def _service_triples(facts: DatasetFacts) -> list[Triple]:
    endpoint = facts.site.endpoint
    if endpoint is None:
        return []
    ds, service = facts.site.dataset, facts.site.url(VOID_PATH) + "#sparql"
    return [
        (ds, str(VOID.sparqlEndpoint), _iri(endpoint)),
        (service, str(RDF.type), _iri(str(DCAT.DataService))),
        (service, str(DCTERMS.title), ox.Literal("govkg SPARQL endpoint", language="en")),
        (service, str(DCAT.endpointURL), _iri(endpoint)),
        (service, str(DCAT.endpointDescription), _iri(endpoint)),
        (service, str(DCAT.servesDataset), _iri(ds)),
        (service, str(DCTERMS.conformsTo), _iri("https://www.w3.org/TR/sparql11-protocol/")),
    ]


def _document_triples(facts: DatasetFacts) -> list[Triple]:
    doc = facts.site.url(VOID_PATH)
    return [
        (doc, str(RDF.type), _iri(str(VOID.DatasetDescription))),
        (doc, str(DCTERMS.title), ox.Literal("Description of the govkg dataset", language="en")),
        (doc, str(FOAF.primaryTopic), _iri(facts.site.dataset)),
    ]


def metadata_triples(facts: DatasetFacts) -> list[ox.Triple]:
    """The VoID and DCAT description of the dataset, sorted."""
    triples = _document_triples(facts) + _dataset_triples(facts) + _partition_triples(facts)
    for download in facts.downloads:
        triples += _download_triples(facts, download)
    triples += _service_triples(facts)
    return sorted({ox.Triple(_iri(s), _iri(p), o) for s, p, o in triples}, key=str)


_PREFIXES = {
    **{name: PREFIXES[name] for name in ("gk", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms")},
    "void": str(VOID),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "spdx": str(SPDX),
}
_OX_FORMATS = {
    "jsonld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
}


def serialize_facts(facts: DatasetFacts, ext: str = "ttl") -> bytes:
    """The description in one of :data:`METADATA_FORMATS` (by extension)."""
    if ext == "ttl":
        return turtle(metadata_triples(facts), _PREFIXES)
    return serialize(metadata_triples(facts), _OX_FORMATS[ext])
