"""The query side of the lifecycle on the profile pages: the steps of an instrument's life the
sources state (``gk:LifecycleClaim``: adopted, opened for signature, entered into force, not in
force) and an actor's memberships of organisations over time (``gk:Membership``), on either side.

Claims that disagree are all kept; :func:`disagreements` says where they do, and never picks one.
Rows are sorted here, so every store gives the same page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from govkg.dates import date_kind
from govkg.fixed_queries import fixed_query
from govkg.store import Row, Store

_LIFECYCLE = fixed_query(__file__, "profile-lifecycle")
_MEMBERSHIPS = fixed_query(__file__, "profile-memberships")

#: The steps in the order of an instrument's life (for sorting claims of the same date).
STEP_ORDER = ("opened-for-signature", "adopted", "entered-into-force", "not-in-force")

#: The step that says a treaty was not in force (on the claim's as-of date).
NOT_IN_FORCE = "not-in-force"
IN_FORCE = "entered-into-force"

#: What each step says of the instrument, after "it" ("the date it was adopted").
_VERBS = {
    "opened-for-signature": "was opened for signature",
    "adopted": "was adopted",
    "entered-into-force": "entered into force",
    NOT_IN_FORCE: "was not in force",
}


@dataclass(frozen=True)
class LifecycleClaim:
    """One source's statement of a step in the instrument's life."""

    claim: str
    label: str | None
    step: str  # the step's slug: adopted, entered-into-force …
    step_label: str
    date: str | None  # the step's date
    as_of: str | None  # the day the source says it held
    method: str | None  # the adoption method's IRI
    method_label: str | None
    body: str | None  # the adopting body's IRI
    body_label: str | None
    sources: tuple[str, ...]

    @property
    def when(self) -> str:
        """The date it is sorted by: the step's, else the as-of date ("" when neither)."""
        return self.date or self.as_of or ""

    @property
    def date_kind(self) -> str:
        return date_kind(self.date, self.as_of)

    @property
    def sort_key(self) -> tuple[str, int, str]:
        """By date (undated last), then the step's place in the life, then the claim."""
        order = STEP_ORDER.index(self.step) if self.step in STEP_ORDER else len(STEP_ORDER)
        return self.when or "9999", order, self.claim


@dataclass(frozen=True)
class Membership:
    """A membership of the actor: ``side`` is ``member`` (``other`` is the organisation) or
    ``organisation`` (``other`` is the member); a bound not recorded is None."""

    membership: str
    label: str | None
    side: str
    other: str | None
    other_label: str | None
    begins: str | None
    ends: str | None
    sources: tuple[str, ...]

    @property
    def sort_key(self) -> tuple[str, str, str, str, str]:
        """By side, the other's label, then the beginning (unknown first), the end, the IRI."""
        name = (self.other_label or self.other or "").lower()
        return self.side, name, self.begins or "", self.ends or "9999", self.membership


def _slug(iri: str | None) -> str:
    return (iri or "").rsplit("/", 1)[-1]


def _sources(row: Row) -> tuple[str, ...]:
    return tuple(sorted(row.text("sources").split()))


def lifecycle_claims(store: Store, iri: str) -> list[LifecycleClaim]:
    """Every lifecycle claim about the instrument ``iri``, by date, then step, then claim."""
    found = []
    for row in store.query(_LIFECYCLE, {"i": ox.NamedNode(iri)}).records():
        claim = row["claim"]
        if not isinstance(claim, ox.NamedNode):
            continue
        step = _slug(row.text("step", None)) or "unknown"
        found.append(
            LifecycleClaim(
                claim=claim.value,
                label=row.text("label", None),
                step=step,
                step_label=row.text("stepLabel", None) or step.replace("-", " "),
                date=row.text("date", None),
                as_of=row.text("asOf", None),
                method=row.text("method", None),
                method_label=row.text("methodLabel", None),
                body=row.text("body", None),
                body_label=row.text("bodyLabel", None),
                sources=_sources(row),
            )
        )
    return sorted(found, key=lambda c: c.sort_key)


def memberships(store: Store, iri: str) -> list[Membership]:
    """Every membership the actor ``iri`` is the member or the organisation of: its own first
    (by organisation), then its members' (by member); each by beginning, unknown first."""
    found = []
    for row in store.query(_MEMBERSHIPS, {"a": ox.NamedNode(iri)}).records():
        membership = row["membership"]
        if not isinstance(membership, ox.NamedNode):
            continue
        found.append(
            Membership(
                membership=membership.value,
                label=row.text("label", None),
                side=row.text("side", "member"),
                other=row.text("other", None),
                other_label=row.text("otherLabel", None),
                begins=row.text("begins", None),
                ends=row.text("ends", None),
                sources=_sources(row),
            )
        )
    return sorted(found, key=lambda m: m.sort_key)


def _conflict(a: str, b: str) -> bool:
    """Two dates disagree unless one is a part of the other (``2021-11`` and ``2021-11-24``)."""
    return not (a.startswith(b) or b.startswith(a))


@dataclass(frozen=True)
class Disagreement:
    """Claims that disagree: on what (``about``, in words), which of their values differs
    (``value``: ``date``, ``method``, ``body`` or ``in-force``) and the claims, in order."""

    about: str
    value: str
    claims: tuple[LifecycleClaim, ...]


def disagreements(claims: list[LifecycleClaim]) -> list[Disagreement]:
    """Where the claims disagree: the date of the same step, how or by which body it was
    adopted, and whether a treaty was in force (an entry into force on or before a day another
    claim says it was not in force).  Every claim stays; none is picked."""
    found = []
    by_step: dict[str, list[LifecycleClaim]] = {}
    for c in claims:
        by_step.setdefault(c.step, []).append(c)
    for step, same in by_step.items():
        verb = _VERBS.get(step, f"reached the step {same[0].step_label!r}")
        dated = [c for c in same if c.date]
        if any(_conflict(a.date or "", b.date or "") for a in dated for b in dated):
            found.append(Disagreement(f"the date it {verb}", "date", tuple(dated)))
        for what, value in (("how", "method"), ("by which body", "body")):
            given = [c for c in same if getattr(c, value)]
            if len({getattr(c, value) for c in given}) > 1:
                found.append(Disagreement(f"{what} it {verb}", value, tuple(given)))
    forced = [c for c in by_step.get(IN_FORCE, []) if c.date]
    not_yet = [c for c in by_step.get(NOT_IN_FORCE, []) if c.when]
    clash = {
        c.claim: c
        for f in forced
        for n in not_yet
        if (f.date or "")[: len(n.when)] <= n.when
        for c in (f, n)
    }
    if clash:
        involved = tuple(sorted(clash.values(), key=lambda c: c.sort_key))
        found.append(Disagreement("whether it was in force", "in-force", involved))
    return found
