"""SPARQL query text as tokens, with their offsets and matching brackets.

Enough of SPARQL 1.1's lexical grammar to walk a query's structure without parsing it: IRIs,
prefixed names, variables, blank node labels, literals (with their language tag or datatype),
numbers, words (keywords, ``a``, function names) and punctuation.  Comments are dropped; every
token keeps its offsets in the text, so a rewrite edits the text itself and leaves the rest as it
was written.  ``<`` starts an IRI only where an IRI can be read (no spaces up to ``>``), as
SPARQL's own tokenizer does.  :data:`INERT` is the same comments, strings and IRIs as one pattern.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from govkg.errors import QueryError

_IRI = r'<[^<>"{}|^`\\\x00-\x20]*>'
_PN_PREFIX = r"(?:[^\W\d_](?:[\w.-]*[\w-])?)?"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_LOCAL = rf"(?:(?:[\w:]|{_PLX})(?:(?:[\w.:-]|{_PLX})*(?:[\w:-]|{_PLX}))?)?"
_PNAME = _PN_PREFIX + ":" + _PN_LOCAL
_STRING = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''
)
#: Comments, string literals and IRIs, which may contain any word without it being a keyword
#: (what is masked before a query's text is searched for one).
INERT = re.compile(rf"#[^\n]*|{_STRING}|{_IRI}")
_SUFFIX = rf"(?:\s*(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^\s*(?:{_IRI}|{_PNAME})))?"

#: One token after the white space and comments before it (in the same match: a match is
#: most of a token's cost); ``end`` is the white space after the last token.
_TOKEN = re.compile(
    r"(?:\s+|#[^\n]*)*+(?:"
    rf"(?P<string>(?:{_STRING}){_SUFFIX})"
    rf"|(?P<iri>{_IRI})"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<bnode>_:\w(?:[\w.-]*\w)?)"
    r"|(?P<number>\d+\.\d*[eE][+-]?\d+|\.\d+(?:[eE][+-]?\d+)?|\d+\.\d+(?:[eE][+-]?\d+)?"
    r"|\d+[eE][+-]?\d+|\d+)"
    rf"|(?P<pname>{_PNAME})"
    r"|(?P<word>[^\W\d]\w*)"
    r"|(?P<punct>\^\^|&&|\|\||!=|<=|>=|<<|>>|\{\||\|\}|.)"
    r"|(?P<end>\Z))",
    re.DOTALL,
)

#: A prologue's PREFIX and BASE declarations, white space and comments, read in one match (a
#: server reads every query's declarations, often dozens of them); a declaration written any
#: other way (a comment inside it) is left for :func:`tokenize`.
_PROLOGUE = re.compile(rf"(?:\s+|#[^\n]*|(?i:PREFIX)\s+{_PN_PREFIX}:\s*{_IRI}|(?i:BASE)\s*{_IRI})*")

_PAIRS = {"{": "}", "(": ")", "[": "]"}


class Token(NamedTuple):
    """One token: its kind (``iri``, ``pname``, ``var``, ``bnode``, ``string``, ``number``,
    ``word`` or ``punct``), its text and where it stands in the query.  (A named tuple: every
    query a server answers is read into tokens, and a tuple is made in a fifth of a frozen
    dataclass's time.)"""

    kind: str
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        """The token in upper case if it is a word (a keyword), else ``""``."""
        return self.text.upper() if self.kind == "word" else ""


def prologue_end(sparql: str) -> int:
    """Where the query's prologue ends (its PREFIX and BASE declarations): at most there."""
    match = _PROLOGUE.match(sparql)
    return match.end() if match else 0


def tokenize(sparql: str, start: int = 0) -> list[Token]:
    """The query's tokens from offset ``start`` on, comments and white space left out."""
    new = tuple.__new__  # a fifth faster than Token(...)
    return [
        new(Token, (kind, match.group(kind), *match.span(kind)))
        for match in _TOKEN.finditer(sparql, start)
        if (kind := match.lastgroup) != "end" and kind is not None
    ]


def brackets(tokens: list[Token]) -> dict[int, int]:
    """For each opening ``{``, ``(`` or ``[``, the index of the token that closes it (and the
    other way round); unbalanced brackets are a :class:`QueryError`."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.kind != "punct":
            continue
        if token.text in _PAIRS:
            stack.append(index)
        elif token.text in _PAIRS.values():
            if not stack or _PAIRS[tokens[stack[-1]].text] != token.text:
                raise QueryError(f"SPARQL syntax error: unbalanced {token.text!r}")
            opening = stack.pop()
            match[opening], match[index] = index, opening
    if stack:
        raise QueryError(f"SPARQL syntax error: {tokens[stack[-1]].text!r} is never closed")
    return match
