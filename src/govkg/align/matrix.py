"""The actor-by-instrument stance matrix, pulled from the store with one grouped query, and coded.

Coding (ordinal, :data:`KIND_CODES`; README, Alignment, has the table and the reasons): 1 = yes
(signed, endorsed, voted yes, ratified, acceded, accepted or approved, joined, co-sponsored, lead
sponsor), 2 = abstain (abstained), 3 = no (declined on record, voted no, dissociated, withdrew,
left). "Did not vote", "participated" and no record are missing (0). For an instrument whose list
is complete, an actor with no record on it did not sign: ``absent="missing"`` (the default) keeps
that missing, ``absent="no"`` codes it 3. "Took part, did not sign" is not a refusal: it is coded
as such an absence, on any list (missing, or 3 with ``absent="no"``).

An actor with several acts on an instrument is coded by its latest (signed, then withdrew: no;
joined, then left: no); acts none of which is certainly later than the others (the same day,
overlapping partial dates, no date) are coded as the highest code among them.
:class:`MatrixOptions` recodes kinds, keeps only the acts done by a day (``at``; an act that may
fall either side of it is left out and counted) and chooses the types of actor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import count
from operator import itemgetter
from typing import Any, NamedTuple, cast

import numpy as np
import pyoxigraph as ox

from govkg.errors import GovkgError, RequestError
from govkg.fixed_queries import fixed_query, with_values
from govkg.lifecycle import Act as LifecycleAct
from govkg.lifecycle import Span, beginnings, split_at
from govkg.namespaces import DATA_BASE, GK, compact, expand
from govkg.resolve import Candidate, closest, unknown_message
from govkg.store import QueryResult, Store

KIND_CODES = {
    "signed": 1,
    "endorsed": 1,
    "voted-yes": 1,
    "ratified": 1,
    "acceded": 1,
    "accepted-approved": 1,
    "joined": 1,
    "co-sponsored": 1,
    "lead-sponsored": 1,
    "abstained": 2,
    "declined": 3,
    "voted-no": 3,
    "dissociated": 3,
    "withdrew": 3,
    "left": 3,
    "did-not-vote": 0,
    "participated": 0,
    "did-not-sign": 0,
}
#: The codes ``--code KIND=WORD`` can give a kind.
CODE_WORDS = {"yes": 1, "abstain": 2, "no": 3, "missing": 0}
#: The types of actor the matrix can hold (``--actors-type``); by default states and
#: intergovernmental organisations (and actors of no known type), as before companies were actors.
ACTOR_TYPES = {
    "state": str(GK.State),
    "organisation": str(GK.InternationalOrganisation),
    "company": str(GK.Company),
    "research-institution": str(GK.ResearchInstitution),
}
DEFAULT_ACTOR_TYPES = ("state", "organisation")
#: Kinds coded as an absence from a complete list, never as a refusal on record.
ABSENT_KINDS = ("did-not-sign",)
ABSENT_CHOICES = ("missing", "no")

STANCES = fixed_query(__file__, "stances")
#: The stances grouped by instrument and kind, their actors as one text: what the matrix reads.
STANCE_GROUPS = fixed_query(__file__, "stance-groups")
DATED = fixed_query(__file__, "dated-stances")
ACTORS = fixed_query(__file__, "actors")
TYPES = fixed_query(__file__, "actor-types")
INSTRUMENTS = fixed_query(__file__, "instruments")
#: What ACTORS, TYPES and INSTRUMENTS give, and each instrument's types, series and themes, in
#: one query.
DETAILS = fixed_query(__file__, "matrix-details")
#: The earliest stance date of the instruments in its VALUES block (of every one without).
STANCE_DATES = fixed_query(__file__, "instrument-stance-dates")
#: The most instruments named in a VALUES block; for more, one pass over every stance.
VALUES_LIMIT = 200


class StanceRow(NamedTuple):
    """One stance: its actor, instrument and kind IRIs, its act date and as-of date ("" if none)."""

    actor: str
    instrument: str
    kind: str
    date: str = ""
    as_of: str = ""

    @property
    def span(self) -> Span:
        """The days on which the act may have happened (govkg.lifecycle)."""
        return Span.of(self.date or self.as_of, not self.date and bool(self.as_of))


def coding(overrides: Mapping[str, str]) -> dict[str, int]:
    """:data:`KIND_CODES` with some kinds coded otherwise (``{"withdrew": "missing"}``); an
    unknown kind or code is a :class:`RequestError` naming ``codes`` with the choices."""
    codes = dict(KIND_CODES)
    for kind, word in overrides.items():
        if kind not in KIND_CODES:
            raise RequestError("codes", f"{{codes}} {kind!r}: no such stance kind; choose "
                               f"{', '.join(sorted(KIND_CODES))}")  # fmt: skip
        if word not in CODE_WORDS:
            raise RequestError("codes", f"{{codes}} {kind}={word!r}: choose a code of "
                               f"{', '.join(CODE_WORDS)}")  # fmt: skip
        codes[kind] = CODE_WORDS[word]
    return codes


@dataclass(frozen=True)
class MatrixOptions:
    """How the matrix is built: the code of each kind, the day it is as of ("": today, every
    act) and the types of actor it holds (empty: :data:`DEFAULT_ACTOR_TYPES`)."""

    codes: Mapping[str, int] = field(default_factory=lambda: dict(KIND_CODES))
    at: str = ""
    actor_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instrument:
    """What the filters need to know about an instrument."""

    iri: str
    label: str
    date: str  # the earliest date known: its own, its event's, or its stances'; "" if none
    complete: bool
    types: frozenset[str]
    series: frozenset[str]
    themes: frozenset[str]

    @property
    def slug(self) -> str:
        return self.iri.rsplit("/", 1)[1]

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


@dataclass(frozen=True)
class StanceMatrix:
    """Actors (rows) by instruments (columns) with ordinal codes, 0 where missing."""

    actors: tuple[str, ...]
    codes_of: tuple[str, ...]  # ISO code or organisation id, for display
    labels: tuple[str, ...]
    instruments: tuple[Instrument, ...]
    codes: np.ndarray  # int8 (A, I)
    absent: np.ndarray  # bool (A, I): no record on an instrument whose list is complete
    #: With ``at``: the (actor, instrument) of each act left out because it may fall either side.
    undetermined: tuple[tuple[str, str], ...] = ()

    def coded(self, absent: str = "missing") -> np.ndarray:
        """The codes, with absences on complete lists coded as ``absent`` says."""
        if absent not in ABSENT_CHOICES:
            raise RequestError("absent", f"{{absent}} must be one of {', '.join(ABSENT_CHOICES)}")
        if absent == "missing":
            return self.codes
        return np.where(self.absent, np.int8(3), self.codes)

    def select(self, columns: np.ndarray) -> StanceMatrix:
        """The same actors over a subset of the instruments (a boolean mask or indices)."""
        index = np.flatnonzero(columns) if columns.dtype == bool else columns
        return replace(
            self,
            instruments=tuple(self.instruments[i] for i in index),
            codes=self.codes[:, index],
            absent=self.absent[:, index],
        )

    def rows(self, actors: list[int]) -> StanceMatrix:
        """A subset of the actors, in the given order."""
        return replace(
            self,
            actors=tuple(self.actors[i] for i in actors),
            codes_of=tuple(self.codes_of[i] for i in actors),
            labels=tuple(self.labels[i] for i in actors),
            codes=self.codes[actors],
            absent=self.absent[actors],
        )

    def actor_index(self, name: str) -> int:
        """The row of an actor named by ISO code, organisation id, IRI or prefixed name; an
        unknown one is an error that suggests the closest actors (by code and by name)."""
        if name in self.codes_of:
            return self.codes_of.index(name)
        iri = expand(name)
        if iri in self.actors:
            return self.actors.index(iri)
        known = {code: label for code, label in zip(self.codes_of, self.labels, strict=True)}
        found = closest(compact(iri), [Candidate(c, (lbl,)) for c, lbl in known.items()])
        problem = f"actor {name}: no actor with stances has this ISO code, id or IRI"
        expected = "give an ISO code (USA), an organisation id (EU) or an IRI (state:USA)"
        shown = [f"{code} ({known[code]})" if known[code] != code else code for code in found]
        raise GovkgError(unknown_message(problem, shown, expected))


@dataclass
class _Details:
    """What the matrix shows of its actors and instruments, read by one query (:data:`DETAILS`):
    each coded actor's label and code, each actor's types of :data:`ACTOR_TYPES`, each
    instrument's label, complete flag, own date and event date, and its types, series and
    themes."""

    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    actor_types: dict[str, set[str]] = field(default_factory=dict)
    instruments: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=dict)
    series: dict[str, set[str]] = field(default_factory=dict)
    themes: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, store: Store) -> _Details:
        """The details of every actor and instrument in the store."""
        result = store.query(DETAILS)
        try:
            return cls._of(result)
        except AttributeError:  # an RDF-star triple: Row.text's error names the variable
            for record in result.records():
                for name in result.variables:
                    record.text(name)
            raise

    @classmethod
    def _of(cls, result: QueryResult) -> _Details:
        found = cls()
        at = {name: k for k, name in enumerate(result.variables)}
        names = ("actor", "label", "code", "type", "instrument")
        actor, label, code, type_, instrument = (at[name] for name in names)
        own = [at[name] for name in ("complete", "ownDate", "eventDate")]
        sets = [(at["instrumentType"], found.types), (at["series"], found.series),
                (at["theme"], found.themes)]  # fmt: skip
        text = _term_text  # for what may be unbound; the rest is read as .value
        for row in cast(list[tuple[Any, ...]], result.rows):
            if row[instrument] is None:  # an actor: its type, or its label and code
                if row[type_] is None:
                    found.names[row[actor].value] = (text(row[label]), row[code].value)
                else:
                    found.actor_types.setdefault(row[actor].value, set()).add(row[type_].value)
                continue
            iri = row[instrument].value
            for k, table in sets:  # an instrument: a type, series or theme, or the rest
                if row[k] is not None:
                    table.setdefault(iri, set()).add(row[k].value)
                    break
            else:
                found.instruments[iri] = (text(row[label]), text(row[own[0]]),
                                          text(row[own[1]]), text(row[own[2]]))  # fmt: skip
        return found


def _stance_dates(store: Store, iris: Sequence[str]) -> dict[str, str]:
    """The earliest date of a stance on each of these instruments (those with one)."""
    if not iris:
        return {}
    terms = (
        " ".join(str(ox.NamedNode(i)) for i in sorted(iris)) if len(iris) <= VALUES_LIMIT else ""
    )
    answer = store.query(with_values(STANCE_DATES, "instrument", terms))
    return {instrument: date for instrument, date in _text_rows(answer, ("instrument", "v"))}


def _instruments(store: Store, details: _Details, used: set[str]) -> list[Instrument]:
    """The instruments that have stances (``used``), with their details."""
    rows = details.instruments
    none = ("", "", "", "")
    undated = [iri for iri in used if not any(rows.get(iri, none)[2:])]
    stance_dates = _stance_dates(store, undated)  # only where neither it nor its event has one
    found = []
    for iri in used:  # an instrument a stance names is kept even if its type is not known
        label, complete, own, held = rows.get(iri, none)
        found.append(
            Instrument(
                iri=iri,
                label=label or iri,
                date=own or held or stance_dates.get(iri, ""),
                complete=complete in ("true", "1"),
                types=frozenset(t.rsplit("#", 1)[-1].lower() for t in details.types.get(iri, ())),
                series=frozenset(details.series.get(iri, ())),
                themes=frozenset(details.themes.get(iri, ())),
            )
        )
    return sorted(found, key=lambda i: (i.date, i.iri))


@dataclass(frozen=True)
class _Cells:
    """Stances as arrays: ``actor[k]``, ``instrument[k]`` and ``kind[k]`` index stance k's IRIs
    in ``actors``, ``instruments`` and ``kinds``.  Stances from ``first_dated`` on are also kept
    as rows (``dated``, with their dates): only they may share a cell."""

    actors: tuple[str, ...]
    instruments: tuple[str, ...]
    kinds: tuple[str, ...]
    actor: np.ndarray
    instrument: np.ndarray
    kind: np.ndarray
    first_dated: int = 0
    dated: tuple[StanceRow, ...] = ()

    @classmethod
    def of(cls, columns: Sequence[list[Any]], text: Callable[[Any], str]) -> _Cells:
        """Stances from their actor, instrument and kind columns, each value's IRI ``text``."""
        vocabularies: list[dict[str, int]] = [{}, {}, {}]
        actor, instrument, kind = (_positions(column, vocabulary, text)
                                   for column, vocabulary in zip(columns, vocabularies,
                                                                 strict=True))  # fmt: skip
        actors, instruments, kinds = (tuple(v) for v in vocabularies)
        return cls(actors, instruments, kinds, actor, instrument, kind, len(actor))

    def with_dated(self, rows: Sequence[StanceRow]) -> _Cells:
        """These stances and ``rows`` (which keep their dates) after them."""
        names = (self.actors, self.instruments, self.kinds)
        vocabularies = [{v: k for k, v in enumerate(known)} for known in names]
        actor, instrument, kind = (
            np.concatenate([old, _positions([r[k] for r in rows], vocabularies[k], str)])
            for k, old in enumerate((self.actor, self.instrument, self.kind))
        )
        actors, instruments, kinds = (tuple(v) for v in vocabularies)
        return _Cells(actors, instruments, kinds, actor, instrument, kind, len(self.actor),
                      tuple(rows))  # fmt: skip

    def where(self, keep: np.ndarray) -> _Cells:
        """The stances ``keep`` (a boolean mask) holds."""
        first = int(keep[: self.first_dated].sum())
        dated = tuple(r for r, k in zip(self.dated, keep[self.first_dated :], strict=True) if k)
        return replace(self, actor=self.actor[keep], instrument=self.instrument[keep],
                       kind=self.kind[keep], first_dated=first, dated=dated)  # fmt: skip

    def row(self, k: int) -> StanceRow:
        """Stance k (one of those that may share a cell) with its dates."""
        if k < self.first_dated:
            raise ValueError(f"stance {k} was read without its dates: it shares no cell")
        return self.dated[k - self.first_dated]


