"""HTML pages.  Every value goes through :func:`html.escape`; nothing is pasted in raw.

Pages link relatively (:func:`relative_root` gives the way back to the site's top), so the same
HTML works under any mount path and as a static site.  Only our own pages and outside ``http(s)``
IRIs become links; any other IRI (``javascript:``, ``data:``, ``urn:``) is shown as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from html import escape
from importlib.resources import files
from itertools import groupby
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from govkg.dates import shown_date
from govkg.namespaces import compact as _compact
from govkg.namespaces import expand
from govkg.site.formats import DOC_FORMATS
from govkg.site.layout import Layout
from govkg.site.palette import stylesheet
from govkg.site.resources import (
    INDEXES,
    PAGE_SIZE,
    Column,
    Description,
    Index,
    Link,
    LinkPage,
    ResourceView,
    Source,
    StanceRow,
)
from govkg.store import Row, Term

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: Datatypes whose name a page shows beside the value: the kinds of date.
DATE_TYPES = frozenset(expand(f"xsd:{n}") for n in ("date", "dateTime", "gYear", "gYearMonth"))
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
CSP = "default-src 'self'"
#: Characters left as they are in the path part of a local link.
SAFE = "/:@!$&'()*+,;=-._~"

#: Served at ``/style.css``: the CSP forbids inline styles.  Narrow screens get a wrapping nav bar
#: and tables whose rows stack into labelled blocks (``data-label``); wide tables scroll.
#: The palette's classes (:mod:`govkg.site.palette`), the map's and the charts' rules follow.
STYLE = (
    "".join(
        (files("govkg.site") / "static" / name).read_text(encoding="utf-8")
        for name in ("style.css", "map.css", "charts.css")
    )
    + stylesheet()
)

#: An IRI's compact form (:func:`govkg.namespaces.compact`), each worked out once: a page shows
#: hundreds of IRIs, mostly the same ones from page to page.
compact = lru_cache(maxsize=65536)(_compact)


def relative_root(path: str) -> str:
    """The relative path from a page at ``path`` (inside the site) back to the site's top.

    ``/`` and ``/sparql`` give ``.``; ``/doc/state/USA`` gives ``../..``.  Pages link with it, so
    the same HTML works under any mount path and as a static site.
    """
    depth = path.strip("/").count("/") if path.strip("/") else 0
    return "/".join([".."] * depth) or "."


def doc_href(settings: Layout, iri: str, root: str) -> str | None:
    """The relative link to the HTML page of a data IRI, or None when it is not one of ours."""
    local = settings.local(iri)
    if local is None:
        return None
    path = local[len(settings.id_prefix) :]
    return f"{root}{settings.doc_prefix}{quote(path, safe=SAFE)}.html"


def index_href(index: Index, root: str) -> str:
    """The relative link to an index page (``states.html``)."""
    return f"{root}/{index.name}.html"


def _nav(root: str) -> str:
    items = "".join(
        f'<li><a href="{escape(index_href(index, root))}">{escape(index.title)}</a></li>'
        for index in INDEXES
    )
    return (
        f'<header class="site"><nav aria-label="site">'
        f'<a class="brand" href="{escape(root)}/">govkg</a><ul>{items}'
        f'<li><a href="{escape(root)}/matrix.html">Matrix</a></li>'
        f'<li><a href="{escape(root)}/sparql">SPARQL</a></li></ul>'
        f"{search_form(root)}</nav></header>"
    )


def search_form(root: str, text: str = "") -> str:
    """The search box: a GET form to ``/search?q=``."""
    return (
        f'<form class="search" role="search" method="get" action="{escape(root)}/search">'
        '<input type="search" name="q" aria-label="Search" placeholder="Search names and texts"'
        f' value="{escape(text)}" maxlength="200"><button type="submit">Search</button></form>'
    )


def page(title: str, body: str, root: str = ".", extra: str = "") -> str:
    """A whole HTML document; ``title`` is escaped here, ``body`` and ``extra`` (put after the
    main content, e.g. a JSON-LD data block) must already be escaped.

    ``root`` is the relative way back to the site's top (see :func:`relative_root`).
    """
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · govkg</title>"
        f'<link rel="stylesheet" href="{escape(root)}/style.css"></head>'
        '<body><a class="skip" href="#main">Skip to the content</a>'
        f'{_nav(root)}<main id="main">{body}</main>{extra}</body></html>\n'
    )


def href_of(iri: str, settings: Layout, root: str) -> str | None:
    """Where an IRI links to: our page for a data IRI, the IRI itself for http(s), else nowhere."""
    return doc_href(settings, iri, root) or (
        iri if iri.lower().startswith(("http://", "https://")) else None
    )


def iri_html(
    iri: str, label: str | None, settings: Layout, root: str = ".", brief: bool = False
) -> str:
    """An IRI as a link (when it may be one) showing its label, with the compact IRI beside it
    unless ``brief`` (or showing the compact IRI alone when there is no label)."""
    short = compact(iri)
    text = escape(label or short)
    href = href_of(iri, settings, root)
    main = f'<a href="{escape(href)}">{text}</a>' if href else f'<span class="iri">{text}</span>'
    return main + (f' <span class="iri">{escape(short)}</span>' if label and not brief else "")


def term_html(
    term: Term | None,
    settings: Layout,
    root: str = ".",
    label: str | None = None,
    brief: bool = False,
) -> str:
    """One term as HTML: our data IRIs link to their page, other http(s) IRIs outward; escaped."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return iri_html(term.value, label, settings, root, brief)
    if isinstance(term, ox.BlankNode):
        return escape(f"_:{term.value}")
    if isinstance(term, ox.Literal):
        return _literal_html(term)
    return escape(str(term))


