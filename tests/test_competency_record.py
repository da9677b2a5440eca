"""Competency questions over the full record, answered independently from the reference CSVs.

The expected answers are computed here with the csv module from ``data/instruments/``, never from
the code under test.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from helpers import answer
from paths import ROOT

from govkg.project import Project
from govkg.store import Store

DATA = ROOT / "data"
YES = {"signed", "endorsed"}
CIVILIAN = [
    "bletchley_declaration_2023", "seoul_declaration_2024", "seoul_statement_of_intent_2024",
    "seoul_ministerial_statement_2024", "paris_statement_2025", "new_delhi_declaration_2026",
]  # fmt: skip
MILITARY = [
    "reaim_2023_call_to_action", "reaim_2024_blueprint_for_action",
    "reaim_2026_pathways_to_action", "us_political_declaration_military_ai",
]  # fmt: skip
P5 = ("CHN", "FRA", "GBR", "RUS", "USA")
#: The stance values whose kind's label is not the value with spaces for underscores.
LABELS = {
    "voted_yes": "voted yes", "voted_no": "voted no", "did_not_vote": "did not vote",
    "did_not_sign": "took part, did not sign", "co_sponsored": "co-sponsored",
    "lead_sponsored": "lead sponsor", "dissociated": "dissociated from the consensus",
    "accepted_approved": "accepted or approved",
}  # fmt: skip


def _rows() -> list[dict[str, str]]:
    rows = []
    for path in sorted((DATA / "instruments").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


ROWS = _rows()
STATES = {row["iso3"] for row in csv.DictReader((DATA / "states.csv").open(encoding="utf-8"))}


def stances(instrument_id: str) -> dict[str, str]:
    """Actor code → stance value, for one instrument, straight from the CSV."""
    return {
        r["actor_iso3"] or r["actor_org"]: r["stance"]
        for r in ROWS
        if r["instrument_id"] == instrument_id
    }


def yes(instrument_id: str) -> set[str]:
    return {a for a, s in stances(instrument_id).items() if s in YES and a in STATES}


def iso(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def test_signed_every_instrument_of_the_ai_summit_series(project: Project, store: Store) -> None:
    expected = set.intersection(*(yes(i) for i in CIVILIAN))
    rows = answer(project, store, "signed-whole-series")
    assert {iso(r["state"]) for r in rows} == expected
    assert {"AUS", "CAN", "FRA", "DEU", "ITA", "JPN", "KOR", "SGP", "GBR"} >= expected


def test_civilian_military_or_both(project: Project, store: Store) -> None:
    civilian = set().union(*(yes(i) for i in CIVILIAN))
    military = set().union(*(yes(i) for i in MILITARY))
    expected = {s: "both" for s in civilian & military}
    expected |= {s: "civilian only" for s in civilian - military}
    expected |= {s: "military only" for s in military - civilian}
    rows = answer(project, store, "tracks")
    assert {iso(r["state"]): r["track"] for r in rows} == expected
    counts = {iso(r["state"]): (int(r["civilianCount"]), int(r["militaryCount"])) for r in rows}
    assert counts["USA"] == (
        sum("USA" in yes(i) for i in CIVILIAN),
        sum("USA" in yes(i) for i in MILITARY),
    )


def test_reaim_2023_endorsers_not_on_the_reaim_2026_list(project: Project, store: Store) -> None:
    rows = answer(project, store, "left-between")
    expected = yes("reaim_2023_call_to_action") - yes("reaim_2026_pathways_to_action")
    assert {iso(r["state"]) for r in rows} == expected
    later = stances("reaim_2026_pathways_to_action")
    assert {iso(r["state"]): r["laterStance"] for r in rows if r["laterStance"]} == {
        s: later[s] for s in expected if s in later
    }
    assert "CHN" in expected  # the Dutch list names China; it declined in 2026


def test_p5_matrix(project: Project, store: Store) -> None:
    rows = answer(project, store, "p5-matrix")
    labels = LABELS
    ids = sorted({r["instrument_id"] for r in ROWS})
    assert len(rows) == len(ids)
    by_slug = {iso(r["instrument"]): r for r in rows}
    for instrument_id in ids:
        row = by_slug[instrument_id.replace("_", "-")]
        recorded = stances(instrument_id)
        for member in P5:
            want = labels.get(recorded.get(member, ""), recorded.get(member, ""))
            if instrument_id == "reaim_2026_pathways_to_action" and member in ("FRA", "GBR"):
                want = "endorsed / signed"  # the list says endorsed, the articles say signed
            assert row[member] == want, (instrument_id, member)


def test_votes_on_the_two_unga_resolutions(project: Project, store: Store) -> None:
    first, second = stances("unga_res_78_241"), stances("unga_res_79_62")
    rows = answer(project, store, "unga-votes")
    got = {iso(r["state"]): (r["firstVote"], r["secondVote"]) for r in rows}
    label = {"voted_yes": "voted yes", "voted_no": "voted no", "abstained": "abstained",
             "did_not_vote": "did not vote"}  # fmt: skip
    assert got == {
        s: (label.get(first.get(s, ""), ""), label.get(second.get(s, ""), ""))
        for s in set(first) | set(second)
    }
    assert len(got) == 193
    tallies = defaultdict(int)
    for vote, _ in got.values():
        tallies[vote] += 1
    assert dict(tallies) == {"voted yes": 152, "voted no": 4, "abstained": 11, "did not vote": 26}


def test_political_declaration_as_of_end_2023(project: Project, store: Store) -> None:
    rows = answer(project, store, "signed-as-of")
    # The State Department's 13 Nov 2023 note named 45 endorsers beside the United States (which
    # launched it in February 2023): the "US + 45" count.
    expected = {
        r["actor_iso3"]
        for r in ROWS
        if r["instrument_id"] == "us_political_declaration_military_ai"
        and r["date"] <= "2023-12-31"
    }
    assert {iso(r["actor"]) for r in rows} == expected
    assert len(expected) == 46


def test_nothing_signed_before_the_date(project: Project, store: Store) -> None:
    rows = answer(project, store, "signed-as-of", date="2023-01-01")
    assert rows == []


def test_the_article_list_conflict_on_china_and_reaim_2023(project: Project, store: Store) -> None:
    rows = answer(project, store, "article-claims-contradicted")
    assert {
        (iso(r["instrument"]), iso(r["actor"]), r["claimSays"], r["listSays"]) for r in rows
    } == {("reaim-2023-call-to-action", "CHN", "excluded", "endorsed")}
    assert {iso(r["claimSource"]) for r in rows} == {
        "news-2026-02-05-us-china-refuse-reaim",
        "news-2026-02-05-reaim-third-sign",
    }


@pytest.mark.parametrize("instrument_id", sorted({r["instrument_id"] for r in ROWS}))
def test_stances_on_every_instrument_match_the_csv(
    project: Project, store: Store, instrument_id: str
) -> None:
    rows = answer(project, store, "stances-on-instrument",
                  instrument=f"instrument:{instrument_id.replace('_', '-')}")  # fmt: skip
    tokens = {label: token for token, label in LABELS.items()}  # a kind's label, not its token
    got = {(iso(r["actor"]), tokens.get(r["kind"], r["kind"].replace(" ", "_"))) for r in rows}
    expected = {  # every row: an actor may have two acts (the EU signed and approved CETS 225)
        (r["actor_iso3"] or r["actor_org"], r["stance"])
        for r in ROWS
        if r["instrument_id"] == instrument_id
    }
    if instrument_id == "reaim_2026_pathways_to_action":  # the articles' "signed", a row apart
        expected |= {(a, "signed") for a in ("CAN", "DEU", "FRA", "GBR", "NLD", "KOR", "UKR")}
    assert got == expected