def _positions(values: Sequence[Any], vocabulary: dict[str, int], text: Callable[[Any], str]
               ) -> np.ndarray:  # fmt: skip
    """Each value's position in ``vocabulary`` by its ``text`` (new texts are added to it)."""
    first: dict[Any, int] = {}  # each distinct value: where it first comes (one look-up a value)
    at = np.fromiter(map(first.setdefault, values, count()), np.intp, len(values))
    firsts = list(first.values())
    where = np.zeros(len(values), dtype=np.intp)
    where[firsts] = [vocabulary.setdefault(text(values[k]), len(vocabulary)) for k in firsts]
    return where[at]


#: A value of a query's row that is read as text (an RDF-star triple is an error).
_Term = ox.NamedNode | ox.Literal | ox.BlankNode | None


def _term_text(term: _Term) -> str:
    return "" if term is None else term.value


def load_matrix(store: Store, options: MatrixOptions | None = None) -> StanceMatrix:
    """One query for the stances, grouped (their dates are read only where an actor has several
    acts on an instrument, or as of a day), one for every actor's and instrument's details, and
    one for the earliest stance dates of the instruments that have no date of their own."""
    options = options or MatrixOptions()
    if options.at:
        rows = dated_stance_rows(store)
        details = _Details.read(store)
        keep = _kept(details.actor_types, {r.actor for r in rows}, options.actor_types)
        rows = [r for r in rows if r.actor in keep]
        begins = beginnings(store, {r.instrument for r in rows})
        rows, undetermined = rows_at(rows, options.at, begins)
        cells = _Cells.of([[], [], []], str).with_dated(rows)
        matrix = _matrix_of(store, details, cells, options.codes)
        return replace(matrix, undetermined=tuple((r.actor, r.instrument) for r in undetermined))
    cells = _stance_cells(store)
    details = _Details.read(store)
    kept = _kept(details.actor_types, cells.actors, options.actor_types)
    if len(kept) < len(cells.actors):
        wanted = np.array([a in kept for a in cells.actors], dtype=bool)
        cells = cells.where(wanted[cells.actor])
    return _matrix_of(store, details, cells, options.codes)


