"""The text index: the documents in an SQLite FTS5 table, searched and ranked.

Ranking, first to last: a resource one of whose names *is* the search text (accents, case and
punctuation aside); then resources whose names hold every word; then those whose names hold
them with the last word as a prefix only ("china" finds "chinadailyasia.com" after every
"China"); then the texts that hold every word, then those that hold them as a prefix (the words
of a quotation, a description, a speaker's name).  Within each, FTS5's BM25 with a hit in the
title worth ten times one in a text, then shorter titles, then by title and IRI: the same order
from any store.  Accents and case are folded (``unicode61 remove_diacritics 2``).

The user's text reaches SQLite only as bound parameters, and FTS5 only as quoted words
(:mod:`govkg.textsearch.query`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from govkg.errors import GovkgError
from govkg.textsearch.documents import Document
from govkg.textsearch.query import fold, match_expression
from govkg.textsearch.results import END, START, Hit, SearchPage, SearchRequest

#: What the index file holds; another value rebuilds it.
LAYOUT = "govkg text index 1"
#: BM25 weights of the columns: title, other names, texts, context.
WEIGHTS = (10.0, 4.0, 1.0, 0.5)
#: Tokens a snippet shows around the matched words.
SNIPPET_TOKENS = 24
_SEPARATOR = " · "
_NAMES = ("title", "names")

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE doc (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
                  title TEXT NOT NULL);
CREATE TABLE name (folded TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (folded, id))
  WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(title, names, body, context,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2');
"""
_INSERT_TEXT = "INSERT INTO fts (rowid, title, names, body, context) VALUES (?, ?, ?, ?, ?)"
_WHERE = "fts MATCH :match AND substr(doc.iri, 1, :length) = :base"
_RANKED = f"""SELECT doc.id, doc.id IN (SELECT id FROM name WHERE folded = :folded) AS exact,
  doc.id IN (SELECT rowid FROM fts WHERE fts MATCH :named_words) AS named_words,
  doc.id IN (SELECT rowid FROM fts WHERE fts MATCH :named) AS named,
  doc.id IN (SELECT rowid FROM fts WHERE fts MATCH :whole_words) AS whole_words,
  bm25(fts, {", ".join(map(str, WEIGHTS))}) AS score
FROM fts JOIN doc ON doc.id = fts.rowid WHERE {_WHERE} {{kinds}}
ORDER BY exact DESC, named_words DESC, named DESC, whole_words DESC, score, length(doc.title),
  doc.title, doc.iri
LIMIT :limit OFFSET :offset"""
_COUNTS = f"""SELECT doc.kind, count(*) FROM fts JOIN doc ON doc.id = fts.rowid
WHERE {_WHERE} GROUP BY doc.kind"""
_MARKED = f"""SELECT fts.rowid, doc.iri, doc.kind, doc.title,
  highlight(fts, 0, :start, :end), highlight(fts, 3, :start, :end),
  snippet(fts, 2, :start, :end, '…', {SNIPPET_TOKENS}),
  snippet(fts, 1, :start, :end, '…', {SNIPPET_TOKENS})
FROM fts JOIN doc ON doc.id = fts.rowid WHERE fts MATCH :match AND fts.rowid IN ({{ids}})"""


class TextSearchError(GovkgError):
    """The text index could not be built, read or written."""


def _has_fts5() -> bool:
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
    except sqlite3.Error:
        return False
    finally:
        probe.close()
    return True


#: Whether this Python's SQLite has FTS5 (checked once, when govkg.textsearch is imported).
HAS_FTS5 = _has_fts5()


def require_fts5() -> None:
    """Raise a one-line :class:`TextSearchError` when this Python's SQLite lacks FTS5."""
    if not HAS_FTS5:
        raise TextSearchError(
            f"this Python's SQLite ({sqlite3.sqlite_version}) has no FTS5, which the text "
            "search needs: use a Python whose sqlite3 module is built with FTS5"
        )


