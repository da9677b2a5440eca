"""The review file and ``govkg accept``: candidates written for review, decided by hand, accepted
into ``graph/articles/SLUG.ttl`` with their W3C Web Annotations; bad reviews refused in one line
with nothing written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govkg.cli import cli
from govkg.ingest.model import Article, Candidate, Mention, Selector
from govkg.ingest.review import merge, read_review, write_review
from govkg.load import load_project
from govkg.project import Project
from govkg.store import OxigraphStore
from govkg.validate import validate_store

TEXT = (
    "At the summit in A Coruña, Brazil signed the declaration while the United States did not. "
    "Freedonia also signed it. Mexico may join later. Of the 85 countries present, 90 signed."
)
STATE = "https://w3id.org/govkg/id/state/"
REAIM = "https://w3id.org/govkg/id/instrument/reaim-2026-pathways-to-action"
EVENT = "https://w3id.org/govkg/id/event/reaim-2026"
SLUG = "2026-02-05-brazil-signs-the-reaim-declaration"
ARTICLE = Article(
    text=TEXT,
    sha256=hashlib.sha256(TEXT.encode("utf-8")).hexdigest(),
    path="brazil.txt",
    title="Brazil signs the REAIM declaration",
    url="https://example.org/news/brazil-reaim",
    outlet="Example News",
    published="2026-02-05",
)


def _selector(words: str) -> Selector:
    start = TEXT.index(words)
    end = start + len(words)
    return Selector(words, TEXT[max(0, start - 32) : start], TEXT[end : end + 32], start, end)


def _mention(name: str, iri: str | None, proposed: str = "") -> Mention:
    start = TEXT.index(name)
    return Mention(name, start, start + len(name), "state", iri, proposed)


def _stance(cid: str, words: str, name: str, iri: str | None, hedged: bool = False) -> Candidate:
    fields = {"actor": iri or "", "target": REAIM, "stance_kind": "signed", "negated": "false"}
    mention = _mention(name, iri, "" if iri else name)
    return Candidate(cid, "stance", _selector(words), fields, (mention,), hedged)


CANDIDATES = [
    _stance("brazil", "Brazil signed the declaration", "Brazil", STATE + "BRA"),
    Candidate("usa", "attendance", _selector("the United States did not"),
              {"actor": STATE + "USA", "event": EVENT},
              (_mention("United States", STATE + "USA"),)),
    _stance("freedonia", "Freedonia also signed it", "Freedonia", None),
    _stance("mexico", "Mexico may join later", "Mexico", STATE + "MEX", hedged=True),
    Candidate("count", "count", _selector("Of the 85 countries present, 90 signed"),
              {"target": REAIM, "counted": "signatories", "value": "90", "out_of": "85",
               "precision": "exact"}),
]  # fmt: skip


@pytest.fixture
def review_file(project_copy: Path) -> Path:
    return write_review(ARTICLE, CANDIDATES, project_copy / "review")


def _edit(path: Path, **decisions: Any) -> None:
    """Decide by hand: ``brazil="accept"`` or ``freedonia=("correct", {"actor": "state:X"})``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["candidates"]:
        decision = decisions.get(entry["id"])
        if isinstance(decision, tuple):
            entry["decision"], entry["corrected"] = decision
        elif decision is not None:
            entry["decision"] = decision
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _accept(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(root), "accept", *args])


def _store(root: Path) -> OxigraphStore:
    store = OxigraphStore()
    load_project(Project(root), store)
    return store


ANNOTATIONS = """
SELECT ?fact ?exact ?start ?end ?source ?sha WHERE {
  ?a a oa:Annotation ; oa:hasBody ?fact ;
     oa:hasTarget [ oa:hasSource ?source ;
                    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ] ,
                                   [ a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end ] ] .
  ?source gk:sha256 ?sha .
} ORDER BY ?fact
"""


