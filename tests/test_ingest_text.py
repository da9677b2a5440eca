"""An article's title where the file does not state one apart (govkg.ingest.text.headline): the
first headline-like line, past a dateline, a byline or a section word; else the first sentence
of the first paragraph.  Invented texts, and the source article whose dateline came first."""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import ROOT

from govkg.ingest.review import article_slug
from govkg.ingest.text import TITLE_WORDS, headline, read_article

HEADLINE = "Leaders Fail to Agree on Rules for Military AI at Summit in Lisbon"
BODY = "Delegates met on Tuesday. Most of them signed nothing.\n"


@pytest.mark.parametrize(
    "above",
    [
        "World February 5, 2026",  # a section word and a date
        "February 5, 2026",
        "5 February 2026",
        "Technology",  # a section word alone
        "Tech Policy",
        "Updated 10:30 AM ET, Thu Feb 5, 2026",
        "World\n\nFebruary 5, 2026",
        "Published: 2026-02-05",
    ],
)
def test_a_dateline_or_section_word_above_the_headline_is_passed_over(above: str) -> None:
    assert headline(f"{above}\n\n{HEADLINE}\n\n{BODY}") == HEADLINE


def test_a_byline_is_passed_over_and_the_first_headline_wins() -> None:
    text = f"By Jo Example\n{HEADLINE}\nA standfirst that says more about it\n\n{BODY}"
    assert headline(text) == HEADLINE


def test_a_short_headline_above_running_text_is_the_title() -> None:
    assert headline("Headline here\nBody text.\n") == "Headline here"
    assert headline("Summit fails\nLeaders leave Lisbon without a text\n") == "Summit fails"


def test_a_headline_with_a_date_in_it_is_not_a_dateline() -> None:
    text = "Summit ends May 5, 2026\n\nBody.\n"
    assert headline(text) == "Summit ends May 5, 2026"


def test_markdown_heading_marks_are_left_out() -> None:
    assert headline(f"# {HEADLINE}\n\n{BODY}") == HEADLINE


def test_without_a_headline_the_first_sentence_of_the_first_paragraph() -> None:
    text = "Kenya and Chile agreed to talk about AI, an official said [1, 2]. More followed.\n"
    assert headline(text) == "Kenya and Chile agreed to talk about AI, an official said."


def test_a_long_first_sentence_is_cut_after_its_first_words() -> None:
    words = [f"word{i}" for i in range(TITLE_WORDS + 10)]
    text = "The " + " ".join(words) + " ended. Another sentence.\n"
    title = headline(text)
    assert title.endswith(" …") and len(title.split()) == TITLE_WORDS + 1
    assert title.startswith("The word0 word1")


def test_a_dateline_first_gives_the_headline_and_the_date(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"World February 5, 2026\n\n{HEADLINE}\n\n{BODY}", encoding="utf-8")
    article = read_article(path)
    assert (article.title, article.published) == (HEADLINE, "2026-02-05")
    assert article_slug(article).startswith("2026-02-05-leaders-fail-to-agree")


def test_a_title_given_wins(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"World February 5, 2026\n\n{HEADLINE}\n", encoding="utf-8")
    assert read_article(path, title="Given").title == "Given"


def test_the_source_article_with_a_dateline_first_gets_its_headline() -> None:
    article = read_article(ROOT / "data" / "sources" / "001_41fb1561e769396e.txt")
    assert article.title == (
        "U.S. and China Decline to Back Military AI Declaration as Only a Third of Summit "
        "Attendees Sign"
    )
    assert article_slug(article) == "2026-02-05-u-s-and-china-decline-to-back-military"
