"""How complete the lists behind an answer are: coverage travels with every answer.

A list of stances on an instrument is *complete* (``gk:listComplete true``), *complete as of* a
date (``gk:listCompleteAsOf``: later signatures may be missing), *partial* (``gk:listComplete
false``: "6 of 61 reported signatories named", from the count claims) or of *unknown*
completeness (nothing recorded).  The attendance of an event is partial when a reported count of
attendees exceeds the attendances named, complete when it equals them, unknown otherwise.

An answer rests on the instruments and events its parameters and rows name (an event stands for
the instruments adopted at it, a series for those of its events).  A catalogue query says in its
header how its answer depends on them (``# coverage: …``):

- ``lists`` (the default): the answer lists what the record names; from a partial list, more may
  belong in it;
- ``absence``: the answer is read from what the record does *not* have (who attended without
  signing); from a partial list it cannot be known, and the rows are only the named actors;
- ``attendance``: the answer also rests on the attendance lists of its events;
- ``none``: the answer does not rest on lists of stances (counts, quotes, roles).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from govkg.fixed_queries import fixed_query, with_values
from govkg.namespaces import DATA_BASE, compact
from govkg.store import Row, Store, Term

MODES = ("lists", "absence", "attendance", "none")
#: The mode of a state's or organisation's page: the lists it is not on (see :func:`page_coverage`).
UNLISTED = "unlisted"
INSTRUMENT_BASE = f"{DATA_BASE}instrument/"
EVENT_BASE = f"{DATA_BASE}event/"
SERIES_BASE = f"{DATA_BASE}series/"
#: Detailed lines at most in a notice; the rest are counted.
MAX_LINES = 12

_EXPAND = fixed_query(__file__, "coverage-expand")
_EVENTS_OF_SERIES = fixed_query(__file__, "coverage-events-of-series")
_INSTRUMENTS = fixed_query(__file__, "coverage-instruments")
_NAMED = fixed_query(__file__, "coverage-named")
#: Above this many instruments, one pass over every stance beats a long VALUES list.
VALUES_LIMIT = 200
_COUNTS = fixed_query(__file__, "coverage-counts")
_EVENTS = fixed_query(__file__, "coverage-events")
_UNLISTED = fixed_query(__file__, "coverage-unlisted")

#: What a reported count counts, in the order a list's counts are chosen; signatories are the
#: actors that signed or endorsed, co-sponsors and members those with any stance.
_COUNTED = ("signatories", "co-sponsors", "members")
_PRECISION_TEXT = {"approximate": "about {}", "lower-bound": "over {}", "exact": "{}"}


@dataclass(frozen=True)
class ReportedCount:
    """A number a source reports for a list: its value, precision and as-of date."""

    value: int
    precision: str = "exact"
    as_of: str | None = None

    def text(self, dated: bool = True) -> str:
        """``61``, ``about 60``, ``over 140``, with ``(as of 2026-02-24)`` when dated."""
        shown = _PRECISION_TEXT.get(self.precision, "{}").format(self.value)
        return f"{shown} (as of {self.as_of})" if self.as_of and dated else shown

    def as_json(self) -> dict[str, object]:
        return {"value": self.value, "precision": self.precision, "as_of": self.as_of}


def headline(reported: Sequence[ReportedCount]) -> ReportedCount:
    """The count a list is measured against: the latest dated one (a list grows), else the
    largest exact one, else the largest."""
    dated = [r for r in reported if r.as_of]
    if dated:
        return max(dated, key=lambda r: (r.as_of or "", r.value))
    return max(reported, key=lambda r: (r.precision == "exact", r.value))


@dataclass(frozen=True)
class ListCoverage:
    """How complete one list is: the stances on an instrument, or the attendance of an event."""

    iri: str
    label: str
    list: str  # "stances" or "attendance"
    status: str  # "complete", "complete-as-of", "partial" or "unknown"
    named: int
    counted: str  # what is counted: signatories, attendees, co-sponsors, members, actors
    complete_as_of: str | None = None
    reported: tuple[ReportedCount, ...] = ()

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    def name(self) -> str:
        """The list's name: the instrument's label, or "attendance at" the event's."""
        prefix = "attendance at " if self.list == "attendance" else ""
        return f"{prefix}{self.label} ({compact(self.iri)})"

    def text(self) -> str:
        """What is known of the list, in a few words."""
        if self.status == "complete":
            return f"complete list ({self.named} {self.counted} named)"
        if self.status == "complete-as-of":
            return (
                f"list complete as of {self.complete_as_of} ({self.named} {self.counted} named; "
                "later ones may be missing)"
            )
        if self.status == "unknown" and not self.named and not self.reported:
            return "no list of stances recorded"
        word = "partial list" if self.status == "partial" else "completeness not recorded"
        return f"{word}, {self._named_of_reported()}"

    def _named_of_reported(self) -> str:
        """``6 of 61 reported signatories named``: against the latest dated count, else the
        largest exact one; other reports that are not earlier counts of a growing list follow."""
        if not self.reported:
            return f"{self.named} {self.counted} named; no count reported"
        best = headline(self.reported)
        when = f" as of {best.as_of}" if best.as_of else ""
        shown = best.text(dated=False)
        if self.named <= best.value:
            text = f"{self.named} named of {shown} {self.counted} reported{when}"
        else:
            text = f"{self.named} {self.counted} named, more than the {shown} reported{when}"
        others = [r for r in self.reported if r is not best and not r.as_of]
        if others:
            text += f"; other reports: {', '.join(r.text() for r in others)}"
        return text

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.iri,
            "label": self.label,
            "list": self.list,
            "status": self.status,
            "complete_as_of": self.complete_as_of,
            "named": self.named,
            "counted": self.counted,
            "reported": [r.as_json() for r in self.reported],
            "text": self.text(),
        }


