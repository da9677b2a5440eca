"""One solution of a SELECT query, read as the kind of value its reader expects.

:meth:`QueryResult.records <govkg.store.QueryResult.records>` gives a :class:`Row` per solution.
A row is a read-only mapping from each variable of the query to its term (``None`` when unbound),
and each accessor says what the reader expects of a variable and checks it:

========================  ===========================================  ==================
accessor                  gives                                        when unbound
========================  ===========================================  ==================
``row[name]``, ``get``    the term                                     ``None``
``row.term(name)``        the term                                     an error
``row.text(name)``        a literal's lexical form, an IRI's text,     ``""`` (or the
                          a blank node's id                            ``default`` given)
``row.iri(name)``         an IRI's text                                ``None``
``row.node(name)``        an IRI or a blank node, as a term            ``None``
``row.literal(name)``     the literal                                  ``None``
``row.int(name)``         a literal's value as an integer              ``0`` (or ``default``)
``row.bool(name)``        an ``xsd:boolean``'s value                   ``False`` (or
                                                                       ``default``)
``row.date(name)``        a date's lexical form (``2025-02-11``,       ``None``
                          ``2025-02``, ``2025``)
========================  ===========================================  ==================

A value of another kind (an IRI where an integer is read, ``"maybe"`` read as a boolean) raises
:class:`~govkg.errors.RowError`, which names the variable and the value; a name the query does not
project raises ``KeyError`` (``row.get`` gives ``None``, as a mapping's does).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping, Sequence
from typing import overload

import pyoxigraph as ox

from govkg.errors import RowError

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_XSD = "http://www.w3.org/2001/XMLSchema#"
#: What ``row.bool`` reads: the lexical forms of xsd:boolean.
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
#: The datatypes of a date, complete or partial (govkg keeps a partial date as it is written).
DATE_TYPES = frozenset(_XSD + name for name in ("date", "dateTime", "gYearMonth", "gYear"))


class Row(Mapping[str, Term | None]):
    """One solution: its terms by variable name, and typed readers of them."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[str, builtins.int], values: Sequence[Term | None]) -> None:
        """``index`` gives each variable's position in ``values`` (shared by a result's rows)."""
        self._index = index
        self._values = values

    def __getitem__(self, name: str) -> Term | None:
        if name not in self._index:
            known = ", ".join(f"?{v}" for v in self._index) or "none"
            raise KeyError(f"no variable ?{name} in the query's answer (it has {known})")
        return self._values[self._index[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> builtins.int:
        return len(self._index)

    def __repr__(self) -> str:
        return f"Row({ {name: str(value) for name, value in self.items()} })"

    def term(self, name: str) -> Term:
        """The term bound to ``name``; an error when unbound."""
        value = self[name]
        if value is None:
            raise RowError(f"?{name} is unbound, a value was expected")
        return value

    @overload
    def text(self, name: str) -> str: ...
    @overload
    def text(self, name: str, default: str) -> str: ...
    @overload
    def text(self, name: str, default: None) -> str | None: ...

    def text(self, name: str, default: str | None = "") -> str | None:
        """A literal's lexical form, an IRI's text or a blank node's id; ``default`` when
        unbound (an RDF-star triple is an error)."""
        value = self[name]
        if value is None:
            return default
        if isinstance(value, ox.Triple):
            raise _wrong(name, value, "text")
        return value.value

    def iri(self, name: str) -> str | None:
        """An IRI's text; None when unbound (a literal or a blank node is an error)."""
        value = self[name]
        if value is None or isinstance(value, ox.NamedNode):
            return None if value is None else value.value
        raise _wrong(name, value, "an IRI")

    def node(self, name: str) -> ox.NamedNode | ox.BlankNode | None:
        """An IRI or a blank node, as a term (what a subject or a graph name is); None when
        unbound (a literal is an error)."""
        value = self[name]
        if value is None or isinstance(value, ox.NamedNode | ox.BlankNode):
            return value
        raise _wrong(name, value, "an IRI or a blank node")

    def literal(self, name: str, expected: str = "a literal") -> ox.Literal | None:
        """The literal; None when unbound (an IRI or a blank node is an error, which says that
        ``expected`` was)."""
        value = self[name]
        if value is None or isinstance(value, ox.Literal):
            return value
        raise _wrong(name, value, expected)

    @overload
    def int(self, name: str) -> builtins.int: ...
    @overload
    def int(self, name: str, default: builtins.int) -> builtins.int: ...
    @overload
    def int(self, name: str, default: None) -> builtins.int | None: ...

    def int(self, name: str, default: builtins.int | None = 0) -> builtins.int | None:
        """A literal whose lexical form is an integer (a count: ``"12"^^xsd:integer``), as an
        integer; ``default`` when unbound."""
        literal = self.literal(name, "an integer")
        if literal is None:
            return default
        try:
            return builtins.int(literal.value)
        except ValueError:
            raise _wrong(name, literal, "an integer") from None

    @overload
    def bool(self, name: str) -> builtins.bool: ...
    @overload
    def bool(self, name: str, default: builtins.bool) -> builtins.bool: ...
    @overload
    def bool(self, name: str, default: None) -> builtins.bool | None: ...

    def bool(self, name: str, default: builtins.bool | None = False) -> builtins.bool | None:
        """An xsd:boolean's value (``true``, ``1``, ``false``, ``0``); ``default`` when
        unbound."""
        literal = self.literal(name, "a boolean")
        if literal is None:
            return default
        if literal.value not in _BOOLEANS:
            raise _wrong(name, literal, "a boolean")
        return _BOOLEANS[literal.value]

    def date(self, name: str) -> str | None:
        """A date's lexical form: an ``xsd:date``, ``xsd:dateTime``, ``xsd:gYearMonth`` or
        ``xsd:gYear`` literal as written (a partial date stays partial, so it is not a
        :class:`datetime.date`); None when unbound."""
        expected = "a date (xsd:date, xsd:dateTime, xsd:gYearMonth, xsd:gYear)"
        literal = self.literal(name, expected)
        if literal is None:
            return None
        if literal.datatype.value not in DATE_TYPES:
            raise _wrong(name, literal, expected)
        return literal.value


def _wrong(name: str, value: Term, expected: str) -> RowError:
    kind = {ox.NamedNode: "the IRI", ox.Literal: "the literal", ox.BlankNode: "the blank node"}
    return RowError(f"?{name} is {kind.get(type(value), 'the triple')} {value}, not {expected}")
