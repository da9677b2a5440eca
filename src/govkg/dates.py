"""What a stance's date is, and how to show it.

A stance carries the date of its act (``dcterms:date``: signed on that day), an as-of date
(``gk:asOf``: a list named the actor by that day; the act may be earlier) or no date at all. Any of
them may be partial (``2025-02``, ``2025``). Tables and exports name the kind (``act``, ``as_of``,
``unknown``); pages show it in words: "2025-02-11", "listed by 2026-07-17", "2025-02 (month)",
"date unknown", each with a sentence that explains it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DateKind = Literal["act", "as_of", "unknown"]

ACT: DateKind = "act"
AS_OF: DateKind = "as_of"
UNKNOWN: DateKind = "unknown"

_PRECISION = {4: "year", 7: "month"}


def date_kind(act: str | None, as_of: str | None) -> DateKind:
    """``act`` when the act is dated (even if a list's date is known too), else ``as_of`` when a
    list's date is known, else ``unknown``."""
    if act:
        return ACT
    return AS_OF if as_of else UNKNOWN


def precision(value: str) -> str:
    """``day``, ``month`` or ``year``, by the lexical form (2025-02-11, 2025-02, 2025)."""
    return _PRECISION.get(len(value), "day")


@dataclass(frozen=True)
class ShownDate:
    """A stance's date as a page shows it: the words, what they mean, and its kind and precision."""

    text: str
    explanation: str
    kind: DateKind
    precision: str


def shown_date(act: str | None, as_of: str | None) -> ShownDate:
    """The date to show for a stance with these dates (either may be None)."""
    kind = date_kind(act, as_of)
    value = act if kind == ACT else as_of
    if not value:
        return ShownDate("date unknown", "The record has no date for this stance.", UNKNOWN, "")
    level = precision(value)
    partial = f" ({level})" if level != "day" else ""
    known = f"; only the {level} is known" if partial else ""
    if kind == ACT:
        return ShownDate(f"{value}{partial}", f"The date of the act{known}.", kind, level)
    meaning = f"An as-of date{known}: a list named this actor by then; the act may be earlier."
    return ShownDate(f"listed by {value}{partial}", meaning, kind, level)
