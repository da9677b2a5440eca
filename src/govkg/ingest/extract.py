# ruff: noqa: RUF001 (typographic quotes and apostrophes are what articles print)
"""Candidate facts found in an article, sentence by sentence, by general rules on the words
(stances with their negation and hedging, attendance, counts, quotes, meetings, events), each
with its selector and the names it rests on.  Dates are read by :mod:`govkg.ingest.dates`
against the article's date (or the year inferred from its text), events by
:mod:`govkg.ingest.events`.  Attendance is proposed where the words state it, and inferred, with
a note saying why, from an event's host, from a signing or refusal of an event's instrument
that the words place at the event (:mod:`govkg.ingest.attendance`), from signatories the
article counts among those that took part, and from a speech at the event."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from govkg.ingest import attendance
from govkg.ingest.dates import (
    Stated,
    dates_in,
    event_year,
    overlaps,
    reference_date,
    weekday_year,
)
from govkg.ingest.events import Setting, event_iris, events_in
from govkg.ingest.model import Article, Candidate, Mention
from govkg.ingest.names import Gazetteer, find_mentions, fold, how_named
from govkg.ingest.text import selector, sentences

_VERBS = r"(?:sign|endorse|back|join|adopt|approve|support)"
#: Words of refusal (a refusal on record: declined), of absence (did-not-sign), of hedging, of
#: signing; the first that matches at a place wins.
_DECLINED = re.compile(
    rf"\b(?:(?:refus\w*|declin\w*|chose not|opted not|decided not|decision not|refusal)"
    rf"(?: of [^,.;]{{1,60}}?)? (?:not )?to {_VERBS}\w*|opted out|rejected|reject)\b",
    re.I,
)
_ABSENT = re.compile(
    rf"\b(?:did not|didn['’]t|have not|has not|had not|not) {_VERBS}(?:ed|ing)?\b", re.I
)
_HEDGED = re.compile(
    rf"\b(?:(?:is|are|was|were) expected to|may|might|could|plans? to|planning to|"
    rf"(?:is|are) set to|"
    rf"will|would|intends? to) {_VERBS}\b",
    re.I,
)
_SIGNED = re.compile(
    r"\b(signed(?: on)?|signatories|signatory|endorsed|backed|joined|adopted|approved|"
    r"put (?:their|its) names? to)\b",
    re.I,
)
_AGREED = re.compile(r"\b(?:have |has |had )?agreed (?:to|with|on|that|by)\b", re.I)
_BILATERAL = re.compile(r"\b(?:agree\w*|talks|met|meeting|summit)\b", re.I)
#: Words of attending; the actors are named before them ("India and Kenya attended").
_ATTENDED = re.compile(
    r"\b(?:took part|attended|participated|(?:were|was) present|(?:were|was) represented|"
    r"joined the (?:[\w’'-]+ ){0,6}?(?:summit|conference|forum|gathering|ministerial)|"
    r"sent (?:a|an|its|their) (?:[\w-]+ )?delegations?)\b",
    re.I,
)
#: Words of attending with the actors named after them ("attended by India and Kenya").
_ATTENDED_BY = re.compile(r"\b(?:attended by|delegations? (?:from|of))\s", re.I)
#: A delegation named for its state ("the Chinese delegation", "India's delegation").
_DELEGATION = re.compile(r"^(?:[’']s)?\s+delegation\b", re.I)
#: Stance kinds that, done at an event, show the actor there; the words a note gives them.
_ACTS = {"signed": "signed", "endorsed": "endorsed", "declined": "declined to sign",
         "did-not-sign": "did not sign"}  # fmt: skip
_POSITIVE = ("signed", "endorsed")
_SAID = re.compile(
    r"\b(said|says|told|added|remarked|argued|emphasi[sz]ed|stated|wrote|warned|noted|explained|"
    r"described|insisted|stressed|urged|according to)\b",
    re.I,
)
_QUOTE = re.compile(r"“([^”]{2,}?)”|\"([^\"\n]{2,}?)\"")
_NUMBER_MODS = {
    "only": "exact", "just": "exact", "in all,": "exact", "about": "approximate",
    "around": "approximate", "roughly": "approximate", "some": "approximate",
    "nearly": "approximate", "almost": "approximate", "approximately": "approximate",
    "over": "lower-bound", "more than": "lower-bound", "at least": "lower-bound",
}  # fmt: skip
_MOD = (
    r"(?P<mod>only|just|about|around|roughly|some|nearly|almost|approximately|over|"
    r"more than|at least)?\s*"
)
_COUNT_OF = re.compile(_MOD + r"\b(?P<value>\d{1,4}) (?:out )?of (?:the )?(?P<out>\d{1,4})\b", re.I)
_COUNT = re.compile(
    _MOD + r"\b(?P<value>\d{1,4}) (?:\w+ ){0,1}(?:countries|nations|states|governments|delegations|"
    r"signatories|participants|members|(?P<principles>principles))\b",
    re.I,
)
_PARTICIPANTS = re.compile(r"\b(took part|attended|attendees|participat\w*|present)\b", re.I)
_MEETING = re.compile(
    r"\b(met|meets|meeting (?:with|between)|talks|summit (?:with|between)|"
    r"dialogue (?:with|between)|agreed to launch|agreed with)\b",
    re.I,
)
#: Words that point back to the parties of the meeting in view.
_BOTH = re.compile(
    r"\b(?:the two (?:presidents|leaders|sides|countries|governments|nations|ministers)|"
    r"both (?:leaders|sides|presidents)|their (?:talks|meeting|summit))\b",
    re.I,
)
_DIALOGUE = re.compile(r"\b(?:dialogue|agreed to launch)\b", re.I)
_SAID_ON = re.compile(r"\b(?:said|says|told|added|announced|stated|wrote)\s+(?:on\s+)?$", re.I)
_COREFERENCE = re.compile(
    r"\bthe (declaration|document|statement|pledge|text|agreement|blueprint)\b", re.I
)
_ACTOR_TYPES = ("state", "organisation")
_PLACE_WORDS = re.compile(r"\b(?:in|at|from|to|near|held in|hosted in)\s+$", re.I)
_EXCLUDING = re.compile(
    r"\b(?:excluding|except|without|not including|but not)\s+(?:the\s+)?$", re.I
)
_STRENGTH = {"declined": 0, "did-not-sign": 1}


@dataclass
class _Context:
    """What earlier sentences said: the last target named, the last speaker, the last meeting's
    parties, and the events the article's own dates point to."""

    article: Article
    gazetteer: Gazetteer
    target: str = ""
    speaker: Mention | None = None
    speaker_at: int = -9  # the number of the sentence that named the speaker
    parties: list[str] = field(default_factory=list)
    meeting_date: tuple[str, str] = ("", "")  # the last meeting's start and end
    meeting_what: str = "meeting"  # the last meeting's kind: meeting or dialogue
    year: str = ""
    reference: dt.date | None = None
    events: frozenset[str] = frozenset()
    speaker_date: str = ""  # the date stated where the last speaker was named
    #: The targets of the sentence at hand (the last target, or what the sentence names).
    targets: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # the sentences
    mentions: list[Mention] = field(default_factory=list)  # the names of the whole text
    #: The graph's events each sentence read so far names or places, by its number.
    placed: dict[int, list[str]] = field(default_factory=dict)
    #: Instruments whose signatories the article counts among an event's attendees ("35 of the
    #: 85 countries that took part signed"): instrument → (event, the words).
    signed_there: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Signatures read so far that nothing sets apart from their event: (stance, event).
    signatures: list[tuple[Candidate, str]] = field(default_factory=list)


