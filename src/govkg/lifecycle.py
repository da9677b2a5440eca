"""An actor's status on an instrument on a date: "what was each actor's status on this instrument
on D".

The rules:

- **Acts, in order.** An actor's acts on an instrument are its stances (signed, ratified,
  withdrew, joined, left, voted …). Each happened within a *span* of days: an act date
  (``dcterms:date``) spans that day, or its whole month or year when only that is known
  (``2025-02``, ``2025``); an as-of date (``gk:asOf``: a list named the act by then) spans every
  day up to it; no date spans every day. One act is *certainly before* another when its span ends
  before the other's begins. Partial dates thus compare on the precision both have: ``2025`` and
  ``2025-02-11`` are not certainly before or after each other.
- **The status on D is the latest act certainly done by D**: dated on or before D, or with an
  as-of date on or before D. Of several acts none of which is certainly before another (the same
  day, overlapping partial dates), the one later in the lifecycle wins (a ratification follows a
  signature, a withdrawal or a departure ends them) and the row's note says the order is not
  certain, or, for one day, that the act is also recorded as another kind (two sources' words).
- **Nothing before the instrument.** An act known only by an as-of date, or not dated at all,
  happened on or after the instrument's beginning: the earliest first day of its own date, its
  adopting event's start and the days its adoption or opening for signature are claimed on
  (``sparql/instrument-beginnings.rq``). So on a day before that beginning no act is done, and
  the status is ``no-record`` with a note that says when the instrument begins.  An act dated
  before the beginning keeps its date (the record says so).
- **Unknown on D.** An act that may or may not have happened by D (an as-of date after D, a partial
  date that straddles D, no date) is never silently counted or dropped: unless it is certainly
  before the latest act, or earlier in the lifecycle than it, the status is ``unknown`` on D and
  names that act. Acts certainly after D do not count.
- **Statuses.** ``ratified`` (ratified, acceded, accepted or approved), ``signed-not-ratified``
  (signed a convention, nothing later), ``signed`` (any other instrument), ``withdrawn``,
  ``member`` (joined, not left), ``left``, ``endorsed``, the vote kinds (``voted-yes``,
  ``voted-no``, ``abstained``, ``did-not-vote``), ``declined``, ``dissociated``,
  ``co-sponsored``, ``lead-sponsor``, ``took-part``, ``did-not-sign`` (took part, did not sign),
  ``unknown``, and, with no act by D, ``not-a-party`` or ``no-record``.
- **Not a party.** An instrument adopted by a body (a ``gk:LifecycleClaim`` with
  ``lifecyclestep:adopted`` and ``gk:adoptedBy``) was adopted among that body's members. An actor
  with no act by D whose every ``gk:Membership`` of the body (or of the organisation the body is
  ``org:unitOf``) certainly excludes the adoption date was not a member then: it is *not a party*.
  With no membership data, or a membership that covers or may cover the date, it is ``no-record``.

Each :class:`Status` carries the act it rests on (kind, date, whether the date is an as-of date,
the stance's IRI) and every IRI it rests on (``evidence``), so a page can link the sources.  One
flat query (``sparql/status-facts.rq``) reads the facts; the rules above are applied here.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from govkg.dates import ACT, AS_OF, UNKNOWN
from govkg.errors import RequestError, escaped, quoted
from govkg.fixed_queries import fixed_query, with_values
from govkg.namespaces import DATA_BASE, compact, expand
from govkg.resolve import (
    Candidate,
    candidates,
    closest,
    expected_id,
    kind_of,
    unknown_iris,
    unknown_message,
)
from govkg.store import Row, Store

_FACTS = fixed_query(__file__, "status-facts")
_BEGINNINGS = fixed_query(__file__, "instrument-beginnings")
_KIND_BASE = f"{DATA_BASE}stance-kind/"

#: Each stance kind's status (``signed`` on a convention is ``signed-not-ratified``).
STATUS_OF_KIND = {
    "ratified": "ratified",
    "acceded": "ratified",
    "accepted-approved": "ratified",
    "signed": "signed",
    "withdrew": "withdrawn",
    "joined": "member",
    "left": "left",
    "endorsed": "endorsed",
    "voted-yes": "voted-yes",
    "voted-no": "voted-no",
    "abstained": "abstained",
    "did-not-vote": "did-not-vote",
    "declined": "declined",
    "dissociated": "dissociated",
    "co-sponsored": "co-sponsored",
    "lead-sponsored": "lead-sponsor",
    "participated": "took-part",
    "did-not-sign": "did-not-sign",
}
#: The lifecycle's order: an act of a later stage follows one of an earlier stage (sponsoring
#: precedes the vote or signature, which precedes consent to be bound or joining, which precede a
#: withdrawal or departure). Within a stage, the later in this list wins a tie.
STAGES = (
    ("participated", "did-not-sign", "co-sponsored", "lead-sponsored"),
    ("did-not-vote", "abstained", "voted-no", "voted-yes", "declined", "dissociated", "endorsed",
     "signed"),
    ("joined", "accepted-approved", "acceded", "ratified"),
    ("left", "withdrew"),
)  # fmt: skip
_RANK = {kind: (stage, k) for stage, kinds in enumerate(STAGES) for k, kind in enumerate(kinds)}
#: Statuses that rest on no act.
NO_RECORD, NOT_A_PARTY, UNKNOWN_STATUS = "no-record", "not-a-party", "unknown"
#: How the note of a status on a day before the instrument's beginning opens.
BEGINS_LATER = "the instrument begins on"


# --- spans of days -----------------------------------------------------------------------------


def first_day(value: str) -> str:
    """The first day a date (``2025``, ``2025-02`` or ``2025-02-11``) may stand for."""
    return value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value[:10]


def last_day(value: str) -> str:
    """The last day a date may stand for (``2025`` → ``2025-12-31``, ``2024-02`` →
    ``2024-02-29``)."""
    if len(value) == 4:
        return f"{value}-12-31"
    if len(value) == 7:
        days = calendar.monthrange(int(value[:4]), int(value[5:7]))[1]
        return f"{value}-{days:02d}"
    return value[:10]


@dataclass(frozen=True)
class Span:
    """The days on which something may have happened: ``first`` to ``last`` (``""``: open)."""

    first: str = ""
    last: str = ""

    @classmethod
    def of(cls, date: str, as_of: bool = False) -> Span:
        """An act date's span (its day, month or year), an as-of date's (every day up to it), or
        with no date every day."""
        if not date:
            return cls()
        return cls("" if as_of else first_day(date), last_day(date))

    def before(self, other: Span) -> bool:
        """Certainly before ``other`` (ends before it begins)."""
        return bool(self.last and other.first and self.last < other.first)

    def by(self, day: str) -> bool:
        """Certainly on or before ``day``."""
        return bool(self.last and self.last <= day)

    def after(self, day: str) -> bool:
        """Certainly after ``day``."""
        return bool(self.first and self.first > day)


# --- acts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Act:
    """One act of an actor on an instrument: its stance kind (``ratified``), date (``""`` if
    none), whether that date is an as-of date, and its stance's IRI."""

    kind: str
    date: str
    as_of: bool
    stance: str
    not_before: str = ""  # the instrument's beginning: an as-of or undated act is not earlier

    @property
    def span(self) -> Span:
        span = Span.of(self.date, self.as_of)
        dated = self.date and not self.as_of
        if dated or not self.not_before or (span.last and span.last < self.not_before):
            return span
        return Span(self.not_before, span.last)

    @property
    def date_kind(self) -> str:
        """``act``, ``as_of`` or ``unknown`` (as tables name a stance's date)."""
        return UNKNOWN if not self.date else (AS_OF if self.as_of else ACT)

    @property
    def rank(self) -> tuple[int, int]:
        return _RANK.get(self.kind, (1, -1))

    def shown(self) -> str:
        """``ratified on 2025-03-01``, ``signed (listed by 2026-07-17)``, ``joined (date
        unknown)``."""
        if not self.date:
            return f"{self.kind} (date unknown)"
        if self.as_of:
            return f"{self.kind} (listed by {self.date})"
        return f"{self.kind} {'on' if len(self.date) == 10 else 'in'} {self.date}"