def build(documents: Sequence[Document], stamp: str) -> TextIndex:
    """An index of ``documents`` in memory, recording the store's ``stamp``."""
    require_fts5()
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.executescript(_SCHEMA)
    numbered = list(enumerate(documents, 1))
    with db:
        db.executemany("INSERT INTO doc VALUES (?, ?, ?, ?)", _doc_rows(numbered))
        db.executemany(_INSERT_TEXT, _text_rows(numbered))
        db.executemany("INSERT OR IGNORE INTO name VALUES (?, ?)", _name_rows(numbered))
        meta = {"layout": LAYOUT, "stamp": stamp, "documents": str(len(documents))}
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    return TextIndex(db)


Numbered = Sequence[tuple[int, Document]]


def _doc_rows(numbered: Numbered) -> Iterator[tuple[object, ...]]:
    return ((n, d.iri, d.kind, d.title) for n, d in numbered)


def _text_rows(numbered: Numbered) -> Iterator[tuple[object, ...]]:
    """Each document's columns: rowid, title, other names, texts, context."""
    for n, d in numbered:
        yield n, d.title, *(_SEPARATOR.join(texts) for texts in (d.names, d.body, d.context))


def _name_rows(numbered: Numbered) -> Iterator[tuple[object, ...]]:
    """Each name of each document, folded (for the exact match)."""
    return ((fold(name), n) for n, d in numbered for name in (d.title, *d.names))


def open_file(path: Path) -> TextIndex | None:
    """The index in the file ``path``, read-only; None when it is missing, unreadable or of
    another layout."""
    require_fts5()
    if not path.is_file():
        return None
    uri = path.resolve().as_uri() + "?mode=ro"
    db = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        if TextIndex(db).meta("layout") == LAYOUT:
            return TextIndex(db)
    except sqlite3.Error:  # not an SQLite file, or not one of ours
        pass
    db.close()
    return None


class TextIndex:
    """An open index; safe to search from several threads (one search at a time)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._lock = threading.Lock()

    def meta(self, key: str) -> str:
        """A value recorded when the index was built (``layout``, ``stamp``, ``documents``)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else ""

    @property
    def stamp(self) -> str:
        """The source hash of the store the index was built from ("" if it has none)."""
        return self.meta("stamp")

    def data(self) -> bytes:
        """The whole index as the bytes of an SQLite database file."""
        with self._lock:
            return self._db.serialize()

    def close(self) -> None:
        self._db.close()

    def search(self, request: SearchRequest) -> SearchPage:
        """One page of the hits of ``request``, ranked (see the module's description)."""
        found = request.words
        if not found:
            return SearchPage(request, ())
        params = _params(request)
        kinds = {f"k{n}": kind for n, kind in enumerate(request.kinds)}
        where = f"AND doc.kind IN ({', '.join(':' + k for k in kinds)})" if kinds else ""
        with self._lock:
            ranked = self._db.execute(_RANKED.format(kinds=where), params | kinds).fetchall()
            counts = dict(self._db.execute(_COUNTS, params).fetchall())
            hits = self._hits(ranked, params)
        chosen = request.kinds or tuple(counts)
        total = sum(counts.get(kind, 0) for kind in chosen)
        return SearchPage(request, tuple(found), hits, total, counts)

    def _hits(self, ranked: list[tuple[int, ...]], params: dict[str, object]) -> list[Hit]:
        if not ranked:
            return []
        ids = ", ".join(str(int(row[0])) for row in ranked)
        rows = {row[0]: row for row in self._db.execute(_MARKED.format(ids=ids), params)}
        return [_hit(rows[row[0]], bool(row[1])) for row in ranked]


def _params(request: SearchRequest) -> dict[str, object]:
    """The parameters of the queries: the FTS5 expressions of the words, the folded text,
    the namespace, the page and the marks."""
    found = request.words
    return {
        "match": match_expression(found),
        "named_words": match_expression(found, _NAMES, prefix=False),
        "named": match_expression(found, _NAMES),
        "whole_words": match_expression(found, prefix=False),
        "folded": fold(request.text),
        "length": len(request.base),
        "base": request.base,
        "limit": request.per_page,
        "offset": (request.page - 1) * request.per_page,
        "start": START,
        "end": END,
    }


def _hit(row: tuple[object, ...], exact: bool) -> Hit:
    _id, iri, kind, title, title_marked, context, body, names = (str(v or "") for v in row)
    snippet = body if START in body or START not in names else names
    return Hit(iri, kind, title, title_marked, snippet, context, exact)