def extract(article: Article, gazetteer: Gazetteer) -> list[Candidate]:
    """The candidates of ``article`` (see :class:`~govkg.ingest.model.Candidate`)."""
    text = article.text
    mentions = find_mentions(gazetteer, text)
    year = article_year(article, gazetteer)
    reference = reference_date(text, article.published, year)
    context = _Context(article, gazetteer, year=year, reference=reference)
    context.events = event_iris(gazetteer)
    spans = sentences(text)
    context.spans, context.mentions = spans, mentions
    context.target = _dated_target(context) or _first_named(context, spans, mentions)
    found: list[Candidate] = []
    for number, (start, end) in enumerate(spans):
        here = [m for m in mentions if start <= m.start and m.end <= end]
        said = _outside_quotes(text, start, end, here)
        named = _named_target(context, said, text[start:end])
        if named:
            context.target = named
        context.targets = [named] if named else _placed_targets(context, start, end, here)
        context.targets = context.targets or [context.target]
        stances = _stances(context, start, end, here)
        events = _events(context, start, end, here)
        context.placed[number] = _placed_events(context, said, events)
        found += stances
        found += _attendance(context, number, here, stances, events)
        found += _counts(context, start, end, here)
        found += _meetings(context, start, end, here)
        found += events
        found += _quotes(context, spans, number, mentions)
    found += _signatories_attended(context)
    return _merged_events(text, _deduplicated(found))


def _outside_quotes(text: str, start: int, end: int, here: list[Mention]) -> list[Mention]:
    """The names of a sentence that are not inside a quotation."""
    quoted = [(start + q.start(), start + q.end()) for q in _QUOTE.finditer(text[start:end])]
    return [m for m in here if not any(qs <= m.start < qe for qs, qe in quoted)]


def _placed_events(context: _Context, said: list[Mention], events: list[Candidate]) -> list[str]:
    """The graph's events a sentence names (outside quotations) or places."""
    named = [m.iri for m in said if m.type == "event" and m.iri in context.events]
    placed = [c.fields["name"] for c in events if c.fields["name"] in context.events]
    return list(dict.fromkeys([iri for iri in named if iri] + placed))


def article_year(article: Article, gazetteer: Gazetteer) -> str:
    """The article's year: its publication date's; else that of the first "Weekday, Month Day"
    it states; else that of an event the graph holds which the article places and dates without
    a year; else ""."""
    events = [(date, "", gazetteer.places.get(iri, "")) for iri, date in gazetteer.dates.items()]
    return (
        article.published[:4]
        or weekday_year(article.text, dt.date.today().year)
        or event_year(article.text, events)
    )


def _date_in(context: _Context, words: str) -> str:
    """The start of the first date the words state (not the day something was said, when the
    words state another), completed with the article's year; else ""."""
    when = _stated(context, words)
    return when.start if when else ""


def _stated(context: _Context, words: str, near: int | None = None) -> Stated | None:
    """The date the words state (the first, or the one nearest offset ``near``), not the day
    something was said when they state another."""
    found = dates_in(words, context.year, context.reference)
    told = [d for d in found if not _SAID_ON.search(words[: d.at])] or found
    if near is not None and told:
        return min(told, key=lambda d: d.at - near if d.at >= near else 2 * (near - d.stop))
    return told[0] if told else None


