"""The search page: the text box and the kinds to search, then a page of hits, each linked with
its kind, its title and a passage of its text (matched words in ``<mark>``), and the pager.

Everything from the graph or the request is escaped; the marks are added after escaping
(:func:`govkg.textsearch.marked_html`).  No script: the kind filters are checkboxes of the
form, the pages plain links.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import urlencode

from govkg.site.layout import Layout
from govkg.site.pages import href_of, page, table
from govkg.textsearch import KINDS, Hit, SearchPage, marked_html

_INTRO = (
    "Search the names of states, organisations, instruments, events and people, the words of "
    "quotations, and the descriptions of statements, principles and positions."
)


def search_url(root: str, text: str, kinds: Sequence[str], number: int = 1, ext: str = "") -> str:
    """The relative link to a search (``./search?q=…&kind=…&page=N``; ``ext``: ``.json``)."""
    params: list[tuple[str, str]] = [("q", text), *(("kind", kind) for kind in kinds)]
    if number > 1:
        params.append(("page", str(number)))
    return f"{root}/search{ext}?{urlencode(params)}"


def text_search_page(found: SearchPage | None, text: str, settings: Layout, root: str) -> str:
    """The whole page: the form, then (when there is a text) the hits of ``found``."""
    kinds = found.request.kinds if found else ()
    parts = ["<h1>Search</h1>", _form(text, kinds, found, root)]
    if not text:
        parts.append(f'<p class="lead">{escape(_INTRO)}</p>')
    elif found is None or not found.words:
        parts.append("<p>No words to search for: type letters or digits.</p>")
    else:
        parts += _results(found, settings, root)
    return page(f"Search: {text}" if text else "Search", "\n".join(parts), root)


#: The id of the page's form, which the kinds' checkboxes belong to (``form=``).
FORM_ID = "text-search"


def _form(text: str, kinds: Sequence[str], found: SearchPage | None, root: str) -> str:
    """The text box, then one checkbox a kind, each with its number of hits (no box checked:
    every kind); the checkboxes belong to the form by its id, so the box keeps the site's
    search style."""
    counts = found.by_kind if found and found.words else None
    boxes = "".join(
        f'<label><input type="checkbox" name="kind" value="{escape(kind)}" form="{FORM_ID}"'
        f"{' checked' if kind in kinds else ''}> {escape(kind)}{_count(counts, kind)}</label> "
        for kind in KINDS
        if counts is None or counts.get(kind) or kind in kinds
    )
    form = (
        f'<form class="search" id="{FORM_ID}" role="search" method="get" '
        f'action="{escape(root)}/search"><input type="search" name="q" aria-label="Search text" '
        f'maxlength="200" value="{escape(text)}"><button type="submit">Search</button></form>'
    )
    return form + (f"<fieldset><legend>Kinds (none checked: all)</legend>{boxes}</fieldset>"
                   if boxes else "")  # fmt: skip


def _count(counts: dict[str, int] | None, kind: str) -> str:
    return "" if counts is None else f' <span class="count">({counts.get(kind, 0)})</span>'


def _results(found: SearchPage, settings: Layout, root: str) -> list[str]:
    """How many matched (and which are shown), the hits, the pager and the JSON link."""
    request = found.request
    asked = f"<q>{escape(request.text)}</q>"
    if request.kinds:
        asked += f" among {escape(', '.join(request.kinds))}"
    if not found.hits:
        return [f"<p>No match for {asked}.</p>", _all_kinds(found, root)]
    count = f"{found.total} match{'es' if found.total != 1 else ''}"
    last = found.first + len(found.hits) - 1
    shown = f"; {found.first}&ndash;{last} shown" if found.pages > 1 else ""
    head = f"<p>{count} for {asked}{shown}.</p>"
    rows = [_row(hit, settings, root) for hit in found.hits]
    return [
        head,
        _all_kinds(found, root),
        table(("Result", "Kind", "Passage"), rows, ("", "nowrap", "")),
        _pager(found, root),
        f'<p class="formats">Also as: <a href="{escape(_json_href(found, root))}">JSON</a></p>',
    ]


def _row(hit: Hit, settings: Layout, root: str) -> list[str]:
    """A hit: its title (matched words marked) linked to its page, who said it or what it
    belongs to, its kind, and a passage of its text."""
    title = marked_html(hit.title_marked)
    href = href_of(hit.iri, settings, root)
    link = f'<a href="{escape(href)}">{title}</a>' if href else title
    context = f"<br><small>{marked_html(hit.context_marked)}</small>" if hit.context_marked else ""
    return [
        link + context,
        f'<span class="tag">{escape(hit.kind)}</span>',
        marked_html(hit.snippet_marked),
    ]


def _all_kinds(found: SearchPage, root: str) -> str:
    if not found.request.kinds:
        return ""
    everything = sum(found.by_kind.values())
    href = search_url(root, found.request.text, ())
    return f'<p><a href="{escape(href)}">Every kind ({everything})</a></p>'


def _json_href(found: SearchPage, root: str) -> str:
    request = found.request
    return search_url(root, request.text, request.kinds, request.page, ".json")


def _pager(found: SearchPage, root: str) -> str:
    """Page N of M with the first, previous, next and last pages linked."""
    if found.pages == 1:
        return ""
    request, number = found.request, found.request.page

    def link(target: int, text: str, rel: str = "") -> str:
        href = escape(search_url(root, request.text, request.kinds, target))
        return f'<a{f" rel={rel}" if rel else ""} href="{href}">{escape(text)}</a>'

    parts = [f"<span>Page {number} of {found.pages}</span>"]
    if number > 1:
        parts += [link(1, "first"), link(number - 1, "« previous", "prev")]
    if number < found.pages:
        parts += [link(number + 1, "next »", "next"), link(found.pages, "last")]
    return f'<nav class="pager" aria-label="pages">{" ".join(parts)}</nav>'
