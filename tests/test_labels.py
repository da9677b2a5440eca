"""The rules govkg.labels documents: names in running order, short titles, source labels."""

from __future__ import annotations

import pytest

from govkg.importer import STANCE_KINDS
from govkg.labels import KIND_VERBS, running_name, short_title, source_label, stance_label


@pytest.mark.parametrize(
    ("name", "running"),
    [
        ("Korea, Republic of", "Republic of Korea"),
        ("Netherlands, Kingdom of the", "Kingdom of the Netherlands"),
        ("Congo, Democratic Republic of the", "Democratic Republic of the Congo"),
        ("Taiwan, Province of China", "Taiwan, Province of China"),  # not an inverted form
        ("United States of America", "United States of America"),
    ],
)
def test_inverted_names_read_in_running_order(name: str, running: str) -> None:
    assert running_name(name) == running


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("REAIM 2026 Pathways to Action (A Coruna, Spain) - 20 principles",
         "REAIM 2026 Pathways to Action"),
        ("REAIM 2024 Blueprint for Action (Seoul)", "REAIM 2024 Blueprint for Action"),
        ("The Bletchley Declaration by Countries, 1-2 November 2023",
         "The Bletchley Declaration by Countries, 1-2 November 2023"),  # "1-2" is no " - " part
        ("Hiroshima AI Process Friends Group", "Hiroshima AI Process Friends Group"),
    ],
)  # fmt: skip
def test_short_title_drops_trailing_parentheses_and_dash_parts(title: str, short: str) -> None:
    assert short_title(title) == short


def test_every_stance_kind_has_a_verb() -> None:
    assert set(KIND_VERBS) == set(STANCE_KINDS.values())
    assert stance_label("Korea, Republic of", "did-not-sign", "Seoul Ministerial Statement") == (
        "Republic of Korea took part but did not sign the Seoul Ministerial Statement"
    )
    assert stance_label("Japan", "signed", "The Hague Pledge") == "Japan signed The Hague Pledge"


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://github.com/wrobinson127/machine-politics/blob/06743dfff90365b0d2e17ccb375c8d1051150551/site/votes.html",
         "wrobinson127/machine-politics: site/votes.html (GitHub, commit 06743df)"),
        ("https://www.khaleejtimes.com/hi/world/americas/sixty-countries-endorse-blueprint-china-opts-out",
         "khaleejtimes.com: sixty-countries-endorse-blueprint-china-opts-out"),
        ("https://www.chinadailyasia.com/hk/article/583814", "chinadailyasia.com"),
        ("https://news.3rd-in.co.jp/article/8bc0914a-b486-11f0-a048-9ca3ba083d71",
         "news.3rd-in.co.jp"),  # an id, not words
        ("https://github.com/owner", "github.com"),
    ],
)  # fmt: skip
def test_source_labels_say_only_what_the_address_says(url: str, label: str) -> None:
    assert source_label(url) == label