def latest(acts: Sequence[Act]) -> tuple[Act, list[Act]]:
    """The latest of ``acts``, and the others not certainly before it (a tie it won by the
    lifecycle's order)."""
    open_ = [a for a in acts if not any(a.span.before(b.span) for b in acts)]
    best = max(open_, key=lambda a: (a.rank, a.stance))
    return best, [a for a in open_ if a is not best]


def split_at(acts: Iterable[Act], day: str) -> tuple[list[Act], list[Act], list[Act]]:
    """The acts certainly done by ``day``, those certainly after it, and those in between."""
    done: list[Act] = []
    later: list[Act] = []
    between: list[Act] = []
    for act in acts:
        (done if act.span.by(day) else later if act.span.after(day) else between).append(act)
    return done, later, between


# --- statuses ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """An actor's status on an instrument on a day, the act it rests on (None when it rests on
    none), a note that explains it when the rules above need to, and every IRI it rests on."""

    instrument: str
    actor: str
    status: str
    act: Act | None = None
    note: str = ""
    evidence: tuple[str, ...] = ()

    @property
    def actor_code(self) -> str:
        return self.actor.rsplit("/", 1)[-1]

    @property
    def before_instrument(self) -> bool:
        """No record because the day is before the instrument's beginning."""
        return self.status == NO_RECORD and self.note.startswith(BEGINS_LATER)

    def row(self) -> dict[str, str]:
        """The status as a table row: the act, its date and what kind of date it is."""
        act = self.act
        return {
            "instrument": self.instrument,
            "actor": self.actor_code,
            "status": self.status,
            "act": act.kind if act else "",
            "date": act.date if act else "",
            "date_kind": act.date_kind if act else "",
            "stance": act.stance if act else "",
            "note": self.note,
        }


