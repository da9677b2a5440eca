"""A whole-graph listing whose first read takes longer than a request waits (about 45 s at 4 M
triples) is answered 503 with ``Retry-After`` and how long it has been read, in the format the
client prefers; the read goes on in the background, once, and the pages answer from it when it
is done.  A read that fails is said as that failure, not as "being read"; a static copy's
crawl and one ``govkg serve --get`` wait for the read."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from paths import ROOT
from servers import in_process

from govkg.cli import cli
from govkg.errors import StoreError
from govkg.listing import Listing
from govkg.load import open_project
from govkg.server import ServerSettings, create_app, listings
from govkg.store import Store

PATH = "/queries/single-source-facts"


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, list[object]]]:
    """Listings whose read waits for the event (each read's key noted), requests that wait
    0.2 s for one."""
    release = threading.Event()
    reads: list[object] = []
    original = listings._KEPT.load

    def held(store: Store, key: tuple[str, tuple[object, ...]]) -> Listing | None:
        reads.append(key)
        release.wait(60)
        return original(store, key)  # type: ignore[arg-type]

    monkeypatch.setattr(listings._KEPT, "load", held)
    monkeypatch.setattr(listings, "WAIT_S", 0.2)
    yield release, reads
    release.set()


def _wait_until(check: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)


def test_a_listing_being_read_is_503_until_it_is_read(
    slow: tuple[threading.Event, list[object]],
) -> None:
    release, reads = slow
    store = open_project(ROOT)[1]  # a store of its own: no listing of it kept yet
    with in_process(create_app(store, ServerSettings(query_workers=0))) as http:
        waiting = http.get(PATH + "?page=2", headers={"Accept": "text/html"})
        again = http.get(PATH + ".csv")
        release.set()
        _wait_until(lambda: listings._KEPT.found.get(store))
        ready = http.get(PATH + ".csv?page=2")
        whole = http.get(PATH + ".csv")
    assert waiting.status_code == 503 and waiting.headers["retry-after"] == "10"
    assert "<html" in waiting.text.lower()
    assert "single-source-facts is being read from the store (for 0 s so far" in waiting.text
    assert again.status_code == 503 and again.headers["retry-after"] == "10"
    assert again.text.startswith("the whole answer of single-source-facts is being read")
    assert len(reads) == 1  # one read, in the background, for every request
    assert ready.status_code == 200 and ready.text.startswith("fact,")
    assert int(ready.headers["x-govkg-total"]) > 0
    assert whole.status_code == 200 and len(whole.text.splitlines()) > 1


def test_a_listing_whose_read_failed_says_the_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The background read ends with the store's error: the request that waited for it reads
    again and answers that error (503, the store could not be read), never "being read"."""
    calls: list[float] = []

    def failing(store: Store, key: object) -> Listing | None:
        calls.append(time.monotonic())
        raise StoreError("the disk went away")

    monkeypatch.setattr(listings._KEPT, "load", failing)
    store = open_project(ROOT)[1]
    with in_process(create_app(store, ServerSettings(query_workers=0))) as http:
        answer = http.get(PATH + ".csv?page=2")
    assert answer.status_code == 503
    assert "the disk went away" in answer.text and "being read" not in answer.text
    assert len(calls) == 2  # the background read, then the request's own


def test_a_static_copys_crawl_waits_for_the_listing(
    slow: tuple[threading.Event, list[object]],
) -> None:
    release, reads = slow
    store = open_project(ROOT)[1]
    threading.Timer(0.6, release.set).start()  # three times as long as a request waits
    with in_process(create_app(store, ServerSettings(query_workers=0), copy_endpoint="")) as http:
        answer = http.get(PATH + ".csv")
    assert answer.status_code == 200 and len(answer.text.splitlines()) > 1
    assert len(reads) == 1


def test_one_get_waits_for_the_listing(slow: tuple[threading.Event, list[object]]) -> None:
    """``govkg serve --get`` ends with its answer, so a 503 would never become the page."""
    release, reads = slow
    threading.Timer(0.6, release.set).start()
    args = ["--root", str(ROOT), "serve", "--query-workers", "0", "--get", PATH + ".csv?page=2"]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert done.output.startswith("HTTP/1.1 200 OK\n") and "\nfact,type,source\n" in done.output
    assert len(reads) == 1
