"""govkg ingest: reading articles, sentences, names, candidates, and the command."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govkg.cli import cli
from govkg.errors import GovkgError
from govkg.ingest.extract import extract
from govkg.ingest.model import Article
from govkg.ingest.names import Gazetteer, build_gazetteer, find_mentions
from govkg.ingest.pipeline import propose
from govkg.ingest.text import read_article, sentences
from govkg.load import open_project
from govkg.store import Store

SOURCES = Path(__file__).resolve().parents[1] / "data" / "sources"  # ../shared/sources
ARTICLE_000 = SOURCES / "000_5096008864bef671.txt"
STATE = "https://w3id.org/govkg/id/state/"
REAIM_2026 = "https://w3id.org/govkg/id/instrument/reaim-2026-pathways-to-action"


@pytest.fixture(scope="module")
def store() -> Store:
    return open_project()[1]


@pytest.fixture(scope="module")
def gazetteer(store: Store) -> Gazetteer:
    return build_gazetteer(store, "2026-02-05")


def _article(text: str, published: str = "2026-02-05") -> Article:
    return Article(text=text, sha256="0" * 64, published=published)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"abc\x00def", "the file is binary (a NUL byte at offset 3)"),
        (b"caf\xe9 au lait", "the file is not UTF-8 (byte 0xe9 at offset 3)"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["ingest", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: {message}\n"


def test_huge_input_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (5 * 1024 * 1024 + 1))
    result = CliRunner().invoke(cli, ["ingest", str(path)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: {path}: the file is 5242881 bytes, over the 5 MB an article may be\n"
    )


def test_text_title_and_checksum(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Headline here\nBody text.\n", encoding="utf-8")
    article = read_article(path, outlet="Reuters")
    assert (article.title, article.outlet) == ("Headline here", "Reuters")
    assert article.sha256 == hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    assert read_article(path).sha256 == article.sha256


def test_html_blocks_title_and_date(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text(
        '<html><head><title>The title</title><meta property="article:published_time" '
        'content="2025-02-11T10:00:00Z"><script>var x;</script></head><body><h1>Head</h1>'
        "<p>First para.</p><p>Second <b>bold</b> para.</p></body></html>",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.text == "Head\nFirst para.\nSecond bold para."
    assert (article.title, article.published) == ("The title", "2025-02-11")


def test_sentences_on_hard_cases() -> None:
    text = (
        "The U.S. and Dr. Smith met on Feb. 5 in Washington. Growth was 2.5 per cent. "
        "J. R. Smith agreed. “It is done. We go on,” she said. Next one."
    )
    got = [text[s:e] for s, e in sentences(text)]
    assert got == [
        "The U.S. and Dr. Smith met on Feb. 5 in Washington.",
        "Growth was 2.5 per cent.",
        "J. R. Smith agreed.",
        "“It is done. We go on,” she said.",
        "Next one.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Washington said no.", [("Washington", STATE + "USA")]),
        ("the UK agreed.", [("UK", STATE + "GBR")]),
        ("South Korea agreed.", [("South Korea", STATE + "KOR")]),
        ("Türkiye and Turkiye agreed.", [("Türkiye", STATE + "TUR"), ("Turkiye", STATE + "TUR")]),
        ("china is a material.", []),
        (
            "Chinese President Xi Jinping spoke.",
            [
                ("Chinese", STATE + "CHN"),
                ("Xi Jinping", "https://w3id.org/govkg/id/person/xi-jinping"),
            ],
        ),
    ],
)
def test_name_resolution(gazetteer: Gazetteer, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.text, m.iri) for m in find_mentions(gazetteer, text)] == expected


def _stances(gazetteer: Gazetteer, text: str) -> list[tuple[str, str, bool]]:
    return [
        (c.fields["actor"].rsplit("/", 1)[-1], c.fields["stance_kind"], c.hedged)
        for c in extract(_article(text), gazetteer)
        if c.kind == "stance"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brazil refused to sign the Bletchley Declaration.", [("BRA", "declined", False)]),
        (
            "Chile and Peru declined to back the Bletchley Declaration.",
            [("CHL", "declined", False), ("PER", "declined", False)],
        ),
        ("Kenya did not sign the Bletchley Declaration.", [("KEN", "did-not-sign", False)]),
        ("Norway is expected to sign the Bletchley Declaration.", [("NOR", "signed", True)]),
        ("Ghana may join the Bletchley Declaration.", [("GHA", "signed", True)]),
        ("Mexico endorsed the Bletchley Declaration.", [("MEX", "endorsed", False)]),
    ],
)
def test_negation_and_hedging(
    gazetteer: Gazetteer, text: str, expected: list[tuple[str, str, bool]]
) -> None:
    assert _stances(gazetteer, text) == expected


def test_real_article_stances_counts_selectors_and_ids(store: Store) -> None:
    article, candidates = propose(store, ARTICLE_000)
    stances = {
        (c.fields["actor"].rsplit("/", 1)[-1], c.fields["stance_kind"])
        for c in candidates
        if c.kind == "stance" and c.fields["target"] == REAIM_2026
    }
    assert {("USA", "declined"), ("CHN", "declined")} <= stances
    signed = {"CAN", "DEU", "FRA", "GBR", "NLD", "KOR", "UKR"}
    assert {(code, "signed") for code in signed} <= stances
    counts = [c.fields for c in candidates if c.kind == "count"]
    assert {
        "value": "35",
        "out_of": "85",
        "precision": "exact",
        "counted": "signatories",
    }.items() <= counts[0].items()
    for candidate in candidates:
        chosen = candidate.selector
        assert article.text[chosen.start : chosen.end] == chosen.exact
        assert article.text[chosen.start - len(chosen.prefix) : chosen.start] == chosen.prefix
    again = propose(store, ARTICLE_000)[1]
    assert [c.id for c in again] == [c.id for c in candidates]


def test_ingest_command_prints_candidates() -> None:
    args = ["ingest", str(ARTICLE_000), "--format", "json", "--no-review"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert '"stance_kind": "declined"' in result.output


def test_ingest_writes_the_review_and_proposes_nothing_decided_twice(project_copy: Path) -> None:
    """The review file holds every candidate; once one is rejected, ingesting the same article
    again keeps the decision and adds nothing."""
    args = ["--root", str(project_copy), "ingest", str(ARTICLE_000)]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    (path,) = (project_copy / "review").glob("*.json")
    assert first.stderr == f"wrote review/{path.name}\n"
    data = json.loads(path.read_text(encoding="utf-8"))
    ids = [c["id"] for c in data["candidates"]]
    assert len(ids) == len(set(ids)) > 10
    data["candidates"][0]["decision"] = "reject"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    kept = json.loads(path.read_text(encoding="utf-8"))["candidates"]
    assert [c["id"] for c in kept] == ids
    assert kept[0]["decision"] == "reject"
    assert not (project_copy / "graph" / "articles").exists()  # only govkg accept writes there


def test_error_is_a_govkg_error(tmp_path: Path) -> None:
    path = tmp_path / "e.txt"
    path.write_bytes(b"   \n")
    with pytest.raises(GovkgError, match="the file is empty"):
        read_article(path)


def _fields(
    gazetteer: Gazetteer, text: str, kind: str, published: str = "2026-02-05"
) -> list[dict[str, str]]:
    return [c.fields for c in extract(_article(text, published), gazetteer) if c.kind == kind]


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("Over 60 nations signed the Bletchley Declaration.", "60", "lower-bound"),
        ("About 60 countries endorsed the Bletchley Declaration.", "60", "approximate"),
        ("In all, 61 countries have signed the Bletchley Declaration.", "61", "exact"),
    ],
)
def test_count_precision(gazetteer: Gazetteer, text: str, value: str, precision: str) -> None:
    (count,) = _fields(gazetteer, text, "count")
    bletchley = "https://w3id.org/govkg/id/instrument/bletchley-declaration-2023"
    assert (count["value"], count["precision"], count["counted"], count["target"]) == (
        value, precision, "signatories", bletchley,
    )  # fmt: skip


def test_capital_is_a_government_or_a_place(gazetteer: Gazetteer) -> None:
    assert _stances(gazetteer, "Washington and Beijing signed the Bletchley Declaration.") == [
        ("USA", "signed", False),
        ("CHN", "signed", False),
    ]
    assert _stances(gazetteer, "Delegates meeting in Seoul signed the Bletchley Declaration.") == []


def test_new_instrument_is_proposed(gazetteer: Gazetteer) -> None:
    (stance,) = _fields(
        gazetteer, "Japan signed the Hiroshima Grand Declaration on Tuesday.", "stance"
    )
    assert (stance["target"], stance["target_name"]) == ("", "Hiroshima Grand Declaration")


def test_quote_with_a_new_speaker_and_role(gazetteer: Gazetteer) -> None:
    text = "\u201cWe are proud of this work,\u201d said Canadian Prime Minister Mark Carney."
    (quote,) = _fields(gazetteer, text, "quote")
    assert quote == {
        "speaker": "", "role": "Canadian Prime Minister", "on_behalf_of": STATE + "CAN",
        "text": "We are proud of this work,", "date": "2026-02-05", "speaker_name": "Mark Carney",
    }  # fmt: skip


def test_quote_speaker_named_before_with_role(store: Store) -> None:
    article, candidates = propose(store, ARTICLE_000)
    (quote,) = [c for c in candidates if c.kind == "quote"]
    assert quote.fields["speaker"] == "https://w3id.org/govkg/id/person/ruben-brekelmans"
    assert (quote.fields["role"], quote.fields["on_behalf_of"]) == (
        "Dutch Defense Minister",
        STATE + "NLD",
    )
    assert quote.selector.exact.startswith("Russia and China are moving very fast.")
    assert article.text[quote.selector.start - 1] == "\u201c"


def test_meeting_parties_place_and_date(gazetteer: Gazetteer) -> None:
    text = (
        "US President Donald Trump and Chinese President Xi Jinping held talks in Beijing "
        "on May 14, 2026."
    )
    (meeting,) = _fields(gazetteer, text, "meeting")
    assert meeting == {
        "parties": f"{STATE}CHN {STATE}USA",
        "what": "meeting",
        "date": "2026-05-14",
        "end": "",
        "place": "Beijing",
    }


def test_attendance(gazetteer: Gazetteer) -> None:
    rows = _fields(
        gazetteer, "India and Kenya attended the AI Action Summit in Paris.", "attendance"
    )
    event = "https://w3id.org/govkg/id/event/paris-ai-action-summit-2025"
    assert rows == [
        {"actor": STATE + "IND", "event": event},
        {"actor": STATE + "KEN", "event": event},
    ]


def test_markdown_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        '---\ntitle: "A title"\ndate: "2025-02-11 21:25:58"\n---\n\nBody.\n', encoding="utf-8"
    )
    article = read_article(path)
    assert (article.text, article.title, article.published) == ("Body.\n", "A title", "2025-02-11")


def test_bilateral_article_agreements_and_meetings(store: Store) -> None:
    _article_004, candidates = propose(store, SOURCES / "004_20eb66d04178983a.txt")
    instrument = "https://w3id.org/govkg/id/instrument/"
    stances = {
        (
            c.fields["actor"].rsplit("/", 1)[-1],
            c.fields["target"].removeprefix(instrument),
            c.fields["stance_kind"],
        )
        for c in candidates
        if c.kind == "stance"
    }
    assert stances == {
        ("CHN", "us-china-ai-dialogue-agreement-2026", "participated"),
        ("USA", "us-china-ai-dialogue-agreement-2026", "participated"),
        ("CHN", "biden-xi-lima-nuclear-ai-2024", "participated"),
        ("USA", "biden-xi-lima-nuclear-ai-2024", "participated"),
    }
    meetings = [(c.fields["place"], c.fields["date"]) for c in candidates if c.kind == "meeting"]
    # "last week", counted from the article's "May 19" (2026 from the graph's event in Beijing)
    assert meetings == [("Beijing", "2026-05-11"), ("", "2026-05-11"), ("", "2024"), ("", "2024")]


def test_no_fact_found_is_one_line_and_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("Weather\nThe weather was fine today.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(path), "--no-review"])
    assert result.exit_code == 0
    assert result.output == f"no candidate facts found in {path}\n"
