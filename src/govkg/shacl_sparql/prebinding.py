"""Pre-binding as SHACL defines it: a SPARQL constraint's ``$this`` (and its other pre-bound
variables) replaced by the value *everywhere* in the query, nested groups and sub-selects included.

Oxigraph's substitutions bind a variable at the top of the query only: in ``{ FILTER
(bound($this)) }`` the variable is still unbound, and a violation would be missed.  So an IRI or a
literal is written into the query text in place of each occurrence of the variable (in a
projection, as ``(<iri> AS ?this)``; after GROUP BY or ORDER BY, in parentheses).  A blank node of
the store cannot be written in a query; for one, the store's substitution is used, which is exact
only when the variable appears nowhere below the query's top group: otherwise the constraint is
refused for that node, by name.

The constructs SHACL forbids in such queries (SHACL 5.3.1: MINUS, VALUES, SERVICE, ``AS`` on a
pre-bound variable, a sub-select that does not return ``$this``, ``SELECT *`` in a sub-select)
are refused when the shapes are read, never run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib.plugins.sparql import prepareQuery

from govkg.errors import UnsupportedShape
from govkg.store import INERT

_TOKEN = re.compile(
    rf"(?P<inert>{INERT.pattern})|(?P<var>[?$][A-Za-z_0-9\u00b7\u00c0-\uffff]+)"
    r"|(?P<word>[A-Za-z_][\w-]*(?::[\w.-]*)?)|(?P<space>\s+)|(?P<other>.)",
    re.DOTALL,
)
_FORBIDDEN = {"MINUS", "VALUES", "SERVICE"}
_CLAUSE_ENDS = {"LIMIT", "OFFSET", "HAVING", "VALUES", "GROUP", "ORDER"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    braces: int  # how many braces are open before it
    parens: int


def tokens(query: str) -> list[Token]:
    """The query's tokens (comments, strings and IRIs whole), with their nesting."""
    found, braces, parens = [], 0, 0
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        text = match.group(0)
        if kind == "inert" and text.startswith("#"):
            continue  # a comment
        if text == "}":
            braces -= 1
        if text == ")":
            parens -= 1
        found.append(Token(kind, text, braces, parens))
        if text == "{":
            braces += 1
        if text == "(":
            parens += 1
    return found


def _name(token: Token) -> str:
    return token.text[1:]


def _selects(found: list[Token]) -> Iterator[tuple[Token, list[Token]]]:
    """Each SELECT keyword and the tokens of its projection."""
    for number, token in enumerate(found):
        if token.kind != "word" or token.text.upper() != "SELECT":
            continue
        projection = []
        for later in found[number + 1 :]:
            if later.text == "{" or (later.kind == "word" and later.text.upper() == "WHERE"):
                break
            projection.append(later)
        yield token, projection


def check_query(query: str, where: str, prebound: frozenset[str] = frozenset({"this"})) -> None:
    """Refuse what SHACL forbids in a query with pre-bound variables, and what does not parse."""
    try:
        prepareQuery(query)
    except Exception as error:  # rdflib's parser raises several kinds
        message = " ".join(str(error).split())[:200]
        raise UnsupportedShape(f"{where}: the SPARQL query does not parse: {message}") from None
    found = tokens(query)
    for number, token in enumerate(found):
        if token.kind == "word" and token.text.upper() in _FORBIDDEN:
            raise UnsupportedShape(
                f"{where}: SHACL forbids {token.text.upper()} in a SPARQL constraint (5.3.1)"
            )
        if token.kind == "word" and token.text.upper() == "AS":
            after = next((t for t in found[number + 1 :] if t.kind != "space"), None)
            if after is not None and after.kind == "var" and _name(after) in prebound:
                raise UnsupportedShape(
                    f"{where}: SHACL forbids AS {after.text} (a pre-bound variable) (5.3.1)"
                )
    for select, projection in _selects(found):
        if select.braces == 0:
            continue
        if any(t.text == "*" and t.parens == select.parens for t in projection):
            raise UnsupportedShape(f"{where}: SHACL forbids SELECT * in a sub-select (5.3.1)")
        named = {_name(t) for t in projection if t.kind == "var" and t.parens == select.parens}
        if "this" not in named:
            raise UnsupportedShape(f"{where}: SHACL requires a sub-select to return $this (5.3.1)")


def nested_use(query: str, name: str = "this") -> bool:
    """Whether the variable appears below the query's top group (where the store's substitution
    does not reach it)."""
    return any(t.kind == "var" and _name(t) == name and t.braces > 1 for t in tokens(query))


def substitute(query: str, values: dict[str, str]) -> str:
    """The query with each variable named in ``values`` replaced by its SPARQL text (an IRI or a
    literal) everywhere, as SHACL's pre-binding defines it."""
    found = _bound_calls(tokens(query), values)
    out: list[str] = []
    projection_depth: int | None = None  # inside a SELECT's projection: its brace depth
    ordering = False  # after GROUP BY / ORDER BY
    fresh = 0
    for token in found:
        upper = token.text.upper() if token.kind == "word" else ""
        if upper == "SELECT":
            projection_depth, ordering = token.braces, False
        elif upper == "WHERE" or token.text in "{}":
            projection_depth = None
            ordering = False
        elif upper in ("GROUP", "ORDER"):
            ordering = True
        elif upper in _CLAUSE_ENDS:
            ordering = False
        if token.kind != "var" or _name(token) not in values:
            out.append(token.text)
            continue
        value, name = values[_name(token)], _name(token)
        if projection_depth is not None and token.parens == 0:
            if projection_depth == 0:
                out.append(f"({value} AS ?{name})")
            else:
                fresh += 1
                out.append(f"({value} AS ?govkg_prebound_{fresh})")
        elif ordering and token.parens == 0:
            out.append(f"({value})")
        else:
            out.append(value)
    return "".join(out)


def _bound_calls(found: list[Token], values: dict[str, str]) -> list[Token]:
    """``BOUND($this)`` as ``true``: a pre-bound variable is bound (and BOUND takes a variable
    only, so the value cannot be written there)."""
    solid = [(n, t) for n, t in enumerate(found) if t.kind != "space"]
    drop: set[int] = set()
    for k in range(len(solid) - 3):
        (a, bound), (_b, left), (_c, var), (d, right) = solid[k : k + 4]
        if (bound.kind == "word" and bound.text.upper() == "BOUND" and left.text == "("
                and var.kind == "var" and _name(var) in values and right.text == ")"):  # fmt: skip
            drop.update(range(a + 1, d + 1))
            found[a] = Token("inert", "(true)", bound.braces, bound.parens)
    return [t for n, t in enumerate(found) if n not in drop]


def projected_variables(query: str) -> list[str]:
    """The variables the query's top SELECT returns, read with rdflib's parser."""
    algebra = prepareQuery(query).algebra
    return [str(v) for v in getattr(algebra, "PV", [])]
