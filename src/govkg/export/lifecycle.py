"""The lifecycle in the stances view: which acts end which, and memberships as spells.

A stance is one act on one date.  A later act of the same actor on the same instrument may end
the spell of an earlier one (:data:`ENDED_BY`): a withdrawal ends every consent (signed,
ratified, acceded, accepted or approved, endorsed, joined, co-sponsored, lead sponsor), leaving
ends joining; a ratification ends nothing (the signature stands beside it).  An ending act with
no date ends nothing.  A membership (``gk:Membership``) is an edge of kind ``member`` from the
member to the organisation, from its beginning to its end.  The timeline
(:func:`govkg.export.timeline.assign_spells`) keeps, of the dates that may end an edge, the first
on or after its start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from govkg.fixed_queries import fixed_query
from govkg.store import Store

MEMBERSHIPS = fixed_query(__file__, "memberships")

#: The kind of a membership edge (its ``kind`` attribute, label and palette key).
MEMBER = "member"
#: Stance kinds (slugs) that consent to or take part in an instrument, and stand until withdrawn.
CONSENT = frozenset(
    {
        "signed",
        "ratified",
        "acceded",
        "accepted-approved",
        "endorsed",
        "joined",
        "co-sponsored",
        "lead-sponsored",
    }
)
#: Each ending act's kind → the kinds of the same actor's stances on the same instrument it ends.
ENDED_BY: dict[str, frozenset[str]] = {"withdrew": CONSENT, "left": frozenset({"joined"})}


@dataclass(frozen=True)
class Act:
    """A stance as the lifecycle sees it: its id, actor, instrument, kind slug and spell date
    (normalised; None when undated)."""

    stance: str
    actor: str
    instrument: str
    kind: str
    day: str | None


def ending_dates(acts: Iterable[Act]) -> dict[str, tuple[str, ...]]:
    """Each stance some act may end → the sorted dates of those acts (the same actor's dated
    ending acts on the same instrument); stances nothing can end are left out."""
    by_pair: dict[tuple[str, str], list[Act]] = defaultdict(list)
    for act in acts:
        by_pair[(act.actor, act.instrument)].append(act)
    found: dict[str, tuple[str, ...]] = {}
    for group in by_pair.values():
        for act in group:
            dates = {e.day for e in group if e.day and act.kind in ENDED_BY.get(e.kind, ())}
            if dates:
                found[act.stance] = tuple(sorted(dates))
    return found


@dataclass(frozen=True)
class Membership:
    """A membership: its IRI, member, organisation, and its beginning and end as written
    ("" when unknown)."""

    iri: str
    member: str
    organisation: str
    begin: str
    end: str


def memberships(store: Store) -> list[Membership]:
    """Every membership of the store, sorted by IRI."""
    rows = store.query(MEMBERSHIPS).records()
    found = [
        Membership(
            row.text("membership"),
            row.text("member"),
            row.text("organisation"),
            row.text("begin"),
            row.text("end"),
        )
        for row in rows
    ]
    return sorted(found, key=lambda m: (m.iri, m.member, m.organisation))