def _article_date(context: _Context) -> str:
    """The article's date: its publication date, else the day relative dates count from."""
    if context.article.published:
        return context.article.published
    return context.reference.isoformat() if context.reference else ""


def _dated_target(context: _Context) -> str:
    """The instrument adopted at an event the graph dates to a day the article states."""
    days = {
        d.start
        for d in dates_in(context.article.text, context.year)
        if len(d.start) == 10 and re.search(r"\d", d.words)
    }
    for event, date in sorted(context.gazetteer.dates.items()):
        if date[:10] in days and "/event/" in event:
            instrument = _instrument_of(context.gazetteer, event)
            if instrument:
                return instrument
    return ""


def _instrument_of(gazetteer: Gazetteer, event: str) -> str:
    adopted = sorted(i for i, e in gazetteer.adopted_at.items() if e == event)
    return adopted[0] if len(adopted) >= 1 else ""


NEW = "new:"


def _target_fields(target: str) -> dict[str, str]:
    """``target`` (an IRI), or, for a new one, "" and its name as ``target_name``."""
    if target.startswith(NEW):
        return {"target": "", "target_name": target[len(NEW) :]}
    return {"target": target}


def _first_named(context: _Context, spans: list[tuple[int, int]], mentions: list[Mention]) -> str:
    """The first target the article names (a headline's "the declaration" may be named later)."""
    for start, end in spans:
        here = [m for m in mentions if start <= m.start and m.end <= end]
        named = _named_target(context, here, context.article.text[start:end])
        if named:
            return named
    return ""


def _named_target(context: _Context, here: list[Mention], sentence: str) -> str:
    """The instrument a sentence names: by name, by the event it was adopted at, or by the
    two people a bilateral instrument's label names ("Trump-Xi agreement")."""
    for mention in here:
        if mention.type == "instrument" and mention.iri:
            return mention.iri
    for mention in here:
        if mention.type == "instrument" and mention.proposed:
            return NEW + mention.proposed  # a new instrument, named but not in the graph
    for mention in here:
        if mention.type == "event" and mention.iri:
            return _instrument_of(context.gazetteer, mention.iri) or mention.iri
    people = {m.iri for m in here if m.type == "person" and m.iri}
    if len(people) >= 2 and _BILATERAL.search(sentence):
        names = [_name_words(context.gazetteer, iri) for iri in people]
        for iri, label in sorted(context.gazetteer.labels_of.items()):
            words = set(re.findall(r"[A-Z][\w]+", label))
            if "/instrument/" in iri and sum(bool(n & words) for n in names) >= 2:
                return iri
    return ""


def _name_words(gazetteer: Gazetteer, person: str) -> set[str]:
    return {
        word
        for entries in gazetteer.names.values()
        for name, entry in entries
        if entry.iri == person and entry.how == "label"
        for word in name.split()
        if word[:1].isupper()
    }


def _placed_targets(context: _Context, start: int, end: int, here: list[Mention]) -> list[str]:
    """Instruments of the events a sentence places and dates without naming them ("the summits
    held in The Hague and Seoul in 2023 and 2024"): an event whose place and year the sentence
    states; among namesakes, the one whose label begins as the current target's event does."""
    sentence = fold(context.article.text[start:end])
    years = set(re.findall(r"\b(?:19|20)\d\d\b", sentence))
    if not years:
        return []
    gazetteer = context.gazetteer
    current = gazetteer.labels_of.get(gazetteer.adopted_at.get(context.target, ""), "")
    series = current.split()[0] if current else ""
    found: dict[tuple[str, str], list[str]] = {}
    for event, place in sorted(gazetteer.places.items()):
        year = gazetteer.dates.get(event, "")[:4]
        if year in years and re.search(rf"\b{re.escape(fold(place))}\b", sentence):
            found.setdefault((place, year), []).append(event)
    out = []
    for events in found.values():
        same = [e for e in events if series and gazetteer.labels_of.get(e, "").startswith(series)]
        instrument = _instrument_of(gazetteer, (same or events)[0])
        if instrument and instrument not in out:
            out.append(instrument)
    return out


def _actors(
    context: _Context, text: str, here: list[Mention], lo: int, hi: int
) -> list[tuple[str, Mention]]:
    """The states and organisations named between ``lo`` and ``hi`` as actors (a person for the
    state of the post the graph gives them): not adjectives, not places ("in Beijing"), not
    excluded ("excluding China")."""
    out: list[tuple[str, Mention]] = []
    for mention in here:
        if not (lo <= mention.start and mention.end <= hi):
            continue
        actor = mention.iri or ""
        if mention.type == "person":
            actor = context.gazetteer.person_state.get(actor, "")
        elif mention.type not in _ACTOR_TYPES:
            continue
        if not actor:
            continue
        how = how_named(context.gazetteer, mention)
        before = text[max(0, mention.start - 40) : mention.start]
        if how == "adjective" or (how == "capital" and _is_place(text, mention, before)):
            continue
        if re.search(r"\bin\s+(?:[A-Z][\w’'-]*\s+){0,3}[A-Z][\w’'-]*,\s+$", before):
            continue  # "in A Coruna, Spain": a place
        possessive = text[mention.end : mention.end + 2] in ("’s", "'s")
        stance_noun = re.match(r"[’']s (?:refusal|decision)", text[mention.end : mention.end + 14])
        if (_EXCLUDING.search(before) or possessive) and not stance_noun:
            continue
        if all(a != actor for a, _ in out):
            out.append((actor, mention))
    return out