COLUMNS = ("instrument", "actor", "status", "act", "date", "date_kind", "stance", "note")


@dataclass(frozen=True)
class Membership:
    """An actor's membership of an adopting body (or the organisation it is a unit of)."""

    iri: str
    body: str
    span: Span  # from the first possible day of its beginning to the last of its end


@dataclass(frozen=True)
class Adoption:
    """An instrument's adoption by a body, on its date (or by its as-of date)."""

    claim: str
    body: str
    date: str
    as_of: bool

    @property
    def span(self) -> Span:
        return Span.of(self.date, self.as_of)


@dataclass
class Facts:
    """What the query found about one instrument."""

    convention: bool = False
    begins: str = ""  # the first day anything can have been done on it ("": not known)
    acts: dict[str, list[Act]] = field(default_factory=dict)  # actor → acts
    adoptions: list[Adoption] = field(default_factory=list)
    memberships: dict[str, list[Membership]] = field(default_factory=dict)  # actor → memberships


def status_of(facts: Facts, actor: str, day: str) -> tuple[str, Act | None, str, tuple[str, ...]]:
    """The status, act, note and evidence of one actor on one instrument on ``day``."""
    acts = [replace(a, not_before=facts.begins) for a in facts.acts.get(actor, [])]
    done, _later, between = split_at(acts, day)
    if not done:
        if between:
            act = latest(between)[0]
            return UNKNOWN_STATUS, act, _maybe(act, day), (act.stance,)
        return _without_act(facts, actor, day)
    best, tied = latest(done)
    pending = [u for u in between if not u.span.before(best.span) and u.rank[0] >= best.rank[0]]
    if pending:
        act = latest(pending)[0]
        note = f"{_maybe(act, day)}; before it: {best.shown()}"
        return UNKNOWN_STATUS, act, note, (act.stance, best.stance)
    status = STATUS_OF_KIND.get(best.kind, best.kind)
    if status == "signed" and facts.convention:
        status = "signed-not-ratified"
    return status, best, _tie_note(best, tied), (best.stance, *(t.stance for t in tied))


def _tie_note(best: Act, tied: Sequence[Act]) -> str:
    """What the acts ``best`` won over by the lifecycle's order say: another word for the same
    act (the same date, another source), or an order the dates cannot settle."""
    differ = [t for t in tied if STATUS_OF_KIND.get(t.kind) != STATUS_OF_KIND.get(best.kind)]
    same = [t for t in differ if t.span == best.span]
    notes = [f"also recorded as {t.shown()}" for t in same]
    if unsettled := [t for t in differ if t not in same]:
        others = ", ".join(t.shown() for t in unsettled)
        notes.append(f"order with {others} not certain: the later in the lifecycle taken")
    return "; ".join(notes)


