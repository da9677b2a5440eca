"""``govkg review``, the curator's local review page: the list of review files, one review with
every candidate's words highlighted, Accept, Reject and Correct written to the review file, and
"Write accepted facts" running ``govkg accept`` on it.

Over HTTP in process: listing, highlighting that never nests, escaping, each decision written to
the file, a POST from elsewhere refused (403) with nothing written, a bad correction refused in
one line with nothing written to graph/, and the page listening on 127.0.0.1 only.  In headless
Chromium (the DevTools protocol on a pipe, every non-loopback host unresolvable) against uvicorn
on a loopback port: a curator clicks Accept, Reject and Correct (typing into the form), writes the
accepted facts, and a rejected candidate stays rejected, not proposed again, after the article is
ingested again.  Every test that writes works on a copy of the project.
"""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from cdp import DevTools, Tab
from click.testing import CliRunner
from rdflib import Graph, URIRef
from servers import free_port, in_process, serve_url, stop_group, wait_until_answers
from test_browser import SIZES, _ink, _png_size

from govkg.cli import cli
from govkg.ingest.model import Article, Candidate, Mention, Selector
from govkg.ingest.review import read_review, write_review
from govkg.ingest.review_app import (
    CSP,
    ReviewPageError,
    check_host,
    create_review_app,
    run_review_page,
)
from govkg.namespaces import GK, OA, compact
from govkg.project import Project
from govkg.store import Store

SOURCES = Path(__file__).resolve().parents[1] / "data" / "sources"
ARTICLE_000 = SOURCES / "000_5096008864bef671.txt"
STATE = "https://w3id.org/govkg/id/state/"
REAIM = "https://w3id.org/govkg/id/instrument/reaim-2026-pathways-to-action"
ORIGIN = "http://127.0.0.1:8765"

TEXT = (
    "At the summit in A Coruña, Brazil signed the declaration while the United States did not. "
    "<script>alert(1)</script> Freedonia also signed it. Mexico may join later. "
    "Of the 85 countries present, 90 signed."
)
SLUG = "2026-02-05-brazil-signs-the-reaim-declaration-script"
ARTICLE = Article(
    text=TEXT,
    sha256=hashlib.sha256(TEXT.encode("utf-8")).hexdigest(),
    path="brazil.txt",
    title="Brazil signs the REAIM declaration <script>",
    url="https://example.org/news/brazil-reaim",
    outlet="Example <b>News</b>",
    published="2026-02-05",
)


def _selector(words: str) -> Selector:
    start = TEXT.index(words)
    end = start + len(words)
    return Selector(words, TEXT[max(0, start - 32) : start], TEXT[end : end + 32], start, end)


def _stance(cid: str, words: str, name: str, iri: str | None, kind: str = "signed",
            hedged: bool = False) -> Candidate:  # fmt: skip
    start = TEXT.index(name)
    mention = Mention(name, start, start + len(name), "state", iri, "" if iri else name)
    fields = {"actor": iri or "", "target": REAIM, "stance_kind": kind, "negated": "false"}
    return Candidate(cid, "stance", _selector(words), fields, (mention,), hedged)


#: Brazil's and the United States' words cross; the script's words are a candidate's evidence.
CANDIDATES = [
    _stance("brazil", "Brazil signed the declaration", "Brazil", STATE + "BRA"),
    _stance(
        "usa",
        "the declaration while the United States did not",
        "United States",
        STATE + "USA",
        "declined",
    ),
    Candidate(
        "script",
        "quote",
        _selector("<script>alert(1)</script>"),
        {"speaker": "", "text": "<script>alert(1)</script>", "speaker_name": "<i>X</i>"},
        notes=("a <b>note</b>",),
    ),
    _stance("freedonia", "Freedonia also signed it", "Freedonia", None),
    _stance("mexico", "Mexico may join later", "Mexico", STATE + "MEX", hedged=True),
    Candidate(
        "count",
        "count",
        _selector("Of the 85 countries present, 90 signed"),
        {
            "target": REAIM,
            "counted": "signatories",
            "value": "90",
            "out_of": "85",
            "precision": "exact",
        },
    ),
]


