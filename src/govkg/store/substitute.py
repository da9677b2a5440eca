"""Binding query parameters in SPARQL text, for servers that take only text.

The embedded store binds a parameter natively: Oxigraph starts the evaluation from a solution in
which the variable already has its value, and that solution flows into every operator: both
sides of a join, OPTIONAL and MINUS, each branch of a UNION, EXISTS, a sub-select that projects
the variable (one that does not project it has a variable of its own), and the answer's row.
A remote SPARQL 1.1 server takes only query text, so the same binding is written into it:

- wherever SPARQL's grammar admits a term, the term replaces the variable: in triple patterns (an
  IRI anywhere, a literal as subject or object), in expressions (FILTER, BIND, HAVING, ORDER BY
  expressions, projections; ``BOUND(?x)`` becomes ``true``); this keeps a zero-length path
  (``?x :p* ?y``) rooted at the term and lets the server's planner start from it;
- ``VALUES ?x { term }`` opens every WHERE clause in the variable's scope (the query's, and each
  sub-select's that projects it), so the answer's rows, ``SELECT *``, GROUP BY, ORDER BY and a
  CONSTRUCT template have the variable as pre-bound; it also opens each MINUS group (pre-bound,
  both sides of MINUS hold the variable, so they always share it) and each group that keeps the
  variable in a pattern (inline ``VALUES ?x``, a literal as predicate or graph name: joined
  there, they keep the rows that agree with the term, as pre-binding does).
  A sub-select binds the variable itself rather than leave it unbound for the join outside:
  Virtuoso joins a projected but unbound variable as SQL's NULL, which matches nothing; and
  VALUES is kept out of groups that need none (Virtuoso 7.2 then miscounts ``COUNT(DISTINCT)``).

Where no rewrite has the same meaning, the query is refused with a :class:`QueryError` that says
why: a variable the query itself assigns (``BIND(… AS ?x)``, ``(… AS ?x)``), a variable a SELECT
does not project (Oxigraph refuses it too), an aggregate query that projects the variable
without grouping by it, and blank nodes or triples as values.  The term is written in
N-Triples syntax (escaped: a value never becomes query syntax).
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from govkg.errors import QueryError
from govkg.store.base import Term
from govkg.store.tokens import Token, brackets, tokenize

_GROUP_WORDS = {"OPTIONAL", "MINUS", "UNION", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES"}
_MODIFIERS = {"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}
_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}


def substitute(sparql: str, bindings: Mapping[str, Term]) -> str:
    """The query with each bound variable bound in its text, or a :class:`QueryError` saying
    why that cannot be done with the same meaning as the embedded store's binding."""
    if not bindings:
        return sparql
    terms = {name: _written(name, term) for name, term in bindings.items()}
    literals = {name for name, term in bindings.items() if isinstance(term, ox.Literal)}
    rewrite = _Rewrite(tokenize(sparql), terms, literals)
    rewrite.query()
    return rewrite.apply(sparql)


def _written(name: str, term: Term) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)
    kind = "a blank node" if isinstance(term, ox.BlankNode) else "a triple"
    raise QueryError(
        f"?{name} cannot be bound to {kind} on a remote store (only IRIs and literals)"
    )