def _literal_html(term: ox.Literal) -> str:
    """A literal's text; its language as a ``lang`` attribute, never as "@en" in the text; its
    datatype only for dates, where it says how precise the date is (xsd:gYear: a year)."""
    if term.language:
        return f'<span lang="{escape(term.language)}">{escape(term.value)}</span>'
    datatype = term.datatype.value
    if datatype not in DATE_TYPES:
        return escape(term.value)
    return f"{escape(term.value)} <small>{escape(compact(datatype))}</small>"


def label_of(description: Description) -> str:
    """The resource's rdfs:label or skos:prefLabel, else its compact IRI."""
    for wanted in LABELS:
        for p, o in description.outgoing:
            if p.value == wanted and isinstance(o, ox.Literal):
                return o.value
    return compact(description.iri)


# --- a resource's page --------------------------------------------------------------------------


def resource_page(
    view: ResourceView,
    settings: Layout,
    doc_name: str,
    root: str,
    notice: str = "",
    profile: str = "",
    evidence: str = "",
) -> str:
    """The HTML page of a resource: label, types, a notice (what the lists it shows are worth),
    its profile (an instrument's, a state's: they show its stances their own way) or else its
    stances and their sources, the passages of text behind it (``evidence``: a fact's words, an
    article's facts), properties and incoming links (both paged and grouped by property), other
    formats and its JSON-LD."""
    description = view.description
    label = label_of(description)
    title = label if view.pages == 1 else f"{label} (page {view.page} of {view.pages})"
    parts = [
        f"<h1>{escape(label)}</h1>",
        f'<p class="iri">{escape(description.iri)}</p>',
        _types(view, settings, root),
        notice,
        profile,
        _pager(view, doc_name),
        "" if profile else _stances_section(view, settings, root),
        _sources_section(view, settings, root) if view.is_stance else "",
        evidence,
        _links_section("Properties", view.outgoing, view, settings, root),
        _links_section("Incoming links", view.incoming, view, settings, root),
        _pager(view, doc_name),
        _formats(doc_name),
    ]
    return page(title, "\n".join(p for p in parts if p), root, json_ld_block(description))


def _types(view: ResourceView, settings: Layout, root: str) -> str:
    if not view.types:
        return ""
    tags = "".join(
        f'<span class="tag">{iri_html(t.value, label, settings, root)}</span>'
        for t, label in view.types
    )
    return f'<p class="types">{tags}</p>'


def _pager(view: ResourceView, doc_name: str) -> str:
    """Page N of M with previous and next links, relative to the page (``./NAME.page-N.html``,
    a path rather than a ``?page=`` so that a static copy of the site has every page)."""
    if view.pages == 1:
        return ""

    def link(number: int, text: str, rel: str = "") -> str:
        href = escape(f"./{doc_name}.html" if number == 1 else f"./{doc_name}.page-{number}.html")
        return f'<a{f" rel={rel}" if rel else ""} href="{href}">{escape(text)}</a>'

    parts = [f"<span>Page {view.page} of {view.pages}</span>"]
    if view.page > 1:
        parts += [link(1, "first"), link(view.page - 1, "« previous", "prev")]
    if view.page < view.pages:
        parts += [link(view.page + 1, "next »", "next"), link(view.pages, "last")]
    return f'<nav class="pager" aria-label="pages">{" ".join(parts)}</nav>'


def _range(view: ResourceView, shown: int, total: int) -> str:
    """``101-200 of 250``, ``12``, or where the rows are when this page has none (HTML)."""
    if total <= PAGE_SIZE:
        return f"{total}" if view.page == 1 else f"{total}, all on page 1"
    if shown == 0:
        return f"{total}, on pages 1&ndash;{-(-total // PAGE_SIZE)}"
    first = (view.page - 1) * PAGE_SIZE + 1
    return f"{first}&ndash;{first + shown - 1} of {total}"


