"""The dataset an installed govkg package carries, and the rule that nothing writes into it.

A wheel built from a checkout (setup.py) holds that checkout's ``ontology/``, ``graph/``,
``queries/`` and its releases' change files in ``govkg/_dataset/``, with ``dataset.json``
saying what they were built from.  :func:`govkg.project.find_project` falls back to it when no
checkout is found; an editable install has none and uses its checkout.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govkg.errors import GovkgError

#: Where a built package keeps its dataset.
BUNDLED_DIR = Path(__file__).resolve().parent / "_dataset"
#: What the dataset was built from (written by setup.py).
INFO_NAME = "dataset.json"


class ReadOnlyDatasetError(GovkgError):
    """A write into the dataset bundled with the installed package (exit 2)."""


@dataclass(frozen=True)
class BundledDataset:
    """The bundled dataset: its folder and what ``dataset.json`` says it was built from."""

    root: Path
    version: str
    #: The newest release in the checkout's releases/ when it was built, None before a first.
    release: str | None
    commit: str | None
    commit_date: str | None
    modified: bool
    built: str

    def describe(self) -> str:
        """One line saying which dataset is used, for stderr."""
        which = f"release {self.release}" if self.release else "no release yet"
        if self.commit:
            source = f"built from commit {self.commit[:12]} of {(self.commit_date or '')[:10]}"
            if self.modified:
                source += " with uncommitted changes"
        else:
            source = f"built {self.built[:10]} from a source tree without its commit recorded"
        return (
            f"govkg: using the dataset bundled with govkg {self.version} ({which}, {source}); "
            "give --root CHECKOUT for another"
        )


def bundled_dataset(folder: Path | None = None) -> BundledDataset | None:
    """The dataset bundled in ``folder`` (default :data:`BUNDLED_DIR`), None when the package
    has none (an editable install, or a package built without one)."""
    root = folder if folder is not None else BUNDLED_DIR
    if not (root / "ontology").is_dir() or not (root / "graph").is_dir():
        return None
    info = _read_info(root / INFO_NAME)
    return BundledDataset(
        root=root,
        version=str(info.get("govkg") or "?"),
        release=_text(info.get("release")),
        commit=_text(info.get("commit")),
        commit_date=_text(info.get("commit_date")),
        modified=bool(info.get("modified")),
        built=str(info.get("built") or "?"),
    )


def _text(value: Any) -> str | None:
    return str(value) if value else None


def _read_info(path: Path) -> dict[str, Any]:
    """``dataset.json``; a missing or unreadable one describes the dataset as unknown."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


_announced: set[Path] = set()


def announce(dataset: BundledDataset) -> None:
    """Say on stderr, once a process, that ``dataset`` is the one used."""
    if dataset.root not in _announced:
        _announced.add(dataset.root)
        print(dataset.describe(), file=sys.stderr)


def refuse_bundled(path: Path, folder: Path | None = None) -> None:
    """Raise :class:`ReadOnlyDatasetError` when ``path`` is inside the bundled dataset: it is
    the installed package's copy of a release, which is changed in a checkout, never in place."""
    root = (folder if folder is not None else BUNDLED_DIR).resolve()
    if path.resolve().is_relative_to(root):
        raise ReadOnlyDatasetError(
            f"{path}: the dataset bundled with the installed govkg package is read-only; "
            "to change the graph, work in a checkout (govkg --root CHECKOUT)"
        )
