"""What a search asks for and what it finds: a page of hits, with the matched words marked.

The index marks matched words with two control characters (:data:`START`, :data:`END`),
which no indexed text holds (:func:`govkg.textsearch.documents.clean`); :func:`marked_html`
escapes the rest and turns them into ``<mark>``, :func:`plain` drops them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from govkg.errors import RequestError, quoted
from govkg.namespaces import DATA_BASE
from govkg.textsearch.kinds import KINDS
from govkg.textsearch.query import words

START, END = "\x02", "\x03"
#: Hits on a page, unless asked otherwise; the most a request may ask for.
PER_PAGE = 20
MAX_PER_PAGE = 1000


@dataclass(frozen=True)
class SearchRequest:
    """A search: its text, the kinds it is limited to (none: every kind), which page of how
    many hits, and the namespace results must be in (the site's data IRIs)."""

    text: str
    kinds: tuple[str, ...] = ()
    page: int = 1
    per_page: int = PER_PAGE
    base: str = DATA_BASE

    def __post_init__(self) -> None:
        unknown = [kind for kind in self.kinds if kind not in KINDS]
        if unknown:
            known = ", ".join(KINDS)
            message = f"{{kind}} {quoted(unknown[0])}: not a kind; choose one of {known}"
            raise RequestError("kind", message)
        if self.page < 1:
            raise RequestError("page", "{page} must be 1 or more")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise RequestError("limit", f"{{limit}} must be from 1 to {MAX_PER_PAGE}")

    @property
    def words(self) -> tuple[str, ...]:
        """The words searched for (none: nothing to search)."""
        return tuple(words(self.text))


@dataclass(frozen=True)
class Hit:
    """One resource found: its kind, its title and a passage of its text, matched words marked
    (:data:`START` … :data:`END`), what else it is found by (a quotation's speaker), and
    whether a name of it is the search text itself."""

    iri: str
    kind: str
    title: str
    title_marked: str
    snippet_marked: str
    context_marked: str
    exact: bool


@dataclass(frozen=True)
class SearchPage:
    """One page of a search's hits, how many there are of the kinds asked for, and how many of
    each kind (whatever kinds were asked for: what a filter would give)."""

    request: SearchRequest
    words: tuple[str, ...]
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    @property
    def first(self) -> int:
        """The number of the page's first hit (1-based)."""
        return (self.request.page - 1) * self.request.per_page + 1


def plain(marked: str) -> str:
    """Marked text without its marks."""
    return marked.replace(START, "").replace(END, "")


def marked_html(marked: str) -> str:
    """Marked text as HTML: escaped, matched words in ``<mark>``."""
    return escape(marked).replace(START, "<mark>").replace(END, "</mark>")


def page_json(found: SearchPage) -> dict[str, object]:
    """A page of hits as JSON data: the request, the counts, and each hit with its title and
    snippet as text and as HTML (escaped, matched words in ``<mark>``)."""
    request = found.request
    return {
        "query": request.text,
        "words": list(found.words),
        "kinds": list(request.kinds),
        "page": request.page,
        "per_page": request.per_page,
        "pages": found.pages,
        "total": found.total,
        "by_kind": found.by_kind,
        "results": [_hit_json(hit, found.first + n) for n, hit in enumerate(found.hits)],
    }


#: The columns of :func:`hit_rows`.
HIT_COLUMNS = ("rank", "kind", "iri", "title", "snippet")


def hit_rows(found: SearchPage) -> list[tuple[int, str, str, str, str]]:
    """The hits as rows of :data:`HIT_COLUMNS` (the snippet without its marks)."""
    return [
        (found.first + n, hit.kind, hit.iri, hit.title, plain(hit.snippet_marked))
        for n, hit in enumerate(found.hits)
    ]


def _hit_json(hit: Hit, rank: int) -> dict[str, object]:
    return {
        "rank": rank,
        "iri": hit.iri,
        "kind": hit.kind,
        "title": hit.title,
        "title_html": marked_html(hit.title_marked),
        "snippet": plain(hit.snippet_marked),
        "snippet_html": marked_html(hit.snippet_marked),
        "context": plain(hit.context_marked),
        "exact": hit.exact,
    }
