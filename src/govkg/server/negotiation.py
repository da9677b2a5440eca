"""Content negotiation: parse an Accept header (with q-values) and pick the best offered type."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; no header or an empty one means ``*/*``."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        kind, sep, sub = media.lower().partition("/")
        if not sep or not kind or not sub:
            continue
        ranges.append(MediaRange(kind, sub, _q(params), order))
    return ranges


def _q(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def quality(ranges: list[MediaRange], media_type: str) -> tuple[float, int]:
    """The q-value the most specific matching range gives ``media_type``, and its position."""
    matching = [r for r in ranges if r.matches(media_type)]
    if not matching:
        return 0.0, 0
    best = max(matching, key=lambda r: (r.specificity, -r.order))
    return best.q, best.order


def choose(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header likes best (ties: the client's order, then ours).

    None when nothing offered is acceptable.
    """
    ranges = parse_accept(header)
    scored = []
    for rank, media_type in enumerate(offered):
        q, order = quality(ranges, media_type)
        if q > 0:
            scored.append((-q, order, rank, media_type))
    return min(scored)[3] if scored else None


def wants_page(accept: str | None) -> bool:
    """Whether a GET of ``/sparql`` without a query should show the query page: the client
    prefers HTML to Turtle (a browser does; ``*/*`` and no Accept give the Service
    Description)."""
    return bool(accept) and choose(accept, ["text/turtle", "text/html"]) == "text/html"


def prefers_html(accept: str | None) -> bool:
    """Whether an error should be an HTML page rather than plain text for this Accept header."""
    return bool(accept) and choose(accept, ["text/plain", "text/html"]) == "text/html"