@pytest.fixture
def review_file(project_copy: Path) -> Path:
    return write_review(ARTICLE, CANDIDATES, project_copy / "review")


@pytest.fixture
def client(project_copy: Path, store: Store, review_file: Path) -> Iterator[httpx.Client]:
    """The review page over the project copy, called in process as from 127.0.0.1:8765."""
    with in_process(create_review_app(Project(project_copy), store)) as http:
        http.base_url = httpx.URL(ORIGIN)
        yield http


class _Tree(HTMLParser):
    """Checks that elements nest (each end tag closes the innermost open one); collects each
    ``<mark>``'s text and candidate ids, the ids of elements and the forms' hidden token."""

    VOID = frozenset({"meta", "link", "input", "br", "hr", "img"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.marks: list[tuple[str, list[str]]] = []
        self.ids: list[str] = []
        self.token = ""
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "input" and found.get("name") == "token":
            self.token = str(found["value"])
        if tag == "script":
            self.scripts.append(str(found.get("src")))
        if tag == "mark":
            assert "mark" not in self.open, "a <mark> inside a <mark>"
            self.marks.append(("", str(found["data-ids"]).split()))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] == "mark":
            text, ids = self.marks[-1]
            self.marks[-1] = (text + data, ids)


def _parse(html: str) -> _Tree:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    assert tree.open == [], tree.open
    return tree


def _page(client: httpx.Client) -> _Tree:
    response = client.get(f"/review/{SLUG}")
    assert response.status_code == 200
    return _parse(response.text)


def _post(client: httpx.Client, action: str, **form: str) -> httpx.Response:
    token = _page(client).token
    return client.post(f"/review/{SLUG}/{action}", data={"token": token, **form},
                       headers={"Origin": ORIGIN})  # fmt: skip


def _decisions(path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    return {i.candidate.id: (i.decision, i.corrected) for i in read_review(path).items}


# --- over HTTP, in process ---------------------------------------------------------------------


def test_listing_counts_each_review_file(client: httpx.Client, review_file: Path) -> None:
    data = json.loads(review_file.read_text(encoding="utf-8"))
    for entry, decision in zip(data["candidates"], ["accept", "reject", "reject"], strict=False):
        entry["decision"] = decision
    review_file.write_text(json.dumps(data), encoding="utf-8")
    (review_file.parent / "broken.json").write_text("{", encoding="utf-8")
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    page = response.text
    row = page[page.index(f'href="/review/{SLUG}"') :].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split('<td class="n">')[1:]]
    assert cells == ["3", "1", "0", "2"]  # undecided, accepted, corrected, rejected
    assert "Brazil signs the REAIM declaration &lt;script&gt;" in row
    broken = page[page.index('href="/review/broken"') :].split("</tr>")[0]
    assert "broken.json:1:2: not JSON" in broken
    _parse(page)


def test_every_candidate_is_highlighted_and_marks_never_nest(client: httpx.Client) -> None:
    response = client.get(f"/review/{SLUG}")
    assert response.headers["content-security-policy"] == CSP
    tree = _parse(response.text)
    for candidate in CANDIDATES:
        words = "".join(text for text, ids in tree.marks if candidate.id in ids)
        assert words == candidate.selector.exact, candidate.id
        assert f"ev-{candidate.id}" in tree.ids and f"c-{candidate.id}" in tree.ids
    crossing = [ids for _text, ids in tree.marks if len(ids) > 1]
    assert crossing == [["brazil", "usa"]]  # "the declaration", in both
    assert tree.scripts == ["/static/review.js"]


def test_resources_are_shown_by_label_and_new_names_as_new(client: httpx.Client) -> None:
    page = client.get(f"/review/{SLUG}").text
    brazil = page[page.index('id="c-brazil"') :].split("</li>")[0]
    assert '<span class="resource">Brazil</span> <code>state:BRA</code>' in brazil
    assert "<code>instrument:reaim-2026-pathways-to-action</code>" in brazil
    freedonia = page[page.index('id="c-freedonia"') :].split("</li>")[0]
    assert '<dt>actor</dt><dd><span class="new">new: Freedonia</span></dd>' in freedonia
    mexico = page[page.index('id="c-mexico"') :].split("</li>")[0]
    assert "hedged: accept only with a correction" in mexico
    assert "hedged" not in brazil


def test_everything_from_the_file_is_escaped(client: httpx.Client) -> None:
    page = client.get(f"/review/{SLUG}").text
    assert "<script>alert" not in page and "<b>" not in page and "<i>X" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>Review: Brazil signs the REAIM declaration &lt;script&gt;</title>" in page
    assert "Example &lt;b&gt;News&lt;/b&gt;" in page
    assert "new: &lt;i&gt;X&lt;/i&gt;" in page  # the quote's speaker, a name the graph lacks
    assert "a &lt;b&gt;note&lt;/b&gt;" in page


def test_accept_reject_and_correct_are_written_to_the_file(
    client: httpx.Client, review_file: Path
) -> None:
    accepted = _post(client, "decide", id="brazil", decision="accept")
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/review/{SLUG}#c-brazil"
    assert _post(client, "decide", id="usa", decision="reject").status_code == 303
    corrected = _post(client, "correct", id="freedonia", **{
        "field:actor": "state:ZAF", "field:target": "instrument:reaim-2026-pathways-to-action",
        "field:stance_kind": "signed", "field:negated": "false",
    })  # fmt: skip
    assert corrected.status_code == 303
    assert corrected.headers["location"] == f"/review/{SLUG}#c-freedonia"
    decisions = _decisions(review_file)
    assert decisions["brazil"] == ("accept", {})
    assert decisions["usa"] == ("reject", {})
    assert decisions["freedonia"] == ("correct", {"actor": "state:ZAF"})  # only what changed
    assert decisions["mexico"] == ("", {})
    data = json.loads(review_file.read_text(encoding="utf-8"))
    assert data["format"] == "govkg-review/1" and data["text"] == TEXT
    page = client.get(f"/review/{SLUG}").text
    freedonia = page[page.index('id="c-freedonia"') :].split("</li>")[0]
    assert '<span class="resource">South Africa</span> <code>state:ZAF</code>' in freedonia
    assert '<span class="decision">corrected</span>' in freedonia
    undone = _post(client, "decide", id="usa", decision="")
    assert undone.status_code == 303 and _decisions(review_file)["usa"] == ("", {})
    emptied = _post(client, "correct", id="count", **{"field:value": "90", "field:out_of": ""})
    assert emptied.status_code == 303
    assert _decisions(review_file)["count"] == ("correct", {"out_of": ""})  # a field cleared


def test_a_correction_that_changes_nothing_or_an_unknown_id_is_refused(
    client: httpx.Client, review_file: Path
) -> None:
    before = review_file.read_bytes()
    same = _post(client, "correct", id="brazil", **{"field:actor": "state:BRA"})
    assert same.status_code == 400
    assert "candidate brazil: no field differs from the proposed ones; use Accept" in same.text
    unknown = _post(client, "decide", id="nosuch", decision="accept")
    assert unknown.status_code == 400 and "no candidate nosuch in the review of" in unknown.text
    bad = _post(client, "decide", id="brazil", decision="maybe")
    assert bad.status_code == 400
    assert review_file.read_bytes() == before


@pytest.mark.parametrize(
    "headers",
    [
        {},  # neither Origin nor Referer
        {"Origin": "http://evil.example"},
        {"Origin": "http://127.0.0.1:9999"},  # another port is another origin
        {"Origin": "null"},
        {"Referer": "http://evil.example/review/x"},
        {"Referer": ORIGIN + ".evil.example/"},
    ],
)
def test_a_post_from_elsewhere_is_refused_and_changes_nothing(
    client: httpx.Client, review_file: Path, project_copy: Path, headers: dict[str, str]
) -> None:
    token = _page(client).token
    before = review_file.read_bytes()
    for action, form in (("decide", {"id": "brazil", "decision": "accept"}),
                         ("correct", {"id": "brazil", "field:actor": "state:ZAF"}),
                         ("write", {})):  # fmt: skip
        response = client.post(f"/review/{SLUG}/{action}", data={"token": token, **form},
                               headers=headers)  # fmt: skip
        assert response.status_code == 403, (action, headers)
        assert "refused: a POST must come from this review page" in response.text
    assert review_file.read_bytes() == before
    assert not (project_copy / "graph" / "articles").exists()


def test_a_post_without_the_token_or_to_another_host_is_refused(
    client: httpx.Client, review_file: Path
) -> None:
    before = review_file.read_bytes()
    for token in ("", "x" * 43):
        form = {"token": token, "id": "brazil", "decision": "accept"}
        response = client.post(f"/review/{SLUG}/decide", data=form, headers={"Origin": ORIGIN})
        assert response.status_code == 403
    rebound = client.get(f"/review/{SLUG}", headers={"Host": "evil.example:8765"})
    assert rebound.status_code == 400  # a name that resolves to 127.0.0.1 is not this page
    assert client.get(f"/review/{SLUG}/decide").status_code == 405  # POST only
    assert review_file.read_bytes() == before


@pytest.mark.parametrize(
    ("decide", "status", "message"),
    [
        ({"action": "correct", "id": "freedonia", "field:actor": "state:FRD"}, 400,
         "candidate freedonia: actor state:FRD is not a resource of the graph; never invented: "
         "add it to graph/ first or correct the IRI"),
        ({"action": "decide", "id": "count", "decision": "accept"}, 409,
         "accept refused: the graph would not validate (1 violation(s)); nothing was written."),
    ],
)  # fmt: skip
def test_write_refused_shows_one_line_and_writes_nothing(
    client: httpx.Client, review_file: Path, project_copy: Path,
    decide: dict[str, str], status: int, message: str,
) -> None:  # fmt: skip
    form = dict(decide)
    assert _post(client, form.pop("action"), **form).status_code == 303
    before = review_file.read_bytes()
    response = _post(client, "write")
    assert response.status_code == status
    shown = response.text.split('<div class="message error" role="alert"><ul><li>')[1]
    line = shown.split("</li>")[0]
    assert message in line.replace("&#x27;", "'") and "\n" not in line
    assert "</li></ul></div>" in shown  # one line, nothing else
    assert not (project_copy / "graph" / "articles").exists()
    assert review_file.read_bytes() == before


def test_the_page_listens_on_loopback_only(project_copy: Path, store: Store) -> None:
    check_host("127.0.0.1")
    app = create_review_app(Project(project_copy), store)
    for host in ("0.0.0.0", "localhost", "::", "192.168.1.2"):
        with pytest.raises(ReviewPageError) as refused:
            run_review_page(app, 8765, host=host)
        assert str(refused.value) == (
            f"host {host}: the review page listens on 127.0.0.1 only (it writes review files "
            "and the graph, with no login)"
        )


def test_a_port_in_use_is_one_line(project_copy: Path, store: Store) -> None:
    app = create_review_app(Project(project_copy), store)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ReviewPageError) as refused:
            run_review_page(app, port)
    assert str(refused.value) == (
        f"--port {port}: cannot listen on 127.0.0.1:{port}: Address already in use"
    )


