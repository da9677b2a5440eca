"""Quote candidates' role as stated and date (govkg.ingest.extract) on small invented sentences,
names resolved against the shipped graph."""

from __future__ import annotations

import pytest

from govkg.ingest.extract import extract
from govkg.ingest.model import Article
from govkg.ingest.names import Gazetteer, build_gazetteer
from govkg.namespaces import data_namespace
from govkg.store import Store

STATE = data_namespace("state")


@pytest.fixture(scope="module")
def gazetteer(store: Store) -> Gazetteer:
    return build_gazetteer(store, "2026-03-12")


def _quotes(gazetteer: Gazetteer, text: str, published: str = "2026-03-12") -> list[dict[str, str]]:
    article = Article(text=text, sha256="0" * 64, published=published)
    return [c.fields for c in extract(article, gazetteer) if c.kind == "quote"]


def test_a_title_set_off_by_commas_before_the_name_is_the_role(gazetteer: Gazetteer) -> None:
    text = "\u201cWe will keep building,\u201d Vice President of the United States, JD Vance, said."
    [quote] = _quotes(gazetteer, text)
    assert (quote["role"], quote["on_behalf_of"]) == (
        "Vice President of the United States",
        str(STATE["USA"]),
    )


def test_a_role_after_the_name_drops_its_article(gazetteer: Gazetteer) -> None:
    text = (
        "Xi Jinping, a senior adviser at Example University, said: \u201cRules matter a lot.\u201d"
    )
    [quote] = _quotes(gazetteer, text)
    assert quote["role"] == "senior adviser at Example University"


def test_the_day_a_speaker_spoke_is_the_quote_s_date(gazetteer: Gazetteer) -> None:
    text = "\u201cWe made real progress here,\u201d Donald Trump said on Monday."
    assert [q["date"] for q in _quotes(gazetteer, text)] == ["2026-03-09"]


def test_a_pronoun_keeps_the_day_the_speaker_was_named_with(gazetteer: Gazetteer) -> None:
    text = (
        "Donald Trump said on March 10 that the talks went well. "
        "\u201cWe made real progress here,\u201d he added."
    )
    assert [q["date"] for q in _quotes(gazetteer, text)] == ["2026-03-10"]


def test_a_year_the_speaker_talks_about_is_not_the_quote_s_date(gazetteer: Gazetteer) -> None:
    text = (
        "Donald Trump said the talks in 2023 were narrower. "
        "\u201cThe agenda is much broader now,\u201d he added."
    )
    assert [q["date"] for q in _quotes(gazetteer, text)] == ["2026-03-12"]


def test_without_a_publication_date_the_article_s_first_day_is_used(
    gazetteer: Gazetteer,
) -> None:
    text = (
        "Ministers met on Tuesday, March 10, 2026. "
        "\u201cWe made real progress here,\u201d Donald Trump said."
    )
    assert [q["date"] for q in _quotes(gazetteer, text, published="")] == ["2026-03-10"]
