"""The pages' one palette: a colour, a letter and a name for each stance kind and for the two kinds
of missing stance, and the bins of the agreement scale.

Colours are the Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design"), told apart by
the three common kinds of colour blindness; every cell, map shape and chart mark also carries its
letter or its name, so nothing is read from colour alone.  In favour is blue or green, against is
vermillion, purple or orange, abstentions are yellow; the two missing kinds are grey and
hatched white.  The export palette (:mod:`govkg.export.palette`) keeps Gephi's familiar red and
green; the pages use this one.  CSS classes are ``st-<key>`` (see ``static/style.css``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Swatch:
    """How the pages show one kind of stance: its CSS class key, colour, letter and name."""

    key: str
    colour: str
    letter: str
    name: str

    @property
    def css(self) -> str:
        return f"st-{self.key}"


#: Stance kinds (the slugs of ``stancekind:``), then the two kinds of missing stance, in the order
#: of the legends: in favour, neutral, against, missing.
SWATCHES: tuple[Swatch, ...] = (
    Swatch("ratified", "#003F6B", "R", "ratified"),
    Swatch("acceded", "#004C80", "C", "acceded"),
    Swatch("accepted-approved", "#005A94", "V", "accepted or approved"),
    Swatch("signed", "#0072B2", "S", "signed"),
    Swatch("endorsed", "#56B4E9", "E", "endorsed"),
    Swatch("joined", "#3C9CC8", "J", "joined"),
    Swatch("lead-sponsored", "#006B4F", "L", "lead sponsor"),
    Swatch("co-sponsored", "#3DB28C", "K", "co-sponsored"),
    Swatch("voted-yes", "#009E73", "Y", "voted yes"),
    Swatch("participated", "#A8D5BA", "P", "participated"),
    Swatch("abstained", "#F0E442", "A", "abstained"),
    Swatch("did-not-vote", "#999999", "O", "did not vote"),
    Swatch("did-not-sign", "#E69F00", "X", "took part, did not sign"),
    Swatch("left", "#B07AA1", "Q", "left"),
    Swatch("withdrew", "#8E4585", "W", "withdrew"),
    Swatch("dissociated", "#A0522D", "Z", "dissociated from the consensus"),
    Swatch("declined", "#CC79A7", "D", "declined"),
    Swatch("voted-no", "#D55E00", "N", "voted no"),
    #: Not on a list that is complete: as far as the list tells, the state did not join it.
    Swatch("not-listed", "#D9D9D9", "-", "not on the complete list"),
    #: Not among those the list is of: a UN vote of a state that is not a UN member, or of an
    #: organisation.
    Swatch("not-party", "#F2F2F2", "/", "not a party (not a UN member: no vote)"),
    #: No stance recorded and the list is not complete: unknown, not a refusal.
    Swatch("no-record", "#FFFFFF", "?", "no record (the list is partial)"),
)
BY_KEY: dict[str, Swatch] = {s.key: s for s in SWATCHES}
#: The keys of cells without a stance.
MISSING = frozenset({"not-listed", "not-party", "no-record"})
#: Kinds that count as in favour, as against, and as neither.
IN_FAVOUR = frozenset(
    {"ratified", "acceded", "accepted-approved", "signed", "endorsed", "joined",
     "lead-sponsored", "co-sponsored", "voted-yes"}
)  # fmt: skip
AGAINST = frozenset({"declined", "did-not-sign", "voted-no", "withdrew", "left", "dissociated"})
OTHER = BY_KEY["participated"]


def swatch(kind: str | None) -> Swatch:
    """The swatch of a stance kind's slug or IRI (``signed``, ``…/stance-kind/signed``); a kind
    the palette does not know is shown as "participated"'s neighbour: its own name, letter "?"."""
    key = (kind or "").rsplit("/", 1)[-1]
    found = BY_KEY.get(key)
    if found is not None:
        return found
    return Swatch(key or "unknown", OTHER.colour, "·", key.replace("-", " ") or "unknown")


#: The agreement scale of a state's map: (lower bound, colour), from ColorBrewer's colour-blind
#: safe sequential "Blues" (five classes); agreement is a share from 0 to 1.
AGREEMENT_BINS: tuple[tuple[float, str], ...] = (
    (0.0, "#eff3ff"),
    (0.2, "#bdd7e7"),
    (0.4, "#6baed6"),
    (0.6, "#3182bd"),
    (0.8, "#08519c"),
)


def agreement_bin(value: float) -> int:
    """The index of the agreement bin ``value`` (0 to 1) falls in."""
    index = 0
    for i, (low, _colour) in enumerate(AGREEMENT_BINS):
        if value >= low:
            index = i
    return index


def stylesheet() -> str:
    """The CSS rules of the palette's classes (fill for SVG, background for table cells)."""
    rules = []
    for s in SWATCHES:
        ink = _ink(s.colour)
        rules.append(f".{s.css}{{fill:{s.colour};background:{s.colour};color:{ink}}}")
    for i, (_low, colour) in enumerate(AGREEMENT_BINS):
        rules.append(f".ag-{i}{{fill:{colour};background:{colour};color:{_ink(colour)}}}")
    return "\n".join(rules) + "\n"


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _ink(colour: str) -> str:
    """Black or white text on ``colour``, whichever contrasts more (WCAG contrast ratio)."""
    lum = _luminance(colour)
    return "#000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#fff"
