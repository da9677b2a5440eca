"""The pages' kept alignment: read in the background at start, re-read in the background after
its time when the store may have changed (the old copy served meanwhile), never re-read for an
unchanged store, and a store that fails leaves one log line, never a traceback or the store's own
message."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from paths import ROOT
from servers import in_process
from test_kept_generation import QUAD, ServerLikeStore
from test_server import BrokenStore

from govkg.load import open_project
from govkg.server import ServerSettings, create_app
from govkg.site import agreement
from govkg.store import Store

#: A triple no page reads: writing it changes the store.
CHANGE = QUAD


def _wait_for_threads(name: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while any(name in t.name for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.02)


def test_a_failing_store_is_logged_in_one_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="govkg.server")
    with in_process(create_app(BrokenStore(), ServerSettings(query_workers=0))):
        _wait_for_threads("_warm")
    lines = [r.getMessage() for r in caplog.records if "alignment" in r.getMessage()]
    assert lines == ["the pages' alignment could not be read yet (RuntimeError)"]
    assert "secret" not in caplog.text and "Traceback" not in caplog.text


def test_an_old_alignment_is_served_while_the_next_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # a store of its own: the shared one's kept alignment may be re-read by another test's call
    # (after TTL seconds) while this one runs, and one re-read at a time means this one's waits
    store = open_project(ROOT)[1]
    first = agreement.alignment(store)
    reads: list[threading.Event] = []
    release = threading.Event()
    original = agreement._load

    def slow_load(target: Store) -> agreement.Alignment:
        started = threading.Event()
        reads.append(started)
        started.set()
        release.wait(10)
        return original(target)

    monkeypatch.setattr(agreement, "_load", slow_load)
    monkeypatch.setattr(agreement, "TTL", 0.0)
    store.load([CHANGE])  # the store has changed since its alignment was read
    try:
        assert agreement.alignment(store) is first  # the old one while the next is read
        deadline = time.monotonic() + 10
        while not reads and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(reads) == 1  # the re-read has begun and is held by slow_load
        assert agreement.alignment(store) is first  # still the old one, no second re-read
        assert sum("_refresh" in t.name for t in threading.enumerate()) == 1
        assert len(reads) == 1
    finally:
        release.set()
        _wait_for_threads("_refresh")
    assert agreement.alignment(store) is not first  # the new one, once read


def _counting_loads(monkeypatch: pytest.MonkeyPatch) -> list[Store]:
    """Every store the pages' alignment is read from, from now on (TTL 0: always old)."""
    reads: list[Store] = []
    original = agreement._load

    def counted(target: Store) -> agreement.Alignment:
        reads.append(target)
        return original(target)

    monkeypatch.setattr(agreement, "_load", counted)
    monkeypatch.setattr(agreement, "TTL", 0.0)
    return reads


def test_an_unchanged_store_is_never_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_project(ROOT)[1]
    reads = _counting_loads(monkeypatch)
    first = agreement.alignment(store)
    for _ in range(3):
        assert agreement.alignment(store) is first
    _wait_for_threads("_refresh")
    assert reads == [store]  # the first read only, however old it is
    store.load([CHANGE])
    assert agreement.alignment(store) is first  # served while the changed store is read again
    _wait_for_threads("_refresh")
    assert reads == [store, store]
    assert agreement.alignment(store) is not first


def test_a_store_others_may_change_is_read_again_after_its_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded = open_project(ROOT)[1]
    store = ServerLikeStore()
    store.load(loaded.quads())
    reads = _counting_loads(monkeypatch)
    first = agreement.alignment(store)
    assert agreement.alignment(store) is first
    _wait_for_threads("_refresh")
    assert reads == [store, store]
    assert agreement.alignment(store) is not first
