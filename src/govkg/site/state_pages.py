"""The profile of a state (or an organisation), as HTML: its stances over time as a timeline and
a table by date, the actors it agrees with most and least (with ``n``, linked to the comparison),
a map of how closely every state agrees with it, its officials' posts and words, its dialogues.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import quote

from govkg.site import charts, worldmap
from govkg.site.agreement import RANKED, Neighbour
from govkg.site.ideal_pages import ideal_html
from govkg.site.layout import Layout
from govkg.site.lifecycle_pages import memberships_html
from govkg.site.pages import href_of, table
from govkg.site.palette import AGREEMENT_BINS, agreement_bin
from govkg.site.profiles import MapState
from govkg.site.resources import PAGE_SIZE
from govkg.site.snippets import linked_html, short_citation, stance_table
from govkg.site.state_profiles import ActorStance, StateProfile

#: Most points the timeline draws (the most recent); the table lists every stance.
TIMELINE_LIMIT = 400


def compare_href(root: str, a: str, b: str) -> str:
    """The comparison page of two actors (by code), the codes in alphabetical order."""
    first, second = sorted((a, b))
    return f"{root}/compare/{quote(first, safe='')}/{quote(second, safe='')}.html"


def state_profile_html(
    profile: StateProfile,
    states: Sequence[MapState],
    settings: Layout,
    root: str,
    doc_name: str,
    page: int = 1,
) -> str:
    """The profile's sections (the stance table at page ``page``; ``doc_name`` is the page's
    last path segment, for the downloads)."""
    parts = [
        _timeline_html(profile, settings, root),
        memberships_html(profile.memberships, profile.sources, settings, root),
        *_agreement_html(profile, states, settings, root),
        _posts_html(profile, settings, root),
        _quotes_html(profile, settings, root),
        _dialogues_html(profile, settings, root),
        _stance_table_html(profile, settings, root, doc_name, page),
    ]
    return '<div class="profile">' + "\n".join(p for p in parts if p) + "</div>"


#: What an actor's page says while the store's alignment is being read.
NOT_READY = (
    '<h2>Closest and furthest</h2><p class="lead not-ready">Whom this actor agrees with most and '
    "least, its position on one dimension and the map of agreement are computed from every "
    "stance in the graph, and that computation has not finished yet (on a large graph it takes "
    "minutes after the server starts). The rest of this page is complete; load it again later "
    "for these sections.</p>"
)


def _agreement_html(
    profile: StateProfile, states: Sequence[MapState], settings: Layout, root: str
) -> list[str]:
    """The sections drawn from the alignment: the closest and furthest actors, the ideal point
    and the map of agreement; a notice while the alignment is not ready."""
    found = profile.alignment
    if found is None:
        return [NOT_READY]
    return [
        _neighbours_html(profile, root, settings),
        ideal_html(found, profile.iri, _code(profile), _label(profile), settings, root),
        _agreement_map_html(profile, states, settings, root),
    ]


def _code(profile: StateProfile) -> str:
    found = profile.alignment
    row = found.index(profile.iri) if found is not None else None
    return found.matrix.codes_of[row] if found is not None and row is not None else ""


def _label(profile: StateProfile) -> str:
    found = profile.alignment
    row = found.index(profile.iri) if found is not None else None
    return found.matrix.labels[row] if found is not None and row is not None else profile.iri


def _timeline_html(profile: StateProfile, settings: Layout, root: str) -> str:
    stances = profile.stances
    if not stances:
        return ""
    dated = [s for s in stances if s.when]
    shown = dated[-TIMELINE_LIMIT:]
    points = [
        charts.TimelinePoint(
            date=s.when or "",
            label=_instrument_label(s),
            kind=s.kind,
            lane=s.lane,
            href=href_of(s.instrument.iri, settings, root) if s.instrument else None,
            as_of=s.date is None and s.as_of is not None,
        )
        for s in shown
    ] + [
        charts.TimelinePoint("", _instrument_label(s), s.kind, s.lane)
        for s in stances
        if not s.when
    ]
    cut = len(dated) - len(shown)
    note = (
        f'<p class="lead">The {len(shown)} most recent of {len(dated)} dated stances are drawn; '
        "the table below lists every one, a page at a time.</p>"
        if cut
        else ""
    )
    chart = charts.timeline(
        points,
        title="Stances over time",
        description="Each stance at its date, by kind of instrument: UN votes, documents of "
        "summits, other instruments. Hollow marks are as-of dates (listed by then).",
        id_prefix="timeline",
    )
    return f"<h2>Stances over time</h2>{note}{chart}"


def _instrument_label(s: ActorStance) -> str:
    return (s.instrument.label or s.instrument.iri) if s.instrument else s.stance


def _neighbours_html(profile: StateProfile, root: str, settings: Layout) -> str:
    ranked = profile.neighbours
    code = _code(profile)
    if not ranked or not code:
        return ""
    closest = ranked[:RANKED]
    furthest = [n for n in reversed(ranked[-RANKED:]) if n not in closest]
    intro = (
        '<p class="lead">From the stances both have on the same instruments, as <code>govkg '
        f"align --pair {escape(code)} …</code> computes them: agreement is the share of those "
        "instruments where both took the same position, κ (Cohen's kappa) corrects it for "
        "chance, n is how many instruments it rests on (at least 3). Missing stances are left "
        f"out, not read as no. {len(ranked)} actors share at least 3 instruments with "
        f"{escape(_label(profile))}.</p>"
    )
    return (
        f"<h2>Closest and furthest</h2>{intro}"
        "<h3>Agrees most with</h3>"
        + _neighbour_table(closest, code, root, settings)
        + "<h3>Agrees least with</h3>"
        + _neighbour_table(furthest, code, root, settings)
    )


def _neighbour_table(rows: Sequence[Neighbour], code: str, root: str, settings: Layout) -> str:
    cells = []
    for n in rows:
        href = href_of(n.iri, settings, root)
        name = f'<a href="{escape(href)}">{escape(n.label)}</a>' if href else escape(n.label)
        kappa = "undefined" if n.kappa is None else f"{n.kappa:.2f}"
        compare = (
            f'<a class="compare" href="{escape(compare_href(root, code, n.code))}">compare</a>'
        )
        cells.append([name, f"{n.agreement:.0%}", kappa, str(n.n), compare])
    headers = ("Actor", "Agreement", "κ", "n", "")
    return table(headers, cells, ("", "num", "num", "num", ""))


def _agreement_map_html(
    profile: StateProfile, states: Sequence[MapState], settings: Layout, root: str
) -> str:
    if not profile.neighbours:
        return ""
    by_iri = {n.iri: n for n in profile.neighbours}
    shapes = {}
    counts = [0] * len(AGREEMENT_BINS)
    for state in states:
        found = by_iri.get(state.iri)
        href = href_of(state.iri, settings, root)
        if state.iri == profile.iri:
            shapes[state.m49] = worldmap.Shape(
                state.m49, "self", f"{state.label}: this state", href
            )
        elif found is not None:
            index = agreement_bin(found.agreement)
            counts[index] += 1
            title = f"{state.label}: agreement {found.agreement:.0%} on n={found.n}"
            shapes[state.m49] = worldmap.Shape(state.m49, f"ag-{index}", title, href)
    legend = [
        (f"ag-{i}", _bin_label(i), counts[i]) for i in range(len(AGREEMENT_BINS)) if counts[i]
    ]
    few = len([s for s in states if s.iri not in by_iri and s.iri != profile.iri])
    legend.append(("st-no-record", "fewer than 3 instruments in common", few))
    drawn = worldmap.world_map(
        shapes,
        title=f"How closely each state agrees with {_label(profile)}",
        description="States coloured by their agreement with this state, over the instruments "
        "both have a stance on; hatched: fewer than 3 instruments in common.",
        default_title="fewer than 3 instruments in common",
        legend=[*legend, ("self", "this state", 1)],
        id_prefix="agreement-map",
    )
    return f"<h2>Who agrees with it, on a map</h2>{drawn.html}"


def _bin_label(index: int) -> str:
    low = AGREEMENT_BINS[index][0]
    high = AGREEMENT_BINS[index + 1][0] if index + 1 < len(AGREEMENT_BINS) else 1.0
    return f"{low:.0%} to {high:.0%}"


def _posts_html(profile: StateProfile, settings: Layout, root: str) -> str:
    if not profile.posts:
        return ""
    rows = [
        [
            linked_html(p.person, settings, root),
            escape(p.post or ""),
            escape(", ".join(p.attested)),
            escape(_term(p.begins, p.ends)),
        ]
        for p in profile.posts
    ]
    headers = ("Person", "Post", "Sources show them in post on", "Term")
    return "<h2>Officials</h2>" + table(headers, rows, ("", "", "nowrap", "nowrap"))


def _term(begins: str | None, ends: str | None) -> str:
    if not (begins or ends):
        return ""
    return f"{begins or '?'} to {ends or '?'}"


def _quotes_html(profile: StateProfile, settings: Layout, root: str) -> str:
    if not profile.quotes:
        return ""
    items = []
    for q in profile.quotes:
        who = linked_html(q.speaker, settings, root) or "unnamed speaker"
        role = f", {escape(q.role)}" if q.role else ""
        when = f" ({escape(q.date)})" if q.date else ""
        cite = short_citation(q.sources, profile.sources, settings, root)
        items.append(
            f'<figure class="quote"><blockquote>{escape(q.text)}</blockquote>'
            f"<figcaption>{who}{role}{when}. {cite}</figcaption></figure>"
        )
    return f'<h2>What its officials said <span class="count">({len(items)})</span></h2>' + "".join(
        items
    )


def _dialogues_html(profile: StateProfile, settings: Layout, root: str) -> str:
    if not profile.dialogues:
        return ""
    rows = [
        [
            linked_html(d.item, settings, root),
            escape(d.kind),
            escape(d.others),
            escape(d.date or ""),
            escape(d.status or ""),
        ]
        for d in profile.dialogues
    ]
    headers = ("Dialogue or meeting", "Kind", "With", "Date", "Status")
    return "<h2>Dialogues and meetings</h2>" + table(headers, rows, ("", "", "", "nowrap"))


def _stance_table_html(
    profile: StateProfile, settings: Layout, root: str, doc_name: str, page: int
) -> str:
    if not profile.stances:
        return ""

    def instrument(s: ActorStance) -> str:
        return linked_html(s.instrument, settings, root)

    other = ("Instrument", instrument)
    shown = stance_table(other, profile.stances, profile.sources, settings, root, doc_name, page)
    return shown + stance_pager(len(profile.stances), page, doc_name)


def stance_pager(total: int, page: int, doc_name: str) -> str:
    """Under a stance table cut into pages: which stances it shows of how many, and links to
    the previous and next pages of the resource (``./NAME.page-N.html``); "" when it is whole."""
    if total <= PAGE_SIZE:
        return ""
    pages = -(-total // PAGE_SIZE)
    first = (page - 1) * PAGE_SIZE + 1
    last = min(total, page * PAGE_SIZE)
    if first > total:  # a later page of the resource's links: no stance on it
        back = _page_link(doc_name, pages, f"« the last {total - (pages - 1) * PAGE_SIZE}", "prev")
        return (
            f'<p class="paging stance-pages">The {total} stances are on pages 1&ndash;{pages}, '
            f"none on this one. {back}</p>"
        )
    links = []
    if page > 1:
        links.append(_page_link(doc_name, page - 1, f"« previous {PAGE_SIZE}", "prev"))
    if page < pages:
        following = min(PAGE_SIZE, total - last)
        links.append(_page_link(doc_name, page + 1, f"next {following} »", "next"))
    return (
        f'<p class="paging stance-pages">This table shows stances {first}&ndash;{last} of '
        f"{total} (page {page} of {pages}). {' '.join(links)}</p>"
    )


def _page_link(doc_name: str, number: int, text: str, rel: str) -> str:
    name = f"./{doc_name}.html" if number == 1 else f"./{doc_name}.page-{number}.html"
    return f'<a rel="{rel}" href="{escape(name)}">{escape(text)}</a>'
