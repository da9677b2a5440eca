"""The lifecycle on the profile pages, as HTML: an instrument's "Lifecycle" (each step a source
states, with its date or as-of date, how and by which body it was adopted, and its sources; where
sources disagree, every claim and a note that says so) and an actor's "Memberships" (the
organisations it was a member of, or an organisation's members, each over the interval the
record gives, in words where a bound is missing).  Every value is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from govkg.dates import ACT, AS_OF, precision, shown_date
from govkg.site.layout import Layout
from govkg.site.lifecycle_profiles import (
    NOT_IN_FORCE,
    Disagreement,
    LifecycleClaim,
    Membership,
    disagreements,
)
from govkg.site.pages import date_html, iri_html, table
from govkg.site.resources import Source
from govkg.site.snippets import short_citation

#: What a missing bound of a membership means, as the page says it.
NO_BEGINNING = "beginning not recorded"
NO_END = "still a member as far as the record says"
DISAGREE = "sources disagree"


# --- an instrument's lifecycle ------------------------------------------------------------------


def lifecycle_html(
    claims: Sequence[LifecycleClaim], sources: dict[str, Source], settings: Layout, root: str
) -> str:
    """The instrument's "Lifecycle" section ("" when no source states a step of its life)."""
    if not claims:
        return ""
    found = disagreements(list(claims))
    disputed = {c.claim for d in found for c in d.claims}
    adopted = any(c.step == "adopted" or c.method or c.body for c in claims)
    rows = [_claim_cells(c, c.claim in disputed, sources, settings, root) for c in claims]
    head = f'<h2>Lifecycle <span class="count">({len(claims)} claims)</span></h2>'
    lead = (
        '<p class="lead">The steps of its life as sources state them, each with its date (or the '
        "day the source says it held: an as-of date) and its sources.</p>"
    )
    headers = ["Step", "Date", "How", "Adopted by", "Claim", "Sources"]
    if not adopted:  # no adoption: no columns for how and by whom
        headers[2:4] = []
        rows = [r[:2] + r[4:] for r in rows]
    body = table(headers, rows, ("nowrap", "nowrap"))
    return f'<section class="lifecycle">{head}{lead}{_disagreement_html(found)}{body}</section>'


def _claim_cells(
    c: LifecycleClaim, disputed: bool, sources: dict[str, Source], settings: Layout, root: str
) -> list[str]:
    step = f'<span class="step">{escape(c.step_label)}</span>'
    if disputed:
        step += f' <small class="disputed">{DISAGREE}</small>'
    method = _linked(c.method, c.method_label, settings, root)
    if not method and c.step == "adopted":
        method = '<span class="meta">not recorded</span>'
    return [
        step,
        claim_date_html(c),
        method,
        _linked(c.body, c.body_label, settings, root),
        _linked(c.claim, c.label, settings, root),
        short_citation(c.sources, sources, settings, root),
    ]


def _linked(iri: str | None, label: str | None, settings: Layout, root: str) -> str:
    return iri_html(iri, label, settings, root, brief=True) if iri else ""


def claim_date_html(c: LifecycleClaim) -> str:
    """The claim's date: the step's date as an act's date ("2021-11-24"), else its as-of date as
    one ("not in force as of 2026-09-29", "as of 2026-09"), else "date unknown"."""
    if c.date_kind != AS_OF or not c.as_of:
        return date_html(c.date, None)
    shown = shown_date(None, c.as_of)
    level = precision(c.as_of)
    partial = f" ({level})" if level != "day" else ""
    words = "not in force as of" if c.step == NOT_IN_FORCE else "as of"
    meaning = (
        "An as-of date: the source says this held on that day"
        + (f" (only the {level} is known)" if partial else "")
        + "; when it came to hold is not recorded."
    )
    css = f"date date-{shown.kind.replace('_', '-')}"
    text = f"{words} {c.as_of}{partial}"
    return f'<abbr class="{css}" title="{escape(meaning)}">{escape(text)}</abbr>'


def _value_text(d: Disagreement, c: LifecycleClaim) -> str:
    """What one claim says of the value the claims disagree on, in words."""
    if d.value == "method":
        return c.method_label or c.method or ""
    if d.value == "body":
        return c.body_label or c.body or ""
    when = shown_date(c.date, None).text if c.date_kind == ACT else _as_of_text(c)
    if d.value == "in-force" and c.step != NOT_IN_FORCE:
        return f"{c.step_label} on {when}"
    return when


def _as_of_text(c: LifecycleClaim) -> str:
    words = "not in force as of" if c.step == NOT_IN_FORCE else "as of"
    return f"{words} {c.as_of}" if c.as_of else "date unknown"


def _disagreement_html(found: Sequence[Disagreement]) -> str:
    if not found:
        return ""
    items = "".join(
        f"<li>on {escape(d.about)}: "
        + "; ".join(escape(_value_text(d, c)) for c in d.claims)
        + f" ({len(d.claims)} claims)</li>"
        for d in found
    )
    return (
        '<div class="note disagreement"><p><strong>The sources disagree.</strong> Every claim is '
        f"shown with its source; none is picked.</p><ul>{items}</ul></div>"
    )


# --- an actor's memberships ---------------------------------------------------------------------


def memberships_html(
    items: Sequence[Membership], sources: dict[str, Source], settings: Layout, root: str
) -> str:
    """The actor's "Memberships" section: the organisations it was a member of, then its own
    members ("" when it has neither)."""
    if not items:
        return ""
    own = [m for m in items if m.side == "member"]
    members = [m for m in items if m.side != "member"]
    both = bool(own and members)
    parts = []
    if own:
        heading = "<h3>Member of</h3>" if both else ""
        parts.append(heading + _membership_table("Organisation", own, sources, settings, root))
    if members:
        heading = "<h3>Its members</h3>" if both else ""
        parts.append(heading + _membership_table("Member", members, sources, settings, root))
    head = f'<h2>Memberships <span class="count">({len(items)})</span></h2>'
    lead = (
        '<p class="lead">Memberships of organisations as sources record them, each over the '
        "interval they give: one that ended and began again is two rows; an end may be the "
        "effective date of a notified withdrawal.</p>"
    )
    return f'<section class="memberships">{head}{lead}{"".join(parts)}</section>'


def _membership_table(
    other: str,
    items: Sequence[Membership],
    sources: dict[str, Source],
    settings: Layout,
    root: str,
) -> str:
    rows = [
        [
            _linked(m.other, m.other_label, settings, root),
            _linked(m.membership, m.label, settings, root),
            bound_html(m.begins, "began", NO_BEGINNING),
            bound_html(m.ends, "ended", NO_END),
            short_citation(m.sources, sources, settings, root),
        ]
        for m in items
    ]
    headers = (other, "Membership", "From", "To", "Sources")
    return table(headers, rows, ("", "", "nowrap", "nowrap"))


def bound_html(value: str | None, verb: str, missing: str) -> str:
    """A bound of a membership: its date ("2023-07 (month)"), or ``missing`` in words."""
    if not value:
        return f'<span class="date date-unknown">{escape(missing)}</span>'
    shown = shown_date(value, None)
    level = f"; only the {shown.precision} is known" if shown.precision != "day" else ""
    title = f"The day the membership {verb}{level}."
    return f'<abbr class="date date-act" title="{escape(title)}">{escape(shown.text)}</abbr>'