def _is_place(text: str, mention: Mention, before: str) -> bool:
    """A capital named as a place ("in Seoul", "in The Hague and Seoul", "the Seoul declarations"),
    not as its government."""
    after = text[mention.end : mention.end + 30]
    return bool(
        _PLACE_WORDS.search(before)
        or re.search(r"\b(?:in|at)\s+(?:[A-Z][\w’'-]*\s+){1,3}(?:and|or)\s+(?:in\s+)?$", before)
        or re.match(
            r"\s+[a-z]*(?:summit|declaration|statement|talks|meeting|process|conference)",
            after,
            re.I,
        )
    )


def _stances(context: _Context, start: int, end: int, here: list[Mention]) -> list[Candidate]:
    text = context.article.text
    sentence = text[start:end]
    found: list[tuple[int, int, str, bool, bool]] = []  # start, end, kind, negated, hedged
    for pattern, kind, negated, hedged in (
        (_DECLINED, "declined", True, False),
        (_HEDGED, "", False, True),
        (_ABSENT, "did-not-sign", True, False),
        (_AGREED, "participated", False, False),
        (_SIGNED, "", False, False),
    ):
        for match in pattern.finditer(sentence):
            s, e = start + match.start(), start + match.end()
            if any(s < fe and fs < e for fs, fe, *_ in found):
                continue
            word = match[0].lower()
            found.append((s, e, kind or _positive_kind(word), negated, hedged))
    quoted = [(start + q.start(), start + q.end()) for q in _QUOTE.finditer(sentence)]
    found = sorted(f for f in found if not any(qs <= f[0] < qe for qs, qe in quoted))
    out: list[Candidate] = []
    lo = start
    for s, e, kind, negated, hedged in found:
        actors = _actors(context, text, here, lo, e)
        if "signator" in text[s:e].lower() and not actors:
            actors = _actors(context, text, here, e, end)
        if text[s:e].lower().endswith("agreed with"):  # "X agreed with Y that …"
            clause = re.search(r"\bthat\b|[,;]", text[e:end])
            actors += _actors(context, text, here, e, e + clause.start() if clause else end)
        lo = e
        for actor, mention in actors:
            for target in context.targets:
                fields = {"actor": actor, **_target_fields(target), "stance_kind": kind}
                fields["negated"] = "true" if negated else "false"
                out.append(_candidate("stance", text, start, end, fields, (mention,), hedged))
    return out


def _attendance(
    context: _Context, number: int, here: list[Mention], stances: list[Candidate],
    events: list[Candidate],
) -> list[Candidate]:  # fmt: skip
    """The attendance a sentence states ("X attended …") or implies: the host of an event, an
    actor signing or refusing an event's instrument where the sentence places the act at the
    event, a speaker addressing the event (those implied carry a note saying why)."""
    return (
        _attended(context, number, here)
        + _hosts(context, number, here, events)
        + _acts_at_events(context, number, stances)
        + _speakers_at_events(context, number, here)
    )


def _attended(context: _Context, number: int, here: list[Mention]) -> list[Candidate]:
    """ "X and Y attended / took part in / participated in / were represented at / joined" the
    event named or in view, "the summit was attended by X", "delegations from X", "the Chinese
    delegation" (where the sentence places it at the event)."""
    text = context.article.text
    start, end = context.spans[number]
    if _QUOTE.search(text[start:end]):
        return []
    event = _event_in_view(context, number, here)  # "" when unknown: the curator gives it
    by, match = _ATTENDED_BY.search(text, start, end), _ATTENDED.search(text, start, end)
    actors = []
    if by:
        clause = re.search(r"[;.:]|,\s+(?:but|while|which|who)\b", text[by.end() : end])
        actors = _actors(
            context, text, here, by.end(), by.end() + clause.start() if clause else end
        )
    elif match:
        actors = _actors(context, text, here, start, match.start())
    actors += _delegations(context, number, here, event)
    out = []
    for actor, mention in actors:
        out.append(_attending(context, number, actor, event, mention, ""))
    return out


def _delegations(
    context: _Context, number: int, here: list[Mention], event: str
) -> list[tuple[str, Mention]]:
    """States whose delegation the sentence places at the event ("the Chinese delegation said at
    the summit")."""
    text = context.article.text
    named = [
        (m.iri, m)
        for m in here
        if m.type == "state" and m.iri and _DELEGATION.match(text[m.end : m.end + 16])
    ]
    return named if named and event and _placing(context, number, event).why else []


def _event_in_view(context: _Context, number: int, here: list[Mention]) -> str:
    """The event a sentence is about: the one it names or places, else the event of the
    instrument in view; "" when it names several, or none is the graph's."""
    placed = context.placed.get(number, [])
    if len(placed) > 1:
        return ""
    event = placed[0] if placed else context.gazetteer.adopted_at.get(context.target, "")
    return event if event in context.events else ""


def _hosts(
    context: _Context, number: int, here: list[Mention], events: list[Candidate]
) -> list[Candidate]:
    """The host of an event the sentence names or places attends it."""
    out = []
    for found in events:
        host, event = found.fields.get("host", ""), found.fields["name"]
        if not host or event not in context.events:
            continue
        mention = next((m for m in here if _state_named(context.gazetteer, m) == host), None)
        if mention is None:
            continue
        note = f"inferred: the host attends the event it hosts ({_label(context, event)})"
        out.append(_attending(context, number, host, event, mention, note))
    return out