def test_the_review_file_round_trips(review_file: Path) -> None:
    assert review_file.name == f"{SLUG}.json"
    review = read_review(review_file)
    assert review.article == ARTICLE
    assert [item.candidate for item in review.items] == CANDIDATES
    assert {item.decision for item in review.items} == {""}


def test_accepted_facts_are_written_with_their_annotations(
    project_copy: Path, review_file: Path
) -> None:
    _edit(review_file, brazil="accept", usa="reject", freedonia="reject")
    result = _accept(project_copy, str(review_file), "--all")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"wrote graph/articles/{SLUG}.ttl (1 fact(s), 0 already in the graph; source "
        f"source:{SLUG})",
        "  stance:reaim-2026-pathways-to-action--BRA (new)",
        f"recorded the decisions in review/{SLUG}.json",
    ]
    store = _store(project_copy)
    assert validate_store(store, Project(project_copy)).passes
    rows = [[term.value for term in row] for row in store.query(ANNOTATIONS).rows]
    assert rows == [[
        "https://w3id.org/govkg/id/stance/reaim-2026-pathways-to-action--BRA",
        "Brazil signed the declaration", str(TEXT.index("Brazil signed")),
        str(TEXT.index("Brazil signed") + len("Brazil signed the declaration")),
        f"https://w3id.org/govkg/id/source/{SLUG}", ARTICLE.sha256,
    ]]  # fmt: skip
    exact, start, end = rows[0][1], int(rows[0][2]), int(rows[0][3])
    assert TEXT[start:end] == exact
    stance = store.query(
        "SELECT ?kind ?src WHERE { stance:reaim-2026-pathways-to-action--BRA "
        "gk:actor state:BRA ; gk:stanceKind ?kind ; prov:wasDerivedFrom ?src }"
    ).rows
    assert [(k.value, s.value) for k, s in stance] == [
        ("https://w3id.org/govkg/id/stance-kind/signed", f"https://w3id.org/govkg/id/source/{SLUG}")
    ]


def test_an_existing_fact_gets_the_article_as_one_more_source(
    project_copy: Path, review_file: Path
) -> None:
    result = _accept(project_copy, str(review_file), "--id", "usa")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "  attendance:reaim-2026--USA (one more source)"
    sources = (
        _store(project_copy)
        .query("SELECT ?s WHERE { attendance:reaim-2026--USA prov:wasDerivedFrom ?s } ORDER BY ?s")
        .rows
    )
    assert f"https://w3id.org/govkg/id/source/{SLUG}" in [s.value for (s,) in sources]
    assert len(sources) >= 2
    assert read_review(review_file).item("usa").decision == "accept"  # type: ignore[union-attr]


def test_a_rejection_is_remembered_and_nothing_is_proposed_twice(
    project_copy: Path, review_file: Path
) -> None:
    _edit(review_file, freedonia="reject", brazil="accept")
    extra = _stance("again", "Freedonia also signed it", "Freedonia", None)
    write_review(ARTICLE, [*CANDIDATES, extra], project_copy / "review")
    review = read_review(review_file)
    assert [item.candidate.id for item in review.items] == [
        "brazil", "usa", "freedonia", "mexico", "count", "again",
    ]  # fmt: skip
    assert [item.decision for item in review.items] == ["accept", "", "reject", "", "", ""]
    assert merge(review, [*CANDIDATES, extra]) == list(review.items)


def test_corrected_fields_are_used(project_copy: Path, review_file: Path) -> None:
    _edit(review_file, freedonia=("correct", {"actor": "state:ZAF"}))
    result = _accept(project_copy, str(review_file), "--all")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "  stance:reaim-2026-pathways-to-action--ZAF (new)"
    text = (project_copy / "graph" / "articles" / f"{SLUG}.ttl").read_text(encoding="utf-8")
    assert "gk:actor state:ZAF" in text
    assert 'oa:exact "Freedonia also signed it"' in text


