"""Pages that are the alignment (the comparison of two actors, the matrix) say, with 503 and
``Retry-After``, that it is still being worked out once they have waited their time for it, and
show it once it is read; the read goes on in the background, once.  One ``govkg serve --get``
waits for it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from paths import ROOT
from servers import in_process

from govkg.cli import cli
from govkg.load import open_project
from govkg.server import ServerSettings, browse, create_app
from govkg.site import agreement
from govkg.store import Store


def _wait_until(check: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, list[Store]]]:
    """Alignments whose read waits for the event (each read's store noted), pages that wait
    0.2 s for one."""
    release = threading.Event()
    reads: list[Store] = []
    original = agreement._load

    def slow(target: Store) -> agreement.Alignment:
        reads.append(target)
        release.wait(60)
        return original(target)

    monkeypatch.setattr(agreement, "_load", slow)
    monkeypatch.setattr(browse, "ALIGNMENT_WAIT_S", 0.2)
    yield release, reads
    release.set()


@pytest.mark.parametrize("path", ["/compare/USA/CHN", "/matrix.html"])
def test_a_page_that_is_the_alignment_is_503_until_it_is_read(
    path: str, held: tuple[threading.Event, list[Store]]
) -> None:
    release, reads = held
    store = open_project(ROOT)[1]  # a store of its own: nothing of it kept yet
    try:
        with in_process(create_app(store, ServerSettings(query_workers=0))) as http:
            waiting = http.get(path, headers={"Accept": "text/html"})
            again = http.get(path, headers={"Accept": "text/plain"})
            release.set()
            _wait_until(lambda: agreement._CACHE.ready(store) is not None)
            ready = http.get(path)
    finally:
        release.set()
    assert waiting.status_code == 503 and waiting.headers["retry-after"] == "30"
    assert "still being worked out" in waiting.text and "<html" in waiting.text.lower()
    assert again.status_code == 503
    assert again.text.startswith("the agreement between actors is still being worked out")
    assert reads == [store]  # one read, in the background, for every request
    assert ready.status_code == 200 and "still being worked out" not in ready.text


def test_one_get_waits_for_the_alignment(held: tuple[threading.Event, list[Store]]) -> None:
    """``govkg serve --get`` ends with its answer, so it waits for the alignment instead of
    printing a 503 that would never become the page."""
    release, reads = held
    threading.Timer(0.6, release.set).start()
    args = ["--root", str(ROOT), "serve", "--query-workers", "0", "--get", "/compare/USA/CHN"]
    done = CliRunner().invoke(cli, args)
    release.set()
    assert done.exit_code == 0, done.output
    assert done.output.startswith("HTTP/1.1 200 OK\n") and len(reads) == 1
    assert "still being worked out" not in done.output
