"""A canned query's answer a page at a time on the web: ``?page=N`` (from 1) and ``?limit=SIZE``.

The page is taken in the query itself (:mod:`govkg.paging`); the answer says how many rows the
whole answer has (the ``X-Govkg-Total`` header; ``total``, ``limit``, ``offset`` and ``page``
members in JSON; a line with previous and next links in HTML) and links its neighbours
(``Link: <…>; rel="next"``).  Without ``page`` or ``limit`` an answer is whole, as before.  A
query that declares a parameter named ``page`` or ``limit`` keeps it as its parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from govkg.errors import ParameterError
from govkg.paging import Page, Paged, page_number, page_summary
from govkg.queries import Query

#: The rows of a page when ``?limit=`` does not say (capped by the server's ``max_rows``).
PAGE_SIZE = 100
#: The header that gives the number of rows of the whole answer.
TOTAL = "X-Govkg-Total"
_WORDS = ("page", "limit")


@dataclass(frozen=True)
class PageRequest:
    """The page asked for: its number (from 1), its size, and whether the size was given."""

    number: int
    size: int
    sized: bool

    @property
    def page(self) -> Page:
        """The rows the page holds."""
        return page_number(self.number, self.size)


def split_paging(
    query: Query, given: dict[str, str], max_rows: int
) -> tuple[dict[str, str], PageRequest | None]:
    """The query's parameters and the page asked for (None: the whole answer); a page or size
    that is not a whole number of 1 or more is a :class:`ParameterError`."""
    declared = {p.name for p in query.parameters}
    words = {w: given[w] for w in _WORDS if w in given and w not in declared}
    if not words:
        return given, None
    params = {name: value for name, value in given.items() if name not in words}
    number = _whole(words.get("page", "1"), "page")
    size = _whole(words["limit"], "limit") if "limit" in words else PAGE_SIZE
    return params, PageRequest(number, min(size, max_rows), "limit" in words)


def _whole(text: str, name: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ParameterError(f"{name} {text!r}: expected a whole number, 1 or more")
    return int(text)


def _href(params: dict[str, str], wanted: PageRequest, number: int) -> str:
    """The query string of page ``number`` (relative: the same path)."""
    extra = {"page": str(number), **({"limit": str(wanted.size)} if wanted.sized else {})}
    return "?" + urlencode({**params, **extra})


def neighbours(params: dict[str, str], wanted: PageRequest, paged: Paged) -> dict[str, str]:
    """``prev`` and ``next`` → the query string of that page, for the pages that exist."""
    links = {}
    last = max(1, -(-paged.total // wanted.size))
    if 1 < wanted.number <= last + 1:
        links["prev"] = _href(params, wanted, min(wanted.number - 1, last))
    if wanted.number < last:
        links["next"] = _href(params, wanted, wanted.number + 1)
    return links


def paged_headers(params: dict[str, str], wanted: PageRequest, paged: Paged) -> dict[str, str]:
    """``X-Govkg-Total`` and a ``Link`` header to the previous and next pages."""
    headers = {TOTAL: str(paged.total)}
    links = neighbours(params, wanted, paged)
    if links:
        headers["Link"] = ", ".join(f'<{href}>; rel="{rel}"' for rel, href in links.items())
    return headers


def paged_members(wanted: PageRequest, paged: Paged) -> dict[str, object]:
    """The members a paged JSON answer has besides the SPARQL results."""
    return {
        "total": paged.total,
        "page": wanted.number,
        "limit": wanted.size,
        "offset": paged.page.offset,
    }


def paging_html(params: dict[str, str], wanted: PageRequest, paged: Paged) -> str:
    """A line with the rows shown, the total, and links to the previous and next pages."""
    links = neighbours(params, wanted, paged)
    last = max(1, -(-paged.total // wanted.size))
    parts = [f"{page_summary(paged).capitalize()} (page {wanted.number} of {last})."]
    for rel, label in (("prev", "Previous page"), ("next", "Next page")):
        if rel in links:
            parts.append(f'<a rel="{rel}" href="{escape(links[rel])}">{label}</a>')
    return f'<p class="paging">{" ".join(parts)}</p>'
