"""``govkg export panel``: the panel built in memory, then its five files written at once."""

from __future__ import annotations

from pathlib import Path

from govkg.align.report import AlignRequest
from govkg.atomic import write_atomically
from govkg.errors import ExportError, RequestError, escaped
from govkg.output import format_rows
from govkg.panel.codebook import codebook_blocks, load_terms, to_html, to_markdown
from govkg.panel.package import (
    CODEBOOK_HTML,
    CODEBOOK_MD,
    DYADS_FILE,
    PACKAGE_FILE,
    PANEL_FILE,
    created_now,
    package_json,
)
from govkg.panel.schema import PANEL_COLUMNS
from govkg.panel.tables import Panel, build_panel
from govkg.store import Store

FILES = (PANEL_FILE, DYADS_FILE, PACKAGE_FILE, CODEBOOK_MD, CODEBOOK_HTML)


def check_folder(folder: Path) -> list[Path]:
    """The files the panel writes in ``folder`` (made if missing, its parent must exist); a
    folder that cannot hold them is a :class:`RequestError` naming ``out``, before any work."""
    if folder.exists() and not folder.is_dir():
        raise RequestError("out", f"{{out}} {escaped(folder)}: is a file, not a folder")
    if not folder.exists() and not folder.parent.is_dir():
        raise RequestError("out", f"{{out}} {escaped(folder)}: its parent folder does not exist")
    return [folder / name for name in FILES]


def panel_files(store: Store, panel: Panel, created: str) -> list[bytes]:
    """The bytes of the five files, in :data:`FILES` order."""
    names = [c.name for c in PANEL_COLUMNS]
    blocks = codebook_blocks(load_terms(store), panel.request, created, panel.codes,
                             (len(panel.rows), len(panel.dyads.rows)))  # fmt: skip
    return [
        format_rows(names, panel.rows, "csv").encode("utf-8"),
        panel.dyads.format("csv").encode("utf-8"),
        package_json(panel.request, created),
        to_markdown(blocks).encode("utf-8"),
        to_html(blocks).encode("utf-8"),
    ]


def write_panel(store: Store, folder: Path, options: AlignRequest | None = None) -> list[Path]:
    """Write panel.csv, dyads.csv, datapackage.json, codebook.md and codebook.html into
    ``folder`` for ``govkg align``'s matrix with ``options`` (its defaults without); returns
    the paths.  Everything is built before anything is written; the files replace any old ones
    all at once, and on an error none is written (:class:`ExportError`)."""
    folder = Path(folder)
    targets = check_folder(folder)
    panel = build_panel(store, options)
    data = panel_files(store, panel, created_now())
    folder.mkdir(exist_ok=True)
    return write_atomically(list(zip(targets, data, strict=True)), ExportError)
