"""Replacing files all at once: every file is written to a temporary file in its folder, and only
when all are written are they renamed into place.

An error while writing (a missing folder, a full disk) removes the temporary files and leaves every
target as it was.  A process killed while writing leaves the targets as they were too (perhaps a
hidden ``.NAME.XXXXXXXX`` temporary file beside them, which nothing reads); only a kill between
two renames, a moment of microseconds, could leave some files new and the others old.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import IO

from govkg.bundled import refuse_bundled
from govkg.errors import GovkgError

#: Writes one file's content to the open binary stream it is given.
Stream = Callable[[IO[bytes]], None]


def write_atomically(
    files: Sequence[tuple[Path, bytes]],
    error: type[GovkgError] = GovkgError,
    make_folders: bool = False,
) -> list[Path]:
    """Write every ``(path, data)`` (creating missing folders if ``make_folders``); returns the
    paths.

    New files get the permissions a plain write would give them (0666 less the umask).  On a
    failure nothing is replaced and ``error`` is raised, naming the file.
    """
    streams = [(path, partial(_write_bytes, data)) for path, data in files]
    return stream_atomically(streams, error, make_folders)


def _write_bytes(data: bytes, out: IO[bytes]) -> None:
    out.write(data)


def stream_atomically(
    files: Sequence[tuple[Path, Stream]],
    error: type[GovkgError] = GovkgError,
    make_folders: bool = False,
) -> list[Path]:
    """Stream every ``(path, write)`` to a temporary file beside ``path`` (the content is made
    as it is written, never held whole), then rename them all into place; returns the paths.  On
    a failure nothing is replaced and ``error`` names the file (an error of a writer itself is
    raised as it is, after the temporary files are removed)."""
    for path, _write in files:
        refuse_bundled(path)  # the installed package's dataset is changed in a checkout
        if path.is_dir():
            raise error(f"cannot write {path}: it is a folder; nothing was written")
    staged: list[tuple[Path, str]] = []
    mode = 0o666 & ~_umask()
    current = Path()
    try:
        for current, write in files:
            if make_folders:
                current.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{current.name}.", dir=current.parent)
            staged.append((current, temporary))
            with os.fdopen(handle, "wb", buffering=1 << 20) as out:
                write(out)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, mode)
    except OSError as problem:
        _remove(temporary for _path, temporary in staged)
        reason = problem.strerror or str(problem)
        raise error(f"cannot write {current}: {reason}; nothing was written") from None
    except BaseException:
        _remove(temporary for _path, temporary in staged)
        raise
    for done, (path, temporary) in enumerate(staged):
        try:
            os.replace(temporary, path)
        except OSError as problem:
            _remove(temporary for _path, temporary in staged[done:])
            raise error(
                f"cannot replace {path}: {problem.strerror}; {done} of {len(staged)} file(s) "
                "were written"
            ) from None
    return [path for path, _t in staged]


def _remove(paths: Iterable[str]) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
