"""Many strings held compactly (the ids of a view's edges: 800,000 stance IRIs at 4 M triples):
one UTF-8 buffer and the offset where each string ends, about 60 bytes a stance IRI instead of
the 100 of a ``str`` and its list slot.  They are read back one at a time and sorted as Python
sorts strings (by code point) without making them strings again: by their bytes in a numpy
array, once the prefix they all share is left out."""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np

#: How many strings have their sort keys laid out at once.
_CHUNK = 1 << 13


class Texts:
    """Strings, each kept by its index: appended, read back, sorted."""

    __slots__ = ("_data", "_ends")

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("Q")

    def __len__(self) -> int:
        return len(self._ends)

    def append(self, text: str) -> int:
        """Keep a string; its index."""
        self._data += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))
        return len(self._ends) - 1

    def __getitem__(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._data[start : self._ends[index]].decode("utf-8", "surrogatepass")

    def order(self, subset: Sequence[int] | None = None) -> tuple[array[int], array[int]]:
        """The positions in ``subset`` (indices of strings; every index when None) in the order
        of their strings, ties in the subset's order; and the repeats: each place in that order
        whose string is the same as the one before it (none when all differ)."""
        count = len(self) if subset is None else len(subset)
        if not count:
            return array("I"), array("I")
        if not self._data or b"\0" in self._data:  # numpy's bytes drop trailing NULs
            return self._python_order(subset)
        every = np.frombuffer(self._ends, dtype=np.uint64)
        chosen = np.arange(count) if subset is None else np.asarray(subset, dtype=np.int64)
        ends = every[chosen].astype(np.int64)
        starts = np.where(chosen > 0, every[chosen - 1], 0).astype(np.int64)
        del every, chosen  # the offsets may grow again
        lengths = (ends - starts).astype(np.uint32)
        del ends
        return self._numpy_order(starts, lengths)

    def _numpy_order(
        self, starts: np.ndarray, lengths: np.ndarray
    ) -> tuple[array[int], array[int]]:
        """The order by the strings' UTF-8 bytes (the code point order): by the first bytes
        after the shared prefix (as many as nine in ten strings have at most) in a numpy array of
        fixed-width keys, then each run of equal keys that holds a longer string by Python."""
        data = np.frombuffer(self._data, dtype=np.uint8)
        try:
            shared = _shared_prefix(data, starts, lengths)
            starts += shared
            rest = lengths - np.uint32(shared)
            width = int(rest.max())
            cut = max(1, min(width, max(8, int(np.percentile(rest, 90)))))
            keys = _keys(data, starts, np.minimum(rest, cut), cut)
            starts -= shared
        finally:
            del data  # the buffer may grow again
        ranked = np.argsort(keys, kind="stable")
        ordered = keys[ranked]
        del keys
        equal = ordered[1:] == ordered[:-1]
        del ordered
        if width > cut:
            self._sort_ties(ranked, equal, starts, lengths, rest[ranked] > cut)
        return _as_array(ranked), _as_array(np.flatnonzero(equal) + 1)

    def _sort_ties(
        self,
        ranked: np.ndarray,
        equal: np.ndarray,
        starts: np.ndarray,
        lengths: np.ndarray,
        cut: np.ndarray,
    ) -> None:
        """Sort by their whole strings the runs of ``ranked`` whose keys are equal and of which
        some string was cut (``cut``, by place), and tell which of them are equal."""
        bounds = np.flatnonzero(np.concatenate(([True], ~equal, [True])))
        runs = np.flatnonzero(np.diff(bounds) > 1)
        for low, high in zip(bounds[runs].tolist(), bounds[runs + 1].tolist(), strict=True):
            if not cut[low:high].any():
                continue
            members = ranked[low:high].tolist()
            texts = {m: self._slice(int(starts[m]), int(lengths[m])) for m in members}
            members.sort(key=texts.__getitem__)
            ranked[low:high] = members
            for place in range(low, high - 1):
                equal[place] = texts[members[place - low]] == texts[members[place - low + 1]]

    def _slice(self, start: int, length: int) -> str:
        return self._data[start : start + length].decode("utf-8", "surrogatepass")

    def _python_order(self, subset: Sequence[int] | None) -> tuple[array[int], array[int]]:
        indices = range(len(self)) if subset is None else subset
        ranked = sorted(range(len(indices)), key=lambda position: self[indices[position]])
        texts = [self[indices[position]] for position in ranked]
        repeats = [n for n in range(1, len(texts)) if texts[n] == texts[n - 1]]
        return array("I", ranked), array("I", repeats)


def _as_array(numbers: np.ndarray) -> array[int]:
    found = array("I")
    found.frombytes(numbers.astype(np.uint32).tobytes())
    return found


def _shared_prefix(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> int:
    """How many leading bytes every string shares."""
    first, shortest = int(starts[0]), int(lengths.min())
    for offset in range(shortest):
        if not np.all(data[starts + offset] == data[first + offset]):
            return offset
    return shortest


def _keys(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray, width: int) -> np.ndarray:
    """Each string's bytes as a fixed-width numpy bytes value (padded with NULs, which sort
    first, as a shorter string does in Python)."""
    keys = np.zeros(len(starts), dtype=f"S{width}")
    grid = keys.view(np.uint8).reshape(len(starts), width)
    for low in range(0, len(starts), _CHUNK):
        sizes = lengths[low : low + _CHUNK].astype(np.int64)
        rows = np.repeat(np.arange(low, low + len(sizes)), sizes)
        columns = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        grid[rows, columns] = data[np.repeat(starts[low : low + _CHUNK], sizes) + columns]
    return keys