def _stance_cells(store: Store) -> _Cells:
    """Every stance, with its dates on the instruments where an actor has several."""
    cells = _grouped_cells(store.query(STANCE_GROUPS))
    if cells is None:  # an actor that is a blank node or a literal: read stance by stance
        result = store.query(STANCES)
        positions = [result.variables.index(name) for name in ("actor", "instrument", "kind")]
        cells = _Cells.of([list(map(itemgetter(k), result.rows)) for k in positions], _term_text)
    several = _several_acts(cells)
    if not several:
        return cells
    single = ~np.isin(cells.instrument, [cells.instruments.index(i) for i in several])
    return cells.where(single).with_dated(dated_stance_rows(store, several))


def _grouped_cells(result: QueryResult) -> _Cells | None:
    """The stances from :data:`STANCE_GROUPS`' rows; None unless every actor is an IRI (then
    some group's ?actors is unbound, or splits into more parts than its ?n IRI actors)."""
    instrument, kind, actors, n = (result.variables.index(name)
                                   for name in ("instrument", "kind", "actors", "n"))  # fmt: skip
    rows = cast(list[tuple[_Term, ...]], result.rows)
    if any(row[actors] is None for row in rows):
        return None
    sizes = np.array([int(_term_text(row[n])) for row in rows], dtype=np.intp)
    names = " ".join(_term_text(row[actors]) for row in rows).split(" ") if rows else []
    if len(names) != sizes.sum():
        return None
    vocabularies: tuple[dict[str, int], ...] = ({}, {}, {})
    actor = _positions(names, vocabularies[0], str)
    instrument_of, kind_of = (
        np.repeat(_positions([row[k] for row in rows], vocabularies[j], _term_text), sizes)
        for j, k in ((1, instrument), (2, kind))
    )
    a, i, k = (tuple(v) for v in vocabularies)
    return _Cells(a, i, k, actor, instrument_of, kind_of, len(actor))


