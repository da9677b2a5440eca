"""Binding query variables to RDF terms in SPARQL text, for servers without SEP-0007.

The embedded store binds parameters natively (Oxigraph's substitutions).  A remote SPARQL 1.1
server takes only text, so each occurrence of a bound variable is replaced by the term, written in
N-Triples syntax (escaped, so a value can never become query syntax): in the query's SELECT
clause ``?x`` becomes ``(term AS ?x)``, in a sub-select's it is dropped (the term stands inside
and outside the sub-select, so nothing joins on it; ``(term AS ?x)`` there would bind ``?x``
twice; one left with nothing to project projects ``(1 AS ?govkg_bound)``), in GROUP BY
``(term)``, elsewhere the term itself.  Comments, strings and IRIs are left
untouched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from govkg.store import Term

_TOKEN = re.compile(
    r'(?P<inert>#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>)'
    r"|(?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<word>[A-Za-z]+)"
    r"|(?P<open>\()|(?P<close>\))|(?P<brace>[{}])"
)
_CLAUSE_END = {"WHERE", "FROM", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}


def substitute(sparql: str, bindings: Mapping[str, Term]) -> str:
    """The query with every bound variable replaced by its term."""
    if not bindings:
        return sparql
    terms = {name: str(term) for name, term in bindings.items()}
    out: list[str] = []
    mode, depth, braces, last = "", 0, 0, 0
    previous_word = ""
    projected = True  # whether the SELECT clause being read still projects something
    for match in _TOKEN.finditer(sparql):
        gap = sparql[last : match.start()]
        out.append(gap)
        last = match.end()
        text, kind = match.group(), match.lastgroup
        if mode == "select" and gap.strip():
            projected = True  # `*`, or anything else the tokens do not name
        upper = text.upper() if kind == "word" else ""
        ends_select = kind == "brace" or (upper in _CLAUSE_END and upper != "VALUES")
        if mode == "select" and ends_select and not projected:
            out.append(EMPTY_PROJECTION)  # `SELECT WHERE` would be a syntax error
        if kind == "word":
            if upper == "SELECT":
                mode, depth, projected = "select", 0, False
            elif upper == "BY" and previous_word == "GROUP":
                mode, depth = "group", 0
            elif upper in _CLAUSE_END:
                mode = ""
            elif mode == "select" and upper not in ("DISTINCT", "REDUCED"):
                projected = True
            previous_word = upper
        elif kind == "brace":
            mode = ""
            braces += 1 if text == "{" else -1
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "var" and text[1:] in terms and previous_word != "AS":
            text = _replacement(terms[text[1:]], text, mode, depth, nested=braces > 0)
        if mode == "select" and kind != "word" and text:
            projected = True
        out.append(text)
    out.append(sparql[last:])
    return "".join(out)


#: What a sub-select projects when the bound variable was all it projected: a constant, so that
#: it keeps its rows (and joins on nothing).
EMPTY_PROJECTION = "(1 AS ?govkg_bound) "


def _replacement(term: str, variable: str, mode: str, depth: int, nested: bool) -> str:
    if mode == "select" and depth == 0:
        return "" if nested else f"({term} AS ?{variable[1:]})"
    if mode == "group" and depth == 0:
        return f"({term})"
    return term
