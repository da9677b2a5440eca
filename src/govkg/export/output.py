"""Streaming an export out: text written to a binary stream a batch of lines at a time, and an
export's files written as they are streamed, all replaced at once or none
(:func:`govkg.atomic.stream_atomically`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from govkg import atomic
from govkg.atomic import Stream
from govkg.errors import ExportError

__all__ = ["BATCH", "Stream", "stream_atomically", "write_lines"]

#: Lines of text gathered before they are encoded and written.
BATCH = 2_000


def write_lines(out: IO[bytes], lines: Iterable[str]) -> None:
    """Write text to a binary stream in UTF-8, a batch of lines at a time (the lines are made
    as they are written: never all held)."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= BATCH:
            out.write("".join(batch).encode("utf-8"))
            batch.clear()
    out.write("".join(batch).encode("utf-8"))


def stream_atomically(files: Sequence[tuple[Path, Stream]]) -> list[Path]:
    """Stream every ``(path, write)`` to its file, all replaced at once or none
    (:func:`govkg.atomic.stream_atomically`); a failure is an :class:`ExportError` naming the
    file."""
    return atomic.stream_atomically(files, ExportError)