#: What a coverage is of → how its summary names the lists and where more may belong.
_ABOUT = {
    "answer": ("the lists the answer rests on", "in the answer"),
    "page": ("the lists on this page", "on them"),
    "view": ("the lists the view shows", "in the view"),
}
#: Verdicts, from the best to the worst.
VERDICTS = ("none", "complete", "complete-as-of", "incomplete", "unknowable", "unlisted")


@dataclass(frozen=True)
class Coverage:
    """The lists an answer rests on, and what that means for the answer."""

    mode: str
    lists: tuple[ListCoverage, ...] = field(default_factory=tuple)
    #: Further lists of the same kind, not described (a page shows at most :data:`MAX_LINES`).
    more: int = 0
    #: What the coverage is of: "answer" (a query's), "page" (a resource's) or "view" (an
    #: export's).
    about: str = "answer"

    @property
    def verdict(self) -> str:
        """``none`` (no list), ``complete``, ``complete-as-of``, ``incomplete`` (more may belong
        in the answer) or ``unknowable`` (an answer read from absences, on a partial list)."""
        if not self.lists:
            return "none"
        statuses = {item.status for item in self.lists}
        if self.mode == UNLISTED:
            return "unlisted"
        if statuses & {"partial", "unknown"}:
            return "unknowable" if self.mode == "absence" else "incomplete"
        return "complete-as-of" if "complete-as-of" in statuses else "complete"

    def summary(self) -> str:
        """The verdict in one sentence."""
        lists, more = _ABOUT[self.about]
        return {
            "none": "the answer rests on no list of stances",
            "complete": f"complete: {lists} are complete",
            "complete-as-of": "complete as of a date: later signatures may be missing",
            "incomplete": f"incomplete: {lists} are not all complete, so more may belong "
            f"{more} than the record names",
            "unknowable": "cannot be known from the record: the answer is read from who is "
            "not listed, and a list it rests on is partial; the rows are only the actors the "
            "record names",
            "unlisted": "no record on these instruments, whose lists are not complete (or "
            "complete only as of a date): no record is not a refusal, and the actor may have "
            "signed them",
        }[self.verdict]

    def notice(self) -> list[str]:
        """Lines for a person: the verdict, then each list that is not complete, then a count of
        the complete ones."""
        if self.verdict == "none":
            return []
        lines = [f"coverage: {self.summary()}"]
        shown = [item for item in self.lists if not item.complete]
        for item in shown[:MAX_LINES]:
            lines.append(f"  {item.name()}: {item.text()}")
        hidden = max(0, len(shown) - MAX_LINES) + self.more
        if hidden:
            lines.append(f"  … and {hidden} more lists that are not complete")
        complete = [item for item in self.lists if item.complete]
        if len(complete) == 1 and not shown:
            lines.append(f"  {complete[0].name()}: {complete[0].text()}")
        elif complete:
            lines.append(f"  {len(complete)} complete list{'s' if len(complete) > 1 else ''}")
        return lines

    def caption(self) -> str:
        """One sentence for a picture: how many lists are complete, complete as of a date,
        partial or of unknown completeness, naming the ones that are not complete."""
        if not self.lists:
            return ""
        counts: dict[str, int] = {}
        for item in self.lists:
            counts[item.status] = counts.get(item.status, 0) + 1
        order = ("complete", "complete-as-of", "partial", "unknown")
        words = {"complete-as-of": "complete as of a date", "unknown": "of unknown completeness"}
        parts = [f"{counts[s]} {words.get(s, s)}" for s in order if s in counts]
        partial = [
            i.iri.rsplit("/", 1)[-1] for i in self.lists if i.status in ("partial", "unknown")
        ]
        named = f" ({'; '.join(partial[:MAX_LINES])}{' …' if len(partial) > MAX_LINES else ''})"
        return (
            f"Lists of the {len(self.lists)} instruments: {', '.join(parts)}"
            + (named if partial else "")
            + ". An actor missing from a list that is not complete has no code there, not a no."
        )

    def header(self) -> str:
        """A short ASCII form for an HTTP header: the verdict and the lists not complete."""
        partial = [compact(i.iri) for i in self.lists if not i.complete]
        listed = ", ".join(partial[:MAX_LINES]) + (" ..." if len(partial) > MAX_LINES else "")
        text = f"{self.verdict}; not complete: {listed}" if partial else self.verdict
        return text.encode("ascii", "replace").decode("ascii")

    def as_json(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "note": self.summary(),
            "lists": [item.as_json() for item in self.lists],
            "more": self.more,
        }