def _text_columns(result: QueryResult, names: Sequence[str]) -> list[list[str]]:
    """The text of each named column of a query's rows."""
    columns = []
    for name in names:
        k = result.variables.index(name)
        columns.append([_term_text(row[k]) for row in result.rows])  # type: ignore[arg-type]
    return columns


def _text_rows(result: QueryResult, names: Sequence[str]) -> list[tuple[str, ...]]:
    """Each row's named values as text, as ``Row.text`` reads them ("" where unbound)."""
    where = [result.variables.index(name) for name in names]
    try:
        return [tuple(_term_text(row[k]) for k in where) for row in result.rows]  # type: ignore[arg-type]
    except AttributeError:  # an RDF-star triple: Row.text's error names the variable
        for record in result.records():
            for name in names:
                record.text(name)
        raise


def stance_rows(store: Store) -> list[tuple[str, str, str]]:
    """Every stance as (actor, instrument, kind) IRIs: the matrix's cells."""
    actors, instruments, kinds = _text_columns(
        store.query(STANCES), ("actor", "instrument", "kind")
    )
    return list(zip(actors, instruments, kinds, strict=True))


def dated_stance_rows(store: Store, instruments: Iterable[str] = ()) -> list[StanceRow]:
    """The stances on these instruments (every stance without), with their dates."""
    terms = " ".join(str(ox.NamedNode(iri)) for iri in sorted(instruments))
    answer = store.query(with_values(DATED, "instrument", terms))
    names = ("actor", "instrument", "kind", "date", "asOf")
    return [StanceRow(actor, instrument, kind, date[:10], as_of[:10])
            for actor, instrument, kind, date, as_of in _text_rows(answer, names)]  # fmt: skip


