"""The one entry point of ingest: an article file to its text and its candidate facts."""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

from govkg.ingest.extract import extract
from govkg.ingest.model import Article, Candidate
from govkg.ingest.names import build_gazetteer
from govkg.ingest.text import read_article
from govkg.store import Store


def propose(
    store: Store, path: str | Path, **article_options: str
) -> tuple[Article, list[Candidate]]:
    """The article in ``path`` (``title``, ``url``, ``outlet``, ``published`` given win over what
    the file says) and the candidate facts proposed from it, names resolved against ``store``."""
    article = read_article(path, **article_options)
    gazetteer = build_gazetteer(store, article.published)
    return article, extract(article, gazetteer)


HEADERS = ("id", "kind", "fields", "hedged", "exact", "start", "end")


def _short(value: str) -> str:
    return value.rsplit("/", 1)[-1] if value.startswith(("http://", "https://")) else value


def candidate_rows(candidates: list[Candidate]) -> list[list[str]]:
    """One row a candidate: its id, kind, fields compacted (IRIs by their last segment),
    whether it is hedged, and its evidence's exact words and offsets."""
    return [
        [
            c.id,
            c.kind,
            "; ".join(
                f"{k}={' '.join(_short(v) for v in value.split(' '))}"
                for k, value in c.fields.items()
                if value
            ),
            "yes" if c.hedged else "",
            " ".join(c.selector.exact.split()),
            str(c.selector.start),
            str(c.selector.end),
        ]
        for c in candidates
    ]


def candidates_json(article: Article, candidates: list[Candidate]) -> dict[str, object]:
    """The article and its candidates as plain data (for ``--format json``)."""
    return {"article": asdict(replace(article, text="")) | {"length": len(article.text)},
            "candidates": [asdict(c) for c in candidates]}  # fmt: skip
