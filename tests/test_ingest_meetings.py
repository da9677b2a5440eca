"""Meeting and event candidates (govkg.ingest.extract, govkg.ingest.events) on small invented
sentences, names resolved against the shipped graph: parties, relative dates and ranges read
against the article's date, meetings told twice proposed once, events named or placed."""

from __future__ import annotations

import pytest

from govkg.ingest.extract import extract
from govkg.ingest.model import Article
from govkg.ingest.names import Gazetteer, build_gazetteer
from govkg.namespaces import data_namespace
from govkg.store import Store

STATE = data_namespace("state")
EVENT = data_namespace("event")
US_CHINA = f"{STATE['CHN']} {STATE['USA']}"


@pytest.fixture(scope="module")
def gazetteer(store: Store) -> Gazetteer:
    return build_gazetteer(store, "2026-03-12")


def _fields(
    gazetteer: Gazetteer, text: str, kind: str, published: str = "2026-03-12"
) -> list[dict[str, str]]:
    article = Article(text=text, sha256="0" * 64, published=published)
    return [c.fields for c in extract(article, gazetteer) if c.kind == kind]


def _meeting(what: str, date: str, end: str = "", place: str = "") -> dict[str, str]:
    return {"parties": US_CHINA, "what": what, "date": date, "end": end, "place": place}


# -------------------------------------------------------------------------------------- meetings


def test_leaders_meeting_on_a_weekday_is_a_meeting_on_that_day(gazetteer: Gazetteer) -> None:
    text = "Chinese President Xi Jinping met US President Donald Trump in Busan on Tuesday."
    assert _fields(gazetteer, text, "meeting") == [_meeting("meeting", "2026-03-10", "", "Busan")]


def test_a_date_range_is_date_and_end(gazetteer: Gazetteer) -> None:
    text = "Donald Trump and Xi Jinping held talks in Beijing on May 14-15."
    assert _fields(gazetteer, text, "meeting", published="2026-05-20") == [
        _meeting("meeting", "2026-05-14", "2026-05-15", "Beijing")
    ]


def test_last_month_name_and_this_week(gazetteer: Gazetteer) -> None:
    text = "Donald Trump met Xi Jinping last November."
    assert _fields(gazetteer, text, "meeting") == [_meeting("meeting", "2025-11")]
    text = "Officials of China and the United States held talks on chips this week."
    assert _fields(gazetteer, text, "meeting") == [_meeting("dialogue", "2026-03-09", "2026-03-15")]


def test_a_day_said_is_not_the_meeting_s_day(gazetteer: Gazetteer) -> None:
    text = "A spokesman said on March 11 that Donald Trump met Xi Jinping in Geneva last week."
    assert _fields(gazetteer, text, "meeting") == [
        _meeting("meeting", "2026-03-02", "2026-03-08", "Geneva")
    ]


def test_the_two_leaders_are_the_parties_and_the_day_of_the_meeting_in_view(
    gazetteer: Gazetteer,
) -> None:
    text = (
        "Donald Trump and Xi Jinping met in Geneva on March 3. "
        "The two leaders agreed to launch a dialogue on AI safety. "
        "Weather was mild."
    )
    assert _fields(gazetteer, text, "meeting") == [
        _meeting("meeting", "2026-03-03", "", "Geneva"),
        _meeting("dialogue", "2026-03-03"),
    ]


def test_talks_with_no_party_named_are_the_parties_in_view_when_dated(
    gazetteer: Gazetteer,
) -> None:
    text = (
        "Donald Trump met Xi Jinping in Geneva on March 3. "
        "An analyst said the agenda was wider than at earlier talks in 2023. "
        "Another analyst said talks were useful."
    )
    assert _fields(gazetteer, text, "meeting") == [
        _meeting("meeting", "2026-03-03", "", "Geneva"),
        _meeting("dialogue", "2023"),
    ]


def test_a_meeting_told_twice_is_proposed_once(gazetteer: Gazetteer) -> None:
    text = (
        "Donald Trump met Xi Jinping in Geneva last week. "
        "Both sides praised their talks in Geneva earlier this month."
    )
    assert _fields(gazetteer, text, "meeting") == [
        _meeting("meeting", "2026-03-02", "2026-03-08", "Geneva")
    ]


