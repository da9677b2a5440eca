# ruff: noqa: RUF001 (typographic quotes and apostrophes are what articles print)
"""Attendance candidates (govkg.ingest.extract, govkg.ingest.attendance) on small invented
texts, names resolved against the shipped graph: attendance stated ("attended", "took part",
"was attended by", delegations) and inferred, with a note saying why, from a host, from a
signing or a refusal the words place at the event, from signatories counted among those that
took part, and from a speech at the event; never from an act the words set elsewhere or later.
"""

from __future__ import annotations

import pytest

from govkg.ingest.extract import extract
from govkg.ingest.model import Article, Candidate
from govkg.ingest.names import Gazetteer, build_gazetteer
from govkg.namespaces import data_namespace
from govkg.store import Store

STATE = data_namespace("state")
ORG = data_namespace("org")
EVENT = data_namespace("event")
PARIS = str(EVENT["paris-ai-action-summit-2025"])
REAIM = str(EVENT["reaim-2026"])


@pytest.fixture(scope="module")
def gazetteer(store: Store) -> Gazetteer:
    return build_gazetteer(store, "2025-02-12")


def _attending(gazetteer: Gazetteer, text: str, published: str = "2025-02-12") -> list[Candidate]:
    article = Article(text=text, sha256="0" * 64, published=published)
    return [c for c in extract(article, gazetteer) if c.kind == "attendance"]


def _pairs(candidates: list[Candidate]) -> set[tuple[str, str]]:
    return {(c.fields["actor"].rsplit("/", 1)[-1], c.fields["event"]) for c in candidates}


# ------------------------------------------------------------------------------------ stated


def test_attended_took_part_and_represented_are_stated_without_a_note(
    gazetteer: Gazetteer,
) -> None:
    found = _attending(gazetteer, "India and Kenya took part in the AI Action Summit in Paris.")
    assert _pairs(found) == {("IND", PARIS), ("KEN", PARIS)}
    assert all(c.notes == () for c in found)
    found = _attending(gazetteer, "Chile was represented at the AI Action Summit in Paris.")
    assert _pairs(found) == {("CHL", PARIS)}


def test_attended_by_names_the_actors_after(gazetteer: Gazetteer) -> None:
    text = "The AI Action Summit in Paris was attended by India and Kenya, but not by Peru."
    assert _pairs(_attending(gazetteer, text)) == {("IND", PARIS), ("KEN", PARIS)}


def test_a_delegation_at_the_summit_attends(gazetteer: Gazetteer) -> None:
    text = (
        "The AI Action Summit opened in Paris on February 10. "
        "The Kenyan delegation warned at the summit that rules lag behind."
    )
    assert ("KEN", PARIS) in _pairs(_attending(gazetteer, text))


# ---------------------------------------------------------------------------------- the host


def test_the_host_attends_with_a_note(gazetteer: Gazetteer) -> None:
    found = _attending(gazetteer, "On Monday, February 10, France hosted a summit in Paris.")
    assert _pairs(found) == {("FRA", PARIS)}
    assert "host" in found[0].notes[0] and found[0].notes[0].startswith("inferred")


# ------------------------------------------------------------------- stances at the event


def test_a_refusal_the_sentence_places_at_the_summit(gazetteer: Gazetteer) -> None:
    text = "At the AI Action Summit in Paris, the United Kingdom declined to sign the statement."
    found = _attending(gazetteer, text)
    assert _pairs(found) == {("GBR", PARIS)}
    assert found[0].notes[0].startswith("inferred: declined to sign")
    assert "“At the AI Action Summit”" in found[0].notes[0]


def test_a_signing_dated_to_the_summit_s_days(gazetteer: Gazetteer) -> None:
    text = (
        "The AI Action Summit in Paris ended with a statement. "
        "Signatories to Tuesday's text included India and Japan."
    )
    found = [c for c in _attending(gazetteer, text) if "Tuesday" in c.notes[0]]
    assert _pairs(found) == {("IND", PARIS), ("JPN", PARIS)}


def test_a_refusal_after_a_sentence_setting_the_scene_in_the_same_paragraph(
    gazetteer: Gazetteer,
) -> None:
    scene = "On Monday, February 10, France hosted a summit in Paris."
    refusal = "However, the United Kingdom chose not to sign the statement."
    found = _attending(gazetteer, f"{scene} {refusal}")
    assert _pairs(found) == {("FRA", PARIS), ("GBR", PARIS)}
    assert "sentence before" in next(c for c in found if "GBR" in c.fields["actor"]).notes[0]
    # another paragraph, or a sentence before that only names the summit: not placed there
    assert _pairs(_attending(gazetteer, f"{scene}\n{refusal}")) == {("FRA", PARIS)}
    named = "The AI Action Summit in Paris was meant to end with a statement."
    assert _pairs(_attending(gazetteer, f"{named} The United Kingdom refused to sign it.")) == set()