def _links_section(
    heading: str, links: LinkPage, view: ResourceView, settings: Layout, root: str
) -> str:
    """A paged list of links, one table row per property, its values listed in the row."""
    count = _range(view, len(links.rows), links.total)
    head = f'<h2>{escape(heading)} <span class="count">({count})</span></h2>'
    if not links.rows:
        return head + ("<p>None.</p>" if links.total == 0 else "")
    rows = "".join(
        _property_row(list(group), links.per_property, settings, root)
        for _prop, group in groupby(links.rows, key=lambda link: link.prop)
    )
    return f'{head}<div class="table-wrap"><table class="stack"><tbody>{rows}</tbody></table></div>'


def _property_row(
    items: list[Link], per_property: dict[str, int], settings: Layout, root: str
) -> str:
    """One property (with its label, and its count when it goes on over other pages) and the
    values or resources it links on this page."""
    prop = items[0].prop
    total = per_property.get(prop.value, len(items))
    more = f' <span class="count">({total} in all)</span>' if total > len(items) else ""
    values = "".join(f"<li>{term_html(i.term, settings, root, i.label)}</li>" for i in items)
    prop_html = iri_html(prop.value, items[0].prop_label, settings, root)
    return (
        f'<tr><th scope="row">{prop_html}{more}</th><td><ul class="values">{values}</ul></td></tr>'
    )


def _stances_section(view: ResourceView, settings: Layout, root: str) -> str:
    stances = view.stances
    if stances is None or stances.total == 0:
        return ""
    other = "Instrument" if stances.role == "actor" else "Actor"
    count = _range(view, len(stances.rows), stances.total)
    head = f'<h2>Stances and their sources <span class="count">({count})</span></h2>'
    rows = [_stance_row(row, view.sources, settings, root) for row in stances.rows]
    return head + table((other, "Stance", "Date", "Sources"), rows, ("", "nowrap", "nowrap"))


def _stance_row(
    row: StanceRow, sources: dict[str, Source], settings: Layout, root: str
) -> list[str]:
    stance_text = escape(row.kind or "stance")
    stance_href = href_of(getattr(row.stance, "value", ""), settings, root)
    stance = f'<a href="{escape(stance_href)}">{stance_text}</a>' if stance_href else stance_text
    cited = source_list(row.sources, sources, settings, root)
    if row.primary:
        cited += "<small>Primary documents:</small>" + source_list(
            row.primary, sources, settings, root
        )
    other = term_html(row.other, settings, root, row.other_label, brief=True)
    return [other, stance, _stance_date(row), cited]


def _stance_date(row: StanceRow) -> str:
    return date_html(row.date, row.as_of)


def date_html(act: str | None, as_of: str | None) -> str:
    """A stance's date in words that say what it is ("listed by 2026-07-17" for an as-of date,
    "2025-02 (month)", "date unknown"), its meaning in the ``title`` of an ``abbr``."""
    shown = shown_date(act, as_of)
    css = f"date date-{shown.kind.replace('_', '-')}"
    return f'<abbr class="{css}" title="{escape(shown.explanation)}">{escape(shown.text)}</abbr>'


def source_list(
    iris: Sequence[str], sources: dict[str, Source], settings: Layout, root: str
) -> str:
    if not iris:
        return ""
    items = "".join(f"<li>{source_html(sources.get(i), i, settings, root)}</li>" for i in iris)
    return f'<ul class="sources">{items}</ul>'


def source_html(source: Source | None, iri: str, settings: Layout, root: str) -> str:
    """A source: its title (else its label, else its URL's host) linked to its page, then
    "— publisher, date" where the record knows them, its URL linked."""
    if source is None:
        return iri_html(iri, None, settings, root)
    host = (urlsplit(source.url).hostname or "").removeprefix("www.") if source.url else ""
    text = source.title or source.label or host
    href = href_of(iri, settings, root)
    name = escape(text or compact(iri))
    html = f'<a href="{escape(href)}">{name}</a>' if href else name
    meta = ", ".join(escape(v) for v in (source.publisher, source.date) if v)
    if meta:
        html += f' <span class="meta">— {meta}</span>'
    if source.url:
        html += f'<br><span class="url">{_url_html(source.url)}</span>'
    return html


def _url_html(url: str) -> str:
    """A source's URL, shown in full and linked when it is http(s)."""
    live = url.lower().startswith(("http://", "https://"))
    return f'<a href="{escape(url)}">{escape(url)}</a>' if live else escape(url)