def test_a_meeting_needs_exactly_two_parties(gazetteer: Gazetteer) -> None:
    text = "France, Germany and Italy held talks in Rome on March 2."
    assert _fields(gazetteer, text, "meeting") == []
    assert _fields(gazetteer, "France held talks in Rome on March 2.", "meeting") == []


def test_the_year_comes_from_an_event_the_graph_dates(gazetteer: Gazetteer) -> None:
    """No publication date and no year: Beijing on May 14 is the graph's Beijing meeting."""
    text = "A statement on May 18 recalled that Donald Trump met Xi Jinping in Beijing on May 14."
    assert _fields(gazetteer, text, "meeting", published="") == [
        _meeting("meeting", "2026-05-14", "", "Beijing")
    ]


# ---------------------------------------------------------------------------------------- events


def test_a_named_event_with_its_dates_place_and_host(gazetteer: Gazetteer) -> None:
    text = "Ministers met at the AI Action Summit in Paris on February 10-11, hosted by France."
    assert _fields(gazetteer, text, "event", published="2025-02-12") == [
        {
            "name": str(EVENT["paris-ai-action-summit-2025"]), "start": "2025-02-10",
            "end": "2025-02-11", "place": "Paris", "host": str(STATE["FRA"]),
        }
    ]  # fmt: skip


def test_an_event_named_by_its_series_with_a_place(gazetteer: Gazetteer) -> None:
    text = "Envoys gathered at the REAIM summit in A Coruña to discuss drones."
    [event] = _fields(gazetteer, text, "event", published="2026-02-06")
    assert (event["name"], event["place"], event["start"]) == (
        str(EVENT["reaim-2026"]),
        "A Coruña",
        "",
    )


def test_a_summit_placed_by_a_host_and_a_day(gazetteer: Gazetteer) -> None:
    text = "On February 10, 2025, France hosted a summit on artificial intelligence."
    [event] = _fields(gazetteer, text, "event", published="2025-02-12")
    assert (event["name"], event["start"], event["host"]) == (
        str(EVENT["paris-ai-action-summit-2025"]),
        "2025-02-10",
        str(STATE["FRA"]),
    )


def test_summits_placed_in_years_each_resolved(gazetteer: Gazetteer) -> None:
    text = "Earlier summits, held in Bletchley and New Delhi in 2023 and 2026, set the tone."
    events = _fields(gazetteer, text, "event")
    assert [(e["name"], e["place"], e["start"]) for e in events] == [
        (str(EVENT["ai-safety-summit-2023"]), "Bletchley", "2023"),
        (str(EVENT["ai-impact-summit-2026"]), "New Delhi", "2026"),
    ]


def test_a_new_named_event_is_proposed(gazetteer: Gazetteer) -> None:
    text = "The Lakeside Robotics Summit in Nairobi on March 3 drew forty delegations."
    [event] = _fields(gazetteer, text, "event")
    assert event == {
        "name": "Lakeside Robotics Summit", "start": "2026-03-03", "end": "",
        "place": "Nairobi", "host": "",
    }  # fmt: skip


def test_one_event_candidate_an_event_its_fields_filled(gazetteer: Gazetteer) -> None:
    text = (
        "The AI Action Summit in Paris drew leaders. "
        "The AI Action Summit closed on February 11, 2025."
    )
    [event] = _fields(gazetteer, text, "event", published="2025-02-12")
    assert (event["place"], event["start"]) == ("Paris", "2025-02-11")


def test_an_unplaced_undated_summit_is_no_event(gazetteer: Gazetteer) -> None:
    assert _fields(gazetteer, "Delegates left the summit early.", "event") == []
    assert _fields(gazetteer, "A conference in Lyon drew crowds.", "event") == []


def test_a_meeting_in_a_place_is_a_meeting_not_an_event(gazetteer: Gazetteer) -> None:
    """The graph holds a meeting in Geneva on that day; a meeting is proposed as one."""
    text = "Officials of China and the US held a meeting in Geneva on May 14, 2024."
    assert _fields(gazetteer, text, "event") == []


def test_an_acronym_after_in_is_no_place(gazetteer: Gazetteer) -> None:
    text = "Donald Trump met Xi Jinping on March 3 to discuss cooperation in AI."
    assert _fields(gazetteer, text, "meeting") == [_meeting("meeting", "2026-03-03")]