def _several_acts(cells: _Cells) -> set[str]:
    """The instruments on which some actor has more than one stance."""
    cell = cells.actor.astype(np.int64) * max(len(cells.instruments), 1) + cells.instrument
    found, counts = np.unique(cell, return_counts=True)
    columns = np.unique(found[counts > 1] % max(len(cells.instruments), 1))
    return {cells.instruments[k] for k in columns.tolist()}


def _kept_actors(store: Store, actors: Iterable[str], types: Sequence[str]) -> set[str]:
    """The actors of these types (by default states and organisations, and actors of no known
    type)."""
    typed: dict[str, set[str]] = {}
    for actor, type_iri in _text_rows(store.query(TYPES), ("actor", "type")):
        typed.setdefault(actor, set()).add(type_iri)
    return _kept(typed, actors, types)


def _kept(typed: Mapping[str, set[str]], actors: Iterable[str], types: Sequence[str]) -> set[str]:
    """The actors of these types, from each actor's types (``typed``)."""
    wanted = {ACTOR_TYPES[t] for t in types or DEFAULT_ACTOR_TYPES}
    untyped_too = not types
    return {a for a in actors
            if typed.get(a, set()) & wanted or (untyped_too and a not in typed)}  # fmt: skip


def of_actor_types(store: Store, rows: list[StanceRow], types: Sequence[str]) -> list[StanceRow]:
    """The stances of actors of these types (by default states and organisations, and actors
    of no known type)."""
    keep = _kept_actors(store, {r.actor for r in rows}, types)
    return [r for r in rows if r.actor in keep]


