"""The actor-by-instrument stance matrix, pulled from the store with one flat query, and coded.

Coding (ordinal): 1 = yes (signed, endorsed, voted yes), 2 = abstain (abstained), 3 = no (declined
on record, voted no). "Did not vote", "participated" and no record are missing (0). For an
instrument whose list is complete, an actor with no record on it did not sign: ``absent="missing"``
(the default) keeps that missing, ``absent="no"`` codes it 3. "Took part, did not sign" is not a
refusal: it is coded as such an absence, on any list (missing, or 3 with ``absent="no"``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from govkg.errors import GovkgError, RequestError
from govkg.fixed_queries import fixed_query
from govkg.namespaces import DATA_BASE, compact, expand
from govkg.resolve import Candidate, closest, unknown_message
from govkg.store import Store

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
}
#: Kinds coded as an absence from a complete list, never as a refusal on record.
ABSENT_KINDS = ("did-not-sign",)
ABSENT_CHOICES = ("missing", "no")

STANCES = fixed_query(__file__, "stances")
ACTORS = fixed_query(__file__, "actors")
INSTRUMENTS = fixed_query(__file__, "instruments")
#: Instrument → one value per row, for the multi-valued details.
DETAILS = {
    "types": fixed_query(__file__, "instrument-types"),
    "series": fixed_query(__file__, "instrument-series"),
    "themes": fixed_query(__file__, "instrument-themes"),
    "stance_date": fixed_query(__file__, "instrument-stance-dates"),
}


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


def _details(store: Store) -> dict[str, dict[str, set[str]]]:
    found: dict[str, dict[str, set[str]]] = {}
    for name, sparql in DETAILS.items():
        table: dict[str, set[str]] = {}
        for row in store.query(sparql).records():
            table.setdefault(row.text("instrument"), set()).add(row.text("v"))
        found[name] = table
    return found


def _instruments(store: Store, used: set[str]) -> list[Instrument]:
    """The instruments that have stances (``used``), with their details."""
    details = _details(store)
    columns = ("label", "complete", "ownDate", "eventDate")
    rows = {
        r.text("instrument"): [r.text(c) for c in columns]
        for r in store.query(INSTRUMENTS).records()
    }
    found = []
    for iri in used:  # an instrument a stance names is kept even if its type is not known
        label, complete, own, held = rows.get(iri, ["", "", "", ""])
        stance_date = min(details["stance_date"].get(iri, {""}))
        found.append(
            Instrument(
                iri=iri,
                label=label or iri,
                date=own or held or stance_date,
                complete=complete in ("true", "1"),
                types=frozenset(
                    t.rsplit("#", 1)[-1].lower() for t in details["types"].get(iri, ())
                ),
                series=frozenset(details["series"].get(iri, ())),
                themes=frozenset(details["themes"].get(iri, ())),
            )
        )
    return sorted(found, key=lambda i: (i.date, i.iri))


def load_matrix(store: Store) -> StanceMatrix:
    """One flat query for the stances, small ones for actor and instrument details."""
    return build_matrix(store, stance_rows(store))


def stance_rows(store: Store) -> list[tuple[str, str, str]]:
    """Every stance as (actor, instrument, kind) IRIs: the matrix's cells."""
    return [
        (r.text("actor"), r.text("instrument"), r.text("kind"))
        for r in store.query(STANCES).records()
    ]


def build_matrix(store: Store, stances: list[tuple[str, str, str]]) -> StanceMatrix:
    """The matrix of these stances, with the actors' and instruments' details from the store."""
    instruments = _instruments(store, {i for _a, i, _k in stances})
    names = {
        r.text("actor"): (r.text("label"), r.text("code")) for r in store.query(ACTORS).records()
    }
    actors = sorted({actor for actor, _i, _k in stances})
    a_index = {a: k for k, a in enumerate(actors)}
    i_index = {ins.iri: k for k, ins in enumerate(instruments)}
    kind_codes = {f"{DATA_BASE}stance-kind/{kind}": code for kind, code in KIND_CODES.items()}
    absent_kinds = {f"{DATA_BASE}stance-kind/{kind}" for kind in ABSENT_KINDS}
    codes = np.zeros((len(actors), len(instruments)), dtype=np.int8)
    recorded = np.zeros(codes.shape, dtype=bool)
    took_part = np.zeros(codes.shape, dtype=bool)  # took part, did not sign: an absence
    for actor, instrument, kind in stances:
        a, i = a_index[actor], i_index[instrument]
        recorded[a, i] = True
        took_part[a, i] |= kind in absent_kinds
        codes[a, i] = max(codes[a, i], kind_codes.get(kind, 0))
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
