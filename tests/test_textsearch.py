"""The text search (govkg.textsearch): what it finds and in what order, accents and case, kinds,
snippets and their escaping, FTS5 query syntax in the user's text, paging, the JSON and HTML
pages of the server, ``govkg search`` and the index kept beside an on-disk store."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from paths import ROOT
from servers import in_process

from govkg.cli import cli
from govkg.errors import RequestError
from govkg.load import build
from govkg.namespaces import DATA_BASE, PREFIXES
from govkg.project import Project
from govkg.server import ServerSettings, create_app
from govkg.store import OxigraphStore, Store
from govkg.textsearch import (
    KINDS,
    Hit,
    SearchPage,
    SearchRequest,
    TextIndex,
    TextSearchError,
    index_for,
    index_path,
    marked_html,
    plain,
    require_fts5,
)
from govkg.textsearch import index as index_module
from govkg.textsearch.results import END, START

CHN = DATA_BASE + "state/CHN"
TUR = DATA_BASE + "state/TUR"
OPTIMISM = DATA_BASE + "quote/vance-2025-02-optimism"
#: The FTS5 query syntax a user might type, and the words each is searched as.
SYNTAX = {
    '"': "",
    "AND": "AND",
    "*": "",
    "NEAR(": "NEAR",
    "-": "",
    "NEAR(china united": "near china united",
    "-china": "china",
    '"china"': "china",
    "china*": "china",
    "china OR": "china or",
    "title:china": "title china",
    "{title} : china": "title china",
    "china^": "china",
    "china AND NOT united": "china and not united",
}


def _find(index: TextIndex, text: str, *kinds: str, page: int = 1, per: int = 20) -> SearchPage:
    return index.search(SearchRequest(text, kinds, page, per))


def _iris(found: SearchPage) -> list[str]:
    return [hit.iri for hit in found.hits]


def _value(store: Store, query: str, **bindings: ox.NamedNode) -> str:
    rows = store.query(query, bindings).records()
    assert rows, query
    return rows[0].text("v")


@pytest.fixture(scope="module")
def index(store: Store) -> TextIndex:
    """The index of the shipped graph, built once."""
    return index_for(store)


# --- what is found, and in what order -----------------------------------------------------------


def test_a_quote_is_found_by_a_word_in_it(store: Store, index: TextIndex) -> None:
    words = _value(store, "SELECT ?q ?v WHERE { ?q schema:text ?v }", q=ox.NamedNode(OPTIMISM))
    assert "trepidation" in words
    found = _find(index, "trepidation")
    assert _iris(found) == [OPTIMISM]
    hit = found.hits[0]
    assert hit.kind == "quote"
    assert plain(hit.snippet_marked) == words
    assert f"{START}trepidation{END}" in hit.snippet_marked
    speaker = _value(store, "SELECT ?q ?v WHERE { ?q gk:speaker/rdfs:label ?v }",
                     q=ox.NamedNode(OPTIMISM))  # fmt: skip
    assert speaker in plain(hit.context_marked)
    assert OPTIMISM in _iris(_find(index, "vance", "quote"))  # found by its speaker too


def test_an_exact_label_ranks_first(index: TextIndex) -> None:
    for text in ("China", "china", "CHINA", " china "):
        found = _find(index, text)
        assert found.hits[0].iri == CHN, text
        assert found.hits[0].exact and not any(hit.exact for hit in found.hits[1:])
    assert _find(index, "China").total > 20  # many documents mention China


def test_a_name_hit_ranks_above_a_text_hit(index: TextIndex) -> None:
    for text in ("vance", "united", "innovation", "regulation"):
        hits = _find(index, text, per=200).hits
        in_name = [START in hit.title_marked for hit in hits]
        assert True in in_name and False in in_name, text
        assert in_name == sorted(in_name, reverse=True), text


def _marked(hit: Hit) -> list[str]:
    """The words marked in a hit's title, in lower case."""
    return [word.lower() for word in re.findall(f"{START}(.*?){END}", hit.title_marked)]


def test_whole_words_rank_above_a_prefix(index: TextIndex) -> None:
    named = [hit for hit in _find(index, "china", per=200).hits if _marked(hit)]
    whole = ["china" in _marked(hit) for hit in named]
    assert whole == sorted(whole, reverse=True)
    assert "chinadailyasia" in _marked(named[-1])  # the prefix only, after every "China"


def test_the_last_word_matches_as_a_prefix(index: TextIndex) -> None:
    assert OPTIMISM in _iris(_find(index, "frontier optim"))
    assert _find(index, "optim frontier").total == 0  # only the last word


