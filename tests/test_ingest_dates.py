# ruff: noqa: RUF001 (articles print en dashes in ranges)
"""Dates in an article's words (govkg.ingest.dates): absolute days, ranges, months, years and
words relative to the article's date, and the article's own year where it states none."""

from __future__ import annotations

import datetime as dt

import pytest

from govkg.ingest.dates import (
    dates_in,
    event_year,
    first_date,
    overlaps,
    reference_date,
    weekday_year,
)

THURSDAY = dt.date(2026, 3, 12)  # the reference of the relative cases: a Thursday


def _span(words: str, year: str = "2026", reference: dt.date | None = THURSDAY) -> tuple[str, str]:
    found = first_date(words, year, reference)
    assert found is not None, words
    return (found.start, found.end)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("The ministers signed it on October 3, 2019.", ("2019-10-03", "2019-10-03")),
        ("They signed it on 3 October 2019.", ("2019-10-03", "2019-10-03")),
        ("They met on Friday, June 12.", ("2026-06-12", "2026-06-12")),  # the article's year
        ("The forum ran from June 8-9.", ("2026-06-08", "2026-06-09")),
        ("The forum ran on 8–9 June 2024.", ("2024-06-08", "2024-06-09")),
        ("The forum ran from June 8 to 9, 2024.", ("2024-06-08", "2024-06-09")),
        ("The forum ran from June 29 - July 2.", ("2026-06-29", "2026-07-02")),
        ("The vote is expected in July.", ("2026-07", "2026-07")),
        ("They met in July 2021 in Oslo.", ("2021-07", "2021-07")),
        ("They met in 2021 in Oslo.", ("2021", "2021")),
    ],
)
def test_absolute_dates_ranges_months_and_years(words: str, expected: tuple[str, str]) -> None:
    assert _span(words) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("The envoys met last November.", ("2025-11", "2025-11")),  # before March 2026
        ("The envoys will meet next February.", ("2027-02", "2027-02")),
        ("The envoys met on Tuesday.", ("2026-03-10", "2026-03-10")),
        ("The envoys met on Thursday.", ("2026-03-12", "2026-03-12")),  # the day itself
        ("The envoys met last Thursday.", ("2026-03-05", "2026-03-05")),
        ("The envoys will meet on Monday.", ("2026-03-16", "2026-03-16")),
        ("The envoys met this week.", ("2026-03-09", "2026-03-15")),
        ("The envoys met last week.", ("2026-03-02", "2026-03-08")),
        ("The envoys met earlier this month.", ("2026-03", "2026-03")),
        ("The envoys met last month.", ("2026-02", "2026-02")),
        ("The envoys met last year.", ("2025", "2025")),
        ("The envoys met yesterday.", ("2026-03-11", "2026-03-11")),
    ],
)
def test_relative_dates_count_from_the_reference(words: str, expected: tuple[str, str]) -> None:
    assert _span(words) == expected


def test_last_month_of_the_same_name_is_a_year_back() -> None:
    november = dt.date(2026, 11, 20)
    assert _span("They met last November.", reference=november) == ("2025-11", "2025-11")
    assert _span("They met last November.", reference=dt.date(2026, 12, 1))[0] == "2026-11"


def test_without_a_year_or_a_reference_nothing_is_guessed() -> None:
    assert dates_in("They met on June 12 and last week, on Tuesday.", "", None) == []
    assert dates_in("They met in May.", "", None) == []
    assert _span("They met in 2021.", year="", reference=None) == ("2021", "2021")


def test_words_that_are_not_dates() -> None:
    assert dates_in("Delegates may sign. 12-14 countries may join.", "2026", THURSDAY) == []
    assert dates_in("The summit drew 60 delegations in 2 days.", "2026", THURSDAY) == []


def test_every_date_in_order_with_its_words() -> None:
    found = dates_in("Talks on May 4 followed a visit last week.", "2026", THURSDAY)
    assert [(d.words, d.start, d.end, d.is_range) for d in found] == [
        ("May 4", "2026-05-04", "2026-05-04", False),
        ("last week", "2026-03-02", "2026-03-08", True),
    ]


def test_the_year_of_a_weekday_and_day() -> None:
    assert weekday_year("On Wednesday, July 1, the forum opened.", 2026) == "2026"
    assert weekday_year("On Thursday, July 1, the forum opened.", 2026) == "2021"
    assert weekday_year("On July 1, the forum opened.", 2026) == ""


def test_the_year_of_an_event_the_text_places_and_dates() -> None:
    events = [("2025-06-03", "2025-06-05", "Oslo"), ("2019-06-04", "", "Bergen")]
    assert event_year("The ministers met in Oslo on June 4.", events) == "2025"  # within a range
    assert event_year("The ministers met in Bergen on June 4.", events) == "2019"
    assert event_year("The ministers met in Oslo on June 9.", events) == ""
    assert event_year("The ministers met on June 4.", events) == ""  # no place named


def test_the_reference_date() -> None:
    assert reference_date("It opened on June 4.", "2025-06-06", "2025") == dt.date(2025, 6, 6)
    assert reference_date("It opened last week, on June 4.", "", "2025") == dt.date(2025, 6, 4)
    assert reference_date("It opened last week.", "", "2025") is None


def test_ranges_overlap_to_the_precision_of_the_less_precise() -> None:
    assert overlaps("2026-05-11", "2026-05-17", "2026-05-14", "2026-05-15")
    assert overlaps("2026-05", "", "2026-05-14", "2026-05-15")
    assert overlaps("2026-05-15", "", "2026-05-15", "")
    assert not overlaps("2026-05-16", "2026-05-17", "2026-05-14", "2026-05-15")
    assert not overlaps("2026-04", "", "2026-05-14", "2026-05-15")
    assert not overlaps("", "", "2026-05-14", "")