def test_the_command_prints_the_url_and_serves_the_page(
    project_copy: Path, review_file: Path
) -> None:
    """``govkg review REVIEW_FILE --port N`` in its own process: the URL it prints answers."""
    port = free_port()
    command = [sys.executable, "-m", "govkg", "--root", str(project_copy), "review",
               str(review_file), "--port", str(port)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode()
        url = f"http://127.0.0.1:{port}/review/{SLUG}"
        assert line == f"govkg: review page on {url} (Ctrl-C to stop)\n"
        wait_until_answers(url, process, 30, "govkg review")
        page = httpx.get(url)
    finally:
        stop_group(process)
    assert page.status_code == 200 and 'id="c-brazil"' in page.text


def test_static_files_and_unknown_paths(client: httpx.Client) -> None:
    css = client.get("/static/review.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    script = client.get("/static/review.js")
    assert script.status_code == 200 and "mark.ev" in script.text
    assert client.get("/static/other.js").status_code == 404
    missing = client.get("/review/nosuch")
    assert missing.status_code == 404 and "no review file nosuch.json in review" in missing.text


def test_review_command_help_ends_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["review", "--help"])
    assert result.exit_code == 0
    lines = [line.strip() for line in result.output.strip().splitlines()]
    assert lines[lines.index("Example:") + 1].startswith("govkg review ")
    assert "--port" in result.output and "--host" not in result.output


# --- in Chromium --------------------------------------------------------------------------------

#: Every host but the loopback address is unresolvable: the network is unplugged for the page.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
ARGS = ["ingest", str(ARTICLE_000), "--published", "2026-02-05", "--format", "json"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    """One headless Chromium for the module's browser tests."""
    devtools = DevTools(tmp_path_factory.mktemp("chromium") / "profile", OFFLINE)
    try:
        yield devtools
    finally:
        devtools.close()


def _ingest(root: Path) -> list[str]:
    """``govkg ingest`` of the article into the project ``root``: the ids it proposed."""
    result = CliRunner().invoke(cli, ["--root", str(root), *ARGS])
    assert result.exit_code == 0, result.output
    return [c["id"] for c in json.loads(result.stdout)["candidates"]]


@pytest.fixture
def article_page(project_copy: Path, store: Store) -> Iterator[tuple[str, Path]]:
    """The article ingested into a project copy, its review page served by uvicorn on a loopback
    port: the page's URL and the review file."""
    _ingest(project_copy)
    (path,) = (project_copy / "review").glob("*.json")
    with serve_url(create_review_app(Project(project_copy), store)) as base:
        yield f"{base}/review/{path.stem}", path


class Curator:
    """A tab of the review page, clicked with the mouse and typed into as a person does."""

    def __init__(self, browser: DevTools, url: str) -> None:
        self.browser = browser
        self.tab = Tab(browser, url)
        self.tab.call("Page.enable")
        self.tab.wait_for("document.readyState === 'complete' && !!document.querySelector('h1')")

    def click(self, selector: str) -> None:
        """A left click in the middle of the element, scrolled into view first."""
        box = self.tab.value(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2] })()"
        )
        assert box, f"nothing to click at {selector}"
        for kind in ("mousePressed", "mouseReleased"):
            self.tab.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1],
                          button="left", clickCount=1)  # fmt: skip

    def click_and_load(self, selector: str) -> None:
        """Click, then wait until the next page has loaded."""
        seen = len(self.browser.events)
        self.click(selector)
        self.wait_loaded(seen)

    def wait_loaded(self, seen: int, seconds: float = 20) -> None:
        """Wait until a page started loading after event ``seen`` and then fired its load."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            mine = [e.get("method") for e in self.browser.events[seen:]
                    if e.get("sessionId") == self.tab.session]  # fmt: skip
            if (
                "Page.frameStartedLoading" in mine
                and "Page.loadEventFired" in mine[mine.index("Page.frameStartedLoading") :]
            ):
                return
            self.browser.call("Target.getTargets")  # reads the events that came meanwhile
            time.sleep(0.05)
        pytest.fail("the page did not load")

    def type_into(self, selector: str, text: str) -> None:
        """Select the field's text and type ``text`` over it."""
        self.tab.value(f"document.querySelector({json.dumps(selector)}).select()")
        self.tab.call("Input.insertText", text=text)

    def decision(self, candidate: str) -> str:
        return str(self.tab.value(
            f"document.getElementById('c-{candidate}').querySelector('.decision').textContent"
        ))  # fmt: skip

    def count(self) -> int:
        return int(self.tab.value("document.querySelectorAll('li.candidate').length"))

    def close(self) -> None:
        self.tab.call("Page.close")