def test_kinds_filter(index: TextIndex) -> None:
    everything = _find(index, "china")
    assert set(everything.by_kind) >= {"state", "quote", "stance"}
    quotes = _find(index, "china", "quote", per=100)
    assert quotes.hits and {hit.kind for hit in quotes.hits} == {"quote"}
    assert quotes.total == everything.by_kind["quote"] == len(quotes.hits)
    assert quotes.by_kind == everything.by_kind  # what each filter would give
    both = _find(index, "china", "quote", "state", per=100)
    assert {hit.kind for hit in both.hits} == {"quote", "state"}
    assert both.total == everything.by_kind["quote"] + everything.by_kind["state"]
    assert both.hits[0].iri == CHN


def test_kinds_come_from_types_and_schemes(store: Store, index: TextIndex) -> None:
    expected = {
        "state/CHN": "state",
        "position/favours-innovation": "position",
        "principle/paris-statement-2025-open": "principle",
        "person/jd-vance": "person",
        "org/ANTHROPIC": "company",
        "org/UN": "organisation",
        "instrument/bletchley-declaration-2023": "instrument",
        "event/reaim-2026": "event",
        "theme/openness": "theme",
        "quote/uk-paris-national-interest": "quote",  # a reported position
        "source/techcrunch-2025-02-11-paris-statement": "source",
        "stance/paris-statement-2025--USA": "stance",
        "place/a-coruna": "other",
    }
    name = "SELECT ?s ?v WHERE { ?s rdfs:label|skos:prefLabel|dcterms:title ?v }"
    for path, kind in expected.items():
        title = _value(store, name, s=ox.NamedNode(DATA_BASE + path))
        hits = {hit.iri: hit.kind for hit in _find(index, title, per=100).hits}
        assert hits[DATA_BASE + path] == kind, path


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(RequestError, match="not a kind; choose one of state"):
        SearchRequest("china", ("nation",))


def test_accents_and_case_are_folded(index: TextIndex) -> None:
    for text in ("Türkiye", "turkiye", "TURKIYE", "türkiye"):
        found = _find(index, text)
        assert found.hits[0].iri == TUR and found.hits[0].exact, text
    plain_hits, accented = _find(index, "coruna"), _find(index, "Coruña")
    assert _iris(plain_hits) == _iris(accented)
    assert DATA_BASE + "event/reaim-2026" in _iris(plain_hits)
    assert _find(index, "a coruna").hits[0].title == "A Coruña"  # an exact name, accents aside


# --- the user's text is words, never FTS5 syntax ------------------------------------------------


@pytest.mark.parametrize("text", sorted(SYNTAX))
def test_query_syntax_is_searched_as_words(index: TextIndex, text: str) -> None:
    found = _find(index, text, per=100)
    assert _iris(found) == _iris(_find(index, SYNTAX[text], per=100))
    assert found.total == (_find(index, SYNTAX[text]).total if SYNTAX[text] else 0)


def test_syntax_never_reaches_fts5_as_syntax(index: TextIndex) -> None:
    assert _find(index, "china NOT united").total < _find(index, "china").total  # "not" a word
    assert _find(index, '"china" OR "zzzz"').total == 0  # "or" and "zzzz" are words too


# --- paging -------------------------------------------------------------------------------------


