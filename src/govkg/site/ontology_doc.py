"""The ontology's documentation: one HTML page (an anchor per term) and the ontology as Turtle.

``https://w3id.org/govkg/ontology#State`` resolves like a data IRI: ``/ontology`` answers 303 to
``ontology.html`` (where ``#State`` is an anchor) or ``ontology.ttl``.  The page lists the
ontology's classes and properties (label, definition, superclasses, domain and range) and the SKOS
concept schemes with their concepts.  ``ontology.ttl`` holds ``ontology/govkg.ttl`` and
``schemes.ttl`` as loaded into the store; ``shapes.ttl`` the SHACL shapes, read from the project
(``https://w3id.org/govkg/shapes`` answers 303 to it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

import pyoxigraph as ox

from govkg.load import parse_files
from govkg.namespaces import (
    GRAPH_BASE,
    ONTOLOGY_IRI,
    PREFIXES,
    compact,
    terms,
)
from govkg.project import Project
from govkg.site import pages
from govkg.site.dumps import canonical, triples_of, turtle
from govkg.site.layout import Layout
from govkg.store import Store

OWL, RDF, RDFS, SKOS, GK = (terms(p) for p in ("OWL", "RDF", "RDFS", "SKOS", "GK"))

#: The named graphs the ontology files are loaded into.
ONTOLOGY_GRAPHS = GRAPH_BASE + "ontology/"
DEFINITION = str(SKOS.definition)
LABEL = str(RDFS.label)
PREF_LABEL = str(SKOS.prefLabel)
#: Kind of term → its heading, in the order the page shows them.
KINDS: dict[str, str] = {
    str(OWL.Class): "Classes",
    str(OWL.ObjectProperty): "Object properties",
    str(OWL.DatatypeProperty): "Datatype properties",
    str(OWL.AnnotationProperty): "Annotation properties",
}
#: Predicate → what the page calls it, in the order it shows them.
RELATIONS: dict[str, str] = {
    str(RDFS.subClassOf): "Subclass of",
    str(RDFS.subPropertyOf): "Subproperty of",
    str(RDFS.domain): "Domain",
    str(RDFS.range): "Range",
    str(OWL.inverseOf): "Inverse of",
}
_DESCRIBED = (str(RDF.type), LABEL, PREF_LABEL, DEFINITION, str(RDFS.comment), *RELATIONS)
_FACTS = """SELECT DISTINCT ?x ?p ?o WHERE {{ {where} ?x ?p ?o . VALUES ?p {{ {predicates} }} }}
ORDER BY ?x ?p ?o"""
_TERMS = f"""?x a ?kind . VALUES ?kind {{ {" ".join(f"<{k}>" for k in KINDS)} }}
FILTER(STRSTARTS(STR(?x), "{GK}"))"""
_SCHEMES = f"{{ ?x a <{SKOS.ConceptScheme}> }} UNION {{ ?x <{SKOS.inScheme}> ?scheme }}"
_HEADER = f"VALUES ?x {{ <{ONTOLOGY_IRI}> }}"
_ONTOLOGY_FIELDS = {
    "http://purl.org/dc/terms/title": "Title",
    "http://purl.org/dc/terms/description": "Description",
    str(OWL.versionInfo): "Version",
    "http://purl.org/dc/terms/license": "Licence",
    str(OWL.imports): "Imports",
}


@dataclass
class Resource:
    """What the store says about one term, scheme or concept: predicate → values."""

    iri: str
    values: dict[str, list[ox.NamedNode | ox.Literal]] = field(default_factory=dict)

    def all(self, predicate: str) -> list[ox.NamedNode | ox.Literal]:
        return self.values.get(predicate, [])

    def iris(self, predicate: str) -> list[str]:
        return [v.value for v in self.all(predicate) if isinstance(v, ox.NamedNode)]

    def text(self, *predicates: str) -> str:
        """The first value of the first predicate that has one, English first."""
        for predicate in predicates:
            literals = [v for v in self.all(predicate) if isinstance(v, ox.Literal)]
            literals.sort(key=lambda v: (v.language not in ("en", None), v.value))
            if literals:
                return literals[0].value
        return ""

    @property
    def label(self) -> str:
        return self.text(LABEL, PREF_LABEL) or compact(self.iri)


def _resources(store: Store, where: str, predicates: tuple[str, ...]) -> dict[str, Resource]:
    query = _FACTS.format(where=where, predicates=" ".join(f"<{p}>" for p in predicates))
    found: dict[str, Resource] = {}
    for row in store.query(query).records():
        x, p, o = row["x"], row["p"], row["o"]
        if (
            isinstance(x, ox.NamedNode)
            and isinstance(p, ox.NamedNode)
            and isinstance(o, ox.NamedNode | ox.Literal)  # a blank node is not shown
        ):
            resource = found.setdefault(x.value, Resource(x.value))
            resource.values.setdefault(p.value, []).append(o)
    return found


class OntologyPage:
    """Renders the documentation page from what the store says."""

    def __init__(
        self, store: Store, settings: Layout, root: str = ".", shapes: bool = False
    ) -> None:
        self.settings = settings
        self.root = root
        self.shapes = shapes
        self.terms = _resources(store, _TERMS, _DESCRIBED)
        self.schemes = _resources(store, _SCHEMES, (*_DESCRIBED, str(SKOS.inScheme)))
        self.header = _resources(store, _HEADER, tuple(_ONTOLOGY_FIELDS)).get(ONTOLOGY_IRI)

    def link(self, term: ox.NamedNode | ox.Literal | str) -> str:
        """A term as HTML: ontology terms link to their anchor, data IRIs to their page."""
        if isinstance(term, ox.Literal):
            return escape(term.value)
        iri = term.value if isinstance(term, ox.NamedNode) else term
        if iri.startswith(str(GK)):
            href = "#" + iri[len(str(GK)) :]
        else:
            href = pages.doc_href(self.settings, iri, self.root) or _outward(iri)
        return f'<a href="{escape(href)}">{escape(compact(iri))}</a>'

    def render(self) -> str:
        body = [self.render_header(), self.render_contents()]
        body += [self.render_kind(kind, title) for kind, title in KINDS.items()]
        body.append(self.render_schemes())
        return pages.page("govkg ontology", "\n".join(b for b in body if b), self.root)

    def render_header(self) -> str:
        header = self.header or Resource(ONTOLOGY_IRI)
        rows = [
            f"<dt>{escape(name)}</dt><dd>{', '.join(self.link(v) for v in header.all(p))}</dd>"
            for p, name in _ONTOLOGY_FIELDS.items()
            if header.all(p)
        ]
        return (
            f"<h1>{escape(header.text(LABEL) or 'govkg ontology')}</h1>"
            f'<p class="iri">{escape(ONTOLOGY_IRI)}</p>'
            f"<dl>{''.join(rows)}</dl>"
            '<p>Also as <a href="ontology.ttl">Turtle</a> (with the concept schemes)'
            + ('; the SHACL shapes as <a href="shapes.ttl">shapes.ttl</a>' if self.shapes else "")
            + '. The <a href="void.ttl">dataset description</a> lists the data.</p>'
        )

    def of_kind(self, kind: str) -> list[Resource]:
        chosen = [r for r in self.terms.values() if kind in r.iris(str(RDF.type))]
        return sorted(chosen, key=lambda r: r.iri)

    def render_contents(self) -> str:
        parts = []
        for kind, title in KINDS.items():
            links = ", ".join(self.link(r.iri) for r in self.of_kind(kind))
            if links:
                parts.append(f"<dt>{escape(title)}</dt><dd>{links}</dd>")
        schemes = ", ".join(
            f'<a href="#{escape(_scheme_anchor(s.iri))}">{escape(s.label)}</a>'
            for s in self.concept_schemes()
        )
        parts.append(f"<dt>Concept schemes</dt><dd>{schemes}</dd>")
        return f"<h2>Contents</h2><dl>{''.join(parts)}</dl>"

    def render_kind(self, kind: str, title: str) -> str:
        terms = self.of_kind(kind)
        if not terms:
            return ""
        return f"<h2>{escape(title)}</h2>\n" + "\n".join(self.render_term(t) for t in terms)

    def render_term(self, term: Resource) -> str:
        local = term.iri[len(str(GK)) :]
        rows = [
            f"<dt>{escape(name)}</dt><dd>{', '.join(self.link(v) for v in term.all(p))}</dd>"
            for p, name in RELATIONS.items()
            if term.all(p)
        ]
        rows += self.derived_rows(term)
        definition = term.text(DEFINITION, str(RDFS.comment))
        return (
            f'<section id="{escape(local)}"><h3>{escape(term.label)} '
            f"<code>gk:{escape(local)}</code></h3>"
            f'<p class="iri">{escape(term.iri)}</p><p>{escape(definition)}</p>'
            f"<dl>{''.join(rows)}</dl></section>"
        )

    def derived_rows(self, term: Resource) -> list[str]:
        """Subclasses and properties whose domain or range is the class."""
        inverse = {
            "Subclasses": str(RDFS.subClassOf),
            "Properties with this domain": str(RDFS.domain),
            "Properties with this range": str(RDFS.range),
        }
        rows = []
        for name, predicate in inverse.items():
            found = sorted(r.iri for r in self.terms.values() if term.iri in r.iris(predicate))
            if found:
                links = ", ".join(self.link(iri) for iri in found)
                rows.append(f"<dt>{escape(name)}</dt><dd>{links}</dd>")
        return rows

    def concept_schemes(self) -> list[Resource]:
        found = [
            r for r in self.schemes.values() if str(SKOS.ConceptScheme) in r.iris(str(RDF.type))
        ]
        return sorted(found, key=lambda r: r.iri)

    def render_schemes(self) -> str:
        by_scheme: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.schemes.values():
            for scheme in resource.iris(str(SKOS.inScheme)):
                by_scheme[scheme].append(resource)
        sections = [self.render_scheme(s, by_scheme[s.iri]) for s in self.concept_schemes()]
        return "<h2>Concept schemes</h2>\n" + "\n".join(sections)

    def render_scheme(self, scheme: Resource, concepts: list[Resource]) -> str:
        rows = "".join(
            f"<tr><td>{self.link(c.iri)}</td><td>{escape(c.label)}</td>"
            f"<td>{escape(c.text(DEFINITION))}</td>"
            f"<td>{', '.join(self.link(b) for b in c.all(str(SKOS.broader)))}</td></tr>"
            for c in sorted(concepts, key=lambda c: c.iri)
        )
        return (
            f'<section id="{escape(_scheme_anchor(scheme.iri))}"><h3>{escape(scheme.label)} '
            f"({self.link(scheme.iri)})</h3><p>{escape(scheme.text(DEFINITION))}</p>"
            "<table><thead><tr><th>concept</th><th>label</th><th>definition</th>"
            f"<th>broader</th></tr></thead><tbody>{rows}</tbody></table></section>"
        )


def _outward(iri: str) -> str:
    """Only http(s) IRIs become live links."""
    return iri if iri.lower().startswith(("http://", "https://")) else "#"


def _scheme_anchor(iri: str) -> str:
    return "scheme-" + iri.rstrip("/").rsplit("/", 1)[-1]


def ontology_html(store: Store, settings: Layout, root: str = ".", shapes: bool = False) -> str:
    """The documentation page, to be served at ``ontology.html`` (``root`` leads to the top;
    ``shapes``: link to ``shapes.ttl``)."""
    return OntologyPage(store, settings, root, shapes).render()


def ontology_turtle(quads: list[ox.Quad]) -> bytes:
    """The ontology and its schemes as Turtle, from the dataset's canonical quads."""
    chosen = [
        q
        for q in quads
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(ONTOLOGY_GRAPHS)
    ]
    return turtle(triples_of(chosen), PREFIXES)


def shapes_turtle(project: Project) -> bytes:
    """The SHACL shapes as Turtle (they are not in the store: validation reads them apart)."""
    return turtle(triples_of(canonical(parse_files(project, project.shapes_files()))), PREFIXES)
