"""HTML pages.  Every value goes through :func:`html.escape`; nothing is pasted in raw."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import pyoxigraph as ox

from govkg.namespaces import compact
from govkg.server.negotiation import DOC_FORMATS
from govkg.server.resources import Description
from govkg.server.settings import ServerSettings
from govkg.store import Term

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)
CSP = "default-src 'self'"
#: Characters left as they are in the path part of a local link.
SAFE = "/:@!$&'()*+,;=-._~"

#: Served at ``/style.css``: the CSP forbids inline styles.
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;"
    "line-height:1.4}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;"
    "padding:.3rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}"
    ".iri{color:#555;font-size:.9em}"
)


def relative_root(path: str) -> str:
    """The relative path from a page at ``path`` (inside the site) back to the site's top.

    ``/`` and ``/sparql`` give ``.``; ``/doc/state/USA`` gives ``../..``.  Pages link with it, so
    the same HTML works under any mount path and as a static site.
    """
    depth = path.strip("/").count("/") if path.strip("/") else 0
    return "/".join([".."] * depth) or "."


def doc_href(settings: ServerSettings, iri: str, root: str) -> str | None:
    """The relative link to the HTML page of a data IRI, or None when it is not one of ours."""
    local = settings.local(iri)
    if local is None:
        return None
    path = local[len(settings.id_prefix) :]
    return f"{root}{settings.doc_prefix}{quote(path, safe=SAFE)}.html"


def page(title: str, body: str, root: str = ".") -> str:
    """A whole HTML document; ``title`` is escaped here, ``body`` must already be escaped.

    ``root`` is the relative way back to the site's top (see :func:`relative_root`).
    """
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · govkg</title>"
        f'<link rel="stylesheet" href="{escape(root)}/style.css"></head>'
        f"<body>{body}</body></html>\n"
    )


def term_html(term: Term | None, settings: ServerSettings, root: str = ".") -> str:
    """One term as HTML: our data IRIs link to their page, other http(s) IRIs outward; escaped."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        href = doc_href(settings, term.value, root) or _external(term.value)
        return f'<a href="{escape(href)}">{escape(compact(term.value))}</a>'
    if isinstance(term, ox.BlankNode):
        return escape(f"_:{term.value}")
    if isinstance(term, ox.Literal):
        suffix = f" <small>@{escape(term.language)}</small>" if term.language else ""
        return escape(term.value) + suffix
    return escape(str(term))


def _external(iri: str) -> str:
    """An outside IRI as a link target: only http(s) links are live, anything else goes nowhere."""
    return iri if iri.lower().startswith(("http://", "https://")) else "#"


def label_of(description: Description) -> str:
    """The resource's rdfs:label or skos:prefLabel, else its compact IRI."""
    for wanted in LABELS:
        for p, o in description.outgoing:
            if p.value == wanted and isinstance(o, ox.Literal):
                return o.value
    return compact(description.iri)


def resource_page(
    description: Description, settings: ServerSettings, doc_name: str, root: str = "."
) -> str:
    """The HTML page of a resource: label, types, properties, incoming links and formats."""
    label = label_of(description)
    types = [o for p, o in description.outgoing if p.value == RDF_TYPE]
    parts = [
        f"<h1>{escape(label)}</h1>",
        f'<p class="iri">{escape(description.iri)}</p>',
        "<p>Types: " + ", ".join(term_html(t, settings, root) for t in types) + "</p>"
        if types
        else "",
        "<h2>Properties</h2>",
        _table(
            ("property", "value"),
            [
                (term_html(p, settings, root), term_html(o, settings, root))
                for p, o in description.outgoing
            ],
        ),
        "<h2>Incoming links</h2>",
        _table(
            ("resource", "property"),
            [
                (term_html(s, settings, root), term_html(p, settings, root))
                for s, p in description.incoming
            ],
        ),
        _formats(doc_name),
    ]
    return page(label, "\n".join(parts), root)


def _table(header: tuple[str, str], rows: list[tuple[str, str]]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _formats(doc_name: str) -> str:
    """Links to the other formats, relative to the page (``doc_name`` is its last path segment)."""
    links = ", ".join(
        f'<a href="{escape(doc_name)}.{ext}">{escape(media)}</a>'
        for ext, media in DOC_FORMATS.items()
        if ext != "html"
    )
    return f"<p>Also as: {links}</p>"


def not_found_page(path: str, iri: str, root: str = ".") -> str:
    """The 404 page: what was asked for and where to go instead."""
    body = (
        "<h1>Not found</h1>"
        f"<p>The graph has no resource <code>{escape(iri)}</code> "
        f"(requested as <code>{escape(path)}</code>).</p>"
        f'<p>Data IRIs look like <a href="{escape(root)}/id/state/USA">/id/state/USA</a>; '
        f'ask the graph at <a href="{escape(root)}/sparql">/sparql</a>.</p>'
    )
    return page("Not found", body, root)


def error_page(status: int, message: str, root: str = ".") -> str:
    """An error page with the message escaped."""
    body = f"<h1>Error {status}</h1><pre>{escape(message)}</pre>"
    return page(f"Error {status}", body, root)