def test_signatories_counted_among_those_that_took_part(gazetteer: Gazetteer) -> None:
    text = (
        "Only 35 of the 85 countries that took part in the REAIM summit signed the declaration. "
        "Key signatories included Canada and Ukraine."
    )
    found = _attending(gazetteer, text, published="2026-02-06")
    assert _pairs(found) == {("CAN", REAIM), ("UKR", REAIM)}
    assert all("took part" in c.notes[0] for c in found)


def test_signatories_not_counted_among_attendees_are_not_attendees(gazetteer: Gazetteer) -> None:
    """A count of signatories alone ("61 countries have signed") says nothing of attendance:
    countries may sign after the event."""
    text = (
        "The AI Action Summit in Paris ended on Tuesday. "
        "In all, 61 countries, including India and Japan, have signed the statement. "
        "More countries may sign the statement in the hours after the event."
    )
    assert _pairs(_attending(gazetteer, text)) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Brazil signed the statement of the AI Action Summit a week later.",
        "Brazil signed the statement after the AI Action Summit in Paris.",
        "On February 20, Brazil signed the statement adopted at the AI Action Summit.",
        "Brazil signed the AI Action Summit statement.",  # the name qualifies the document
        "Brazil is expected to sign the statement at the AI Action Summit.",  # hedged
    ],
)
def test_a_signing_set_apart_from_the_event_is_not_attendance(
    gazetteer: Gazetteer, text: str
) -> None:
    assert _pairs(_attending(gazetteer, text)) == set()


def test_a_sentence_naming_another_event_places_nothing(gazetteer: Gazetteer) -> None:
    """Kenya signing the Bletchley Declaration (adopted at Bletchley) at the Seoul summit does
    not put Kenya at Bletchley."""
    text = "At the AI Seoul Summit, Kenya signed the Bletchley Declaration."
    article = Article(text=text, sha256="0" * 64, published="2024-05-22")
    kinds = [c.kind for c in extract(article, gazetteer)]
    assert "stance" in kinds and "attendance" not in kinds


# -------------------------------------------------------------------------------- speakers


def test_a_speaker_at_the_summit_attends_for_the_state_of_the_post(gazetteer: Gazetteer) -> None:
    text = (
        "The AI Action Summit opened in Paris on February 10. "
        "JD Vance said during the summit’s closing ceremony that rules must be light."
    )
    found = _attending(gazetteer, text)
    assert _pairs(found) == {("USA", PARIS)}
    assert found[0].notes[0].startswith("inferred: JD Vance spoke at")


def test_a_speech_on_the_summit_s_day_and_a_title_naming_an_organisation(
    gazetteer: Gazetteer,
) -> None:
    text = (
        "The AI Action Summit opened in Paris on February 10. "
        "Earlier Tuesday, EU president Ursula von der Leyen reminded dignitaries of the AI Act."
    )
    assert _pairs(_attending(gazetteer, text)) == {("EU", PARIS)}


def test_words_to_the_press_are_not_a_speech_at_the_summit(gazetteer: Gazetteer) -> None:
    text = (
        "The AI Action Summit opened in Paris on February 10. "
        "On Tuesday, JD Vance told reporters that rules must be light. "
        "JD Vance said after the summit that rules must be light."
    )
    assert _pairs(_attending(gazetteer, text)) == set()


@pytest.mark.parametrize(
    "said",
    [
        "At a press conference on Tuesday, JD Vance said that rules must be light.",
        "In a speech in Brussels on Tuesday, JD Vance warned that rules must be light.",
    ],
)
def test_a_speech_at_another_occasion_or_place_is_not_at_the_summit(
    gazetteer: Gazetteer, said: str
) -> None:
    text = f"The AI Action Summit opened in Paris on February 10. {said}"
    assert _pairs(_attending(gazetteer, text)) == set()


def test_at_a_summit_another_acronym_names_is_not_at_the_event(gazetteer: Gazetteer) -> None:
    text = (
        "The AI Action Summit opened in Paris on February 10. "
        "At the G20 summit, India endorsed the statement."
    )
    assert _pairs(_attending(gazetteer, text)) == set()
    at_paris = text.replace("G20", "Paris")
    assert _pairs(_attending(gazetteer, at_paris)) == {("IND", PARIS)}


@pytest.mark.parametrize(
    "text",
    [
        "India did not attend the AI Action Summit in Paris but signed the statement.",
        "Russia, which was not invited to the AI Action Summit, declined to sign the statement.",
        "Brazil skipped the AI Action Summit and then signed the statement.",
    ],
)
def test_staying_away_is_not_attendance(gazetteer: Gazetteer, text: str) -> None:
    assert _pairs(_attending(gazetteer, text)) == set()