def _nothing_written(root: Path, review_file: Path, before: bytes) -> None:
    assert not (root / "graph" / "articles").exists()
    assert review_file.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "decisions", "message"),
    [
        (("--id", "freedonia"), {},
         'candidate freedonia: "Freedonia" resolves to no resource of the graph; "correct" it '
         'with the IRI in "corrected"'),
        (("--id", "mexico"), {},
         'candidate mexico: the words are hedged, not a fact; accept it only with "correct"'),
        (("--all",), {"freedonia": ("correct", {"actor": "state:FRD"})},
         "candidate freedonia: actor state:FRD is not a resource of the graph; never invented: "
         "add it to graph/ first or correct the IRI"),
        (("--all",), {}, 'nothing to accept: mark candidates "accept" or "correct", or name '
         "them with --id"),
    ],
)  # fmt: skip
def test_a_candidate_that_cannot_be_accepted_is_refused(
    project_copy: Path, review_file: Path, args: tuple[str, ...], decisions: dict, message: str
) -> None:
    _edit(review_file, **decisions)
    before = review_file.read_bytes()
    result = _accept(project_copy, str(review_file), *args)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {review_file}: {message}\n"
    _nothing_written(project_copy, review_file, before)


def test_an_unknown_id_is_refused(project_copy: Path, review_file: Path) -> None:
    before = review_file.read_bytes()
    result = _accept(project_copy, str(review_file), "--id", "nosuch")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {review_file}: no candidate nosuch in this review\n"
    _nothing_written(project_copy, review_file, before)


def test_bad_json_is_refused(project_copy: Path, review_file: Path) -> None:
    review_file.write_text('{"format": "govkg-review/1",\n  "article": }', encoding="utf-8")
    before = review_file.read_bytes()
    result = _accept(project_copy, str(review_file), "--all")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {review_file}:2:14: not JSON: Expecting value\n"
    _nothing_written(project_copy, review_file, before)


def test_evidence_that_is_not_the_text_is_refused(project_copy: Path, review_file: Path) -> None:
    data = json.loads(review_file.read_text(encoding="utf-8"))
    data["candidates"][0]["evidence"]["start"] += 1
    review_file.write_text(json.dumps(data), encoding="utf-8")
    result = _accept(project_copy, str(review_file), "--all")
    assert result.exit_code == 2
    start = TEXT.index("Brazil") + 1
    assert result.stderr == (
        f'Error: {review_file}: candidate brazil: evidence "exact" is not the text at '
        f"{start}:{start + len('Brazil signed the declaration') - 1}\n"
    )


def test_a_graph_that_would_not_validate_is_refused(project_copy: Path, review_file: Path) -> None:
    """90 signatories of 85: the count claim's gk:value exceeds its gk:outOf."""
    before = review_file.read_bytes()
    result = _accept(project_copy, str(review_file), "--id", "count")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: accept refused: the graph would not validate (1 violation(s)); nothing was "
        "written. First: claim:reaim-2026-pathways-to-action-signatories-"
    )
    assert "gk:value is greater than its total" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    _nothing_written(project_copy, review_file, before)


def test_accept_needs_all_or_ids(project_copy: Path, review_file: Path) -> None:
    result = _accept(project_copy, str(review_file))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: give either --all or one or more --id ID (see 'cli accept --help')\n"
    )


def test_two_sentences_for_one_fact_give_one_fact_and_two_annotations(project_copy: Path) -> None:
    again = _stance("brazil-again", "Brazil signed", "Brazil", STATE + "BRA")
    path = write_review(ARTICLE, [CANDIDATES[0], again], project_copy / "review")
    result = _accept(project_copy, str(path), "--id", "brazil", "--id", "brazil-again")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        f"wrote graph/articles/{SLUG}.ttl (1 fact(s), 0 already in the graph; source "
        f"source:{SLUG})",
        "  stance:reaim-2026-pathways-to-action--BRA (new)",
    ]
    rows = _store(project_copy).query(ANNOTATIONS).rows
    assert sorted(row[1].value for row in rows) == [
        "Brazil signed",
        "Brazil signed the declaration",
    ]


