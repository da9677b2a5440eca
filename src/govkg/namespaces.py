"""Every IRI base and prefix govkg uses, defined once.

Ontology terms live under ``https://w3id.org/govkg/ontology#`` (prefix ``gk:``); data resources live
under ``https://w3id.org/govkg/id/`` with a readable slug per kind (``id/state/USA``,
``id/event/reaim-2026``).  Each kind of data resource has its own prefix so that Turtle files and
SPARQL queries can write ``state:USA`` instead of the full IRI; organisations (``id/org/EU``) use
``organisation:`` because ``org:`` is the W3C Organization Ontology.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Namespace
    from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, TIME, XSD

    GK: Namespace
    ID: Namespace
    GKS: Namespace
    ORG: Namespace
    WD: Namespace
    SH: Namespace
    SPDX: Namespace
    OA: Namespace

    __all__ = ["DCTERMS", "FOAF", "OWL", "PROV", "RDF", "RDFS", "SDO", "SKOS", "TIME", "XSD"]

ONTOLOGY_IRI = "https://w3id.org/govkg/ontology"
DATA_BASE = "https://w3id.org/govkg/id/"
GRAPH_BASE = "https://w3id.org/govkg/graph/"
#: The named graph where a persistent store records which sources it was built from.
META_GRAPH = GRAPH_BASE + "meta"
#: The named graph recording each literal the store keeps in another form than a file wrote it
#: (see :mod:`govkg.written`); not data: never published or counted.
WRITTEN_GRAPH = GRAPH_BASE + "govkg-written-literals"
#: The terms of those records.
WRITTEN = "https://w3id.org/govkg/written#"
#: An encoded literal's datatype is this + the datatype it was written with (``govkg.written``).
WRITTEN_DATATYPE = "urn:govkg:written:"

SHAPES_IRI = "https://w3id.org/govkg/shapes"

#: govkg's own namespaces (rdflib ``Namespace`` objects, made on first use: see ``__getattr__``).
#: OA is the W3C Web Annotation vocabulary: a fact anchored to the words of its source.
OWN_NAMESPACES: dict[str, str] = {
    "GK": ONTOLOGY_IRI + "#",
    "ID": DATA_BASE,
    "GKS": SHAPES_IRI + "#",
    "ORG": "http://www.w3.org/ns/org#",
    "WD": "http://www.wikidata.org/entity/",
    "SH": "http://www.w3.org/ns/shacl#",
    "SPDX": "http://spdx.org/rdf/terms#",
    "OA": "http://www.w3.org/ns/oa#",
}
#: The W3C and other vocabularies, as rdflib defines them (``RDFS``, ``XSD`` …): their IRIs.
VOCABULARIES: dict[str, str] = {
    "RDF": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "RDFS": "http://www.w3.org/2000/01/rdf-schema#",
    "OWL": "http://www.w3.org/2002/07/owl#",
    "XSD": "http://www.w3.org/2001/XMLSchema#",
    "SKOS": "http://www.w3.org/2004/02/skos/core#",
    "DCTERMS": "http://purl.org/dc/terms/",
    "PROV": "http://www.w3.org/ns/prov#",
    "SDO": "https://schema.org/",
    "FOAF": "http://xmlns.com/foaf/0.1/",
    "TIME": "http://www.w3.org/2006/time#",
}


class Terms:
    """A namespace's IRIs as text, by attribute or by key (``Terms(base).label``,
    ``Terms(base)["class"]``), without importing rdflib (which a server's pages process does
    not)."""

    def __init__(self, base: str) -> None:
        self.base = base

    def __getattr__(self, local: str) -> str:
        if local.startswith("__"):
            raise AttributeError(local)
        return self.base + local

    def __getitem__(self, local: str) -> str:
        return self.base + local

    def __str__(self) -> str:
        return self.base


def terms(prefix: str) -> Terms:
    """The namespace ``prefix`` names (``"GK"``, ``"RDFS"`` …) as :class:`Terms`: its IRIs as
    text, without importing rdflib (which a server's pages process does not)."""
    return Terms({**OWN_NAMESPACES, **VOCABULARIES}[prefix])


def __getattr__(name: str) -> object:
    """``GK``, ``RDFS`` … as rdflib namespaces, made on first use: rdflib is imported only by
    code that uses them (a query process, which needs only :data:`PREFIXES`, never is)."""
    if name in OWN_NAMESPACES:
        from rdflib import Namespace

        value: object = Namespace(OWN_NAMESPACES[name])
    elif name in VOCABULARIES:
        import rdflib.namespace

        value = getattr(rdflib.namespace, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


#: The kinds of data resource, each a path segment under ``DATA_BASE`` and a Turtle/SPARQL prefix.
DATA_KINDS: tuple[str, ...] = (
    "state",
    "org",
    "person",
    "post",
    "role",
    "place",
    "event",
    "series",
    "instrument",
    "principle",
    "stance",
    "attendance",
    "claim",
    "membership",
    "quote",
    "dialogue",
    "action",
    "tension",
    "source",
    "annotation",
    "model",
    "stance-kind",
    "theme",
    "position",
    "counted",
    "precision",
    "status",
    "lifecycle-step",
    "adoption-method",
    "scheme",
)


#: Prefix names that differ from the kind's path segment (``org:`` is the W3C ORG vocabulary).
_PREFIX_NAMES = {"org": "organisation"}


def data_prefix(kind: str) -> str:
    """The prefix name of a kind of data resource (``stance-kind`` → ``stancekind``,
    ``org`` → ``organisation``)."""
    return _PREFIX_NAMES.get(kind, kind.replace("-", ""))


def data_namespace(kind: str) -> Namespace:
    """The namespace of one kind of data resource, e.g. ``data_namespace("state")["USA"]``."""
    from rdflib import Namespace

    if kind not in DATA_KINDS:
        raise KeyError(f"unknown kind of data resource: {kind}")
    return Namespace(f"{DATA_BASE}{kind}/")


#: Prefix name → namespace IRI, for Turtle output, SPARQL queries and compact display.
PREFIXES: dict[str, str] = {
    "gk": OWN_NAMESPACES["GK"],
    "gks": OWN_NAMESPACES["GKS"],
    "id": DATA_BASE,
    **{data_prefix(kind): f"{DATA_BASE}{kind}/" for kind in DATA_KINDS},
    **{name.lower(): VOCABULARIES[name] for name in ("RDF", "RDFS", "OWL", "XSD", "SKOS")},
    "dcterms": VOCABULARIES["DCTERMS"],
    "prov": VOCABULARIES["PROV"],
    "schema": VOCABULARIES["SDO"],
    "foaf": VOCABULARIES["FOAF"],
    "time": VOCABULARIES["TIME"],
    "org": OWN_NAMESPACES["ORG"],
    "wd": OWN_NAMESPACES["WD"],
    "sh": OWN_NAMESPACES["SH"],
    "oa": OWN_NAMESPACES["OA"],
}


def compact(iri: str) -> str:
    """Shorten an IRI with the longest matching prefix (``state:USA``); unchanged if none fits."""
    best = ""
    for name, base in PREFIXES.items():
        if iri.startswith(base) and len(base) > len(PREFIXES.get(best, "")):
            local = iri[len(base) :]
            if local and "/" not in local and "#" not in local:
                best = name
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


def expand(name: str) -> str:
    """Expand ``prefix:local`` to a full IRI; a full IRI (or ``<IRI>``) is returned unchanged."""
    text = name.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return text
