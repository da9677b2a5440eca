"""What the pages keep is read again after its time only when the store may have changed: an
embedded store counts its own writes (``Store.generation``); a server's store may change without
govkg, so it is read again after its time."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest

from govkg.site import kept as kept_module
from govkg.site.kept import Kept, KeptByKey
from govkg.store import OxigraphStore, Store

EX = "http://example.org/"
QUAD = ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("o"))


class ServerLikeStore(OxigraphStore):
    """An embedded store that says, as a SPARQL server's store does, that others may change it."""

    @property
    def generation(self) -> int | None:
        return None


def _settled(reads: list[object], count: int) -> list[object]:
    """``reads`` once it has ``count`` entries (a background read) or after 5 s."""
    deadline = time.monotonic() + 5
    while len(reads) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # and no more come
    return reads


@pytest.fixture
def no_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept_module, "TTL", 0.0)  # every kept value is old at once


@pytest.mark.usefixtures("no_ttl")
def test_a_kept_value_of_an_unchanged_store_is_not_read_again() -> None:
    reads: list[Store] = []
    kept: Kept[int] = Kept(lambda s: reads.append(s) or len(reads), "test value")
    store = OxigraphStore()
    assert [kept.get(store) for _ in range(4)] == [1, 1, 1, 1]
    assert _settled(reads, 2) == [store]
    store.load([QUAD])
    assert kept.get(store) == 1  # the old value while the changed store is read again
    assert _settled(reads, 2) == [store, store]
    assert kept.get(store) == 2


@pytest.mark.usefixtures("no_ttl")
def test_a_kept_value_of_a_server_store_is_read_again_after_its_time() -> None:
    reads: list[Store] = []
    kept: Kept[int] = Kept(lambda s: reads.append(s) or len(reads), "test value")
    store = ServerLikeStore()
    assert kept.get(store) == 1
    assert kept.get(store) == 1  # old: read again in the background
    assert len(_settled(reads, 2)) == 2
    assert kept.get(store) == 2


@pytest.mark.usefixtures("no_ttl")
def test_a_kept_key_is_read_again_only_once_its_store_changed() -> None:
    reads: list[str] = []
    kept: KeptByKey[str, int] = KeptByKey(lambda s, k: reads.append(k) or len(reads), 4)
    store = OxigraphStore()
    assert [kept.get(store, "a") for _ in range(3)] == [1, 1, 1]
    assert _settled(reads, 2) == ["a"]
    store.remove([QUAD])  # a write, even of nothing: the store may have changed
    assert kept.get(store, "a") == 1
    assert _settled(reads, 2) == ["a", "a"]
    assert kept.get(store, "a") == 2
    server = ServerLikeStore()
    assert kept.get(server, "a") == 3 and kept.get(server, "a") == 3
    assert _settled(reads, 4) == ["a", "a", "a", "a"]