def _maybe(act: Act, day: str) -> str:
    return f"{act.shown()} may or may not have happened by {day}"


def _without_act(facts: Facts, actor: str, day: str) -> tuple[str, None, str, tuple[str, ...]]:
    """No act by ``day``: not a party when the actor was certainly not a member of the adopting
    body on the adoption date, else no record."""
    adopted = [a for a in facts.adoptions if a.span.by(day)]
    later = "its acts are all later" if facts.acts.get(actor) else ""
    if facts.begins > day:
        later = f"{BEGINS_LATER} {facts.begins}" + (f": {later}" if later else "")
    members = facts.memberships.get(actor, [])
    if not adopted or not all(_outside(members, a) for a in adopted):
        return NO_RECORD, None, later, ()
    first = min(adopted, key=lambda a: (a.date, a.claim))
    when = f"by {first.date}" if first.as_of else first.date
    note = f"not a member of {compact(first.body)} when it adopted the instrument ({when})"
    evidence = (*sorted(a.claim for a in adopted), *sorted(m.iri for m in members))
    return NOT_A_PARTY, None, note, evidence


def _outside(members: Sequence[Membership], adoption: Adoption) -> bool:
    """The actor has memberships of the adopting body, and each certainly excludes the date."""
    span = adoption.span
    theirs = [m for m in members if m.body == adoption.body]
    return bool(theirs) and all(m.span.before(span) or span.before(m.span) for m in theirs)


# --- reading the store -------------------------------------------------------------------------


def _date(row: Row, name: str) -> str:
    return row.text(name)[:10]


def _read(rows: Iterable[Row]) -> dict[str, Facts]:
    """The facts of each instrument, from the query's rows."""
    found: dict[str, Facts] = {}
    for row in rows:
        facts = found.setdefault(row.text("instrument"), Facts())
        what, actor = row.text("what"), row.text("actor")
        if what == "convention":
            facts.convention = True
        elif what == "adoption":
            act_date = _date(row, "date")
            adoption = Adoption(row.text("item"), row.text("body"), act_date or _date(row, "asOf"),
                                not act_date)  # fmt: skip
            _add(facts.adoptions, adoption)
        elif what == "act":
            _add(facts.acts.setdefault(actor, []), _act(row))
        elif what == "membership":
            _add(facts.memberships.setdefault(actor, []), _membership(row))
    return found


def _add(found: list, item: object) -> None:
    if item not in found:  # a row repeated by the query's alternatives
        found.append(item)


def _act(row: Row) -> Act:
    act_date, as_of = _date(row, "date"), _date(row, "asOf")
    kind = row.text("kind").removeprefix(_KIND_BASE)
    return Act(kind, act_date or as_of, not act_date and bool(as_of), row.text("item"))


def _membership(row: Row) -> Membership:
    begin, end = _date(row, "date"), _date(row, "end")
    span = Span(first_day(begin) if begin else "", last_day(end) if end else "")
    return Membership(row.text("item"), row.text("body"), span)


def check_day(parameter: str, value: str) -> str:
    """A day such as ``2025-02-11``; anything else is a :class:`RequestError` naming
    ``parameter``."""
    try:
        if len(value) == 10 and datetime.date.fromisoformat(value):
            return value
    except ValueError:
        pass
    raise RequestError(
        parameter, f"{{{parameter}}} {quoted(value)}: expected a day like 2025-02-11"
    )