# --- quotes, meetings and events; the article's own record -------------------------------------

OTHER = (
    'US Vice President JD Vance said: "We must build the new frontier with courage and speed." '
    "President Biden met President Xi in Lima on 16 November 2024. "
    "Biden and Xi met again in Lima on 3 March 2025. "
    "The Geneva AI Forum opened in Geneva on 4 March 2025."
)
PERSON = "https://w3id.org/govkg/id/person/"


def _other(name: str, url: str = "https://example.org/news/vance") -> Article:
    sha = hashlib.sha256(OTHER.encode("utf-8")).hexdigest()
    return Article(OTHER, sha, f"{name}.txt", "Vance on the frontier", url, "Example News",
                   "2025-03-05")  # fmt: skip


def _at(words: str, kind: str, fields: dict[str, str], cid: str) -> Candidate:
    start = OTHER.index(words)
    end = start + len(words)
    selector = Selector(words, OTHER[max(0, start - 32) : start], OTHER[end : end + 32], start, end)
    return Candidate(cid, kind, selector, fields)


OTHER_CANDIDATES = [
    _at("We must build the new frontier with courage and speed.", "quote",
        {"speaker": PERSON + "jd-vance", "role": "US Vice President", "on_behalf_of": STATE + "USA",
         "text": "We must build the new frontier with courage and speed.", "date": ""}, "vance"),
    _at("President Biden met President Xi in Lima on 16 November 2024.", "meeting",
        {"parties": f"{STATE}USA {STATE}CHN", "date": "2024-11-16", "place": "Lima"}, "lima"),
    _at("Biden and Xi met again in Lima on 3 March 2025.", "meeting",
        {"parties": "state:CHN state:USA", "date": "2025-03-03", "place": "place:lima"}, "again"),
    _at("The Geneva AI Forum opened in Geneva on 4 March 2025.", "event",
        {"name": "Geneva AI Forum", "start": "2025-03-04", "end": "", "place": "Geneva",
         "host": ""}, "forum"),
]  # fmt: skip


def test_quotes_meetings_and_events_are_accepted(project_copy: Path) -> None:
    path = write_review(_other("vance"), OTHER_CANDIDATES, project_copy / "review")
    result = _accept(project_copy, str(path), "--id", "vance", "--id", "lima", "--id", "again",
                     "--id", "forum")  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  event:biden-xi-lima-2024 (one more source)" in lines  # the same parties, same day
    assert "  event:CHN-USA-meeting-2025-03-03 (new)" in lines
    assert "  event:geneva-ai-forum-2025 (new)" in lines
    assert "  quote:jd-vance-2025-03-05-vance-on-the-frontier (new)" in lines
    assert lines[0] == (
        "wrote graph/articles/2025-03-05-vance-on-the-frontier.ttl (4 fact(s), 1 already in the "
        "graph; source source:2025-03-05-vance-on-the-frontier)"
    )
    assert not any("difference" in line for line in lines)  # another day is another meeting
    store = _store(project_copy)
    assert validate_store(store, Project(project_copy)).passes
    quote = store.query(
        "SELECT ?role ?comment WHERE { quote:jd-vance-2025-03-05-vance-on-the-frontier "
        "gk:speakerRole ?role ; rdfs:comment ?comment }"
    ).rows
    assert [(r.value, c.value) for r, c in quote] == [(
        "https://w3id.org/govkg/id/role/jd-vance-us-vice-president",
        "The article gives the speaker's role as: US Vice President",
    )]  # fmt: skip
    meeting = store.query(
        "SELECT ?p ?d ?where WHERE { event:CHN-USA-meeting-2025-03-03 a gk:BilateralMeeting ; "
        "gk:party ?p ; schema:startDate ?d ; schema:location ?where } ORDER BY ?p"
    ).rows
    shown = [(p.value.rsplit("/", 1)[1], d.value, w.value.rsplit("/", 1)[1]) for p, d, w in meeting]
    assert shown == [("CHN", "2025-03-03", "lima"), ("USA", "2025-03-03", "lima")]