def answer_coverage(
    store: Store,
    mode: str,
    terms: Iterable[Term | None],
) -> Coverage:
    """The coverage of an answer whose parameters and rows hold ``terms``."""
    if mode == "none":
        return Coverage(mode)
    iris = {t.value for t in terms if isinstance(t, ox.NamedNode)}
    instruments = {i for i in iris if i.startswith(INSTRUMENT_BASE)}
    events = {i for i in iris if i.startswith(EVENT_BASE)}
    series = {i for i in iris if i.startswith(SERIES_BASE)}
    instruments |= _expand(store, events | series)
    lists = instrument_coverage(store, sorted(instruments))
    if mode in ("attendance", "absence"):
        attended = events | (_events_of(store, series) if mode == "attendance" else set())
        lists = attendance_coverage(store, sorted(attended)) + lists
    return Coverage("absence" if mode == "absence" else "lists", tuple(lists))


def _values(iris: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def _select(store: Store, query: str, variable: str, iris: Sequence[str] | set[str]) -> list[Row]:
    if not iris:
        return []
    return store.query(with_values(query, variable, _values(sorted(iris)))).records()


def _expand(store: Store, iris: set[str]) -> set[str]:
    return {row.text("instrument") for row in _select(store, _EXPAND, "from", iris)}


def _events_of(store: Store, series: set[str]) -> set[str]:
    return {row.text("event") for row in _select(store, _EVENTS_OF_SERIES, "series", series)}


def instrument_coverage(store: Store, iris: Sequence[str]) -> list[ListCoverage]:
    """The coverage of each instrument's list of stances (unknown IRIs are left out)."""
    named = _named(store, iris)
    counts = _counts(store, iris)
    found = []
    for row in _select(store, _INSTRUMENTS, "instrument", iris):
        iri = row.text("instrument")
        reported = counts.get(iri, {})
        counted = _counted(reported)
        total = _named_total(named.get(iri, (0, 0)), counted)
        found.append(
            ListCoverage(
                iri=iri,
                label=row.text("label") or compact(iri),
                list="stances",
                status=_status(row.text("complete", None), row.text("asOf", None)),
                named=total,
                counted=counted or "actors",
                complete_as_of=row.text("asOf", None),
                reported=tuple(reported.get(counted, ())) if counted else (),
            )
        )
    return sorted(found, key=lambda item: item.iri)


def _named_total(named: tuple[int, int], counted: str | None) -> int:
    """How many actors a list names of what its counts count (signatories: signed or endorsed,
    each actor once; otherwise actors with any stance)."""
    signers, actors = named
    return signers if counted == "signatories" else actors


def _status(complete: str | None, as_of: str | None) -> str:
    if complete in ("true", "1"):
        return "complete-as-of" if as_of else "complete"
    return "partial" if complete in ("false", "0") else "unknown"


def _counted(reported: Mapping[str, list[ReportedCount]]) -> str | None:
    """What the list's reported counts count (signatories before co-sponsors and members)."""
    return next((counted for counted in _COUNTED if counted in reported), None)


def _named(store: Store, iris: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(signers, actors) per instrument: a VALUES list for a few, one pass for many."""
    if not iris:
        return {}
    terms = _values(iris) if len(iris) <= VALUES_LIMIT else ""  # none: every instrument
    rows = store.query(with_values(_NAMED, "instrument", terms)).records()
    wanted = set(iris)
    found = {}
    for row in rows:
        iri = row.text("instrument")
        if iri in wanted:
            found[iri] = (row.int("signers"), row.int("actors"))
    return found


def _counts(store: Store, iris: Sequence[str]) -> dict[str, dict[str, list[ReportedCount]]]:
    """Reported counts per resource and per thing counted, in order of date then value."""
    found: dict[str, dict[str, list[ReportedCount]]] = {}
    for row in _select(store, _COUNTS, "about", iris):
        counted = row.text("counts").rsplit("/", 1)[-1]
        precision = row.text("precision", None)
        count = ReportedCount(
            value=int(float(row.text("value"))),
            precision=precision.rsplit("/", 1)[-1] if precision else "exact",
            as_of=row.text("asOf", None),
        )
        counts = found.setdefault(row.text("about"), {}).setdefault(counted, [])
        if count not in counts:  # Virtuoso 7.2 repeats rows despite SELECT DISTINCT here
            counts.append(count)
    for per_kind in found.values():
        for counts in per_kind.values():
            counts.sort(key=lambda c: (c.as_of or "", c.value, c.precision))
    return found


def attendance_coverage(store: Store, iris: Sequence[str]) -> list[ListCoverage]:
    """The coverage of each event's attendance list, from its reported counts of attendees."""
    counts = _counts(store, iris)
    found = []
    for row in _select(store, _EVENTS, "event", iris):
        iri = row.text("event")
        reported = tuple(counts.get(iri, {}).get("attendees", ()))
        named = row.int("n")
        found.append(
            ListCoverage(
                iri=iri,
                label=row.text("label") or compact(iri),
                list="attendance",
                status=_attendance_status(named, reported),
                named=named,
                counted="attendees",
                reported=reported,
            )
        )
    return sorted(found, key=lambda item: item.iri)


def _attendance_status(named: int, reported: tuple[ReportedCount, ...]) -> str:
    exact = {r.value for r in reported if r.precision == "exact"}
    if exact and named >= max(exact):
        return "complete"
    return "partial" if reported and named < max(r.value for r in reported) else "unknown"


STATE_BASE = f"{DATA_BASE}state/"
ORG_BASE = f"{DATA_BASE}org/"
#: Instruments whose list is not known to be complete and on which the actor has no stance.


def page_coverage(store: Store, iri: str) -> Coverage | None:
    """What a resource's page should say of the lists it shows: an instrument's own list; an
    event's attendance and the lists of what it adopted; for a state or organisation, the lists
    on which it has no record although it might belong on them (not complete, or complete only
    as of a date).  None for other resources."""
    if iri.startswith(INSTRUMENT_BASE):
        return Coverage("lists", tuple(instrument_coverage(store, [iri])), about="page")
    if iri.startswith(EVENT_BASE):
        found = answer_coverage(store, "attendance", [ox.NamedNode(iri)])
        return Coverage(found.mode, found.lists, about="page")
    if iri.startswith((STATE_BASE, ORG_BASE)):
        actor = str(ox.NamedNode(iri))
        text = with_values(with_values(_UNLISTED, "actor", actor), "self", actor)
        rows = store.query(text).rows
        unlisted = [row[0].value for row in rows if isinstance(row[0], ox.NamedNode)]
        lists = tuple(instrument_coverage(store, unlisted[:MAX_LINES]))
        return Coverage(UNLISTED, lists, max(0, len(unlisted) - MAX_LINES), "page")
    return None
