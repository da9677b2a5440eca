"""The five source articles ingested and accepted into a copy of the graph, which already holds
their facts: the graph still validates; each article's facts are found again (one more source and
an annotation each, never a copy), under the article's own source record (its checksum added,
no second record); what the graph draws from an article and was not accepted, or says otherwise,
is reported as a difference; the pages show the highlighted words behind a fact and the facts
drawn from an article; the SPARQL endpoint answers with the annotations (``oa:``)."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator
from html import escape
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from paths import ROOT
from servers import in_process

from govkg.ingest.accept import Accepted, accept
from govkg.ingest.known import Known
from govkg.ingest.model import Candidate
from govkg.ingest.pipeline import propose
from govkg.ingest.review import read_review, write_review
from govkg.load import load_project
from govkg.namespaces import compact, expand
from govkg.project import Project
from govkg.server import ServerSettings, create_app
from govkg.store import OxigraphStore
from govkg.validate import validate_store

SOURCES = ROOT / "data" / "sources"
ARTICLES = sorted(p.name for p in SOURCES.glob("*.txt"))
RECORD = "SELECT ?src ?file WHERE { ?src a gk:Article ; gk:sourceFile ?file }"


def _store(root: Path) -> OxigraphStore:
    store = OxigraphStore()
    load_project(Project(root), store)
    return store


def _acceptable(candidate: Candidate) -> bool:
    """What a curator would accept without correcting: resolved names, not hedged, and a meeting
    with its date (a new one needs it)."""
    if candidate.hedged or any(m.iri is None for m in candidate.mentions):
        return False
    return candidate.kind != "meeting" or bool(candidate.fields.get("date"))


@pytest.fixture(scope="module")
def accepted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict]]:
    """A project copy into which every article's acceptable candidates were accepted, with what
    the graph drew from each article before, and each accept's result."""
    root = tmp_path_factory.mktemp("accepted")
    for folder in ("ontology", "graph", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    project = Project(root)
    before = _store(root)
    known = Known(before, "")
    records = {row[1].value: row[0].value for row in before.query(RECORD).rows}
    results: dict[str, tuple[Accepted, list[str], str]] = {}
    for name in ARTICLES:
        article, candidates = propose(before, SOURCES / name)
        path = write_review(article, candidates, root / "review")
        chosen = [c.id for c in candidates if _acceptable(c)]
        source = records[name]
        results[name] = (accept(project, path, chosen), known.derived_from(source), source)
    yield root, results


@pytest.mark.parametrize("name", ARTICLES)
def test_an_article_accepted_again_finds_its_facts(accepted: tuple[Path, dict], name: str) -> None:
    _root, results = accepted
    done, drawn, source = results[name]
    assert done.source == compact(source)  # the article's own record, not a second one
    assert done.facts and set(done.existing) <= set(done.facts)
    reported = {d.split(":", 2)[0] + ":" + d.split(":", 2)[1] for d in done.differences
                if d.endswith("the graph draws it from this article; not accepted")}  # fmt: skip
    assert set(drawn) == (set(drawn) & set(done.existing)) | reported
    assert not reported & set(done.facts)
    # the graph holds every stance of the article: a stance read anew says another stance kind
    # than the graph's for the same actor and instrument, and is reported with it
    new = [f for f in done.facts if f.startswith("stance:") and f not in done.existing]
    conflicts = {d.split(" ", 1)[0] for d in done.differences if " the graph has stance:" in d}
    assert set(new) <= conflicts
    assert any(f.startswith("stance:") for f in done.existing)


def test_the_graph_with_every_article_accepted_validates_with_one_record_each(
    accepted: tuple[Path, dict],
) -> None:
    root, results = accepted
    store = _store(root)
    assert validate_store(store, Project(root)).passes
    rows = store.query(RECORD).rows
    files = [row[1].value for row in rows]
    assert sorted(set(files) & set(ARTICLES)) == ARTICLES
    assert all(files.count(name) == 1 for name in ARTICLES)
    for name in ARTICLES:
        done = results[name][0]
        rows = store.query("SELECT ?sha ?src WHERE { ?src gk:sha256 ?sha }",
                           {"src": ox.NamedNode(expand(done.source))}).rows  # fmt: skip
        text = read_review(done.review).article.text  # the stored text every selector counts in
        assert [row[0].value for row in rows] == [hashlib.sha256(text.encode()).hexdigest()]


@pytest.fixture(scope="module")
def client(accepted: tuple[Path, dict]) -> Iterator[httpx.Client]:
    store = _store(accepted[0])
    with in_process(create_app(store, ServerSettings(query_workers=0))) as http:
        yield http


def _doc(iri: str) -> str:
    return "/doc/" + expand(iri).split("/id/", 1)[1] + ".html"


def test_a_facts_page_highlights_the_words_behind_it(
    accepted: tuple[Path, dict], client: httpx.Client
) -> None:
    _root, results = accepted
    done = results[ARTICLES[1]][0]
    review = read_review(done.review)
    candidate, stance = next((c, f) for c, f in done.by_candidate if f.startswith("stance:"))
    item = review.item(candidate)
    assert item is not None
    page = client.get(_doc(stance))
    assert page.status_code == 200
    section = page.text.split('<section id="evidence">', 1)[1].split("</section>", 1)[0]
    assert "The words behind this fact" in section
    assert f"<mark>{escape(item.candidate.selector.exact)}</mark>" in section
    assert escape(item.candidate.selector.prefix) in section


def test_an_articles_page_lists_the_facts_drawn_from_it(
    accepted: tuple[Path, dict], client: httpx.Client
) -> None:
    _root, results = accepted
    done = results[ARTICLES[1]][0]
    page = client.get(_doc(done.source))
    assert page.status_code == 200
    section = page.text.split('<section id="evidence">', 1)[1].split("</section>", 1)[0]
    assert "Facts drawn from this text" in section
    assert f"({len(done.facts)} fact(s) in" in section
    for fact in done.facts:
        assert f"/{expand(fact).split('/id/', 1)[1]}.html" in section
    assert section.count("<mark>") == len(set(re.findall(r"\(characters (\d+)&ndash;", section)))


def test_the_endpoint_answers_with_the_annotations(
    accepted: tuple[Path, dict], client: httpx.Client
) -> None:
    _root, results = accepted
    done = results[ARTICLES[4]][0]
    query = (
        "PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?fact ?exact WHERE { ?a a oa:Annotation ; "
        f"oa:hasBody ?fact ; oa:hasTarget [ oa:hasSource <{expand(done.source)}> ; "
        "oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ] ] }"
    )
    answer = client.get("/sparql", params={"query": query},
                        headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    assert answer.status_code == 200
    rows = answer.json()["results"]["bindings"]
    text = read_review(done.review).article.text
    assert {compact(r["fact"]["value"]) for r in rows} == set(done.facts)
    assert all(r["exact"]["value"] in text for r in rows)
