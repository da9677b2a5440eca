"""Count candidates' target (govkg.ingest.extract) on small invented sentences: those who
attended are counted of the event, those who signed of the instrument."""

from __future__ import annotations

import pytest

from govkg.ingest.extract import extract
from govkg.ingest.model import Article
from govkg.ingest.names import Gazetteer, build_gazetteer
from govkg.namespaces import data_namespace
from govkg.store import Store

EVENT = data_namespace("event")
INSTRUMENT = data_namespace("instrument")


@pytest.fixture(scope="module")
def gazetteer(store: Store) -> Gazetteer:
    return build_gazetteer(store, "2025-02-12")


def _counts(gazetteer: Gazetteer, text: str) -> list[tuple[str, str, str, str]]:
    article = Article(text=text, sha256="0" * 64, published="2025-02-12")
    return [
        (c.fields["target"], c.fields["counted"], c.fields["value"], c.fields["out_of"])
        for c in extract(article, gazetteer)
        if c.kind == "count"
    ]


def test_attendees_are_counted_of_the_event_signatories_of_the_instrument(
    gazetteer: Gazetteer,
) -> None:
    paris, statement = str(EVENT["paris-ai-action-summit-2025"]), "paris-statement-2025"
    assert _counts(gazetteer, "Some 90 delegations attended the AI Action Summit.") == [
        (paris, "attendees", "90", "")
    ]
    text = "At the AI Action Summit, 58 of the 90 countries that took part signed the statement."
    assert _counts(gazetteer, text) == [
        (str(INSTRUMENT[statement]), "signatories", "58", "90"),
        (paris, "attendees", "90", ""),
    ]
