"""Binding query variables to RDF terms in SPARQL text, for servers without SEP-0007.

The embedded store binds parameters natively (Oxigraph's substitutions).  A remote SPARQL 1.1
server takes only text, so each occurrence of a bound variable is replaced by the term, written in
N-Triples syntax (escaped, so a value can never become query syntax): in the query's SELECT
clause ``?x`` becomes ``(term AS ?x)``, in a sub-select's it is dropped (the term stands inside
and outside the sub-select, so nothing joins on it; ``(term AS ?x)`` there would bind ``?x``
twice), in GROUP BY ``(term)``, elsewhere the term itself.  Comments, strings and IRIs are left
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
    for match in _TOKEN.finditer(sparql):
        out.append(sparql[last : match.start()])
        last = match.end()
        text, kind = match.group(), match.lastgroup
        if kind == "word":
            upper = text.upper()
            if upper == "SELECT":
                mode, depth = "select", 0
            elif upper == "BY" and previous_word == "GROUP":
                mode, depth = "group", 0
            elif upper in _CLAUSE_END:
                mode = ""
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
        out.append(text)
    out.append(sparql[last:])
    return "".join(out)


def _replacement(term: str, variable: str, mode: str, depth: int, nested: bool) -> str:
    if mode == "select" and depth == 0:
        return "" if nested else f"({term} AS ?{variable[1:]})"
    if mode == "group" and depth == 0:
        return f"({term})"
    return term
