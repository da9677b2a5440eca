"""A user's search text as words, as an FTS5 query, and folded for comparing names.

The text is never handed to FTS5 as query syntax: it is cut into words (runs of letters and
digits, as FTS5's ``unicode61`` tokenizer cuts text), and each word is written as a quoted
string, so ``AND``, ``NEAR(``, ``*``, ``-``, ``:`` and quotes are words or nothing, never
operators.  Every word must match (in any field); the last word also matches as a prefix
(``unit`` finds "United").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

#: Most words of a search taken; the rest are dropped.
MAX_WORDS = 12
#: Letters and digits: what FTS5's unicode61 tokenizer keeps as a token's characters.
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words of a search text (at most :data:`MAX_WORDS`)."""
    return _WORD.findall(unicodedata.normalize("NFC", text))[:MAX_WORDS]


def fold(text: str) -> str:
    """A name or a search text as compared for an exact match: accents dropped, any case,
    words joined by one space ("Côte d'Ivoire" and "cote d ivoire" are the same)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(bare.casefold()))


def match_expression(found: Sequence[str], columns: Sequence[str] = (), prefix: bool = True) -> str:
    """The FTS5 query matching every word (the last also as a prefix, unless not ``prefix``),
    in ``columns`` only when given.  ``found`` must not be empty."""
    quoted = [f'"{word.replace(chr(34), chr(34) * 2)}"' for word in found]
    expression = " ".join(quoted) + (" *" if prefix else "")
    if columns:
        return "{" + " ".join(columns) + "} : (" + expression + ")"
    return expression
