"""The formats the site's documents come in: extension → media type, the first the default."""

from __future__ import annotations

#: Extension → media type of the RDF documents a resource is served in.
DOC_FORMATS: dict[str, str] = {
    "html": "text/html",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}

#: The extensions of the RDF documents (every document format but HTML).
RDF_EXTENSIONS: tuple[str, ...] = tuple(ext for ext in DOC_FORMATS if ext != "html")

#: Extension → media type of a canned query's answer; the first is the default.
QUERY_FORMATS: dict[str, str] = {
    "html": "text/html",
    "json": "application/sparql-results+json",
    "csv": "text/csv",
}
