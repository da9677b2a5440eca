"""Small pieces of HTML the profile pages share: a linked resource, a stance kind as a coloured
letter and its name, and sources collapsed to a short citation that expands."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Protocol, TypeVar

from govkg.site.layout import Layout
from govkg.site.pages import date_html, href_of, iri_html, source_list, table
from govkg.site.palette import swatch
from govkg.site.profiles import Linked
from govkg.site.resources import PAGE_SIZE, Source


def linked_html(item: Linked | None, settings: Layout, root: str) -> str:
    """A linked resource with its label (no compact IRI beside it)."""
    if item is None:
        return ""
    return iri_html(item.iri, item.label, settings, root, brief=True)


def swatch_html(kind: str, label: str | None = None) -> str:
    """A stance kind as a coloured letter and its name (``label``, the record's own, else the
    palette's): readable without the colour."""
    sw = swatch(kind)
    return (
        f'<span class="kind"><span class="swatch {escape(sw.css)}" aria-hidden="true">'
        f"{escape(sw.letter)}</span> {escape(label or sw.name)}</span>"
    )


def short_citation(
    iris: Sequence[str], sources: dict[str, Source], settings: Layout, root: str
) -> str:
    """Sources collapsed to one short citation (title, publisher, date; "+ N more") that expands
    to the full list with URLs (a ``details`` element: no script)."""
    if not iris:
        return '<span class="meta">none recorded</span>'
    first = sources.get(iris[0])
    name = _citation_text(first, iris[0])
    more = f" + {len(iris) - 1} more" if len(iris) > 1 else ""
    full = source_list(iris, sources, settings, root)
    return f'<details class="cite"><summary>{escape(name + more)}</summary>{full}</details>'


def _citation_text(source: Source | None, iri: str) -> str:
    if source is None:
        return iri.rsplit("/", 1)[-1]
    text = source.title or source.label or (source.url or iri).rsplit("/", 1)[-1]
    if len(text) > 70:
        text = text[:67].rstrip() + "…"
    meta = ", ".join(v for v in (source.publisher, source.date) if v)
    return f"{text} ({meta})" if meta else text


#: The downloads of a profile's stance table, as suffixes of the page's name.
DOWNLOADS = {"csv": "CSV", "json": "JSON"}


def download_links(doc_name: str) -> str:
    """Links to a profile's stance table as CSV and JSON (``./USA.stances.csv``)."""
    return " ".join(
        f'<a href="./{escape(doc_name)}.stances.{ext}" download>{name}</a>'
        for ext, name in DOWNLOADS.items()
    )


class StanceLike(Protocol):
    """What a profile's stance table needs of a stance (an instrument's or an actor's)."""

    @property
    def stance(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def kind_label(self) -> str: ...
    @property
    def date(self) -> str | None: ...
    @property
    def as_of(self) -> str | None: ...
    @property
    def sources(self) -> tuple[str, ...]: ...
    @property
    def primary(self) -> tuple[str, ...]: ...


S = TypeVar("S", bound=StanceLike)


def stance_table(
    other: tuple[str, Callable[[S], str]],
    stances: Sequence[S],
    sources: dict[str, Source],
    settings: Layout,
    root: str,
    doc_name: str,
    page: int,
) -> str:
    """Page ``page`` of a profile's stances by date: the other end (``other``: its header and
    how to show it), the kind (linked to the stance's page), the date, the sources collapsed;
    with the downloads of the whole table."""
    total = len(stances)
    start = (page - 1) * PAGE_SIZE
    shown = stances[start : start + PAGE_SIZE]
    where = f"{start + 1}&ndash;{start + len(shown)} of {total}" if total > PAGE_SIZE else total
    head = (
        f'<h2>Stances by date <span class="count">({where})</span></h2>'
        f'<p class="downloads">Download the whole table: {download_links(doc_name)}. Dates in '
        "italics are as-of dates (a list named the actor by then); the others are the dates of "
        "the acts.</p>"
    )
    header, show = other
    rows = [[show(s), *_stance_cells(s, sources, settings, root)] for s in shown]
    return head + table((header, "Stance", "Date", "Sources"), rows, ("", "nowrap", "nowrap"))


def _stance_cells(
    s: StanceLike, sources: dict[str, Source], settings: Layout, root: str
) -> list[str]:
    kind = swatch_html(s.kind, s.kind_label)
    href = href_of(s.stance, settings, root)
    if href:
        kind = f'<a href="{escape(href)}">{kind}</a>'
    cited = short_citation(s.sources, sources, settings, root)
    if s.primary:
        cited += "<small>Primary: </small>" + short_citation(s.primary, sources, settings, root)
    return [kind, date_html(s.date, s.as_of), cited]
