"""The profile of an instrument, as HTML: what it is, what the sources report, counts per stance
kind, a world map by stance, its principles, and its stances by date with short citations and
downloads.  Every value is escaped; the map and the chart are SVG drawn here, each with a table
of the same numbers, so the page reads without JavaScript, colour or a network.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from govkg.site import charts, worldmap
from govkg.site.layout import Layout
from govkg.site.lifecycle_pages import lifecycle_html
from govkg.site.pages import date_html, href_of, iri_html, table
from govkg.site.palette import SWATCHES, swatch
from govkg.site.profiles import (
    CountClaim,
    InstrumentProfile,
    MapState,
    ProfileStance,
    state_cells,
)
from govkg.site.resources import Source
from govkg.site.snippets import linked_html, short_citation, stance_table, swatch_html
from govkg.site.state_pages import stance_pager

_PRECISION = {"approximate": "about {}", "lower-bound": "over {}", "exact": "{}"}


# --- the instrument profile ---------------------------------------------------------------------


def instrument_profile_html(
    profile: InstrumentProfile,
    states: Sequence[MapState],
    settings: Layout,
    root: str,
    doc_name: str,
    page: int = 1,
) -> str:
    """The profile's sections, from its header to its stance table (page ``page``)."""
    parts = [
        _facts_html(profile, settings, root),
        _claims_html(profile.claims, profile.sources, settings, root),
        lifecycle_html(profile.lifecycle, profile.sources, settings, root),
        _kinds_html(profile),
        _map_html(profile, states, settings, root),
        _principles_html(profile, settings, root),
        _stance_table_html(profile, settings, root, doc_name, page),
    ]
    return '<div class="profile">' + "\n".join(p for p in parts if p) + "</div>"


def _facts_html(profile: InstrumentProfile, settings: Layout, root: str) -> str:
    facts = profile.facts
    rows = []
    if facts.types:
        kinds = [t for t in facts.types.split(", ") if t != "instrument"] or ["instrument"]
        rows.append(("Type", escape(", ".join(kinds))))
    if facts.date:
        rows.append(("Date", date_html(facts.date, None)))
    if facts.event is not None:
        when = f" ({escape(facts.event_date)})" if facts.event_date else ""
        rows.append(("Adopted at", linked_html(facts.event, settings, root) + when))
    if facts.place is not None:
        rows.append(("Place", linked_html(facts.place, settings, root)))
    if facts.series is not None:
        rows.append(("Series", linked_html(facts.series, settings, root)))
    binding = {True: "yes", False: "no", None: "not recorded"}[facts.binding]
    rows.append(("Legally binding", escape(binding)))
    if facts.title and facts.title != facts.label:
        rows.append(("Full title", escape(facts.title)))
    body = "".join(f'<tr><th scope="row">{escape(h)}</th><td>{v}</td></tr>' for h, v in rows)
    about = f'<p class="about">{escape(facts.description)}</p>' if facts.description else ""
    return f'<table class="facts"><tbody>{body}</tbody></table>{about}'


def count_text(claim: CountClaim) -> str:
    """``35``, ``about 60``, ``over 60``."""
    return _PRECISION.get(claim.precision, "{}").format(claim.value)


def _claims_html(
    claims: Sequence[CountClaim], sources: dict[str, Source], settings: Layout, root: str
) -> str:
    """The counts sources report, each with what it counts, its date and its source: the numbers
    the named list is measured against (and where the sources disagree, every one)."""
    if not claims:
        return ""
    rows = [
        [
            escape(count_text(c)),
            escape(c.counts),
            escape(c.as_of or "not dated"),
            escape(c.label or ""),
            short_citation(c.sources, sources, settings, root),
        ]
        for c in claims
    ]
    head = f'<h2>Reported counts <span class="count">({len(claims)})</span></h2>'
    note = (
        '<p class="lead">What sources report, each as its source says it; where they differ, '
        "every report is kept.</p>"
    )
    headers = ("Count", "Counts", "As of", "Claim", "Source")
    return head + note + table(headers, rows, ("num", "", "nowrap"))