def _state_named(gazetteer: Gazetteer, mention: Mention) -> str:
    """The state a mention names: a state, or the state of a person's post."""
    if mention.type == "person":
        return gazetteer.person_state.get(mention.iri or "", "")
    return mention.iri or "" if mention.type == "state" else ""


def _acts_at_events(context: _Context, number: int, stances: list[Candidate]) -> list[Candidate]:
    """An actor that signs, endorses, declines or does not sign an instrument adopted at an
    event, where the sentence places the act at the event (a refusal also where the sentence
    before, in the same paragraph, sets the scene there: "On Thursday, Spain hosted a summit.
    However, the US chose not to sign the declaration."); signatures nothing sets apart from the
    event are kept for :func:`_signatories_attended`."""
    out = []
    for stance in stances:
        f = stance.fields
        kind, event = f["stance_kind"], context.gazetteer.adopted_at.get(f["target"], "")
        if stance.hedged or kind not in _ACTS or event not in context.events:
            continue
        placed = _placing(context, number, event)
        if placed.ruled_out:
            continue
        if kind in _POSITIVE and f["negated"] == "false":
            context.signatures.append((stance, event))
        why = _why(placed)
        if not why and kind == "declined":
            why = _scene_before(context, number, event)
        if why:
            note = (
                f"inferred: {_ACTS[kind]} {_label(context, f['target'])} at "
                f"{_label(context, event)} ({why})"
            )
            mention = stance.mentions[0]
            out.append(_attending(context, number, f["actor"], event, mention, note))
    return out


def _placing(context: _Context, number: int, event: str, said: bool = False) -> attendance.Placing:
    """How sentence ``number`` places its acts at ``event`` (quotations left out; a date
    something was said on left out too, unless ``said``)."""
    text = context.article.text
    start, end = context.spans[number]
    words = _QUOTE.sub(lambda m: " " * len(m[0]), text[start:end])
    here = _outside_quotes(text, start, end, _in(context.mentions, start, end))
    stated = [
        d
        for d in dates_in(words, context.year, context.reference)
        if said or not _SAID_ON.search(words[: d.at])
    ]
    placed = context.placed.get(number, [])
    return attendance.placing(context.gazetteer, event, words, start, here, placed, stated)