def _instrument_iris(store: Store, names: Sequence[str]) -> list[str]:
    """The IRIs of instruments named by id (``coe_cets_225``, ``coe-cets-225``), prefixed name or
    IRI; an unknown one is an error that suggests the closest instruments."""
    iris = []
    for name in names:
        text = expand(name)
        iris.append(text if ":" in text else f"{DATA_BASE}instrument/{text.replace('_', '-')}")
    unknown = unknown_iris(store, iris)
    for name, iri in zip(names, iris, strict=True):
        if iri in unknown or kind_of(iri) != "instrument":
            known = candidates(store, "instrument")
            expected = expected_id("instrument", known[0].name if known else None)
            problem = (f"no instrument {compact(iri)} in the graph" if iri in unknown
                       else f"{compact(iri)} is not an instrument")  # fmt: skip
            text = unknown_message(problem, closest(compact(iri), known), expected)
            raise RequestError("instrument", f"{{instrument}} {quoted(name)}: {escaped(text)}")
    return iris


def _actor_iris(store: Store, names: Sequence[str]) -> list[str]:
    """The IRIs of actors named by ISO code or organisation id (``USA``, ``EU``), prefixed name
    or IRI; an unknown one is an error that suggests the closest actors by code and name."""
    options = {n: ([expand(n)] if ":" in n else [f"{DATA_BASE}state/{n}", f"{DATA_BASE}org/{n}"])
               for n in names}  # fmt: skip
    unknown = unknown_iris(store, (iri for iris in options.values() for iri in iris))
    found = []
    for name, iris in options.items():
        known = [iri for iri in iris if iri not in unknown and kind_of(iri) in ("state", "org")]
        if not known:
            raise RequestError(
                "actor", f"{{actor}} {quoted(name)}: {escaped(_no_actor(store, name))}"
            )
        found.append(known[0])
    return found


def _no_actor(store: Store, name: str) -> str:
    known = [Candidate(c.name.partition(":")[2], c.labels)
             for kind in ("state", "org") for c in candidates(store, kind)]  # fmt: skip
    wanted = compact(expand(name)).partition(":")[2] or name
    return unknown_message("no state or organisation with this code in the graph",
                           closest(wanted, known),
                           "give an ISO code (USA), an organisation id (EU) or an IRI")  # fmt: skip


def status_at(store: Store, date: str, instrument: str | Sequence[str] | None = None,
              actors: Sequence[str] | None = None) -> list[Status]:  # fmt: skip
    """Each actor's status on each instrument on ``date`` (a day), by the rules above.

    ``instrument`` (one or several, by id, prefixed name or IRI) and ``actors`` (ISO codes,
    organisation ids or IRIs) restrict the answer; without ``actors``, the actors with an act on
    the instrument or a membership of the body that adopted it. Rows are ordered by instrument
    and actor. An unknown instrument or actor, or a date that is not a day, is a
    :class:`RequestError` naming the parameter (``instrument``, ``actor``, ``at``)."""
    day = check_day("at", date)
    names = [instrument] if isinstance(instrument, str) else list(instrument or ())
    wanted = _instrument_iris(store, names) if names else []
    chosen = _actor_iris(store, list(actors)) if actors else []
    terms = " ".join(str(ox.NamedNode(iri)) for iri in wanted)  # N-Triples, never user text
    found = _read(store.query(with_values(_FACTS, "instrument", terms)).records())
    for iri, begins in beginnings(store, found).items():
        found[iri].begins = begins
    statuses = []
    for iri in sorted(wanted or (i for i, f in found.items() if f.acts or f.memberships)):
        facts = found.get(iri, Facts())
        everyone = set(facts.acts) | set(facts.memberships)
        for actor in sorted(chosen or everyone, key=lambda a: a.rsplit("/", 1)[-1]):
            status, act, note, evidence = status_of(facts, actor, day)
            statuses.append(Status(iri, actor, status, act, note, evidence))
    return statuses


def beginnings(store: Store, instruments: Iterable[str]) -> dict[str, str]:
    """Each instrument's beginning (``2024-09-05``): the earliest first day of its own date, its
    adopting event's start and its claimed adoption or opening for signature; an instrument with
    none of them is left out."""
    terms = " ".join(str(ox.NamedNode(iri)) for iri in sorted(instruments))
    if not terms:
        return {}
    found: dict[str, str] = {}
    for row in store.query(with_values(_BEGINNINGS, "instrument", terms)).records():
        day, iri = first_day(_date(row, "date")), row.text("instrument")
        if len(day) == 10 and (iri not in found or day < found[iri]):
            found[iri] = day
    return found
