"""Status at a date on the pages: an instrument page's "Status on D" section
(``/doc/instrument/X.html?at=D``: each actor's status on it), a state's or organisation's
(``/doc/state/X.html?at=D``: its status on each instrument), each with its form and its CSV/JSON
downloads (``X.statuses.csv?at=D``: the rows and columns of ``govkg status --at D --instrument X``
or ``--actor X``).  The matrix as of a day is :mod:`govkg.site.status_matrix_pages`.

A static copy of the site cannot answer a query string, and its pages are the live server's, byte
for byte: the form says that it needs the live server.  Every value is escaped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

from govkg.coverage import INSTRUMENT_BASE, ORG_BASE, STATE_BASE
from govkg.lifecycle import (
    COLUMNS,
    NO_RECORD,
    NOT_A_PARTY,
    UNKNOWN_STATUS,
    Act,
    Status,
    status_at,
)
from govkg.namespaces import compact
from govkg.output import format_rows
from govkg.site.layout import Layout
from govkg.site.pages import date_html, iri_html, table
from govkg.site.palette import swatch
from govkg.site.snippets import swatch_html
from govkg.store import Store

#: The downloads of the statuses, as suffixes of the page's name (``X.statuses.csv``).
DOWNLOADS = {"csv": "CSV", "json": "JSON"}
#: The palette key of a status that rests on no act.
_NO_ACT_KEYS = {NOT_A_PARTY: "not-party", NO_RECORD: "no-record"}
_RULES = (
    "The latest act certainly done by that day (acts after it are left out); "
    "<strong>unknown</strong> where an act may or may not have happened by then (listed only "
    "later, a partial date around the day, no date), naming that act; "
    "<strong>not-a-party</strong> where the actor was not a member of the body that adopted the "
    "instrument when it did; else <strong>no-record</strong>. The same rows as "
    "<code>govkg status --at</code>."
)


# --- instrument, state and organisation pages ---------------------------------------------------


def dated_page(iri: str) -> bool:
    """Whether the resource's page takes ``?at=``: an instrument's, a state's, an
    organisation's."""
    return iri.startswith((INSTRUMENT_BASE, STATE_BASE, ORG_BASE))


def statuses_of(store: Store, iri: str, day: str) -> list[Status]:
    """The statuses on ``day`` of every actor on an instrument, or of an actor on every
    instrument (as ``govkg status --at DAY --instrument X`` or ``--actor X``)."""
    if iri.startswith(INSTRUMENT_BASE):
        return status_at(store, day, iri)
    return status_at(store, day, actors=[iri])


def status_block(
    store: Store,
    iri: str,
    day: str,
    settings: Layout,
    root: str,
    doc_name: str,
) -> str:
    """A page's form and, with ``day``, its "Status on D" section; "" for a resource whose
    page takes no day."""
    if not dated_page(iri):
        return ""
    form = _form(doc_name, day)
    if not day:
        return form
    statuses = statuses_of(store, iri, day)
    by_actor = iri.startswith(INSTRUMENT_BASE)
    labels = _labels(store, by_actor)
    return form + status_section(statuses, labels, day, by_actor, settings, root, doc_name)


def _labels(store: Store, actors: bool) -> dict[str, str]:
    """The label of every actor (or every instrument)."""
    from govkg.align.matrix import ACTORS, INSTRUMENTS  # with numpy: only for a dated page

    query, name = (ACTORS, "actor") if actors else (INSTRUMENTS, "instrument")
    return {r.text(name): r.text("label", "") for r in store.query(query).records()}


def _form(doc_name: str, day: str) -> str:
    """A GET form to this page with ``?at=``: a date input."""
    action = escape(f"./{doc_name}.html")
    back = f' <a href="{action}">without a date</a>' if day else ""
    return (
        f'<form class="filters status-at" method="get" action="{action}">'
        '<label>Status on <input type="date" name="at" required '
        f'value="{escape(day)}"></label><button type="submit">Show</button>{back}'
        '<small class="meta">Answered by the live server (<code>govkg serve</code>); a static '
        "copy of the site shows this page without it.</small></form>"
    )


def status_section(
    statuses: Sequence[Status],
    labels: dict[str, str],
    day: str,
    by_actor: bool,
    settings: Layout,
    root: str,
    doc_name: str,
) -> str:
    """The "Status on D" section: a row per actor (``by_actor``) or per instrument, its counts
    and its downloads.  An actor's page leaves out the instruments it has no record on (their
    count is given; the downloads hold them)."""
    counts = Counter(s.status for s in statuses)
    summary = ", ".join(f"{n} {escape(word)}" for word, n in sorted(counts.items()))
    downloads = " ".join(
        f'<a href="{escape(f"./{doc_name}.statuses.{ext}?at={day}")}" download>{name}</a>'
        for ext, name in DOWNLOADS.items()
    )
    shown = [s for s in statuses if by_actor or _worth_a_row(s)]
    rows = [_row(s, labels, by_actor, settings, root) for s in shown]
    what = "actors" if by_actor else "instruments"
    head = (
        f'<h2 id="status-at">Status on {escape(day)} '
        f'<span class="count">({len(statuses)} {what})</span></h2>'
    )
    lead = f'<p class="lead">{_RULES}</p>'
    left = len(statuses) - len(shown)
    later = sum(s.before_instrument for s in statuses) if not by_actor else 0
    begin = f" ({later} of them begin after {escape(day)})" if later else ""
    unrecorded = f" Not shown: {left} instrument(s) with no record{begin}." if left else ""
    counted = f"<p>{summary or 'No status recorded'}.{unrecorded} Download: {downloads}</p>"
    headers = ("Actor" if by_actor else "Instrument", "Status", "Act", "Date", "Note", "Rests on")
    return head + lead + counted + table(headers, rows, ("", "nowrap", "", "nowrap"))


def _worth_a_row(status: Status) -> bool:
    """On an actor's page: a status with an act or a note, on an instrument begun by the day."""
    return (status.status != NO_RECORD or bool(status.note)) and not status.before_instrument


def _row(
    status: Status, labels: dict[str, str], by_actor: bool, settings: Layout, root: str
) -> list[str]:
    act = status.act
    evidence = " ".join(
        iri_html(e, compact(e), settings, root, brief=True) for e in status.evidence
    )
    other = status.actor if by_actor else status.instrument
    name = labels.get(other) or (status.actor_code if by_actor else compact(other))
    return [
        iri_html(other, name, settings, root, brief=True),
        status_html(status),
        escape(swatch(act.kind).name) if act else "",
        _date_html(act) if act else "",
        escape(status.note),
        evidence,
    ]


def status_html(status: Status) -> str:
    """The status word, with the palette's swatch of the act it rests on (or of a missing
    stance) where one fits; an unknown status has none."""
    if status.status == UNKNOWN_STATUS:
        return '<span class="kind"><span class="swatch" aria-hidden="true">?</span> unknown</span>'
    key = status.act.kind if status.act else _NO_ACT_KEYS.get(status.status, NO_RECORD)
    return swatch_html(key, status.status)


def _date_html(act: Act) -> str:
    """The act's date as the stance tables show it ("listed by …", "2025-02 (month)")."""
    return date_html(None if act.as_of else act.date or None, act.date if act.as_of else None)


def statuses_text(statuses: Sequence[Status], ext: str) -> str:
    """The statuses as ``govkg status --format csv`` (or ``json``) writes them."""
    return format_rows(list(COLUMNS), [list(s.row().values()) for s in statuses], ext)