def _in(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    return [m for m in mentions if start <= m.start and m.end <= end]


def _why(placed: attendance.Placing) -> str:
    """The note's words for how a sentence places an act at an event."""
    if placed.why == attendance.AT:
        return f"the sentence says “{placed.words}”"
    if placed.why == attendance.ON_ITS_DAY:
        return f"the sentence dates it to the event's days: “{placed.words}”"
    if placed.why == attendance.NAMED:
        return "the sentence names the event as the scene"
    return ""


def _scene_before(context: _Context, number: int, event: str) -> str:
    """Why the sentence before, in the same paragraph, sets the scene at ``event`` (it says "at
    the summit" or dates what it tells to the event's days), or ""."""
    text = context.article.text
    if number == 0 or "\n" in text[context.spans[number - 1][1] : context.spans[number][0]]:
        return ""
    before = _placing(context, number - 1, event)
    if before.ruled_out or before.why not in (attendance.AT, attendance.ON_ITS_DAY):
        return ""
    return f"the sentence before sets the scene at the event: “{before.words}”"


def _speakers_at_events(context: _Context, number: int, here: list[Mention]) -> list[Candidate]:
    """A person who speaks at an event ("said during the summit's closing ceremony", "in a
    speech on Tuesday" of the summit's days) attends it for the state of their post, or the
    state or organisation their title names ("EU president …")."""
    text = context.article.text
    start, end = context.spans[number]
    words = _QUOTE.sub(lambda m: " " * len(m[0]), text[start:end])
    spoke = attendance.SPOKE.search(words)
    people = [m for m in _outside_quotes(text, start, end, here) if m.type == "person" and m.iri]
    event = _event_in_view(context, number, here)
    if not spoke or not people or not event:
        return []
    at = start + spoke.start()
    person = min(people, key=lambda m: abs(m.start - at))
    actor, named = attendance.actor_of_speaker(context.gazetteer, text, person, here)
    placed = _placing(context, number, event, said=True)
    audience = attendance.AUDIENCE.search(words)
    if (
        not actor
        or placed.ruled_out
        or not (placed.why == attendance.AT or (placed.why and audience))
    ):
        return []
    how = f"“{audience[0]}”, " if audience and placed.why != attendance.AT else ""
    note = f"inferred: {person.text} spoke at {_label(context, event)} ({how}{_why(placed)})"
    return [_attending(context, number, actor, event, named or person, note)]


def _signatories_attended(context: _Context) -> list[Candidate]:
    """Signatories of an instrument the article counts among an event's attendees ("35 of the
    85 countries that took part in the summit signed"): each named signatory attended."""
    out = []
    for stance, event in context.signatures:
        target = stance.fields["target"]
        if context.signed_there.get(target, ("", ""))[0] != event:
            continue
        words = context.signed_there[target][1]
        note = (
            f"inferred: a signatory of {_label(context, target)}, whose signatories the article "
            f"counts among those at {_label(context, event)} (“{words}”)"
        )
        sel = stance.selector
        fields = {"actor": stance.fields["actor"], "event": event}
        out.append(
            _candidate("attendance", context.article.text, sel.start, sel.end, fields,
                       stance.mentions[:1], notes=(note,))
        )  # fmt: skip
    return out


def _attending(
    context: _Context, number: int, actor: str, event: str, mention: Mention, note: str
) -> Candidate:
    start, end = context.spans[number]
    fields = {"actor": actor, "event": event}
    notes = (note,) if note else ()
    return _candidate("attendance", context.article.text, start, end, fields, (mention,),
                      notes=notes)  # fmt: skip


def _label(context: _Context, iri: str) -> str:
    return context.gazetteer.labels_of.get(iri, "") or iri.rsplit("/", 1)[-1]


def _positive_kind(word: str) -> str:
    return "endorsed" if re.search(r"endorse|back", word) else "signed"


def _counts(context: _Context, start: int, end: int, here: list[Mention]) -> list[Candidate]:
    text = context.article.text
    sentence = text[start:end]
    counted = (
        "attendees"
        if _PARTICIPANTS.search(sentence) and not _SIGNED.search(sentence)
        else "signatories"
    )
    out: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for match in list(_COUNT_OF.finditer(sentence)) + list(_COUNT.finditer(sentence)):
        if any(match.start("value") < e and s < match.end("value") for s, e in taken):
            continue
        taken.append((match.start("value"), match.end("value")))
        if match.groupdict().get("out"):
            taken.append((match.start("out"), match.end("out")))
        mod = (match["mod"] or "").lower()
        if re.search(r"in all,?\s*$", sentence[: match.start()], re.I):
            mod = "in all,"
        out_of = match.groupdict().get("out") or ""
        rest = sentence[match.end() : match.end() + 60]
        if match.groupdict().get("principles"):
            what = "principles"
        elif out_of:  # "35 of the 85 countries that took part signed": the main verb counts
            what = "signatories" if _SIGNED.search(sentence, match.end()) else counted
        else:
            what = _counted(rest, counted)
        for target in context.targets:
            fields = {
                **_target_fields(_counted_target(context, target, what)), "counted": what,
                "value": match["value"], "out_of": out_of,
                "precision": _NUMBER_MODS.get(mod, "exact"), "as_of": context.article.published,
            }  # fmt: skip
            out.append(_candidate("count", text, start, end, fields, ()))
            if out_of and _PARTICIPANTS.search(rest):  # "35 of the 85 countries that took part"
                event = _counted_target(context, target, "attendees")
                if what == "signatories" and event in context.events:
                    context.signed_there[target] = (event, _words(sentence, match.start(), 80))
                fields = dict(fields, **_target_fields(event), counted="attendees", value=out_of,
                              out_of="")  # fmt: skip
                out.append(_candidate("count", text, start, end, fields, ()))
    return out


def _words(text: str, at: int, length: int) -> str:
    """Up to ``length`` characters of ``text`` from ``at``, cut at a word's end."""
    cut = text[at : at + length]
    return cut if at + length >= len(text) else cut.rsplit(" ", 1)[0] + " …"


def _counted_target(context: _Context, target: str, counted: str) -> str:
    """What a count is about: those who attended, the event (of the instrument in view, when
    the graph knows where it was adopted); others, the instrument."""
    if counted == "attendees":
        return context.gazetteer.adopted_at.get(target, target)
    return target


def _counted(after: str, default: str) -> str:
    """What a number counts, from the first verb after it ("40 nations attended" → attendees)."""
    attended, signed = _PARTICIPANTS.search(after), _SIGNED.search(after)
    if attended and (not signed or attended.start() < signed.start()):
        return "attendees"
    return "signatories" if signed else default


def _meetings(context: _Context, start: int, end: int, here: list[Mention]) -> list[Candidate]:
    """A bilateral meeting or dialogue step: two parties (states, or people for the state the
    graph gives them) with words of meeting or talks, or the parties in view ("the two
    presidents", "their talks", talks with no party named); ``what`` is "meeting" where leaders
    are named or meet, "dialogue" where a dialogue is named or the parties talk unnamed."""
    text = context.article.text
    sentence = text[start:end]
    outside = _QUOTE.sub(lambda m: " " * len(m[0]), sentence)
    trigger = _MEETING.search(outside)
    if not trigger:
        return []
    parties, place, people = _meeting_parties(context, here)
    when = _stated(context, outside, trigger.end())
    both = _BOTH.search(outside)
    anaphoric = False
    if not parties and (both or (trigger[0].lower() == "talks" and when)):
        parties, anaphoric = context.parties, True
    if len(parties) != 2:
        return []
    place = place or _place_in(outside)
    if when:
        date, end_date = when.start, when.end if when.is_range else ""
    elif anaphoric:
        date, end_date = context.meeting_date
    else:
        date, end_date = _article_date(context), ""
    if _DIALOGUE.search(outside):
        what = "dialogue"
    elif anaphoric and both:  # "their talks": the meeting in view
        what = context.meeting_what
    else:  # talks of the parties, no leader named, are a dialogue's
        what = "dialogue" if not people and trigger[0].lower() == "talks" else "meeting"
    context.parties, context.meeting_date, context.meeting_what = parties, (date, end_date), what
    fields = {
        "parties": " ".join(sorted(parties)),
        "what": what,
        "date": date,
        "end": end_date,
        "place": place,
    }
    mentions = tuple(m for m in here if m.iri in parties)
    return [_candidate("meeting", text, start, end, fields, mentions)]


def _meeting_parties(context: _Context, here: list[Mention]) -> tuple[list[str], str, bool]:
    """The parties a sentence names (a capital after "in" is the place, not a party), the place
    so named, and whether a person named a party."""
    text = context.article.text
    parties: list[str] = []
    place = ""
    people = False
    for mention in here:
        before = text[max(0, mention.start - 12) : mention.start]
        if (
            mention.type == "state"
            and how_named(context.gazetteer, mention) == "capital"
            and _PLACE_WORDS.search(before)
        ):
            place = place or mention.text
        elif mention.type == "state" and mention.iri and mention.iri not in parties:
            parties.append(mention.iri)
        elif mention.type == "person" and mention.iri in context.gazetteer.person_state:
            people = True
            state = context.gazetteer.person_state[mention.iri]
            parties += [] if state in parties else [state]
    return parties, place, people


def _place_in(words: str) -> str:
    """A place "in" capitalised words that are not a date, a year or an acronym ("in AI")."""
    for match in re.finditer(r"\bin ((?:[A-Z][\w’'-]+ ?){1,3})", words):
        place = match[1].strip()
        if not dates_in(place, "2000") and not re.fullmatch(r"[A-Z0-9]+", place):
            return place
    return ""


def _events(context: _Context, start: int, end: int, here: list[Mention]) -> list[Candidate]:
    """The events a sentence names or places (:func:`govkg.ingest.events.events_in`)."""
    gazetteer = context.gazetteer
    current = gazetteer.labels_of.get(gazetteer.adopted_at.get(context.target, ""), "")
    setting = Setting(
        context.year, context.reference, context.events, current.split()[0] if current else ""
    )
    text = context.article.text
    return [
        _candidate("event", text, found.start, found.end, found.fields, found.mentions)
        for found in events_in(gazetteer, text, start, end, here, setting)
    ]


def _quotes(
    context: _Context, spans: list[tuple[int, int]], number: int, mentions: list[Mention]
) -> list[Candidate]:
    text = context.article.text
    start, end = spans[number]
    sentence = text[start:end]
    out: list[Candidate] = []
    quotes = list(_QUOTE.finditer(sentence))
    outside = _QUOTE.sub(lambda m: " " * len(m[0]), sentence)
    speaker = _speaker(context, start, outside, mentions)
    recent = context.speaker if number - context.speaker_at <= 3 else None
    if speaker is None and _SAID.search(outside) and re.search(r"\b(he|she|they)\b", outside, re.I):
        speaker = recent  # "… ,” she added."
    if speaker is None and quotes and not outside.strip(' ,.;:!?—–-\n"“”'):
        speaker = context.speaker if number - context.speaker_at == 1 else None  # goes on
    if speaker is None and quotes and number + 1 < len(spans):
        s2, e2 = spans[number + 1]
        nxt = text[s2:e2]
        if _SAID.search(nxt) and not _QUOTE.search(nxt):  # the speaker named after the quote
            speaker = _speaker(context, s2, nxt, mentions)
    if speaker is None:
        return []
    stated = next((d.start for d in dates_in(outside, context.year, context.reference)
                   if len(d.start) == 10), "")  # fmt: skip
    if speaker is not context.speaker:
        context.speaker_date = stated
    date = stated or context.speaker_date or _article_date(context)
    context.speaker, context.speaker_at = speaker, number
    if not quotes:
        return []
    for quote in quotes:
        words = quote[1] or quote[2]
        if len(words.split()) < 3:
            continue
        q_start = start + quote.start() + 1
        role, behalf = _role(context, speaker, mentions)
        fields = {
            "speaker": speaker.iri or "", "role": role, "on_behalf_of": behalf, "text": words,
            "date": date,
        }  # fmt: skip
        if not speaker.iri:
            fields["speaker_name"] = speaker.proposed
        out.append(_candidate("quote", text, q_start, q_start + len(words), fields, (speaker,)))
    return out


def _speaker(
    context: _Context, offset: int, outside: str, mentions: list[Mention]
) -> Mention | None:
    said = _SAID.search(outside)
    if not said:
        return None
    people = [
        m
        for m in mentions
        if m.type == "person" and offset <= m.start and m.end <= offset + len(outside)
    ]
    if people:
        return min(people, key=lambda m: abs(m.start - (offset + said.start())))
    run = r"((?:[A-Z][\w’'.-]+ ){1,5}[A-Z][\w’'-]+)"
    found = re.search(run + r",? (?:said|told|added|remarked|wrote)\b", outside)
    found = found or re.search(r"\bsaid " + run, outside)
    if found:  # a name the graph does not hold: its last two words (the words before: a role)
        name = " ".join(found[1].split()[-2:])
        s = offset + found.end(1) - len(name)
        return Mention(name, s, s + len(name), "person", None, proposed=name, score=0.0)
    return None


_ROLE_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "between",
        "with",
        "by",
        "to",
        "from",
        "in",
        "on",
        "at",
        "for",
        "said",
        "says",
        "told",
        "that",
        "as",
        "while",
        "when",
        "after",
        "before",
        "followed",
    ]
)


