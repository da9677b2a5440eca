# ruff: noqa: RUF001 (typographic quotes and apostrophes are what articles print)
"""Whether a sentence places what it reports at an event, so that the actors it names for a
signing, a refusal or a speech can be proposed as the event's attendees.

A sentence places its acts at an event when it says so ("at the summit", "during the summit's
closing ceremony"), dates them to the event's days ("Thursday's text", "on Tuesday" of the
summit's week) or names the event as the scene ("the AI Action Summit in Paris witnessed …",
not "the AI Action Summit declaration").  It rules the event out when it names or places
another event, sets the act in another capital, states a date outside the event's days, sets
the act apart in time ("later", "after the summit") or tells of staying away ("did not
attend", "skipped").  The words of a speech to an audience ("a speech", "addressed", "told
delegates") are told apart from words said to the press.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from govkg.ingest.dates import Stated, overlaps
from govkg.ingest.model import Mention
from govkg.ingest.names import Gazetteer, fold, how_named

#: Days an event may run past its start, where the graph gives only its first day.
SPAN_DAYS = 2
#: Why a sentence places its acts at an event (the values of :attr:`Placing.why`).
AT, ON_ITS_DAY, NAMED = "at", "day", "named"
_NOUN = r"(?:summit|conference|forum|gathering|ministerial|plenary|ceremony)"
#: "at the summit", "during the REAIM summit", "on the sidelines of the conference" (singular).
_AT = re.compile(
    rf"\b(?:at|during|on the (?:sidelines|margins) of)\s+(?:(?:the|this|an?|its|their)\s+)?"
    rf"(?:(?!(?:at|during)\b)[\w’'.-]+\s+){{0,7}}?{_NOUN}(?!s\b)\b",
    re.I,
)
#: Occasions that are not the event, whatever their noun ("at a press conference").
_NOT_THE_EVENT = re.compile(r"\b(?:press|news|media|party)\b", re.I)
#: Words before a name that make it the place of what is told ("in Brussels").
_IN_PLACE = re.compile(r"\b(?:in|at|from)\s+(?:the\s+)?$", re.I)
#: Words that set an act apart in time from the event.
_APART = re.compile(
    r"\b(?:later|afterwards?|subsequently|since then|since the|after the|after its|"
    r"following the|ahead of|before the|prior to|in the (?:hours|days|weeks|months) after)\b",
    re.I,
)
#: Words of staying away: an actor's act named with them is no sign of attending.
_AWAY = re.compile(
    r"\b(?:(?:did not|didn[’']t|does not|will not|won[’']t|could not|not) "
    r"(?:attend|take part|participate|go to|travel to|be present)|skipped|boycott\w*|absent|"
    r"stayed away|(?:was|were) not (?:invited|present|represented)|uninvited|no-show)\b",
    re.I,
)
#: A document noun right after an event's name: the name qualifies the document, it is not the
#: scene ("the AI Action Summit declaration", "the summit's statement").
_DOCUMENT = re.compile(
    r"(?:[’']s)?\s+(?:declaration|statement|text|pledge|document|communiqu[eé]|agreement|"
    r"blueprint|principles|charter|commitments?)\b",
    re.I,
)
#: Words of speaking.
SPOKE = re.compile(
    r"\b(?:said|says|told|added|remarked|argued|emphasi[sz]ed|stated|warned|noted|explained|"
    r"insisted|stressed|urged|reminded|spoke|addressed|announced|declared|pledged|speech)\b",
    re.I,
)
#: Words of a speech to the event's audience, not to the press.
AUDIENCE = re.compile(
    r"\b(?:speech|speeches|addressed|address to|keynote|plenary|dignitaries|delegates|"
    r"delegations|told the (?:summit|conference|gathering|meeting|forum|audience))\b",
    re.I,
)


@dataclass(frozen=True)
class Placing:
    """How a sentence places its acts at one event: ``why`` (:data:`AT`, :data:`ON_ITS_DAY`,
    :data:`NAMED`, or "" when it does not), the words that do it, and ``ruled_out`` when the
    sentence places them elsewhere or at another time."""

    why: str = ""
    words: str = ""
    ruled_out: bool = False


def days_of(gazetteer: Gazetteer, event: str) -> tuple[str, str]:
    """The first and last day an event may have run: its start to :data:`SPAN_DAYS` later when
    the graph gives its start day; its month or year as given otherwise; ("", "") unknown."""
    start = gazetteer.dates.get(event, "")[:10]
    if len(start) != 10:
        return start, start
    last = dt.date.fromisoformat(start) + dt.timedelta(days=SPAN_DAYS)
    return start, last.isoformat()


def placing(
    gazetteer: Gazetteer,
    event: str,
    sentence: str,
    offset: int,
    here: list[Mention],
    placed: list[str],
    stated: list[Stated],
) -> Placing:
    """How ``sentence`` (at ``offset`` in the article; quotations blanked out) places its acts at
    ``event``: ``here`` are the names outside quotations, ``placed`` the events the sentence
    names or places, ``stated`` the dates it states."""
    if (
        _elsewhere(gazetteer, event, here, placed)
        or _APART.search(sentence)
        or _AWAY.search(sentence)
        or _placed_elsewhere(gazetteer, event, sentence, offset, here)
    ):
        return Placing(ruled_out=True)
    first, last = days_of(gazetteer, event)
    if any(not overlaps(d.start, d.end, first, last) for d in stated):
        return Placing(ruled_out=True)
    for match in _AT.finditer(sentence):
        inside = [m for m in here if match.start() <= m.start - offset < match.end()]
        if not _NOT_THE_EVENT.search(match[0]) and not _another_event(
            gazetteer, event, match[0], inside
        ):
            return Placing(AT, match[0])
    on_its_day = [d for d in stated if len(d.start) == 10 and overlaps(d.start, d.end, first, last)]
    if on_its_day:
        return Placing(ON_ITS_DAY, on_its_day[0].words)
    named = [m for m in here if m.type == "event" and m.iri == event]
    for mention in named:
        if not _DOCUMENT.match(sentence[mention.end - offset :]):
            return Placing(NAMED, mention.text)
    nouns = re.finditer(rf"\b{_NOUN}\b", sentence, re.I)
    if (
        not named
        and event in placed
        and any(not _DOCUMENT.match(sentence[n.end() :]) for n in nouns)
    ):
        return Placing(NAMED, "")  # placed by its place or date ("Spain hosted a summit")
    return Placing()


def _elsewhere(gazetteer: Gazetteer, event: str, here: list[Mention], placed: list[str]) -> bool:
    """Whether the sentence names or places another event, or an instrument of another."""
    others = set(placed)
    for mention in here:
        if mention.type == "event" and mention.iri:
            others.add(mention.iri)
        elif mention.type == "instrument" and mention.iri:
            others.add(gazetteer.adopted_at.get(mention.iri, event))
    return bool(others - {event})


def _another_event(gazetteer: Gazetteer, event: str, words: str, inside: list[Mention]) -> bool:
    """Whether the words "at the … summit" name another event than ``event``: another event's
    name, a state, organisation or capital other than the event's place ("at the Seoul summit",
    "at the China-Africa summit"), or an acronym none of the event's names has ("at the G20
    summit")."""
    place = _folded(gazetteer.places.get(event, ""))
    for mention in inside:
        if mention.type == "event" and mention.iri != event:
            return True
        if mention.type in ("state", "organisation") and _folded(mention.text) != place:
            return True
    acronyms = set(re.findall(r"\b[A-Z][A-Z0-9]+\b", words)) - {"AI"}
    return bool(acronyms) and bool(acronyms - _name_words(gazetteer, event))


