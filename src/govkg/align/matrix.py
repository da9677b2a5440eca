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
from govkg.namespaces import DATA_BASE, compact, expand, terms
from govkg.resolve import Candidate, closest, unknown_message
from govkg.store import QueryResult, Store

GK = terms("GK")

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


def _bare(query: str) -> str:
    """The query without its header comment (the catalogue's title and description): the
    text the store is given to parse."""
    lines = query.splitlines(keepends=True)
    start = next((k for k, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return "".join(lines[start:])


#: The queries the matrix runs, as run (:func:`_bare`).
_GROUPS_RUN, _DETAILS_RUN, _DATED_RUN, _DATES_RUN = map(
    _bare, (STANCE_GROUPS, DETAILS, DATED, STANCE_DATES)
)


def _together(*queries: str) -> str:
    """One SELECT query whose solutions are those of each of these SELECT queries: a UNION of
    them as sub-queries.  A row binds the variables of the query it comes from; rows are told
    apart by a variable only one of them binds."""
    body = "\n} UNION {\n".join(queries)
    return f"SELECT * WHERE {{\n{{\n{body}\n}}\n}}\n"


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
    themes.  The coded actors come as one text (an actor's first code and label its own) and
    the actors of each type as one text; if one has no text (a blank node) or does not split
    into its records (a separator in a label or code), :data:`ACTORS` or :data:`TYPES` is read
    row by row.  An instrument comes in a row for each of its labels, flags and dates: its
    first label and flag and its earliest dates are kept (what :data:`INSTRUMENTS` gives)."""

    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    actor_types: dict[str, set[str]] = field(default_factory=dict)
    instruments: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=dict)
    series: dict[str, set[str]] = field(default_factory=dict)
    themes: dict[str, set[str]] = field(default_factory=dict)
    typed_unread: bool = False  # some type's actors were not read as one text
    names_unread: bool = False  # the coded actors were not read as one text

    @classmethod
    def read(cls, store: Store) -> _Details:
        """The details of every actor and instrument in the store."""
        result = store.query(_DETAILS_RUN)
        try:
            found = cls._of(result)
        except AttributeError:  # an RDF-star triple: Row.text's error names the variable
            for record in result.records():
                for name in result.variables:
                    record.text(name)
            raise
        if found.typed_unread:
            found.actor_types = _typed_actors(store)
        if found.names_unread:
            found.names = _actor_names(store)
        return found

    @classmethod
    def _of(cls, result: QueryResult) -> _Details:
        found = cls()
        at = {name: k for k, name in enumerate(result.variables)}
        coded, count, type_, typed, instrument, label, complete, own, held = (
            at[name] for name in ("codedActors", "codedRows", "type", "typedActors",
                                  "instrument", "label", "complete", "ownDate", "eventDate")
        )  # fmt: skip
        sets = [(at["instrumentType"], found.types), (at["series"], found.series),
                (at["theme"], found.themes)]  # fmt: skip
        dates: dict[str, list[tuple[_Term, _Term]]] = {}  # each instrument's own and event dates
        text = _term_text  # for what may be unbound; the rest is read as .value
        for row in cast(list[tuple[Any, ...]], result.rows):
            if row[instrument] is None:  # the coded actors, or a type's actors
                if row[type_] is None:
                    names = _names_of(row[coded], row[count])
                    found.names_unread = names is None
                    found.names = names or {}
                elif row[typed] is None:
                    found.typed_unread = True
                else:
                    _add_type(found.actor_types, row[typed].value.split(" "), row[type_].value)
                continue
            iri = row[instrument].value
            for k, table in sets:  # an instrument: a type, series or theme, or the rest
                if row[k] is not None:
                    table.setdefault(iri, set()).add(row[k].value)
                    break
            else:  # its first label and flag; its dates, each row's
                if iri not in dates:
                    found.instruments[iri] = (text(row[label]), text(row[complete]), "", "")
                dates.setdefault(iri, []).append((row[own], row[held]))
        for iri, pairs in dates.items():
            first, flag = found.instruments[iri][:2]
            found.instruments[iri] = (first, flag, _earliest(own for own, _ in pairs),
                                      _earliest(held for _, held in pairs))  # fmt: skip
        return found


def _add_type(types: dict[str, set[str]], actors: Iterable[str], kind: str) -> None:
    """Add ``kind`` to the types of each of these actors."""
    for actor in actors:
        its = types.get(actor)
        if its is None:
            types[actor] = {kind}
        else:
            its.add(kind)


def _earliest(terms: Iterable[_Term]) -> str:
    """``MIN(STR(?date))`` of the terms as text: the least text, "" if one is unbound or has no
    text (a blank node)."""
    texts = []
    for term in terms:
        if not isinstance(term, ox.NamedNode | ox.Literal):
            return ""
        texts.append(term.value)
    return min(texts, default="")


#: What comes between an actor's IRI, code and label, and between two of them, in
#: :data:`DETAILS`' row of coded actors.
_UNIT, _RECORD = "\x1f", "\x1e"


def _names_of(records: _Term, count: _Term) -> dict[str, tuple[str, str]] | None:
    """Each coded actor's (label, code), those of its first code and label, from
    :data:`DETAILS`' one text of ``count`` records (every code with every label); None if it is
    unbound or does not split into three fields a record (a separator in a code or label)."""
    if records is None or count is None:
        return None
    rows = int(count.value)
    if not rows:
        return {} if not records.value else None
    fields = records.value.replace(_RECORD, _UNIT).split(_UNIT)
    if len(fields) != 3 * rows:
        return None
    iris, named = fields[0::3], list(zip(fields[2::3], fields[1::3], strict=True))
    return dict(zip(reversed(iris), reversed(named), strict=True))  # the first of each wins


def _actor_names(store: Store) -> dict[str, tuple[str, str]]:
    """Each coded actor's (label, code), read row by row (:data:`ACTORS`)."""
    rows = _text_rows(store.query(ACTORS), ("actor", "label", "code"))
    return {actor: (label, code) for actor, label, code in rows}


def _stance_dates(store: Store, iris: Sequence[str]) -> dict[str, str]:
    """The earliest date of a stance on each of these instruments (those with one)."""
    if not iris:
        return {}
    return _first_dates(store.query(_stance_dates_query(iris)))


def _stance_dates_query(iris: Sequence[str]) -> str:
    """:data:`STANCE_DATES` for these instruments (for every one if they are too many)."""
    terms = _terms(iris) if len(iris) <= VALUES_LIMIT else ""
    return with_values(_DATES_RUN, "instrument", terms)


def _first_dates(answer: QueryResult) -> dict[str, str]:
    """Each instrument's earliest stance date from :data:`STANCE_DATES`' rows."""
    return {instrument: date for instrument, date in _text_rows(answer, ("instrument", "v"))}


def _terms(iris: Iterable[str]) -> str:
    """The IRIs as N-Triples terms for a VALUES block, sorted."""
    return " ".join(str(ox.NamedNode(iri)) for iri in sorted(iris))


def _undated(details: _Details, used: Iterable[str]) -> list[str]:
    """The instruments of ``used`` that have no date of their own or of their event."""
    rows, none = details.instruments, ("", "", "", "")
    return [iri for iri in used if not any(rows.get(iri, none)[2:])]


def _instruments(store: Store, details: _Details, used: set[str],
                 stance_dates: Mapping[str, str] | None = None) -> list[Instrument]:  # fmt: skip
    """The instruments that have stances (``used``), with their details; ``stance_dates``
    the earliest stance date of those :func:`_undated` gives (read from ``store`` without)."""
    rows = details.instruments
    none = ("", "", "", "")
    if stance_dates is None:  # only where neither it nor its event has one
        stance_dates = _stance_dates(store, _undated(details, used))
    found = []
    shared: dict[frozenset[str], frozenset[str]] = {}

    def one(values: Iterable[str]) -> frozenset[str]:
        """The set of ``values``, one object for every instrument that has the same: a few
        distinct sets among thousands of instruments (3.2 MB less at 5,000, kept by the pages)."""
        made = frozenset(values)
        return shared.setdefault(made, made)

    for iri in used:  # an instrument a stance names is kept even if its type is not known
        label, complete, own, held = rows.get(iri, none)
        found.append(
            Instrument(
                iri=iri,
                label=label or iri,
                date=own or held or stance_dates.get(iri, ""),
                complete=complete in ("true", "1"),
                types=one(t.rsplit("#", 1)[-1].lower() for t in details.types.get(iri, ())),
                series=one(details.series.get(iri, ())),
                themes=one(details.themes.get(iri, ())),
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
    """One query for the stances, grouped, one for every actor's and instrument's details, and
    one, if any are needed, for the stances with their dates on the instruments where an actor
    has several acts of different codes (:func:`_several_acts`) and the earliest stance dates of
    the instruments that have no date of their own or of their event (:func:`_dates`).  As of a
    day, every stance with its dates (:func:`_matrix_at`)."""
    options = options or MatrixOptions()
    if options.at:
        return _matrix_at(store, options)
    cells = _grouped_cells(store.query(_GROUPS_RUN))
    details = _Details.read(store)
    if cells is None:  # an actor that is a blank node or a literal: read stance by stance
        result = store.query(STANCES)
        positions = [result.variables.index(name) for name in ("actor", "instrument", "kind")]
        cells = _Cells.of([list(map(itemgetter(k), result.rows)) for k in positions], _term_text)
    several = _several_acts(cells, options.codes)
    kept = _kept(details.actor_types, cells.actors, options.actor_types)
    wanted = _wanted(cells, kept)
    instrument = cells.instrument if wanted is None else cells.instrument[wanted[cells.actor]]
    used = {cells.instruments[k] for k in _used(instrument, len(cells.instruments))}
    dated, stance_dates = _dates(store, several, _undated(details, used))
    if several:
        single = ~np.isin(cells.instrument, [cells.instruments.index(i) for i in several])
        known = len(cells.actors)
        cells = cells.where(single).with_dated(dated)
        if len(cells.actors) > known:  # actors only the dated stances name
            kept |= _kept(details.actor_types, cells.actors[known:], options.actor_types)
            wanted = _wanted(cells, kept)
    if wanted is not None:
        cells = cells.where(wanted[cells.actor])
    return _matrix_of(store, details, cells, options.codes, stance_dates)


def _matrix_at(store: Store, options: MatrixOptions) -> StanceMatrix:
    """The matrix of the acts certainly done by ``options.at``, every stance read with its
    dates; the acts that may fall either side of the day are kept as ``undetermined``."""
    rows = dated_stance_rows(store)
    details = _Details.read(store)
    keep = _kept(details.actor_types, {r.actor for r in rows}, options.actor_types)
    rows = [r for r in rows if r.actor in keep]
    begins = beginnings(store, {r.instrument for r in rows})
    rows, undetermined = rows_at(rows, options.at, begins)
    cells = _Cells.of([[], [], []], str).with_dated(rows)
    matrix = _matrix_of(store, details, cells, options.codes)
    return replace(matrix, undetermined=tuple((r.actor, r.instrument) for r in undetermined))


def _split(result: QueryResult, name: str) -> tuple[QueryResult, QueryResult]:
    """The rows that bind ``name`` and the others, each a result with the same variables."""
    if name not in result.variables:
        return replace(result, rows=[]), result
    k = result.variables.index(name)
    binding = [row for row in result.rows if row[k] is not None]
    others = [row for row in result.rows if row[k] is None]
    return replace(result, rows=binding), replace(result, rows=others)


def _wanted(cells: _Cells, kept: set[str]) -> np.ndarray | None:
    """Whether each actor ``cells`` names is one of ``kept`` (None if every one is)."""
    if len(kept) == len(cells.actors):
        return None
    return np.array([a in kept for a in cells.actors], dtype=bool)


def _dates(store: Store, several: set[str], undated: Sequence[str]
           ) -> tuple[list[StanceRow], dict[str, str]]:  # fmt: skip
    """The stances on the instruments ``several`` with their dates (:func:`dated_stance_rows`)
    and the earliest stance date of each instrument of ``undated`` (:func:`_stance_dates`), in
    one query (none if there are neither)."""
    queries = [with_values(_DATED_RUN, "instrument", _terms(several))] if several else []
    queries += [_stance_dates_query(undated)] if undated else []
    if not queries:
        return [], {}
    result = store.query(_together(*queries) if len(queries) > 1 else queries[0])
    stances, firsts = _split(result, "kind")  # a dated stance always binds ?kind
    return (_dated_rows(stances) if several else []), (_first_dates(firsts) if undated else {})


def _grouped_cells(result: QueryResult) -> _Cells | None:
    """The stances from :data:`STANCE_GROUPS`' rows; None if an actor is a blank node (some
    group's ?actors is unbound) or a literal with a space (its ?actors splits into more parts
    than its ?n stances): a literal without one is its text, as read stance by stance."""
    instrument, kind, actors, n = (result.variables.index(name)
                                   for name in ("instrument", "kind", "actors", "n"))  # fmt: skip
    rows = cast(list[tuple[Any, ...]], result.rows)  # ?n is always bound, ?actors checked
    if any(row[actors] is None for row in rows):
        return None
    sizes = np.array([int(row[n].value) for row in rows], dtype=np.intp)
    names = " ".join([row[actors].value for row in rows]).split(" ") if rows else []
    if len(names) != sizes.sum():
        return None
    known = dict(zip(dict.fromkeys(names), count()))  # each actor's place, as first named
    actor = np.fromiter(map(known.__getitem__, names), np.intp, len(names))
    vocabularies: tuple[dict[str, int], ...] = ({}, {})
    instrument_of, kind_of = (
        np.repeat(_positions([row[k] for row in rows], vocabularies[j], _term_text), sizes)
        for j, k in ((0, instrument), (1, kind))
    )
    i, k = (tuple(v) for v in vocabularies)
    return _Cells(tuple(known), i, k, actor, instrument_of, kind_of, len(actor))


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
    return _dated_rows(store.query(with_values(_DATED_RUN, "instrument", _terms(instruments))))


def _dated_rows(answer: QueryResult) -> list[StanceRow]:
    """The stances of :data:`DATED`'s rows, with their dates."""
    names = ("actor", "instrument", "kind", "date", "asOf")
    return [StanceRow(actor, instrument, kind, date[:10], as_of[:10])
            for actor, instrument, kind, date, as_of in _text_rows(answer, names)]  # fmt: skip


def _several_acts(cells: _Cells, kind_codes: Mapping[str, int]) -> set[str]:
    """The instruments on which some actor has several acts of different codes (``kind_codes``
    by kind name): only there can the order of the acts change a cell's code (acts of one code
    give it, in whatever order)."""
    width = max(len(cells.instruments), 1)
    cell = cells.actor.astype(np.int64) * width + cells.instrument
    several = np.bincount(cell, minlength=len(cells.actors) * width).take(cell) > 1
    cell = cell[several]  # the stances that share a cell with another
    code = _coded_kinds(cells.kinds, _codes_by_iri(kind_codes))[cells.kind[several]]
    order = np.lexsort((code, cell))  # by cell, then code
    cell, code = cell.take(order), code.take(order)
    mixed = (cell[1:] == cell[:-1]) & (code[1:] != code[:-1])
    columns = np.unique(cell[1:][mixed] % width)
    return {cells.instruments[k] for k in columns.tolist()}


def _codes_by_iri(kind_codes: Mapping[str, int]) -> dict[str, int]:
    """The code of each stance kind (``kind_codes``, by kind name) by the kind's IRI."""
    return {f"{DATA_BASE}stance-kind/{kind}": code for kind, code in kind_codes.items()}


def _coded_kinds(kinds: Sequence[str], by_iri: Mapping[str, int]) -> np.ndarray:
    """The code of each of these kind IRIs (0 for a kind not coded), int8."""
    return np.array([by_iri.get(k, 0) for k in kinds], dtype=np.int8)


def _kept_actors(store: Store, actors: Iterable[str], types: Sequence[str]) -> set[str]:
    """The actors of these types (by default states and organisations, and actors of no known
    type)."""
    return _kept(_typed_actors(store), actors, types)


def _typed_actors(store: Store) -> dict[str, set[str]]:
    """Each actor's types of :data:`ACTOR_TYPES`, read row by row (:data:`TYPES`)."""
    typed: dict[str, set[str]] = {}
    for actor, type_iri in _text_rows(store.query(TYPES), ("actor", "type")):
        typed.setdefault(actor, set()).add(type_iri)
    return typed


def _kept(typed: Mapping[str, set[str]], actors: Iterable[str], types: Sequence[str]) -> set[str]:
    """The actors of these types, from each actor's types (``typed``)."""
    wanted = {ACTOR_TYPES[t] for t in types or DEFAULT_ACTOR_TYPES}
    untyped_too = not types
    return {a for a in actors if (untyped_too if (its := typed.get(a)) is None
                                  else not wanted.isdisjoint(its))}  # fmt: skip


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


def _matrix_of(store: Store, details: _Details, cells: _Cells, kind_codes: Mapping[str, int],
               stance_dates: Mapping[str, str] | None = None) -> StanceMatrix:  # fmt: skip
    """The matrix of the stances ``cells`` holds (see :func:`build_matrix`), with ``details``
    and the earliest stance dates of the instruments :func:`_undated` gives (``stance_dates``,
    read from ``store`` without)."""
    used_actors = _used(cells.actor, len(cells.actors))
    used_instruments = {cells.instruments[k] for k in _used(cells.instrument,
                                                           len(cells.instruments))}  # fmt: skip
    instruments = _instruments(store, details, used_instruments, stance_dates)
    names = details.names
    actors = sorted(cells.actors[k] for k in used_actors)
    a_index = {a: k for k, a in enumerate(actors)}
    i_index = {ins.iri: k for k, ins in enumerate(instruments)}
    by_iri = _codes_by_iri(kind_codes)
    absent_kinds = {f"{DATA_BASE}stance-kind/{kind}" for kind in ABSENT_KINDS}
    shape = (len(actors), len(instruments))
    row_of = np.array([a_index.get(a, -1) for a in cells.actors], dtype=np.intp)
    column_of = np.array([i_index.get(i, -1) for i in cells.instruments], dtype=np.intp)
    cell = (row_of[cells.actor], column_of[cells.instrument])
    kind_code = _coded_kinds(cells.kinds, by_iri)[cells.kind]
    part = np.array([k in absent_kinds for k in cells.kinds], dtype=bool)[cells.kind]
    flat = cell[0] * shape[1] + cell[1]
    codes = np.zeros(shape, dtype=np.int8)
    np.maximum.at(codes.reshape(-1), flat, kind_code)  # each cell its highest
    counts = np.bincount(flat, minlength=codes.size).reshape(shape)
    recorded = counts > 0
    took_part = np.zeros(shape, dtype=bool)  # took part, did not sign: an absence
    took_part.flat[flat[part]] = True
    lowest = np.full(shape, np.iinfo(np.int8).max, dtype=np.int8)
    np.minimum.at(lowest.reshape(-1), flat, kind_code)
    mixed = (counts > 1) & (lowest != codes)  # acts of different codes: by date
    _code_latest(codes, cell, mixed, cells, by_iri)
    complete = np.array([ins.complete for ins in instruments], dtype=bool)
    votable = (codes > 0).any(axis=0)  # a list of participants only is not a list of signatories
    absent = (~recorded & (complete & votable)[np.newaxis, :]) | (took_part & (codes == 0))
    labels, codes_of = _shown_names(actors, names)
    return StanceMatrix(
        actors=tuple(actors),
        codes_of=codes_of,
        labels=labels,
        instruments=tuple(instruments),
        codes=codes,
        absent=absent,
    )


def _shown_names(actors: Iterable[str], names: Mapping[str, tuple[str, str]]
                 ) -> tuple[tuple[str, ...], tuple[str, ...]]:  # fmt: skip
    """Each actor's label and code (``names``), the end of its IRI for one it lacks."""
    labels, codes = [], []
    for actor in actors:
        label, code = names.get(actor) or ("", "")
        if not (label and code):
            tail = actor.rsplit("/", 1)[-1]
            label, code = label or tail, code or tail
        labels.append(label)
        codes.append(code)
    return tuple(labels), tuple(codes)


def _used(positions: np.ndarray, size: int) -> list[int]:
    """The distinct positions (each under ``size``), rising: ``np.unique`` without a sort."""
    return np.flatnonzero(np.bincount(positions, minlength=size)).tolist()  # type: ignore[no-any-return]


def _code_latest(codes: np.ndarray, cell: tuple[np.ndarray, np.ndarray], mixed: np.ndarray,
                 cells: _Cells, kind_codes: Mapping[str, int]) -> None:  # fmt: skip
    """Recode each cell with several acts of different codes (``mixed``) by its latest act
    (``codes`` holds the highest; a cell whose acts have one code keeps it)."""
    several: dict[tuple[int, int], list[StanceRow]] = {}
    for k in np.flatnonzero(mixed[cell]).tolist():
        several.setdefault((int(cell[0][k]), int(cell[1][k])), []).append(cells.row(k))
    for (a, i), found in several.items():
        codes[a, i] = _latest_code(found, kind_codes)