def test_a_curator_decides_in_chromium_and_writes_the_facts(
    browser: DevTools, article_page: tuple[str, Path], project_copy: Path
) -> None:
    url, review_file = article_page
    items = read_review(review_file).items
    ids = [item.candidate.id for item in items]
    signed = {i.candidate.fields["actor"].rsplit("/", 1)[-1]: i.candidate.id for i in items
              if i.candidate.fields.get("stance_kind") == "signed"}  # fmt: skip
    accepted, rejected, corrected = signed["CAN"], signed["DEU"], signed["UKR"]
    page = Curator(browser, url)
    try:
        page.click_and_load(f"#c-{accepted} button.accept")
        assert page.tab.value("location.hash") == f"#c-{accepted}"
        assert page.decision(accepted) == "accepted"
        page.click_and_load(f"#c-{rejected} button.reject")
        page.click(f"#c-{corrected} details.correct summary")
        page.tab.wait_for(f"document.querySelector('#c-{corrected} details.correct').open")
        page.type_into(f'#c-{corrected} input[name="field:actor"]', "state:POL")
        page.click_and_load(f"#c-{corrected} button.save")
        assert page.decision(corrected) == "corrected"
        focused = page.tab.value(
            "Array.from(document.querySelectorAll('mark.ev.focus')).map(m => m.textContent)"
            ".join('')"
        )
        shots = {size: page.tab.screenshot(size, "review") for size in sorted(SIZES)}
        page.tab.call("Emulation.clearDeviceMetricsOverride")
        decisions = _decisions(review_file)
        page.click_and_load("form.write button")
        message = page.tab.value("document.querySelector('.message').innerText")
        shots["written"] = page.tab.screenshot("laptop", "review-written")
        sizes = {**SIZES, "written": SIZES["laptop"]}
        requested = page.tab.requested()
    finally:
        page.close()
    assert decisions[accepted] == ("accept", {})
    assert decisions[rejected] == ("reject", {})
    assert decisions[corrected] == ("correct", {"actor": "state:POL"})
    assert [decisions[i][0] for i in ids if i not in (accepted, rejected, corrected)] == [""] * (
        len(ids) - 3
    )
    words = read_review(review_file).item(corrected).candidate.selector.exact  # type: ignore[union-attr]
    assert focused == words  # the corrected candidate's words, highlighted when it is in focus
    for size, shot in shots.items():
        assert _png_size(shot) == sizes[size] and _ink(shot) > 0.02, shot
    written = project_copy / "graph" / "articles" / f"{review_file.stem}.ttl"
    assert f"wrote graph/articles/{written.name}" in message
    graph = Graph().parse(written)
    annotated = {str(a).rsplit("--", 1)[-1] for a in graph.subjects(OA.hasBody, None)}
    assert annotated == {accepted, corrected}
    facts = {str(f) for f in graph.objects(None, OA.hasBody)}
    assert any((URIRef(f), GK.actor, URIRef(STATE + "POL")) in graph for f in facts)
    assert all(compact(fact) in message for fact in facts)
    assert "stance:reaim-2026-pathways-to-action--POL (new)" in message
    hosts = {urlsplit(u).hostname for u in requested if urlsplit(u).scheme != "data"}
    assert hosts == {"127.0.0.1"}, requested


def test_a_rejection_in_chromium_survives_ingesting_the_article_again(
    browser: DevTools, article_page: tuple[str, Path], project_copy: Path
) -> None:
    url, review_file = article_page
    rejected = read_review(review_file).items[1].candidate.id
    page = Curator(browser, url)
    try:
        before = page.count()
        page.click_and_load(f"#c-{rejected} button.reject")
        assert page.decision(rejected) == "rejected"
        proposed = _ingest(project_copy)  # the same article again
        seen = len(browser.events)
        page.tab.call("Page.reload")
        page.wait_loaded(seen)
        after, decision = page.count(), page.decision(rejected)
    finally:
        page.close()
    assert rejected in proposed  # proposed by the extractor again …
    assert (after, decision) == (before, "rejected")  # … but not twice, and still rejected
    items = read_review(review_file).items
    assert len(items) == before == len(proposed)
    assert [i.decision for i in items if i.candidate.id == rejected] == ["reject"]