def test_pages_cover_every_hit_once(index: TextIndex) -> None:
    first = _find(index, "united", per=10)
    assert first.total > 30 and first.pages == -(-first.total // 10)
    seen = [
        iri
        for n in range(1, first.pages + 1)
        for iri in _iris(_find(index, "united", page=n, per=10))
    ]
    assert len(seen) == len(set(seen)) == first.total
    assert _iris(_find(index, "united", per=first.total)) == seen
    assert _find(index, "united", page=first.pages + 1, per=10).hits == []


# --- snippets and their escaping ----------------------------------------------------------------

_MARKUP = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
state:XSS a gk:State ; rdfs:label "<script>alert(1)</script> Xanadu & Co"@en .
quote:x a gk:Quotation ; rdfs:label "A remark"@en ; gk:speaker person:x ;
    schema:text "We said <b>risky</b> things about Xanadu \\u0002 and </mark> more."@en .
person:x a foaf:Person ; rdfs:label "Pat <i>Xanadu</i>"@en .
event:x a schema:Event ; dcterms:title "Summit <img src=x onerror=alert(1)>"@en .
"""


@pytest.fixture(scope="module")
def markup_store() -> Store:
    prefixes = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())
    triples = ox.parse((prefixes + _MARKUP).encode(), format=ox.RdfFormat.TURTLE)
    store = OxigraphStore()
    store.load(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return store


@pytest.fixture(scope="module")
def markup_client(markup_store: Store) -> Iterator[httpx.Client]:
    with in_process(create_app(markup_store, ServerSettings())) as http:
        yield http


def test_snippets_are_marked_and_escaped(markup_store: Store) -> None:
    found = index_for(markup_store).search(SearchRequest("xanadu"))
    kinds = [hit.kind for hit in found.hits]
    assert sorted(kinds[:2]) == ["person", "state"] and kinds[2] == "quote"  # names, then texts
    marked = {hit.kind: marked_html(hit.title_marked) for hit in found.hits}
    state, person, quote = marked["state"], marked["person"], marked["quote"]
    assert state == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Xanadu</mark> &amp; Co"
    assert person == "Pat &lt;i&gt;<mark>Xanadu</mark>&lt;/i&gt;"
    snippet = marked_html(found.hits[2].snippet_marked)
    assert snippet == (
        "We said &lt;b&gt;risky&lt;/b&gt; things about <mark>Xanadu</mark> and &lt;/mark&gt; more."
    )
    assert marked_html(found.hits[2].context_marked) == "Pat &lt;i&gt;<mark>Xanadu</mark>&lt;/i&gt;"
    assert quote == "A remark"


@pytest.mark.parametrize("text", ["xanadu", "<script>", "summit", "Pat <i>Xanadu</i>", "mark"])
def test_the_page_escapes_everything(markup_client: httpx.Client, text: str) -> None:
    response = markup_client.get("/search", params={"q": text})
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "default-src 'self'"
    body = response.text.lower()
    for tag in ("<script", "<b>", "<i>", "<img"):
        assert tag not in body, (text, tag)
    assert body.count("<mark>") == body.count("</mark>")


def test_the_json_escapes_the_html_forms(markup_client: httpx.Client) -> None:
    body = markup_client.get("/search.json", params={"q": "summit"}).json()
    [hit] = body["results"]
    assert hit["title"] == "Summit <img src=x onerror=alert(1)>"
    assert hit["title_html"] == "<mark>Summit</mark> &lt;img src=x onerror=alert(1)&gt;"
    assert hit["kind"] == "event"


# --- the server ---------------------------------------------------------------------------------


def test_search_page_over_http(shipped_client: httpx.Client) -> None:
    response = shipped_client.get("/search", params={"q": "trepidation"})
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "default-src 'self'"
    text = response.text
    assert 'href="./doc/quote/vance-2025-02-optimism.html"' in text
    assert "<mark>trepidation</mark>" in text and '<span class="tag">quote</span>' in text
    assert "1 match for <q>trepidation</q>" in text
    assert 'href="./search.json?q=trepidation"' in text


def test_search_page_filters_and_pages(shipped_client: httpx.Client) -> None:
    text = shipped_client.get("/search", params={"q": "china", "kind": "quote"}).text
    assert 'name="kind" value="quote" form="text-search" checked>' in text
    assert 'name="kind" value="state" form="text-search">' in text  # other kinds with hits
    assert '<span class="tag">state</span>' not in text
    paged = shipped_client.get("/search", params={"q": "united", "page": "2"}).text
    assert "Page 2 of" in paged and 'href="./search?q=united&amp;page=3"' in paged
    assert 'rel=prev href="./search?q=united"' in paged
    pages = shipped_client.get("/search.json", params={"q": "united"}).json()["pages"]
    past = shipped_client.get("/search", params={"q": "united", "page": "999"}).text
    assert f"Page {pages} of {pages}" in past  # past the end: the last page
    assert shipped_client.get("/search", params={"q": "china", "kind": "nation"}).status_code == 400


def test_search_page_without_words(shipped_client: httpx.Client) -> None:
    for text in ['"', "-", "*", "(", "^"]:
        response = shipped_client.get("/search", params={"q": text})
        assert response.status_code == 200
        assert "No words to search for" in response.text
    assert "Search the names of states" in shipped_client.get("/search", params={"q": " "}).text


def test_search_json(shipped_client: httpx.Client) -> None:
    response = shipped_client.get("/search.json?q=china&kind=state,quote&limit=3")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"query", "words", "kinds", "page", "per_page", "pages", "total",
                         "by_kind", "results"}  # fmt: skip
    assert (body["words"], body["kinds"], body["per_page"]) == (["china"], ["state", "quote"], 3)
    assert body["total"] == body["by_kind"]["state"] + body["by_kind"]["quote"]
    assert [r["rank"] for r in body["results"]] == [1, 2, 3]
    first = body["results"][0]
    assert (first["iri"], first["kind"], first["exact"]) == (CHN, "state", True)
    assert first["title_html"] == "<mark>China</mark>"
    second_page = shipped_client.get("/search.json?q=china&kind=state&kind=quote&limit=3&page=2")
    assert second_page.json()["results"][0]["rank"] == 4
    for bad in ("/search.json", "/search.json?q=china&limit=101", "/search.json?q=x&kind=nation"):
        assert shipped_client.get(bad).status_code == 400, bad


# --- the command line ---------------------------------------------------------------------------


def test_cli_table_json_and_csv(runner: CliRunner) -> None:
    table = runner.invoke(cli, ["search", "china", "--limit", "3"])
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["rank", "kind", "iri", "title", "snippet"]
    assert lines[2].split()[:4] == ["1", "state", "state:CHN", "China"]
    assert len(lines) == 5
    assert table.stderr.endswith("; 3 shown\n")
    as_json = runner.invoke(cli, ["search", "trepidation", "--format", "json"])
    body = json.loads(as_json.stdout)
    assert [r["iri"] for r in body["results"]] == [OPTIMISM]
    as_csv = runner.invoke(cli, ["search", "Coruña", "--kind", "event", "--format", "csv"])
    assert as_csv.stdout.splitlines()[1].startswith(f"1,event,{DATA_BASE}event/reaim-2026,")


def test_cli_exit_codes(runner: CliRunner) -> None:
    none = runner.invoke(cli, ["search", "zzzzqqq"])
    assert none.exit_code == 0  # an empty answer, as govkg query gives
    assert none.stderr == "0 matched; 0 shown\n"
    no_words = runner.invoke(cli, ["search", '"*'])
    assert no_words.exit_code == 2
    assert no_words.stderr == "Error: '\"*' has no letters or digits to search for\n"
    bad_kind = runner.invoke(cli, ["search", "china", "--kind", "nation"])
    assert bad_kind.exit_code == 2 and "'nation' is not one of" in bad_kind.stderr


# --- the index beside an on-disk store ----------------------------------------------------------


def test_disk_store_index_is_kept_and_rebuilt(runner: CliRunner, project_copy: Path) -> None:
    folder = project_copy / "store"
    args = ["--root", str(project_copy), "--store", str(folder), "search"]
    first = runner.invoke(cli, [*args, "trepidation", "--format", "csv"])
    assert first.exit_code == 0, first.output
    path = index_path(folder)
    assert path == project_copy / "store.search.sqlite" and path.is_file()
    built = path.stat()
    again = runner.invoke(cli, [*args, "trepidation", "--format", "csv"])
    assert again.stdout == first.stdout
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (built.st_ino, built.st_mtime_ns)
    assert runner.invoke(cli, [*args, "quokkaesque"]).stderr == "0 matched; 0 shown\n"
    places = project_copy / "graph" / "places.ttl"
    places.write_text(
        places.read_text(encoding="utf-8")
        + '\nplace:quokka a schema:Place ; rdfs:label "Quokkaesque Island"@en .\n',
        encoding="utf-8",
    )
    changed = runner.invoke(cli, [*args, "quokkaesque", "--format", "csv"])
    assert changed.exit_code == 0, changed.output
    assert changed.stdout.splitlines()[1].startswith(f"1,other,{DATA_BASE}place/quokka,")
    assert path.stat().st_ino != built.st_ino  # replaced whole, never written in place
    assert not [p for p in project_copy.iterdir() if p.name.startswith(".store.search")]


def test_a_stale_or_foreign_index_file_is_replaced(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    disk = OxigraphStore(folder)
    build(Project(ROOT), disk)
    index_path(folder).write_bytes(b"not an index")
    fresh = index_for(disk)
    assert fresh.stamp.startswith("sha256:") and _find(fresh, "china").hits[0].iri == CHN
    assert index_path(folder).read_bytes().startswith(b"SQLite format 3")
    os.utime(index_path(folder), (0, 0))
    assert index_for(disk).stamp == fresh.stamp  # the file, read back
    assert index_path(folder).stat().st_mtime == 0


def test_a_python_without_fts5_is_told_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "HAS_FTS5", False)
    with pytest.raises(TextSearchError) as raised:
        require_fts5()
    message = str(raised.value)
    assert "\n" not in message and "has no FTS5" in message


def test_every_kind_is_named() -> None:
    assert len(set(KINDS)) == len(KINDS) and KINDS[-1] == "other"


def test_the_command_pages_and_names_a_bad_page_as_its_option() -> None:
    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--root", str(ROOT), "search", "china", *args])

    first = run("--limit", "3", "--format", "csv")
    second = run("--limit", "3", "--page", "2", "--format", "csv")
    assert first.exit_code == second.exit_code == 0
    one, two = first.stdout.splitlines()[1:], second.stdout.splitlines()[1:]
    assert len(one) == len(two) == 3 and not set(one) & set(two)
    bad = run("--page", "0")
    assert (bad.exit_code, bad.stderr) == (2, "Error: --page must be 1 or more\n")
