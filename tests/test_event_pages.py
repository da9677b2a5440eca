"""Event and dialogue pages over HTTP: who was at an event and what each did on what it adopted;
a dialogue as a timeline of its steps with the words said at or about each.

Every expected value comes from a SPARQL query on the same store, never from the page."""

from __future__ import annotations

import re
from html import escape

import httpx
import pyoxigraph as ox
import pytest

from govkg.namespaces import DATA_BASE
from govkg.site.palette import swatch
from govkg.store import Store

EVENT = DATA_BASE + "event/reaim-2026"
DIALOGUE = DATA_BASE + "dialogue/us-china-ai-2026"
MEETING = DATA_BASE + "event/trump-xi-beijing-2026"
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def _rows(text: str) -> dict[str, list[str]]:
    """The rows of the table of who was there, by the page each links to first
    (``state/USA``), as their cells' HTML."""
    found: dict[str, list[str]] = {}
    for row in _ROW.findall(text.split("Who was there", 1)[1].split("</table>", 1)[0]):
        link = re.search(r'href="\.\./\.\./doc/([^"]+)\.html"', row)
        if link:
            found.setdefault(link.group(1), _CELL.findall(row))
    return found


def _slug(iri: str) -> str:
    return iri[len(DATA_BASE) :]


@pytest.fixture(scope="module")
def event_page(shipped_client: httpx.Client) -> str:
    response = shipped_client.get("/doc/event/reaim-2026.html")
    assert response.status_code == 200
    return response.text


def test_every_recorded_attendance_is_shown_as_attended(event_page: str, store: Store) -> None:
    query = "SELECT ?e ?a WHERE { ?x a gk:Attendance ; gk:event ?e ; gk:actor ?a }"
    found = store.query(query, {"e": ox.NamedNode(EVENT)}).records()
    attended = {_slug(r.text("a")) for r in found}
    rows = _rows(event_page)
    assert attended and attended <= set(rows)
    for actor, cells in rows.items():
        assert cells[1] == ("yes" if actor in attended else "not recorded"), actor
    assert f"{len(attended)} with a recorded attendance" in event_page


def test_each_actor_shows_its_stances_on_what_the_event_adopted(
    event_page: str, store: Store
) -> None:
    query = """SELECT ?e ?a ?k WHERE { ?i gk:adoptedAt ?e . ?s a gk:Stance ; gk:instrument ?i ;
        gk:actor ?a ; gk:stanceKind ?k }"""
    expected: dict[str, set[str]] = {}
    for row in store.query(query, {"e": ox.NamedNode(EVENT)}).records():
        kind = row.text("k").rsplit("/", 1)[-1]
        expected.setdefault(_slug(row.text("a")), set()).add(kind)
    rows = _rows(event_page)
    assert set(expected) <= set(rows)
    for actor, kinds in expected.items():
        shown = set(re.findall(r'class="swatch st-([a-z-]+)"', rows[actor][2]))
        assert shown == kinds, actor
    assert escape(swatch("declined").name) in rows["state/USA"][2]


def test_the_event_names_what_it_adopted(event_page: str, store: Store) -> None:
    query = "SELECT ?e ?i WHERE { ?i gk:adoptedAt ?e }"
    found = store.query(query, {"e": ox.NamedNode(EVENT)}).records()
    adopted = [_slug(r.text("i")) for r in found]
    assert adopted
    for instrument in adopted:
        assert f'href="../../doc/{instrument}.html"' in event_page


@pytest.fixture(scope="module")
def dialogue_page(shipped_client: httpx.Client) -> str:
    response = shipped_client.get("/doc/dialogue/us-china-ai-2026.html")
    assert response.status_code == 200
    return response.text


def _steps(text: str) -> list[str]:
    """The timeline's steps, in the page's order, as their HTML."""
    timeline = text.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    return re.split(r'(?=<li class="step)', timeline)[1:]


def test_the_timeline_is_in_date_order_with_undated_steps_first(
    dialogue_page: str, store: Store
) -> None:
    steps = _steps(dialogue_page)
    dates = [re.search(r'<span class="when">(.*?)</span> <span class="tag">', s) for s in steps]
    shown = [re.sub(r"<[^>]+>", "", d.group(1)) if d else "" for d in dates]
    values = [re.sub(r"^listed by |\s*\(month\)$", "", s) for s in shown]
    dated = [v for v in values if v != "undated"]
    assert values[: len(values) - len(dated)] == ["undated"] * (len(values) - len(dated))
    assert dated == sorted(dated)
    query = """SELECT ?d ?m WHERE { ?d gk:party ?p1 , ?p2 FILTER(?p1 != ?p2)
        ?m a gk:BilateralMeeting ; gk:party ?p1 , ?p2 }"""
    found = store.query(query, {"d": ox.NamedNode(DIALOGUE)}).records()
    meetings = {_slug(r.text("m")) for r in found}
    assert meetings
    for meeting in meetings:
        assert any(f"/doc/{meeting}.html" in s for s in steps), meeting


def test_words_said_at_a_meeting_are_under_it(dialogue_page: str, store: Store) -> None:
    query = """SELECT ?m ?q ?t ?type WHERE { ?q gk:event ?m ; a ?type
        VALUES ?type { gk:Quotation gk:ReportedPosition }
        OPTIONAL { ?q schema:text|dcterms:description ?t } }"""
    said = store.query(query, {"m": ox.NamedNode(MEETING)}).rows
    assert said
    step = next(
        s for s in _steps(dialogue_page) if f"/doc/{_slug(MEETING)}.html" in s.split("</p>")[0]
    )
    for _meeting, _quote, text, kind in said:
        assert escape(text.value) in step
        if kind.value.endswith("ReportedPosition"):
            assert "(reported, not quoted)" in step


def test_an_unknown_event_is_not_found(shipped_client: httpx.Client) -> None:
    assert shipped_client.get("/doc/event/no-such-event.html").status_code == 404
