# ruff: noqa: RUF001 (articles print en and em dashes in ranges)
"""Dates an article states, resolved to ISO dates: absolute ("February 10, 2025", "14 May"),
ranges ("May 14-15", "10 to 11 February 2025"), months ("in May", "last November", "May 2024"),
years ("in 2024") and expressions relative to the article's date ("on Thursday", "this week",
"last week", "earlier this month", "yesterday").

A date is a :class:`Stated`: ``start`` and ``end`` as ISO strings to the precision the words give
(YYYY, YYYY-MM or YYYY-MM-DD; ``end`` equals ``start`` for one day, month or year), as the gold's
date ranges are given ("2026-05-14" to "2026-05-15").  Words that need a year the article does not
give, or a reference date it does not have, resolve to nothing rather than to a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DASH = r"\s*(?:-|–|—|to|until|and)\s*"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_DAY = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th)?"

#: The patterns of stated dates, each named for how it resolves; the first that matches at a
#: place wins (ranges before single days, days before months).
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I if name.startswith("relative") else 0))
    for name, pattern in (
        # May 30 - June 2, 2026 / 30 May - 2 June 2026
        ("cross", rf"\b(?P<month>{_MONTH}) {_DAY.format('day')}{_DASH}(?P<month2>{_MONTH}) "
                  rf"{_DAY.format('day2')}{_YEAR}\b"),
        ("cross", rf"\b{_DAY.format('day')} (?P<month>{_MONTH}){_DASH}{_DAY.format('day2')} "
                  rf"(?P<month2>{_MONTH}){_YEAR}\b"),
        # May 14-15, 2026 / 14-15 May 2026
        ("range", rf"\b(?P<month>{_MONTH}) {_DAY.format('day')}{_DASH}{_DAY.format('day2')}"
                  rf"(?!\s*(?:{_MONTH}|%|per|percent|countries|nations|states)){_YEAR}\b"),
        ("range", rf"\b{_DAY.format('day')}{_DASH}{_DAY.format('day2')} (?P<month>{_MONTH})"
                  rf"{_YEAR}\b"),
        # (Thursday,) February 5(, 2026) / 5 February 2026
        ("day", rf"\b(?:(?P<weekday>{_WEEKDAY}),? )?(?P<month>{_MONTH}) {_DAY.format('day')}"
                rf"(?!\d){_YEAR}\b"),
        ("day", rf"\b(?:(?P<weekday>{_WEEKDAY}),? )?{_DAY.format('day')} (?P<month>{_MONTH})"
                rf"{_YEAR}\b"),
        # last/next/this November; in May (2024); May 2024
        ("month", rf"\b(?P<which>[Ll]ast|[Nn]ext|[Tt]his|[Ee]arlier this|[Ll]ater this) "
                  rf"(?P<month>{_MONTH})\b"),
        ("month", rf"\b(?:[Ii]n|[Dd]uring|[Ss]ince|[Uu]ntil|[Bb]y|[Ee]arly|[Ll]ate|[Mm]id-?)\s+"
                  rf"(?P<month>{_MONTH})(?:\s+(?P<year>(?:19|20)\d\d))?\b"),
        ("month", rf"\b(?P<month>{_MONTH}) (?P<year>(?:19|20)\d\d)\b"),
        # on Thursday, last Thursday, earlier Tuesday
        ("weekday", rf"\b(?:(?P<which>[Ll]ast|[Nn]ext|[Tt]his|[Ee]arlier|[Ll]ater|[Oo]n|[Bb]y)\s+)?"
                    rf"(?P<weekday>{_WEEKDAY})\b(?!,? {_MONTH}|,? \d)"),
        ("relative-day", r"\b(?P<word>today|yesterday|tomorrow)\b"),
        ("relative-span", r"\b(?P<which>last|next|this|earlier this|later this|past|previous|"
                          r"coming)\s+(?P<unit>week|month|year)\b"),
        ("year", r"\b(?:[Ii]n|[Dd]uring|[Ss]ince|[Bb]y|[Uu]ntil|[Ee]arly|[Ll]ate|[Mm]id-?)\s+"
                 r"(?P<year>(?:19|20)\d\d)\b(?!\s*(?:-|–)\s*\d)"),
    )
)  # fmt: skip
_FUTURE = re.compile(r"\b(?:will|shall|is to|are to|is set to|are set to|is due|are due|plans? to|"
                     r"scheduled|upcoming|expected to|next)\b", re.I)  # fmt: skip


@dataclass(frozen=True)
class Stated:
    """A date the words state: ``start``-``end`` (ISO, to the precision the words give) and where
    the words are (``at``-``stop`` within the words searched)."""

    start: str
    end: str
    at: int
    stop: int
    words: str

    @property
    def is_range(self) -> bool:
        return self.end != self.start


def dates_in(words: str, year: str = "", reference: dt.date | None = None) -> list[Stated]:
    """The dates ``words`` state, in order: a date without a year takes ``year``, a relative
    one is resolved against ``reference``; one that cannot be resolved is left out."""
    out: list[Stated] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(words):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            taken.append((match.start(), match.end()))
            resolved = _RESOLVE[name](match, year, reference, words)
            if resolved:
                start, end = resolved
                out.append(Stated(start, end, match.start(), match.end(), match[0]))
    return sorted(out, key=lambda s: s.at)


def first_date(words: str, year: str = "", reference: dt.date | None = None) -> Stated | None:
    """The first date ``words`` state (see :func:`dates_in`), or None."""
    found = dates_in(words, year, reference)
    return found[0] if found else None


def overlaps(start: str, end: str, other: str, other_end: str) -> bool:
    """Whether two date ranges overlap (ISO dates of any precision, an empty end meaning the
    start), each end compared to the precision of the less precise; an empty start overlaps
    nothing."""
    if not start or not other:
        return False
    end, other_end = end or start, other_end or other
    return _not_after(start, other_end) and _not_after(other, end)


def _not_after(x: str, y: str) -> bool:
    n = min(len(x), len(y))
    return x[:n] <= y[:n]


def month_number(name: str) -> int:
    return MONTHS.index(name.lower()) + 1


def _iso(year: str, month: str, day: str) -> str:
    try:
        return dt.date(int(year), month_number(month), int(day)).isoformat()
    except ValueError:
        return ""


def _year_of(match: re.Match[str], year: str) -> str:
    return match.groupdict().get("year") or year


def _cross(m: re.Match[str], year: str, ref: dt.date | None, words: str) -> tuple[str, str] | None:
    y = _year_of(m, year)
    start, end = _iso(y, m["month"], m["day"]), _iso(y, m["month2"], m["day2"])
    if start and end and end < start:  # December 30 - January 2
        start = _iso(str(int(y) - 1), m["month"], m["day"])
    return (start, end) if start and end and start <= end else None


def _range(m: re.Match[str], year: str, ref: dt.date | None, words: str) -> tuple[str, str] | None:
    y = _year_of(m, year)
    start, end = _iso(y, m["month"], m["day"]), _iso(y, m["month"], m["day2"])
    return (start, end) if start and end and start < end else None


def _day(m: re.Match[str], year: str, ref: dt.date | None, words: str) -> tuple[str, str] | None:
    day = _iso(_year_of(m, year), m["month"], m["day"])
    return (day, day) if day else None


def _month(m: re.Match[str], year: str, ref: dt.date | None, words: str) -> tuple[str, str] | None:
    month = month_number(m["month"])
    which = (m.groupdict().get("which") or "").lower()
    if not which:
        given = _year_of(m, year)
        y = int(given) if given else 0
    elif ref is None:
        y = 0
    elif which == "last":  # the latest such month before the reference's month
        y = ref.year if month < ref.month else ref.year - 1
    elif which == "next":
        y = ref.year if month > ref.month else ref.year + 1
    else:
        y = ref.year
    if not y:
        return None
    iso = f"{y:04d}-{month:02d}"
    return (iso, iso)


def _weekday(
    m: re.Match[str], year: str, ref: dt.date | None, words: str
) -> tuple[str, str] | None:
    """A weekday of the reference's week: the last one on or before the reference, or, with
    "next" or words of the future, the first one after it."""
    if ref is None:
        return None
    which = (m["which"] or "").lower()
    wanted = WEEKDAYS.index(m["weekday"].lower())
    back = (ref.weekday() - wanted) % 7
    if which == "next" or (which not in ("last", "earlier") and _FUTURE.search(words)):
        day = ref + dt.timedelta(days=(wanted - ref.weekday()) % 7 or 7)
    else:
        day = ref - dt.timedelta(days=back or (7 if which == "last" else 0))
    return (day.isoformat(), day.isoformat())


def _relative_day(
    m: re.Match[str], year: str, ref: dt.date | None, words: str
) -> tuple[str, str] | None:
    if ref is None:
        return None
    shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[m["word"].lower()]
    day = (ref + dt.timedelta(days=shift)).isoformat()
    return (day, day)


def _relative_span(
    m: re.Match[str], year: str, ref: dt.date | None, words: str
) -> tuple[str, str] | None:
    """The week (Monday to Sunday), month or year named relative to the reference."""
    if ref is None:
        return None
    which, unit = m["which"].lower(), m["unit"].lower()
    step = -1 if which in ("last", "past", "previous") else 1 if which in ("next", "coming") else 0
    if unit == "week":
        monday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=step)
        return (monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat())
    if unit == "month":
        index = ref.year * 12 + ref.month - 1 + step
        iso = f"{index // 12:04d}-{index % 12 + 1:02d}"
        return (iso, iso)
    iso = f"{ref.year + step:04d}"
    return (iso, iso)


def _year(m: re.Match[str], year: str, ref: dt.date | None, words: str) -> tuple[str, str] | None:
    return (m["year"], m["year"])


_RESOLVE = {
    "cross": _cross,
    "range": _range,
    "day": _day,
    "month": _month,
    "weekday": _weekday,
    "relative-day": _relative_day,
    "relative-span": _relative_span,
    "year": _year,
}


# ---------------------------------------------------------------------- the article's own date


def weekday_year(text: str, latest: int) -> str:
    """The year of the first "Weekday, Month Day" without a year in the text: the latest year
    not after ``latest`` on which that day falls on that weekday (within twelve years), or ""."""
    pattern = rf"\b({_WEEKDAY}),? ({_MONTH}) (\d{{1,2}})\b(?!,? (?:19|20)\d\d)"
    for match in re.finditer(pattern, text):
        for year in range(latest, latest - 12, -1):
            try:
                day = dt.date(year, month_number(match[2]), int(match[3]))
            except ValueError:
                break
            if day.strftime("%A") == match[1]:
                return str(year)
    return ""


def month_days(text: str) -> list[tuple[int, int]]:
    """The (month, day) of every day the text states without a year."""
    out = []
    for stated in dates_in(text, year="2000"):  # a leap year: any February 29 is kept
        if len(stated.start) == 10 and not re.search(r"(?:19|20)\d\d", stated.words):
            for iso in {stated.start, stated.end}:
                out.append((int(iso[5:7]), int(iso[8:10])))
    return out


def event_year(text: str, events: Iterable[tuple[str, str, str]]) -> str:
    """The year of a dated event the text places and dates without a year: among ``events``
    (start, end, place label), one whose place the text names and whose days include a month
    and day the text states; "" when none or when such events disagree on the year."""
    days = set(month_days(text))
    years = set()
    for start, end, place in events:
        if len(start) < 10 or not place or not re.search(rf"\b{re.escape(place)}\b", text):
            continue
        first = dt.date.fromisoformat(start)
        last = dt.date.fromisoformat(end) if len(end) == 10 else first
        span = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
        if any((d.month, d.day) in days for d in span):
            years.add(start[:4])
    return years.pop() if len(years) == 1 else ""


def reference_date(text: str, published: str, year: str) -> dt.date | None:
    """The day relative dates count from: the publication date, else the first day the text
    states (with ``year``), else None."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", published[:10]):
        return dt.date.fromisoformat(published[:10])
    for stated in dates_in(text, year):
        if len(stated.start) == 10:
            return dt.date.fromisoformat(stated.start)
    return None