def _role_words(before: str) -> str:
    """The role words just before a name: "Dutch Defense Minister", "Chinese foreign ministry
    spokesman" (up to six words, from a capitalised one, never across punctuation)."""
    words = before.rstrip().split(" ") if before.endswith(" ") else []
    taken: list[str] = []
    for word in reversed(words):
        if (
            not re.fullmatch(r"[A-Za-z][\w’'.-]*", word)
            or word.lower() in _ROLE_STOP
            or len(taken) == 6
        ):
            break
        taken.insert(0, word)
    while taken and not taken[0][:1].isupper():
        taken.pop(0)
    role = " ".join(taken)
    return "" if re.fullmatch(r"[A-Z][\w’']*[’']s|The|A|An|On|In|At|However", role) else role


def _role(context: _Context, speaker: Mention, mentions: list[Mention]) -> tuple[str, str]:
    """The role stated where the speaker is named with one, and the state an adjective or name
    in it points to."""
    text = context.article.text
    same = [m for m in mentions if speaker.iri and m.iri == speaker.iri] or [speaker]
    for named in sorted(same, key=lambda m: (m.start != speaker.start, m.start)):
        line_start = text.rfind("\n", 0, named.start) + 1
        before = text[line_start : named.start]
        role = _role_words(before) or _title_before(before)
        if role:
            lo = line_start + before.rfind(role)
            states = [m for m in mentions if m.type == "state" and lo <= m.start < named.start]
            return role, (states[0].iri or "") if states else ""
    after = re.match(r",\s+((?:a |an )?[a-z][\w’'-]*(?: [\w’'-]+){0,8}?),", text[speaker.end :])
    if after and re.search(r"\b(?:at|of|for)\b", after[1]):  # "X, head of AI at Full Fact,"
        return re.sub(r"^(?:a|an) ", "", after[1]), ""
    return "", ""