def _kinds_html(profile: InstrumentProfile) -> str:
    counts = profile.kind_counts()
    if not counts:
        return ""
    bars = [(swatch(kind).css, swatch(kind).name, stances) for kind, stances, _actors in counts]
    chart = charts.bars(
        bars,
        title="Stances by kind",
        description="How many stances of each kind the record has on this instrument.",
        id_prefix="kinds",
    )
    rows = [[swatch_html(k), str(n), str(a)] for k, n, a in counts]
    total = len(profile.stances)
    head = f'<h2>Stances by kind <span class="count">({total} stances)</span></h2>'
    return head + chart + table(("Kind", "Stances", "Actors"), rows, ("", "num", "num"))


def _map_html(
    profile: InstrumentProfile, states: Sequence[MapState], settings: Layout, root: str
) -> str:
    """The world map coloured by stance; states not drawn at this scale and actors that are not
    states are listed under it."""
    cells = state_cells(profile, states)
    by_code = {s.m49: s for s in states}
    shapes = {}
    counts: dict[str, int] = {}
    for code, (key, own) in cells.items():
        state = by_code[code]
        sw = swatch(key)
        counts[sw.key] = counts.get(sw.key, 0) + 1
        what = " / ".join(dict.fromkeys(s.kind_label for s in own)) or sw.name
        shapes[code] = worldmap.Shape(
            key=code,
            css=sw.css,
            title=f"{state.label}: {what}",
            href=href_of(state.iri, settings, root),
        )
    legend = [(sw.css, sw.name, counts[sw.key]) for sw in SWATCHES if counts.get(sw.key)]
    missing = "not-listed" if profile.list_complete else "no-record"
    meaning = (
        "The list is complete (or complete as of a date): a state with no stance is not on it."
        if profile.list_complete
        else "The list is not complete: a state with no stance has no record, which is not a "
        "refusal."
    )
    drawn = worldmap.world_map(
        shapes,
        title=f"Where each state stands on {profile.facts.label}",
        description=f"A world map of the states coloured by their recorded stance. {meaning}",
        default_css=swatch(missing).css,
        default_title="not in govkg's list of states",
        legend=legend,
        id_prefix="stance-map",
    )
    extra = _off_map_html(profile, cells, by_code, drawn.not_drawn, settings, root)
    return f'<h2>Map</h2><p class="lead">{escape(meaning)}</p>{drawn.html}{extra}'


def _off_map_html(
    profile: InstrumentProfile,
    cells: dict[str, tuple[str, list[ProfileStance]]],
    by_code: dict[str, MapState],
    not_drawn: Sequence[str],
    settings: Layout,
    root: str,
) -> str:
    """Stances the map cannot show: actors that are not states, and states too small to draw."""
    items = []
    others: dict[str, list[ProfileStance]] = {}
    for s in profile.stances:
        if s.m49 is None and s.actor is not None:
            others.setdefault(s.actor.iri, []).append(s)
    for own in others.values():
        kinds = " ".join(swatch_html(k) for k in dict.fromkeys(s.kind for s in own))
        items.append(f"<li>{linked_html(own[0].actor, settings, root)}: {kinds}</li>")
    for code in not_drawn:
        _key, own = cells.get(code, ("", []))
        if own:
            state = by_code[code]
            kinds = " ".join(swatch_html(s.kind) for s in own)
            link = iri_html(state.iri, state.label, settings, root, brief=True)
            items.append(f"<li>{link} (too small for the map): {kinds}</li>")
    if not items:
        return ""
    return f'<p>Not on the map:</p><ul class="off-map">{"".join(items)}</ul>'


def _principles_html(profile: InstrumentProfile, settings: Layout, root: str) -> str:
    if not profile.principles:
        return ""
    items = "".join(
        f"<li>{linked_html(p.principle, settings, root)}"
        + (
            f' <span class="meta">({linked_html(p.theme, settings, root)})</span>'
            if p.theme
            else ""
        )
        + "</li>"
        for p in profile.principles
    )
    count = len(profile.principles)
    head = f'<h2>Principles it commits to <span class="count">({count} recorded)</span></h2>'
    return f'{head}<ul class="principles">{items}</ul>'


def _stance_table_html(
    profile: InstrumentProfile, settings: Layout, root: str, doc_name: str, page: int
) -> str:
    if not profile.stances:
        return "<h2>Stances</h2><p>None recorded.</p>"

    def actor(s: ProfileStance) -> str:
        return linked_html(s.actor, settings, root) if s.actor else "<i>no actor</i>"

    other = ("Actor", actor)
    shown = stance_table(other, profile.stances, profile.sources, settings, root, doc_name, page)
    return shown + stance_pager(len(profile.stances), page, doc_name)
