"""Results kept for the texts seen last: read once, long texts and failures never kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from govkg.store.textcache import kept_for_texts


def _counted() -> tuple[list[str | bytes], Callable[..., str]]:
    calls: list[str | bytes] = []

    @kept_for_texts(size=2, longest=10)
    def read(text: str | bytes, extra: int = 0) -> str:
        calls.append(text)
        if text == "bad":
            raise ValueError("bad text")
        return f"{text!r}/{extra}"

    return calls, read


def test_a_text_seen_again_is_not_read_again() -> None:
    calls, read = _counted()
    assert read("abc") == read("abc") == "'abc'/0"
    assert read(b"abc") == "b'abc'/0"
    assert read(b"abc") == "b'abc'/0"
    assert calls == ["abc", b"abc"]
    assert read("abc", 1) == "'abc'/1"
    assert calls == ["abc", b"abc", "abc"]


def test_only_the_last_texts_are_kept() -> None:
    calls, read = _counted()
    for text in ("a", "b", "c", "a"):
        read(text)
    assert calls == ["a", "b", "c", "a"]


def test_long_texts_and_failures_are_read_each_time() -> None:
    calls, read = _counted()
    long = "x" * 11
    assert read(long) == read(long)
    for _ in range(2):
        with pytest.raises(ValueError, match="bad text"):
            read("bad")
    assert calls == [long, long, "bad", "bad"]