def _name_words(gazetteer: Gazetteer, event: str) -> set[str]:
    """The words of an event's names ("REAIM", "2026" …)."""
    return {
        word
        for entries in gazetteer.names.values()
        for name, entry in entries
        if entry.iri == event
        for word in name.split()
    }


def _placed_elsewhere(
    gazetteer: Gazetteer, event: str, sentence: str, offset: int, here: list[Mention]
) -> bool:
    """Whether the sentence sets what it tells in a capital other than the event's place ("in a
    speech in Brussels")."""
    place = _folded(gazetteer.places.get(event, ""))
    for mention in here:
        before = sentence[max(0, mention.start - offset - 12) : mention.start - offset]
        if (
            mention.type == "state"
            and how_named(gazetteer, mention) == "capital"
            and _IN_PLACE.search(before)
            and _folded(mention.text) != place
        ):
            return True
    return False


def _folded(text: str) -> str:
    return fold(text).lower().strip()


def actor_of_speaker(
    gazetteer: Gazetteer, text: str, person: Mention, here: list[Mention]
) -> tuple[str, Mention | None]:
    """The state a speaker speaks for: the state of a post the graph gives them, else a state or
    organisation named in the words just before the name ("EU president Ursula von der Leyen"),
    with the mention that names it (None for the post)."""
    state = gazetteer.person_state.get(person.iri or "", "")
    if state:
        return state, None
    for mention in reversed(here):
        if mention.end > person.start or mention.type not in ("state", "organisation"):
            continue
        between = text[mention.end : person.start]
        if (
            mention.iri
            and len(between) <= 40
            and re.fullmatch(r"(?:\s+[A-Za-z][\w.-]*)*\s+", between)
        ):
            return mention.iri, mention
        break
    return "", None
