# ruff: noqa: RUF001 (typographic quotes and apostrophes are what articles print)
"""Events an article names or places: a summit, conference or meeting named ("the AI Action
Summit in Paris", "the REAIM summit in A Coruña") or placed and dated ("Spain hosted a summit on
February 5", "the summits held in The Hague and Seoul in 2023 and 2024"), each resolved to an
event the graph holds, or proposed as a new one when the article gives it a proper name.

What is found is a :class:`FoundEvent`: the words it rests on and the fields of an ``event``
candidate (``name`` the graph's event's IRI, or a new event's name as stated; ``start``, ``end``,
``place`` as stated, ``host`` a state's IRI)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from govkg.ingest.dates import Stated, dates_in
from govkg.ingest.model import Mention
from govkg.ingest.names import Gazetteer, fold, how_named

#: The common nouns of events; a plural one may name several ("the summits held in …"); a
#: meeting names an event only so ("meetings in The Hague and Seoul in 2023 and 2024").
_NOUN = re.compile(r"\b(summit|conference|forum|gathering|meeting|ministerial)(s?)\b", re.I)
#: A place right after an event's name or noun: "in Paris", "in A Coruna, Spain", a Markdown
#: link's target skipped.
_PLACE_AFTER = re.compile(
    r"(?:\]\([^)\s]*\))?(?:\s+(?:summit|conference|forum|meeting)s?)?,?\s+(?:held\s+|hosted\s+)?"
    r"(?:in|at)\s+(?:the city of\s+)?"
    r"(?P<place>(?:[A-Z][\w’'-]*|de|del|la|le)(?:\s(?:[A-Z][\w’'-]*|de|del|la|le)){0,3})"
)
_PLACES_AFTER = re.compile(
    r"^[^.;:]{0,20}?\b(?:held |hosted )?in\s+(?P<places>(?:(?:in\s+)?(?:[A-Z][\w’'-]*\s?){1,3}"
    r"(?:,\s*|\s+and\s+|\s+or\s+)?){2,6})"
)
_SAID_ON = re.compile(r"\b(?:said|told|added|announced|stated|wrote|says)\s+(?:on\s+)?$", re.I)
_MONTH_OR_DAY = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


@dataclass(frozen=True)
class FoundEvent:
    """An event the words name or place: where (``start``-``end`` in the article's text), its
    candidate fields and the mentions it rests on."""

    start: int
    end: int
    fields: dict[str, str]
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class Setting:
    """What the events of a sentence are read with: the article's year and reference date, and
    the series of the event in view (to choose among namesakes of a place and year)."""

    year: str
    reference: dt.date | None
    events: frozenset[str]
    series: str = ""


def events_in(
    gazetteer: Gazetteer, text: str, start: int, end: int, here: list[Mention], setting: Setting
) -> list[FoundEvent]:
    """The events the sentence ``text[start:end]`` names (an event mention, resolved or a new
    proper name) or places (an event noun with a place or a date the graph's events fit)."""
    sentence = text[start:end]
    stated = [
        d
        for d in dates_in(sentence, setting.year, setting.reference)
        if not _SAID_ON.search(sentence[: d.at])
    ]
    out: list[FoundEvent] = []
    named = [m for m in here if m.type == "event"]
    for mention in named:
        place = _place_after(text, mention.end, end)
        fields = _fields(mention.text, mention.iri or "", stated, place)
        fields["host"] = _host(gazetteer, sentence, start, here)
        out.append(FoundEvent(start, end, fields, (mention,)))
    for noun in _NOUN.finditer(sentence):
        at = start + noun.start()
        if any(m.start <= at <= m.end + 2 for m in named):
            continue  # the noun of a name already read ("the AI Action Summit")
        if noun[2]:
            out += _plural(gazetteer, text, start, end, noun, setting)
            continue
        if noun[1].lower() == "meeting":
            continue  # a meeting in a place is most often a bilateral one: a meeting candidate
        place = _place_after(text, start + noun.end(), end) or _place_before(gazetteer, here, at)
        event = _resolve(place, stated, setting, gazetteer)
        if not event:
            continue
        fields = _fields("", event, stated, place)
        fields["host"] = _host(gazetteer, sentence, start, here)
        out.append(FoundEvent(start, end, fields, ()))
    return out


def _fields(name: str, event: str, stated: list[Stated], place: str) -> dict[str, str]:
    """An event's fields: ``name`` the graph's event (``event``), or the name as stated for a
    new one; the first date stated; the place as stated."""
    when = stated[0] if stated else None
    return {
        "name": event or name,
        "start": when.start if when else "",
        "end": when.end if when and when.is_range else "",
        "place": place,
    }


def _place_after(text: str, at: int, end: int) -> str:
    match = _PLACE_AFTER.match(text, at, end)
    if not match or _MONTH_OR_DAY.match(match["place"]):
        return ""
    return match["place"].strip()


def _place_before(gazetteer: Gazetteer, here: list[Mention], at: int) -> str:
    """A capital named just before the noun ("the Paris summit")."""
    for mention in here:
        if 0 < at - mention.end <= 2 and how_named(gazetteer, mention) == "capital":
            return mention.text
    return ""


def _host(gazetteer: Gazetteer, sentence: str, start: int, here: list[Mention]) -> str:
    """The state that hosts the event: "hosted by X" (X a state, or a person the graph gives a
    state), or "X hosted" before the event."""
    by = re.search(r"\bhosted by\s+", sentence)
    if by:
        for mention in here:
            if mention.start >= start + by.end():
                state = _state_of(gazetteer, mention)
                if state:
                    return state
    hosted = re.search(r"\b(?:hosted|hosts|is hosting|was hosting)\b", sentence)
    if hosted and not by:
        before = [m for m in here if m.end <= start + hosted.start()]
        for mention in reversed(before):
            state = _state_of(gazetteer, mention)
            if state and how_named(gazetteer, mention) != "adjective":
                return state
    return ""


def _state_of(gazetteer: Gazetteer, mention: Mention) -> str:
    if mention.type == "state" and mention.iri:
        return mention.iri
    if mention.type == "person" and mention.iri:
        return gazetteer.person_state.get(mention.iri, "")
    return ""


def event_iris(gazetteer: Gazetteer) -> frozenset[str]:
    """The IRIs of the events the gazetteer names."""
    return frozenset(
        entry.iri for entries in gazetteer.names.values() for _, entry in entries
        if entry.type == "event"
    )  # fmt: skip


def _events_at(gazetteer: Gazetteer, place: str, events: frozenset[str]) -> list[str]:
    """The graph's events whose place is ``place`` (accents and case folded)."""
    wanted = fold(place).lower()
    places = gazetteer.places.items()
    return sorted(e for e, p in places if fold(p).lower() == wanted and e in events)


def _resolve(place: str, stated: list[Stated], setting: Setting, gazetteer: Gazetteer) -> str:
    """The graph's event a placed or dated event noun is: one at the place in the year stated
    (or the article's year); else one on the day stated."""
    years = {d.start[:4] for d in stated} or ({setting.year} if setting.year else set())
    if place:
        at = _events_at(gazetteer, place, setting.events)
        fitting = [e for e in at if gazetteer.dates.get(e, "")[:4] in years]
        if not years and len(at) == 1:
            fitting = at
        return _by_series(gazetteer, fitting, setting.series)
    days = {d.start for d in stated if len(d.start) == 10}
    dated = [e for e, date in gazetteer.dates.items() if date[:10] in days and e in setting.events]
    return _by_series(gazetteer, sorted(dated), setting.series)


def _by_series(gazetteer: Gazetteer, events: list[str], series: str) -> str:
    """One event: the only one, or among several the one whose label begins as ``series``."""
    if len(events) == 1:
        return events[0]
    same = [e for e in events if series and gazetteer.labels_of.get(e, "").startswith(series)]
    return same[0] if len(same) == 1 else ""


def _plural(
    gazetteer: Gazetteer, text: str, start: int, end: int, noun: re.Match[str], setting: Setting
) -> list[FoundEvent]:
    """ "the summits held in The Hague and Seoul in 2023 and 2024": each place with the year in
    the same position, resolved to the graph's event there that year."""
    after = text[start + noun.end() : end]
    match = _PLACES_AFTER.match(after)
    if not match:
        return []
    places = [
        p.strip()
        for p in re.split(r",\s*|\s+and\s+|\s+or\s+", re.sub(r"\bin\s+", "", match["places"]))
        if p.strip() and not re.fullmatch(r"(?:19|20)\d\d", p.strip())
    ]
    years = re.findall(r"\b(?:19|20)\d\d\b", after[match.start() : match.end() + 40])
    out = []
    for i, place in enumerate(places):
        year = years[i] if len(years) == len(places) else ""
        if not year:
            continue
        in_year = [Stated(year, year, 0, 0, year)]
        event = _resolve(place, in_year, setting, gazetteer)
        if event:
            fields = _fields("", event, in_year, place)
            fields["host"] = ""
            out.append(FoundEvent(start, end, fields, ()))
    return out
