"""The downloads beside a profile's tables: the whole stance table as CSV and as JSON.

Columns are those of the catalogue's ``stances-on-instrument`` answer (instrument, actor,
actorLabel, kind, date, dateKind, sources) and a few more (the stance, the actor's ISO code, the
act's date and the list's as-of date apart, the primary documents): one row per stance.  The JSON
also carries the list's coverage, so a download says how complete it is.
"""

from __future__ import annotations

import csv
import io
import json

from govkg.site.profiles import InstrumentProfile, ProfileStance

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