def rows_at(rows: list[StanceRow], day: str, begins: Mapping[str, str] | None = None
            ) -> tuple[list[StanceRow], list[StanceRow]]:  # fmt: skip
    """The stances certainly done by ``day`` (all of them without one), and those that may fall
    either side of it; those certainly after it are dropped.  ``begins`` gives instruments'
    beginnings: an act known by an as-of date or not dated is not earlier (govkg.lifecycle)."""
    if not day:
        return rows, []
    begins = begins or {}
    acts = {LifecycleAct(r.kind, r.date or r.as_of, not r.date and bool(r.as_of), str(k),
                         begins.get(r.instrument, "")): r
            for k, r in enumerate(rows)}  # fmt: skip
    done, _later, between = split_at(acts, day)
    return [acts[a] for a in done], [acts[a] for a in between]


def _latest_code(rows: list[StanceRow], kind_codes: Mapping[str, int]) -> int:
    """The code of an actor's latest act on an instrument; of several none of which is
    certainly later, the highest."""
    spans = [r.span for r in rows]
    latest = [r for r, span in zip(rows, spans, strict=True)
              if not any(span.before(other) for other in spans)]  # fmt: skip
    return max(kind_codes.get(r.kind, 0) for r in latest)


def build_matrix(store: Store, stances: Sequence[Sequence[str]],
                 kind_codes: Mapping[str, int] = KIND_CODES) -> StanceMatrix:  # fmt: skip
    """The matrix of these stances ((actor, instrument, kind) IRIs, with their act and as-of
    dates if known), coded by ``kind_codes``, with the actors' and instruments' details from the
    store."""
    rows = [s if isinstance(s, StanceRow) else StanceRow(*s) for s in stances]
    cells = _Cells.of([[], [], []], str).with_dated(rows)
    return _matrix_of(store, _Details.read(store), cells, kind_codes)