#: The head nouns of titles ("Vice President of the United States, JD Vance").
_TITLE = re.compile(
    r"\b(?:President|Minister|Secretary|Chancellor|Premier|Spokes(?:wo)?man|Spokesperson|"
    r"Director|Chair(?:man|woman|person)?|Commissioner|Ambassador|Envoy|Governor|Senator|"
    r"Mayor|King|Queen|Head|Chief|Adviser|Advisor|Secretary-General|Leader|Representative)\b"
)


def _title_before(before: str) -> str:
    """A title set off by a comma just before a name ("Vice President of the United States,
    JD Vance"): capitalised words joined by of/the/for/and, with a title's head noun."""
    match = re.search(
        r"((?:[A-Z][\w’'.-]*)(?: (?:[A-Z][\w’'.-]*|of|the|for|and|on)){0,7}),\s*$", before
    )
    if not match or not _TITLE.search(match[1]):
        return ""
    return re.sub(r"^(?:The|A|An) ", "", match[1])


def _candidate(
    kind: str, text: str, start: int, end: int, fields: dict[str, str],
    mentions: tuple[Mention, ...], hedged: bool = False, notes: tuple[str, ...] = (),
) -> Candidate:  # fmt: skip
    key = "\x1f".join(
        [kind, str(start), str(end)] + [f"{k}={v}" for k, v in sorted(fields.items())]
    )
    ident = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return Candidate(ident, kind, selector(text, start, end), fields, mentions, hedged, notes)


def _deduplicated(found: list[Candidate]) -> list[Candidate]:
    """One candidate per fact: the first evidence of each; of a refusal and an absence of one
    actor on one target, the refusal."""
    refused = {
        (c.fields["actor"], c.fields["target"])
        for c in found
        if c.kind == "stance" and c.fields["stance_kind"] == "declined"
    }
    seen: set[tuple[str, ...]] = set()
    out: list[Candidate] = []
    for candidate in found:
        f = candidate.fields
        if (
            candidate.kind == "stance"
            and f["stance_kind"] == "did-not-sign"
            and (f["actor"], f["target"]) in refused
        ):
            continue
        key = (
            candidate.kind,
            str(candidate.hedged),
            *(
                v
                for k, v in sorted(f.items())
                if k not in ("date", "as_of") and (candidate.kind != "quote" or k == "text")
            ),
        )
        if candidate.kind == "meeting":
            if not any(_same_meeting(candidate, kept) for kept in out if kept.kind == "meeting"):
                out.append(candidate)
        elif key not in seen:
            seen.add(key)
            out.append(candidate)
    return out


def _same_meeting(a: Candidate, b: Candidate) -> bool:
    """Whether two meeting candidates are one meeting told twice: the same parties and kind,
    dates that overlap and places that agree (or one not given)."""
    fa, fb = a.fields, b.fields
    return (
        (fa["parties"], fa["what"]) == (fb["parties"], fb["what"])
        and overlaps(fa["date"], fa["end"], fb["date"], fb["end"])
        and (not fa["place"] or not fb["place"] or fa["place"] == fb["place"])
    )


def _merged_events(text: str, found: list[Candidate]) -> list[Candidate]:
    """One event candidate an event (the graph's event, or a new event's name): the first
    evidence, its empty fields filled from the later ones."""
    first: dict[str, int] = {}
    out: list[Candidate] = []
    for candidate in found:
        if candidate.kind != "event":
            out.append(candidate)
            continue
        key = fold(candidate.fields["name"]).lower()
        if key not in first:
            first[key] = len(out)
            out.append(candidate)
            continue
        kept = out[first[key]]
        fields = dict(kept.fields)
        for name, value in candidate.fields.items():
            fields[name] = fields.get(name) or value
        if fields != kept.fields:
            sel = kept.selector
            mentions = kept.mentions + candidate.mentions
            out[first[key]] = _candidate("event", text, sel.start, sel.end, fields, mentions)
    return out