def test_a_meeting_needs_two_parties_and_a_new_one_its_date(project_copy: Path) -> None:
    three = _at(
        "Biden and Xi met again in Lima on 3 March 2025.",
        "meeting",
        {"parties": "state:CHN state:USA state:GBR", "date": "2025-03-03"},
        "three",
    )
    undated = _at("Biden and Xi met again in Lima on 3 March 2025.", "meeting",
                  {"parties": "state:CHN state:GBR", "date": ""}, "undated")  # fmt: skip
    path = write_review(_other("meetings"), [three, undated], project_copy / "review")
    messages = {"three": "a bilateral meeting has two parties, not 3",
                "undated": 'a new meeting needs its date; "correct" it with "date"'}  # fmt: skip
    for cid, message in messages.items():
        result = _accept(project_copy, str(path), "--id", cid)
        assert result.exit_code == 2
        assert result.stderr == f"Error: {path}: candidate {cid}: {message}\n"
    assert not (project_copy / "graph" / "articles").exists()


def test_the_graphs_record_of_the_article_is_used(project_copy: Path) -> None:
    """An article the graph already describes (here by its URL, with no checksum recorded) is
    that record, given the checksum; no second record is made."""
    url = (
        "https://techcrunch.com/2025/02/11/as-us-and-uk-refuse-to-sign-ai-action-summit-statement"
        "-countries-fail-to-agree-on-the-basics/"
    )
    path = write_review(_other("techcrunch", url), OTHER_CANDIDATES[:1], project_copy / "review")
    result = _accept(project_copy, str(path), "--id", "vance")
    assert result.exit_code == 0, result.output
    assert "source source:techcrunch-2025-02-11-paris-statement)" in result.stdout.splitlines()[0]
    written = (project_copy / "graph" / "articles" / f"{read_review(path).slug}.ttl").read_text()
    assert "gk:Article" not in written
    assert (
        f'source:techcrunch-2025-02-11-paris-statement gk:sha256 "{_other("x").sha256}"' in written
    )


def test_a_meeting_over_a_range_and_a_dialogue_find_the_graphs_own(project_copy: Path) -> None:
    """ "last week" (11-17 May 2026) overlaps the Beijing meeting of 14-15 May; a dialogue dated
    May 2026 is the graph's dialogue of that month; a dialogue of another month is new."""
    words = "Biden and Xi met again in Lima on 3 March 2025."
    pair = f"{STATE}USA {STATE}CHN"
    candidates = [
        _at(words, "meeting", {"parties": pair, "what": "meeting", "date": "2026-05-11",
                               "end": "2026-05-17", "place": ""}, "week"),
        _at(words, "meeting", {"parties": pair, "what": "dialogue", "date": "2026-05",
                               "end": "", "place": ""}, "talks"),
        _at(words, "meeting", {"parties": pair, "what": "dialogue", "date": "2027-01",
                               "end": "", "place": ""}, "later"),
    ]  # fmt: skip
    path = write_review(_other("ranges"), candidates, project_copy / "review")
    result = _accept(project_copy, str(path), "--id", "week", "--id", "talks", "--id", "later")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1:4] == [
        "  dialogue:CHN-USA-dialogue-2027-01 (new)",
        "  dialogue:us-china-ai-2026 (one more source)",
        "  event:trump-xi-beijing-2026 (one more source)",
    ]
    store = _store(project_copy)
    assert validate_store(store, Project(project_copy)).passes
    query = (
        "SELECT ?d WHERE { dialogue:CHN-USA-dialogue-2027-01 a gk:BilateralDialogue ; "
        "dcterms:date ?d }"
    )
    kind = store.query(query).rows
    assert [d.value for (d,) in kind] == ["2027-01"]