def _matrix_of(store: Store, details: _Details, cells: _Cells, kind_codes: Mapping[str, int]
               ) -> StanceMatrix:  # fmt: skip
    """The matrix of the stances ``cells`` holds (see :func:`build_matrix`), with ``details``
    (the earliest stance dates of undated instruments are read from ``store``)."""
    used_actors = np.unique(cells.actor).tolist()
    used_instruments = np.unique(cells.instrument).tolist()
    instruments = _instruments(store, details, {cells.instruments[k] for k in used_instruments})
    names = details.names
    actors = sorted(cells.actors[k] for k in used_actors)
    a_index = {a: k for k, a in enumerate(actors)}
    i_index = {ins.iri: k for k, ins in enumerate(instruments)}
    by_iri = {f"{DATA_BASE}stance-kind/{kind}": code for kind, code in kind_codes.items()}
    absent_kinds = {f"{DATA_BASE}stance-kind/{kind}" for kind in ABSENT_KINDS}
    shape = (len(actors), len(instruments))
    row_of = np.array([a_index.get(a, -1) for a in cells.actors], dtype=np.intp)
    column_of = np.array([i_index.get(i, -1) for i in cells.instruments], dtype=np.intp)
    cell = (row_of[cells.actor], column_of[cells.instrument])
    kind_code = np.array([by_iri.get(k, 0) for k in cells.kinds], dtype=np.int8)[cells.kind]
    part = np.array([k in absent_kinds for k in cells.kinds], dtype=bool)[cells.kind]
    flat = cell[0] * shape[1] + cell[1]
    codes = np.zeros(shape, dtype=np.int8)
    for code in np.unique(kind_code[kind_code > 0]).tolist():  # rising: each cell its highest
        codes.flat[flat[kind_code == code]] = code
    counts = np.bincount(flat, minlength=codes.size).reshape(shape)
    recorded = counts > 0
    took_part = np.zeros(shape, dtype=bool)  # took part, did not sign: an absence
    took_part.flat[flat[part]] = True
    _code_latest(codes, cell, counts, cells, by_iri)
    complete = np.array([ins.complete for ins in instruments], dtype=bool)
    votable = (codes > 0).any(axis=0)  # a list of participants only is not a list of signatories
    absent = (~recorded & (complete & votable)[np.newaxis, :]) | (took_part & (codes == 0))
    return StanceMatrix(
        actors=tuple(actors),
        codes_of=tuple(names.get(a, ("", ""))[1] or a.rsplit("/", 1)[-1] for a in actors),
        labels=tuple(names.get(a, ("", ""))[0] or a.rsplit("/", 1)[-1] for a in actors),
        instruments=tuple(instruments),
        codes=codes,
        absent=absent,
    )


def _code_latest(codes: np.ndarray, cell: tuple[np.ndarray, np.ndarray], counts: np.ndarray,
                 cells: _Cells, kind_codes: Mapping[str, int]) -> None:  # fmt: skip
    """Recode each cell with several acts (``counts``: acts a cell) by its latest act (``codes``
    holds the highest)."""
    several: dict[tuple[int, int], list[StanceRow]] = {}
    for k in np.flatnonzero(counts[cell] > 1).tolist():
        several.setdefault((int(cell[0][k]), int(cell[1][k])), []).append(cells.row(k))
    for (a, i), found in several.items():
        codes[a, i] = _latest_code(found, kind_codes)
