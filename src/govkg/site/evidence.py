"""The words behind a fact, on the pages: every W3C Web Annotation whose body is the page's
resource (a fact's page) or whose target is the page's source (an article's page), shown as the
passage with the annotated words highlighted (``<mark>``), the words before and after as the
selector records them, and where they are in the text (characters start to end).

The annotations are those ``govkg accept`` writes (:mod:`govkg.ingest.annotations`); the text
itself is not in the graph, the selector's words are.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from itertools import groupby

import pyoxigraph as ox

from govkg.fixed_queries import fixed_query
from govkg.site.kept import KeptByKey
from govkg.site.layout import Layout
from govkg.site.pages import iri_html
from govkg.store import Store

_EVIDENCE = fixed_query(__file__, "evidence")
#: Most passages a page shows (the query asks for one more, to know there are more).
EVIDENCE_LIMIT = 1000
_OPTIONAL = frozenset(("factLabel", "sourceLabel", "start", "end"))


@dataclass(frozen=True)
class Passage:
    """One annotation: the fact, the source, the words and their context, their offsets."""

    annotation: str
    fact: str
    fact_label: str | None
    source: str
    source_label: str | None
    exact: str
    prefix: str
    suffix: str
    start: str | None
    end: str | None


def passages(store: Store, iri: str) -> tuple[list[Passage], bool]:
    """The annotations about ``iri`` (as a fact or as their source), in text order; whether
    there were more than :data:`EVIDENCE_LIMIT`."""
    names = ("annotation", "fact", "factLabel", "source", "sourceLabel", "exact", "prefix",
             "suffix", "start", "end")  # fmt: skip
    found = [
        Passage(*(row.text(n, None if n in _OPTIONAL else "") for n in names))  # type: ignore[arg-type]
        for row in store.query(_EVIDENCE, {"focus": ox.NamedNode(iri)}).records()
    ]
    unique = list({p.annotation: p for p in found}.values())
    return unique[:EVIDENCE_LIMIT], len(unique) > EVIDENCE_LIMIT


def _quote_html(passage: Passage) -> str:
    before = f"…{passage.prefix}" if passage.prefix else ""
    after = f"{passage.suffix}…" if passage.suffix else ""
    return (
        f'<blockquote class="passage"><span class="context">{escape(before)}</span>'
        f"<mark>{escape(passage.exact)}</mark>"
        f'<span class="context">{escape(after)}</span></blockquote>'
    )


def _where(passage: Passage) -> str:
    if passage.start is None or passage.end is None:
        return ""
    where = f"{escape(passage.start)}&ndash;{escape(passage.end)}"
    return f' <span class="meta">(characters {where})</span>'


def evidence_html(store: Store, iri: str, settings: Layout, root: str) -> str:
    """The page's section of highlighted passages, or "" when no annotation is about ``iri``.
    On a fact's page each passage names its source; on a source's page, the facts it supports
    (one passage shown once, with every fact its words support)."""
    found, more = passages(store, iri)
    if not found:
        return ""
    of_source = all(p.source == iri for p in found)
    items = []
    for _where_in_text, group in groupby(found, key=lambda p: (p.source, p.start, p.end, p.exact)):
        shown = list(group)
        first = shown[0]
        if of_source:
            links = ", ".join(iri_html(p.fact, p.fact_label, settings, root) for p in shown)
            caption = f"Supports {links}"
        else:
            caption = f"In {iri_html(first.source, first.source_label, settings, root)}"
        figure = f"{_quote_html(first)}<figcaption>{caption}{_where(first)}</figcaption>"
        items.append(f'<li><figure class="evidence">{figure}</figure></li>')
    heading = "Facts drawn from this text" if of_source else "The words behind this fact"
    what = f"{len(found)} fact(s) in {len(items)} passage(s)" if of_source else f"{len(items)}"
    count = f"{what}{', the first ones' if more else ''}"
    return (
        f'<section id="evidence"><h2>{heading} <span class="count">({count})</span></h2>'
        f'<ol class="evidence-list">{"".join(items)}</ol></section>'
    )


def _evidence(store: Store, key: tuple[str, Layout, str]) -> str:
    iri, settings, root = key
    return evidence_html(store, iri, settings, root)


#: The evidence sections of the pages asked for last (instruments', states' and organisations':
#: read again and again), kept a while.
_KEPT: KeptByKey[tuple[str, Layout, str], str] = KeptByKey(_evidence, 256)


def kept_evidence_html(store: Store, iri: str, settings: Layout, root: str) -> str:
    """:func:`evidence_html`, kept for :data:`govkg.site.kept.TTL` seconds."""
    return _KEPT.get(store, (iri, settings, root))