def _sources_section(view: ResourceView, settings: Layout, root: str) -> str:
    """On a stance's page: every source behind it."""
    head = "<h2>Sources behind this stance</h2>"
    if not view.sources:
        return head + "<p>None recorded.</p>"
    iris = sorted(view.sources)
    return head + source_list(iris, view.sources, settings, root)


def json_ld_block(description: Description) -> str:
    """The resource's own triples as a JSON-LD data block (not run: the CSP allows no inline
    script anyway).  ``<``, ``>`` and ``&`` are written as JSON escapes, so no literal can close
    the element or open a comment."""
    text = description.own_graph().serialize(format="json-ld")
    safe = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/ld+json">{safe}</script>'


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], classes: Sequence[str] = ()
) -> str:
    """A table whose rows stack on narrow screens, each column with its CSS class (``num``,
    ``nowrap`` or none); cells must already be escaped."""
    css = [f' class="{escape(c)}"' if c else "" for c in classes]
    css += [""] * (len(headers) - len(css))
    head = "".join(
        f'<th scope="col"{c}>{escape(h)}</th>' for h, c in zip(headers, css, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-label="{escape(h)}"{c}>{cell}</td>'
            for h, c, cell in zip(headers, css, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    if not body:
        return "<p>None.</p>"
    return (
        f'<div class="table-wrap"><table class="stack"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _formats(doc_name: str) -> str:
    """Links to the other formats, relative to the page (``doc_name`` is its last path segment)."""
    links = ", ".join(
        f'<a href="./{escape(doc_name)}.{ext}">{escape(media)}</a>'
        for ext, media in DOC_FORMATS.items()
        if ext != "html"
    )
    return f'<p class="formats">Also as: {links}</p>'


# --- index, search and home pages ---------------------------------------------------------------


def index_page(index: Index, rows: Sequence[Row], settings: Layout, root: str) -> str:
    """An index page: the kind's title, how many there are, and one table row each."""
    body = (
        f'<h1>{escape(index.title)}</h1><p class="lead">{escape(index.intro)}</p>'
        f"<p>{len(rows)} {escape(index.title.lower())}.</p>"
        + table(
            [c.header for c in index.columns],
            ([_cell(c, row, settings, root) for c in index.columns] for row in rows),
            [c.css for c in index.columns],
        )
    )
    return page(index.title, body, root)


def _cell(column: Column, row: Row, settings: Layout, root: str) -> str:
    text = row.text(column.var, None)
    if column.link is None:
        return escape(text or "")
    target = row.get(column.link)
    if not isinstance(target, ox.NamedNode):
        return escape(text or "")
    return term_html(target, settings, root, text, brief=True)


def home_page(root: str = ".") -> str:
    """The home page: what the graph is and where to start (the search box is in the nav bar)."""
    indexes = "".join(
        f'<li><a href="{escape(index_href(index, root))}">{escape(index.title)}</a>: '
        f"{escape(index.intro)}</li>"
        for index in INDEXES
    )
    body = (
        '<h1>govkg</h1><p class="lead">An open knowledge graph of international AI governance: '
        "who signed what, who declined, what officials said and when. Every fact carries its "
        "source.</p>"
        f'<h2>Browse</h2><ul class="home">{indexes}</ul>'
        '<h2>Start here</h2><ul class="home">'
        f'<li><a href="{escape(root)}/doc/state/USA.html">A state: the United States</a></li>'
        f'<li><a href="{escape(root)}/matrix.html">The matrix</a>: who took which stance on '
        "every instrument, filtered by series, type, region and period</li>"
        f'<li><a href="{escape(root)}/queries.html">The query catalogue</a>: questions the '
        "graph answers, as tables, JSON or CSV</li>"
        f'<li><a href="{escape(root)}/sparql">The SPARQL endpoint</a> (SPARQL 1.1 Protocol)'
        "</li></ul>"
        '<h2>Data</h2><ul class="home">'
        f'<li><a href="{escape(root)}/void.ttl">The dataset description</a> (VoID and DCAT)</li>'
        f'<li>Dumps: <a href="{escape(root)}/dumps/govkg.ttl">Turtle</a>, '
        f'<a href="{escape(root)}/dumps/govkg.nt">N-Triples</a>, '
        f'<a href="{escape(root)}/dumps/govkg.jsonld">JSON-LD</a>, '
        f'<a href="{escape(root)}/dumps/govkg.nq.gz">N-Quads (gzip, one graph per file)</a>, '
        "each with a <code>.sha256</code></li>"
        f'<li><a href="{escape(root)}/ontology.html">The ontology</a> and its '
        f'<a href="{escape(root)}/shapes.ttl">SHACL shapes</a></li></ul>'
    )
    return page("govkg", body, root)


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