class _Rewrite:
    """One walk over a query's tokens, collecting the edits that bind its parameters."""

    def __init__(
        self,
        tokens: list[Token],
        terms: dict[str, str],
        literals: set[str],
        match: dict[int, int] | None = None,
    ) -> None:
        self.tokens = tokens
        self.match = brackets(tokens) if match is None else match
        self.terms = terms
        self.literals = literals
        self.edits: list[tuple[int, int, str]] = []
        self.found: set[str] = set()  # variables seen where they are in scope (for SELECT *)
        self.unbound: set[str] = set()  # bound variables the current group keeps as variables

    # -- the text -------------------------------------------------------------------------
    def apply(self, sparql: str) -> str:
        out, last = [], 0
        for start, end, text in sorted(self.edits, key=lambda edit: (edit[0], edit[1])):
            out += [sparql[last:start], text]
            last = end
        out.append(sparql[last:])
        return "".join(out)

    def _text(self, index: int) -> str:
        return self.tokens[index].text if index < len(self.tokens) else ""

    def _word(self, index: int) -> str:
        return self.tokens[index].word if index < len(self.tokens) else ""

    def _name(self, index: int) -> str:
        token = self.tokens[index] if index < len(self.tokens) else None
        return token.text[1:] if token is not None and token.kind == "var" else ""

    def _values(self, names: list[str]) -> str:
        if len(names) == 1:
            return f" VALUES ?{names[0]} {{ {self.terms[names[0]]} }} "
        variables = " ".join(f"?{name}" for name in names)
        return f" VALUES ({variables}) {{ ({' '.join(self.terms[n] for n in names)}) }} "

    def _ordered(self, scope: frozenset[str]) -> list[str]:
        return [name for name in self.terms if name in scope]

    # -- the query --------------------------------------------------------------------------
    def query(self) -> None:
        index = self._after_prologue(0)
        form = self._word(index)
        names = frozenset(self.terms)
        occurring = {self._name(i) for i in range(len(self.tokens))}
        for name in self.terms:
            if name not in occurring:
                raise QueryError(f"?{name} does not occur in the query")
        if form == "SELECT":
            self._select(index, names, top=True)
        elif form in ("ASK", "CONSTRUCT", "DESCRIBE"):
            self._other_form(index, form, names)
        else:
            raise QueryError("only SELECT, ASK, CONSTRUCT and DESCRIBE queries take parameters")

    def _after_prologue(self, index: int) -> int:
        while True:
            word = self._word(index)
            if word == "BASE":
                index += 2
            elif word == "PREFIX":
                index += 3
            else:
                return index

    def _other_form(self, index: int, form: str, scope: frozenset[str]) -> None:
        start = index + 1
        index = start
        if form == "CONSTRUCT" and self._text(index) == "{":
            index = self.match[index] + 1  # the template keeps the variables VALUES binds
        elif form == "DESCRIBE":
            while (
                self.tokens[index:]
                and self._text(index) != "{"
                and not (self._word(index) in ("WHERE", "FROM") or self._word(index) in _MODIFIERS)
            ):
                index += 1
        while self._word(index) == "FROM":
            index += 3 if self._word(index + 1) == "NAMED" else 2
        if self._word(index) == "WHERE":
            index += 1
        if self._text(index) != "{":
            if form != "DESCRIBE":
                raise QueryError(f"SPARQL syntax error: {form} without a WHERE clause")
            at = self.tokens[index - 1].end
            self.edits.append((at, at, f" WHERE {{{self._values(self._ordered(scope))}}}"))
            self._modifiers(index, len(self.tokens), scope)
            return
        if form == "CONSTRUCT" and self._text(start) != "{":  # CONSTRUCT WHERE { T }
            self._short_construct(start, index)
        self._group(index, scope, pattern=True, bind=True)
        self._modifiers(self.match[index] + 1, len(self.tokens), scope)

    def _short_construct(self, after_keyword: int, where: int) -> None:
        """``CONSTRUCT WHERE { T }`` becomes ``CONSTRUCT { T } WHERE { T }``: the short form
        admits only triples in its group, and VALUES must go there."""
        body = self.tokens[where : self.match[where] + 1]
        text = " ".join(token.text for token in body)
        at = self.tokens[after_keyword - 1].end
        self.edits.append((at, at, f" {text}"))

    def _select(self, index: int, scope: frozenset[str], top: bool) -> int:
        """Walk a SELECT from its keyword; the index after its last modifier."""
        plain, assigned, star, expressions, index = self._projection(index + 1)
        while self._word(index) == "FROM":
            index += 3 if self._word(index + 1) == "NAMED" else 2
        if self._word(index) == "WHERE":
            index += 1
        where = index
        if self._text(where) != "{":
            raise QueryError("SPARQL syntax error: SELECT without a WHERE clause")
        inner = self._inner_scope(scope, plain, assigned, star, where, top)
        if top:
            self._refuse_ungrouped(inner, plain, expressions, self.match[where] + 1)
        for start, end in expressions:
            self._expression(start, end, inner)
        before = set(self.found)
        self._group(where, inner, pattern=True, bind=True)  # an empty scope binds nothing
        inside = self.found - before
        self.found = before | plain | assigned | (inside if star else set())
        return self._modifiers(self.match[where] + 1, len(self.tokens), inner)

    def _projection(
        self, index: int
    ) -> tuple[set[str], set[str], bool, list[tuple[int, int]], int]:
        while self._word(index) in ("DISTINCT", "REDUCED"):
            index += 1
        plain: set[str] = set()
        assigned: set[str] = set()
        star = False
        expressions: list[tuple[int, int]] = []
        while index < len(self.tokens) and self._word(index) not in ("WHERE", "FROM"):
            text = self._text(index)
            if text == "{":
                break
            if text == "*":
                star = True
            elif self._name(index):
                plain.add(self._name(index))
            elif text == "(":
                close = self.match[index]
                if self._word(close - 2) == "AS":
                    assigned.add(self._name(close - 1))
                expressions.append((index + 1, close - 2))
                index = close
            index += 1
        return plain, assigned, star, expressions, index

    def _inner_scope(
        self,
        scope: frozenset[str],
        plain: set[str],
        assigned: set[str],
        star: bool,
        where: int,
        top: bool,
    ) -> frozenset[str]:
        inner = set()
        for name in scope:
            if name in assigned:
                if top or self._occurs_besides(name, where):
                    raise QueryError(
                        f"?{name} is assigned by the query (AS ?{name}); it cannot be bound"
                    )
            elif name in plain or (star and self._in_scope(name, where)):
                inner.add(name)
            elif top:
                raise QueryError(f"?{name} is not selected by the query")
        return frozenset(inner)

    def _occurs_besides(self, name: str, where: int) -> bool:
        """Whether a sub-select that assigns ``?name`` also uses it in its WHERE clause."""
        return any(self._name(i) == name for i in range(where, self.match[where]))

    def _in_scope(self, name: str, where: int) -> bool:
        """Whether ``SELECT *`` projects ``?name``: it stands in the WHERE clause where it is in
        scope (a triple pattern, VALUES, BIND, a projection of a sub-select), not only in a
        FILTER, EXISTS or MINUS."""
        probe = _Rewrite(self.tokens, {name: self.terms[name]}, self.literals, self.match)
        try:
            probe._group(where, frozenset(), pattern=True)
        except QueryError:
            return True  # the real walk names the reason
        return name in probe.found

    def _refuse_ungrouped(
        self, scope: frozenset[str], plain: set[str], expressions: list[tuple[int, int]], after: int
    ) -> None:
        """Pre-bound, a variable keeps its value in every row even of an aggregate query; in
        text, grouping without it drops it."""
        keys = self._group_keys(after)
        aggregated = keys is not None or any(
            self._word(i) in _AGGREGATES and self._text(i + 1) == "("
            for start, end in expressions
            for i in range(start, end)
        )
        for name in scope & plain:
            if aggregated and name not in (keys or set()):
                raise QueryError(
                    f"?{name} is selected by an aggregate query that does not group by it"
                )

    def _group_keys(self, index: int) -> set[str] | None:
        if not (self._word(index) == "GROUP" and self._word(index + 1) == "BY"):
            return None
        keys = set()
        index += 2
        while index < len(self.tokens) and self._word(index) not in _MODIFIERS - {"GROUP"}:
            if self._text(index) in ("(", "{"):
                index = self.match[index]
            elif self._name(index):
                keys.add(self._name(index))
            index += 1
        return keys

    def _modifiers(self, index: int, end: int, scope: frozenset[str]) -> int:
        """GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET and VALUES after a WHERE clause: ``(… AS
        ?x)`` of a bound variable is refused; an EXISTS group is walked."""
        while index < end:
            text, word = self._text(index), self._word(index)
            if text in ("}", ")"):
                return index
            if word == "VALUES":
                while self._text(index) != "{":
                    index += 1
                index = self.match[index]
            elif text == "(":
                self._assignment(index, scope)
                self._expression(index + 1, self.match[index], scope)
                index = self.match[index]
            index += 1
        return index

    def _assignment(self, opening: int, scope: frozenset[str]) -> None:
        close = self.match[opening]
        if self._word(close - 2) == "AS" and self._name(close - 1) in scope:
            name = self._name(close - 1)
            raise QueryError(f"?{name} is assigned by the query (AS ?{name}); it cannot be bound")

    def _expression(self, start: int, end: int, scope: frozenset[str]) -> None:
        """In an expression a bound variable becomes its term (``BOUND(?x)`` becomes ``true``);
        the variable an ``AS`` names is left to the caller; an EXISTS group is a group."""
        index = start
        while index < end:
            word, name = self._word(index), self._name(index)
            if word == "EXISTS" and self._text(index + 1) == "{":
                self._group(index + 1, scope, pattern=False)
                index = self.match[index + 1]
            elif word == "AS":
                index += 1
            elif word == "BOUND" and self._name(index + 2) in scope:
                first, last = self.tokens[index], self.tokens[index + 3]
                self.edits.append((first.start, last.end, "true"))
                index += 3
            elif name in scope:
                token = self.tokens[index]
                self.edits.append((token.start, token.end, self.terms[name]))
            index += 1

    # -- groups -------------------------------------------------------------------------------
    def _group(
        self, opening: int, scope: frozenset[str], pattern: bool, bind: bool = False
    ) -> None:
        """Walk a group; it starts with VALUES for every bound variable if ``bind`` (a WHERE
        clause, MINUS), else for those it keeps as variables in its patterns."""
        close, outer = self.match[opening], self.unbound
        self.unbound = set()
        if self._word(opening + 1) == "SELECT":
            found = set(self.found)
            self._select(opening + 1, scope, top=False)
            self.found = self.found if pattern else found
        else:
            index = opening + 1
            while index < close:
                index = self._element(index, close, scope, pattern)
        names = self._ordered(scope if bind else scope & self.unbound)
        self.unbound = outer
        if not names:
            return
        at = self.tokens[opening].end
        if self._word(opening + 1) == "SELECT":  # `{ SELECT … }` admits nothing beside it
            self.edits.append((at, at, f"{self._values(names)}{{ "))
            self.edits.append((self.tokens[close].start, self.tokens[close].start, " } "))
        else:
            self.edits.append((at, at, self._values(names)))

    def _element(self, index: int, close: int, scope: frozenset[str], pattern: bool) -> int:
        word, text = self._word(index), self._text(index)
        if word in ("OPTIONAL", "UNION"):
            return self._group_at(index + 1, scope, pattern)
        if word == "MINUS":  # pre-bound, both sides hold the variable: they share it
            return self._group_at(index + 1, scope, False, bind=True)
        if word in ("GRAPH", "SERVICE"):
            index += 2 if self._word(index + 1) == "SILENT" else 1
            self._node(index, scope, pattern, graph=True)
            return self._group_at(index + 1, scope, pattern)
        if word == "FILTER":
            return self._constraint(index + 1, scope)
        if word == "BIND":
            return self._bind(index + 1, scope, pattern)
        if word == "VALUES":
            return self._inline_values(index + 1, scope, pattern)
        if text == "{":
            return self._group_at(index, scope, pattern)
        if text == ".":
            return index + 1
        return self._triples(index, close, scope, pattern)

    def _group_at(
        self, opening: int, scope: frozenset[str], pattern: bool, bind: bool = False
    ) -> int:
        if self._text(opening) != "{":
            raise QueryError(f"SPARQL syntax error near {self._text(opening)!r}")
        self._group(opening, scope, pattern, bind)
        return self.match[opening] + 1

    def _constraint(self, index: int, scope: frozenset[str]) -> int:
        if self._word(index) == "NOT":
            index += 1
        if self._word(index) == "EXISTS":
            return self._group_at(index + 1, scope, False)
        if self._text(index) != "(":
            index += 1  # a function's name: its arguments follow
        close = self.match.get(index)
        if close is None:
            raise QueryError(f"SPARQL syntax error near {self._text(index)!r}")
        self._expression(index + 1, close, scope)
        return close + 1

    def _bind(self, opening: int, scope: frozenset[str], pattern: bool) -> int:
        close = self.match.get(opening)
        if close is None or self._word(close - 2) != "AS":
            raise QueryError("SPARQL syntax error in BIND")
        self._assignment(opening, scope)
        if pattern:
            self.found.add(self._name(close - 1))
        self._expression(opening + 1, close - 2, scope)
        return close + 1

    def _inline_values(self, index: int, scope: frozenset[str], pattern: bool) -> int:
        """Inline data keeps its variables: joined in its group with the bound value, it keeps
        the rows that agree with it, as the pre-bound solution does."""
        if self._text(index) == "(":
            names = range(index + 1, self.match[index])
            index = self.match[index] + 1
        else:
            names = range(index, index + 1)
            index += 1
        if pattern:
            self.found.update(self._name(i) for i in names)
        self.unbound.update(scope.intersection(self._name(i) for i in names))
        if self._text(index) != "{":
            raise QueryError("SPARQL syntax error in VALUES")
        return self.match[index] + 1

    # -- triples ------------------------------------------------------------------------------
    def _triples(self, index: int, close: int, scope: frozenset[str], pattern: bool) -> int:
        start = index
        index = self._term(index, scope, pattern)
        index = self._property_list(index, close, scope, pattern)
        return max(index, start + 1)

    def _property_list(self, index: int, end: int, scope: frozenset[str], pattern: bool) -> int:
        while index < end:
            text = self._text(index)
            if text == ";":
                index += 1
                continue
            if text in (".", "}", "]", "{", ")") or self._word(index) in _GROUP_WORDS:
                return index
            index = self._verb(index, scope, pattern)
            index = self._objects(index, end, scope, pattern)
            if self._text(index) != ";":
                return index
        return index

    def _verb(self, index: int, scope: frozenset[str], pattern: bool) -> int:
        if self._name(index):
            self._node(index, scope, pattern, verb=True)
            return index + 1
        while index < len(self.tokens):  # a property path: no variables in it
            while self._text(index) in ("^", "!"):
                index += 1
            index = self.match[index] + 1 if self._text(index) == "(" else index + 1
            if self._text(index) in ("*", "+", "?"):
                index += 1
            if self._text(index) not in ("/", "|"):
                return index
            index += 1
        return index

    def _objects(self, index: int, end: int, scope: frozenset[str], pattern: bool) -> int:
        index = self._term(index, scope, pattern)
        while self._text(index) == "," and index < end:
            index = self._term(index + 1, scope, pattern)
        if self._text(index) == "{|":  # an annotation (SPARQL 1.2)
            while self._text(index) != "|}":
                index += 1
            index += 1
        return index

    def _term(self, index: int, scope: frozenset[str], pattern: bool) -> int:
        text = self._text(index)
        if text == "[":
            close = self.match[index]
            self._property_list(index + 1, close, scope, pattern)
            return close + 1
        if text == "(":  # a collection
            close, index = self.match[index], index + 1
            while index < close:
                index = self._term(index, scope, pattern)
            return close + 1
        if (
            text in ("+", "-")
            and self.tokens[index + 1 :][:1]
            and self.tokens[index + 1].kind == "number"
        ):
            return index + 2
        if self._name(index):
            self._node(index, scope, pattern)
        return index + 1

    def _node(
        self,
        index: int,
        scope: frozenset[str],
        pattern: bool,
        verb: bool = False,
        graph: bool = False,
    ) -> None:
        """A variable in a triple pattern (or GRAPH's name) becomes the term where SPARQL's
        grammar admits it; VALUES binds it everywhere else."""
        name = self._name(index)
        if not name:
            return
        if pattern:
            self.found.add(name)
        if name not in scope:
            return
        if name in self.literals and (verb or graph):
            self.unbound.add(name)  # the group's VALUES binds it: it matches nothing
            return
        token = self.tokens[index]
        self.edits.append((token.start, token.end, self.terms[name]))
