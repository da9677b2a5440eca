"""The review file: an article's candidate facts, each with the curator's decision.

``review/SLUG.json`` is written by ``govkg ingest`` and edited by a curator (by hand, or by
``govkg accept``; a review page later).  It is one JSON object::

    {
      "format": "govkg-review/1",
      "article": {"slug": "…", "title": "…", "url": "…", "outlet": "…", "published": "YYYY-MM-DD",
                  "path": "…", "sha256": "<SHA-256 of text>"},
      "text": "the article's plain text: every start/end counts characters in it",
      "candidates": [
        {"id": "…", "kind": "stance", "hedged": false,
         "fields": {"actor": "https://w3id.org/govkg/id/state/USA", "target": "…", …},
         "evidence": {"exact": "…", "prefix": "…", "suffix": "…", "start": 0, "end": 10},
         "mentions": [{"text": "…", "start": 0, "end": 4, "type": "state",
                       "iri": "https://…" or null, "proposed": "", "score": 1.0}],
         "notes": [],
         "decision": "",          // "" undecided, "accept", "reject" or "correct"
         "corrected": {}}          // with "correct": the fields that replace the proposed ones
      ]
    }

A decision is the memory of the review: writing the review of the same article again keeps every
candidate already in the file with its decision and adds only the candidates not seen before
(:func:`merge`), so a rejected candidate is never proposed twice.  Field values that name a
resource may be full IRIs or compact ones (``state:USA``).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from govkg.atomic import write_atomically
from govkg.errors import GovkgError
from govkg.ingest.model import KINDS, Article, Candidate, Mention, Selector

FORMAT = "govkg-review/1"
#: The folder of review files, under the project's root.
REVIEW_DIR = "review"
DECISIONS = ("", "accept", "reject", "correct")
#: At most this many words of the title in a slug.
SLUG_WORDS = 8


class ReviewError(GovkgError):
    """A review file is unreadable or says something that cannot be done; nothing was written."""


@dataclass(frozen=True)
class Item:
    """A candidate with the curator's decision and corrected fields."""

    candidate: Candidate
    decision: str = ""
    corrected: dict[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> dict[str, str]:
        """The fields as decided: the proposed ones with the corrections in their place."""
        if self.decision != "correct":
            return dict(self.candidate.fields)
        return {**self.candidate.fields, **self.corrected}


@dataclass(frozen=True)
class Review:
    """A review file's content: the article, its slug and the candidates with their decisions."""

    article: Article
    slug: str
    items: tuple[Item, ...]

    def item(self, candidate_id: str) -> Item | None:
        return next((i for i in self.items if i.candidate.id == candidate_id), None)


# --- slugs -------------------------------------------------------------------------------------


def slugify(text: str, words: int = SLUG_WORDS) -> str:
    """Lower-case ASCII words joined by hyphens: "U.S. and China Decline…" → "u-s-and-china-…"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", plain.lower())[:words])


def article_slug(article: Article) -> str:
    """The article's slug: its publication date (when known) and the first words of its title,
    else of its file name."""
    words = slugify(article.title) or slugify(Path(article.path).stem) or article.sha256[:12]
    return f"{article.published}-{words}" if article.published else words


# --- writing -----------------------------------------------------------------------------------


def merge(previous: Review | None, new_candidates: list[Candidate]) -> list[Item]:
    """The previous review's items, each with its decision, then every new candidate whose id the
    previous review does not hold: nothing decided is proposed again."""
    items = list(previous.items) if previous is not None else []
    seen = {item.candidate.id for item in items}
    return items + [Item(c) for c in new_candidates if c.id not in seen]


def review_path(article: Article, folder: Path) -> Path:
    return folder / f"{article_slug(article)}.json"


def write_review(article: Article, candidates: list[Candidate], folder: Path) -> Path:
    """Write (or extend) ``folder/SLUG.json`` atomically and return its path.  A review already
    there for the same text keeps its decisions (:func:`merge`); one for another text is an
    error."""
    path = review_path(article, folder)
    previous = read_review(path) if path.exists() else None
    if previous is not None and previous.article.sha256 != article.sha256:
        raise ReviewError(
            f"{path}: this review is of another text (sha256 {previous.article.sha256[:12]}…, "
            f"not {article.sha256[:12]}…); move it away to review the new text"
        )
    review = Review(article, article_slug(article), tuple(merge(previous, candidates)))
    save_review(review, path)
    return path


def save_review(review: Review, path: Path) -> None:
    data = json.dumps(review_json(review), ensure_ascii=False, indent=2) + "\n"
    write_atomically([(path, data.encode("utf-8"))], ReviewError, make_folders=True)


def review_json(review: Review) -> dict[str, Any]:
    article = review.article
    return {
        "format": FORMAT,
        "article": {
            "slug": review.slug,
            "title": article.title,
            "url": article.url,
            "outlet": article.outlet,
            "published": article.published,
            "path": article.path,
            "sha256": article.sha256,
        },
        "text": article.text,
        "candidates": [_item_json(item) for item in review.items],
    }


def _item_json(item: Item) -> dict[str, Any]:
    candidate = item.candidate
    return {
        "id": candidate.id,
        "kind": candidate.kind,
        "hedged": candidate.hedged,
        "fields": dict(candidate.fields),
        "evidence": asdict(candidate.selector),
        "mentions": [asdict(m) for m in candidate.mentions],
        "notes": list(candidate.notes),
        "decision": item.decision,
        "corrected": dict(item.corrected),
    }


# --- reading -----------------------------------------------------------------------------------


def read_review(path: Path) -> Review:
    """Read and check a review file; an error names the file (and the candidate) in one line."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReviewError(f"{path}: no such review file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ReviewError(f"{path}: cannot read: {error}") from None
    except json.JSONDecodeError as error:
        raise ReviewError(f"{path}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ReviewError(f'{path}: not a govkg review file (no "format": "{FORMAT}")')
    article, slug = _article(path, data)
    items = _items(path, data.get("candidates"), article.text)
    return Review(article, slug, items)


def _article(path: Path, data: dict[str, Any]) -> tuple[Article, str]:
    meta, text = data.get("article"), data.get("text")
    if not isinstance(meta, dict) or not isinstance(text, str):
        raise ReviewError(f'{path}: "article" must be an object and "text" a string')
    strings = {k: meta.get(k, "") for k in ("slug", "title", "url", "outlet", "published", "path")}
    strings["sha256"] = meta.get("sha256", "")
    bad = [key for key, value in strings.items() if not isinstance(value, str)]
    if bad:
        raise ReviewError(f'{path}: article "{bad[0]}" must be a string')
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != strings["sha256"]:
        raise ReviewError(f'{path}: the text does not match its sha256: was "text" edited?')
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", strings["slug"]):
        raise ReviewError(f'{path}: article "slug" must be lower-case words joined by hyphens')
    if strings["published"] and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", strings["published"]):
        raise ReviewError(f'{path}: article "published" must be a date YYYY-MM-DD')
    slug = strings.pop("slug")
    return Article(text=text, **strings), slug


def _items(path: Path, entries: Any, text: str) -> tuple[Item, ...]:
    if not isinstance(entries, list):
        raise ReviewError(f'{path}: "candidates" must be a list')
    items: list[Item] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        shown = f"{path}: candidate {entry.get('id') if isinstance(entry, dict) else number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
            raise ReviewError(f'{path}: candidate #{number} has no "id"')
        if entry["id"] in seen:
            raise ReviewError(f"{shown}: the id appears twice")
        seen.add(entry["id"])
        items.append(_item(shown, entry, text))
    return tuple(items)


def _item(shown: str, entry: dict[str, Any], text: str) -> Item:
    if entry.get("kind") not in KINDS:
        raise ReviewError(f'{shown}: "kind" must be one of {", ".join(KINDS)}')
    decision = entry.get("decision", "")
    if decision not in DECISIONS:
        raise ReviewError(f'{shown}: "decision" must be "", "accept", "reject" or "correct"')
    fields = _strings(shown, "fields", entry.get("fields", {}))
    corrected = _strings(shown, "corrected", entry.get("corrected", {}))
    if decision == "correct" and not corrected:
        raise ReviewError(f'{shown}: "correct" needs the corrected fields in "corrected"')
    if not isinstance(entry.get("hedged", False), bool):
        raise ReviewError(f'{shown}: "hedged" must be true or false')
    candidate = Candidate(
        id=entry["id"],
        kind=entry["kind"],
        selector=_selector(shown, entry.get("evidence"), text),
        fields=fields,
        mentions=_mentions(shown, entry.get("mentions", [])),
        hedged=entry.get("hedged", False),
        notes=tuple(str(note) for note in _list(entry.get("notes", []))),
    )
    return Item(candidate, decision, corrected)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(shown: str, name: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ReviewError(f'{shown}: "{name}" must be an object of strings')
    return dict(value)


def _selector(shown: str, value: Any, text: str) -> Selector:
    try:
        selector = Selector(**value)
    except TypeError:
        raise ReviewError(
            f'{shown}: "evidence" must have exact, prefix, suffix, start and end'
        ) from None
    start, end = selector.start, selector.end
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        raise ReviewError(f"{shown}: evidence start/end are not offsets into the text")
    if text[start:end] != selector.exact:
        raise ReviewError(f'{shown}: evidence "exact" is not the text at {start}:{end}')
    return selector


def _mentions(shown: str, value: Any) -> tuple[Mention, ...]:
    if not isinstance(value, list):
        raise ReviewError(f'{shown}: "mentions" must be a list')
    try:
        return tuple(Mention(**m) for m in value)
    except TypeError:
        raise ReviewError(
            f"{shown}: a mention must have text, start, end, type and iri (null when unresolved)"
        ) from None


def decide(review: Review, ids: list[str], decision: str) -> Review:
    """The review with ``decision`` recorded for each candidate of ``ids`` (unknown id: error)."""
    known = {item.candidate.id for item in review.items}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ReviewError(f"no candidate {unknown[0]} in the review of {review.slug}")
    chosen = set(ids)
    items = tuple(
        replace(item, decision=decision) if item.candidate.id in chosen else item
        for item in review.items
    )
    return replace(review, items=items)
