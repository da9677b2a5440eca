"""A release's ``CITATION.cff`` (Citation File Format 1.2.0), so it can be cited by version."""

from __future__ import annotations

import json

from govkg.release.versions import release_url
from govkg.site.metadata import DESCRIPTION, TITLE, W3ID_BASE

#: The SPDX identifier of the data's licence (CC BY 4.0, as the VoID description says).
LICENSE_SPDX = "CC-BY-4.0"
AUTHORS = "govkg contributors"
KEYWORDS = ("AI governance", "knowledge graph", "international relations", "linked data")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def _work(version: str, issued: str, indent: str, kind: str) -> list[str]:
    """The keys the citation and its preferred citation share (``kind``: the type of work,
    ``dataset`` at the top, ``data`` in a reference)."""
    return [
        f"{indent}type: {kind}",
        f"{indent}title: {_q(TITLE)}",
        f"{indent}version: {_q(version)}",
        f"{indent}date-released: {issued}",
        f"{indent}license: {LICENSE_SPDX}",
        f"{indent}authors:",
        f"{indent}  - name: {_q(AUTHORS)}",
        f"{indent}url: {_q(W3ID_BASE)}",
        f"{indent}repository: {_q(release_url(version))}",
    ]


def citation_cff(version: str, issued: str) -> bytes:
    """The ``CITATION.cff`` of release ``version`` issued on ``issued`` (``YYYY-MM-DD``)."""
    lines = [
        "cff-version: 1.2.0",
        f"message: {_q('If you use this dataset, please cite this release of it as below.')}",
        *_work(version, issued, "", "dataset"),
        f"abstract: {_q(DESCRIPTION)}",
        "keywords:",
        *(f"  - {_q(k)}" for k in KEYWORDS),
        "preferred-citation:",
        *_work(version, issued, "  ", "data"),
    ]
    return ("\n".join(lines) + "\n").encode()
