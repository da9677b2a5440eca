"""``govkg release VERSION``: a release folder, written atomically and never overwritten.

``releases/VERSION/`` holds the dumps (``dumps/``, each with its ``.sha256``), the VoID/DCAT
description with the version (``void.ttl``), ``CITATION.cff``, what changed since the previous
release (``CHANGES.md``, ``changes.json``, ``changes.atom``), the panel and its codebook
(``panel/``, by :func:`govkg.panel.write_panel`) and ``SHA256SUMS`` over every file
(``sha256sum -c SHA256SUMS`` checks them).  It is built in a hidden folder beside it and renamed
into place only when complete; a release that exists is refused and nothing is changed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from govkg.bundled import refuse_bundled
from govkg.project import Project
from govkg.release.changelog import ReleaseDiff, changes_data, changes_json, changes_markdown
from govkg.release.citation import citation_cff
from govkg.release.description import release_void
from govkg.release.diff import compare, counts
from govkg.release.feed import atom_feed
from govkg.release.versions import ReleaseError, check_version, previous_release, release_site
from govkg.site.dumps import DUMPS_DIR, STEM, Dumps, build_dumps, dataset_quads, triples_of
from govkg.site.metadata import dataset_facts
from govkg.site.release_history import (
    CHANGES_ATOM,
    CHANGES_JSON,
    RELEASES_DIR,
    ReleaseChanges,
    history,
    version_key,
)
from govkg.store import Store

CHECKSUMS = "SHA256SUMS"
PANEL_DIR = "panel"
#: The dump a later release compares with.
COMPARED_DUMP = f"{STEM}.nq.gz"


@dataclass(frozen=True)
class Release:
    """A release written: its folder, version, previous version, diff and file count."""

    folder: Path
    diff: ReleaseDiff
    files: int
    panel: bool


def releases_folder(project: Project, out: Path | None) -> Path:
    """``out``, else the project's ``releases/``."""
    return out if out is not None else project.root / RELEASES_DIR


def _previous_triples(folder: Path, version: str) -> list[ox.Triple]:
    """The triples of release ``version``'s N-Quads dump, once its checksum is verified."""
    path = folder / version / DUMPS_DIR / COMPARED_DUMP
    try:
        data = path.read_bytes()
        expected = (path.parent / (path.name + ".sha256")).read_text().split()[0]
    except (OSError, IndexError) as problem:
        raise ReleaseError(f"release {version}: cannot read {path} ({problem})") from None
    if hashlib.sha256(data).hexdigest() != expected:
        raise ReleaseError(f"release {version}: {path} does not match its .sha256; not compared")
    quads = ox.parse(gzip.decompress(data), format=ox.RdfFormat.N_QUADS)
    return triples_of(quads)


def _write(root: Path, relative: str, data: bytes) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _checksums(root: Path) -> bytes:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    lines = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}\n"
        for p in files
    ]
    return "".join(lines).encode()


def _write_panel(store: Store, folder: Path) -> bool:
    """The panel and codebook (:mod:`govkg.panel`), when that package is installed."""
    try:
        from govkg.panel import write_panel
    except ImportError:
        return False
    write_panel(store, folder)
    return True


def _diff(folder: Path, version: str, previous: str | None, quads: list[ox.Quad],
          issued: str) -> ReleaseDiff:  # fmt: skip
    triples = triples_of(quads)
    changes = compare(_previous_triples(folder, previous), triples) if previous else []
    return ReleaseDiff(version, issued, previous, tuple(changes), counts(triples))


def _feed(folder: Path, diff: ReleaseDiff, staged: Path) -> bytes:
    """The feed of every release in ``folder`` and this one."""
    this = ReleaseChanges(diff.version, staged, changes_data(diff))
    releases = [*history(folder), this]
    return atom_feed(sorted(releases, key=lambda r: version_key(r.version)))


def _fill(staged: Path, store: Store, dumps: Dumps, diff: ReleaseDiff, folder: Path) -> bool:
    for dump in dumps.files:
        _write(staged, f"{DUMPS_DIR}/{dump.name}", dump.data)
    facts = dataset_facts(store, release_site(diff.version), dumps)
    _write(staged, "void.ttl", release_void(facts, diff.version, diff.issued, diff.previous))
    _write(staged, "CITATION.cff", citation_cff(diff.version, diff.issued))
    _write(staged, CHANGES_JSON, changes_json(diff))
    _write(staged, "CHANGES.md", changes_markdown(diff))
    _write(staged, CHANGES_ATOM, _feed(folder, diff, staged))
    panel = _write_panel(store, staged / PANEL_DIR)
    _write(staged, CHECKSUMS, _checksums(staged))
    return panel


def _refuse_existing(target: Path) -> None:
    if target.exists():
        raise ReleaseError(f"{target} exists: a release is never overwritten; choose a new version")


def make_release(project: Project, store: Store, version: str, out: Path | None = None,
                 previous: str | None = None, issued: str | None = None) -> Release:  # fmt: skip
    """Write release ``version`` of ``store`` to ``out`` (default: the project's releases/),
    compared with ``previous`` (default: the newest older release there); ``issued`` is the
    release date (default: today, UTC)."""
    check_version(version)
    folder = releases_folder(project, out)
    refuse_bundled(folder)  # the installed package's dataset: released from a checkout
    target = folder / version
    _refuse_existing(target)
    previous = previous_release(folder, version, previous)
    issued = issued or datetime.now(UTC).date().isoformat()
    quads = dataset_quads(store)
    diff = _diff(folder, version, previous, quads, issued)
    dumps = build_dumps(store, quads)
    folder.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=folder))
    try:
        panel = _fill(staged, store, dumps, diff, folder)
        os.chmod(staged, 0o777 & ~_umask())
        _refuse_existing(target)
        staged.rename(target)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    files = sum(1 for p in target.rglob("*") if p.is_file())
    return Release(target, diff, files, panel)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
