"""The downloads beside a profile's tables: the whole stance table as CSV and as JSON.

Columns are those of the catalogue's ``stances-on-instrument`` answer (instrument, actor,
actorLabel, kind, date, dateKind, sources) and a few more (the stance, the actor's ISO code, the
act's date and the list's as-of date apart, the primary documents): one row per stance.  The JSON
also carries the list's coverage, so a download says how complete it is.  An actor's table has
the same rows seen from the other side (the instrument and its label, and the timeline's lane).
"""

from __future__ import annotations

import csv
import io
import json

from govkg.site.profiles import InstrumentProfile, ProfileStance
from govkg.site.state_profiles import ActorStance

COLUMNS: tuple[str, ...] = (
    "instrument", "actor", "actorLabel", "kind", "date", "dateKind", "sources",
    "stance", "iso3", "actDate", "asOf", "primarySources",
)  # fmt: skip


def _row(instrument: str, s: ProfileStance) -> dict[str, str]:
    return {
        "instrument": instrument,
        "actor": s.actor.iri if s.actor else "",
        "actorLabel": (s.actor.label or "") if s.actor else "",
        "kind": s.kind_label,
        "date": s.date or s.as_of or "",
        "dateKind": s.date_kind,
        "sources": " ".join(s.sources),
        "stance": s.stance,
        "iso3": s.iso3 or "",
        "actDate": s.date or "",
        "asOf": s.as_of or "",
        "primarySources": " ".join(s.primary),
    }


def stance_rows(profile: InstrumentProfile) -> list[dict[str, str]]:
    """The stance table, by date then actor, as the downloads hold it."""
    return [_row(profile.facts.iri, s) for s in profile.stances]


def stances_csv(profile: InstrumentProfile) -> str:
    """The stance table as CSV (RFC 4180, CRLF line ends, a header row)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(stance_rows(profile))
    return out.getvalue()


def stances_json(profile: InstrumentProfile) -> str:
    """The stance table as JSON: the instrument, its list's coverage, the columns and the rows."""
    coverage = profile.coverage.as_json() if profile.coverage else None
    body = {
        "instrument": profile.facts.iri,
        "label": profile.facts.label,
        "coverage": coverage,
        "columns": list(COLUMNS),
        "rows": stance_rows(profile),
    }
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


#: The columns of an actor's stance table: the instrument's side of the same rows.
ACTOR_COLUMNS: tuple[str, ...] = (
    "actor", "instrument", "instrumentLabel", "kind", "date", "dateKind", "sources",
    "stance", "lane", "actDate", "asOf", "primarySources",
)  # fmt: skip


def _actor_row(actor: str, s: ActorStance) -> dict[str, str]:
    return {
        "actor": actor,
        "instrument": s.instrument.iri if s.instrument else "",
        "instrumentLabel": (s.instrument.label or "") if s.instrument else "",
        "kind": s.kind_label,
        "date": s.date or s.as_of or "",
        "dateKind": s.date_kind,
        "sources": " ".join(s.sources),
        "stance": s.stance,
        "lane": s.lane,
        "actDate": s.date or "",
        "asOf": s.as_of or "",
        "primarySources": " ".join(s.primary),
    }


def actor_stances_csv(actor: str, stances: list[ActorStance]) -> str:
    """An actor's stance table as CSV, by date then instrument."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACTOR_COLUMNS)
    writer.writeheader()
    writer.writerows(_actor_row(actor, s) for s in stances)
    return out.getvalue()


def actor_stances_json(actor: str, stances: list[ActorStance]) -> str:
    """An actor's stance table as JSON: the actor, the columns and the rows."""
    rows = [_actor_row(actor, s) for s in stances]
    body = {"actor": actor, "columns": list(ACTOR_COLUMNS), "rows": rows}
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"
