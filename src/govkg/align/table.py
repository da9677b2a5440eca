"""Tables kept as columns of arrays: each column is an array of indices into its distinct values
(dictionary encoding), so a row becomes Python objects only when it is read, and each distinct
value is turned into text once, whatever the number of rows.  The text is the text
:func:`govkg.output.format_rows` gives for the same rows, in every format."""

from __future__ import annotations

import csv
import io
import json
import json.encoder
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from string import Formatter
from typing import TextIO

import numpy as np

from govkg.namespaces import PREFIXES
from govkg.output import FORMATS, Value, json_value, text_value

#: Rows written at a time by :meth:`ColumnTable.write`.
CHUNK = 20_000


@dataclass(frozen=True)
class Column:
    """One column: ``index[r]`` is the position in ``values`` of row r's value.

    With ``group`` (row r's group) the rows are in groups that share one value each,
    ``by_group[g]`` its position for group g (``index`` is ``by_group[group]``): the text of
    the values of such columns side by side is made once a group."""

    index: np.ndarray  # intp (rows,)
    values: tuple[Value, ...]
    group: np.ndarray | None = None
    by_group: np.ndarray | None = None

    @classmethod
    def of_numbers(cls, numbers: np.ndarray, convert: Callable[[float], Value]) -> Column:
        """A column of numbers, each distinct one (NaN counts once) given by ``convert``."""
        unique, index = np.unique(np.asarray(numbers), return_inverse=True)
        return cls(index.reshape(-1).astype(np.intp), tuple(convert(v) for v in unique.tolist()))

    @classmethod
    def of_number_rows(
        cls, numbers: np.ndarray, converts: Sequence[Callable[[float], Value] | None]
    ) -> list[Column]:
        """:meth:`of_numbers` of each row of a 2-D array of floats, row r's values given by
        ``converts[r]`` (None: the floats as they are, NaN as None): the distinct values of
        every row found at once."""
        return [cls(index, _undefined_none(values) if convert is None
                    else tuple(map(convert, values)))
                for (values, index), convert in zip(distinct_rows(numbers), converts,
                                                     strict=True)]  # fmt: skip

    @classmethod
    def of_choices(cls, index: np.ndarray, values: Sequence[Value]) -> Column:
        """Row r takes ``values[index[r]]``."""
        return cls(np.asarray(index, dtype=np.intp).reshape(-1), tuple(values))

    def __len__(self) -> int:
        return len(self.index)

    def take(self, rows: slice) -> Column:
        group = None if self.group is None else self.group[rows]
        return Column(self.index[rows], self.values, group, self.by_group)

    def to_list(self) -> list[Value]:
        """The values of every row."""
        return _taken(self.values, self.index)

    def texts(self, fmt: str, width: int = 0, prefix: str = "", suffix: str = "") -> list[str]:
        """Every row's value as text in ``fmt`` (each distinct value rendered once), padded to
        ``width`` in a ``table``, between ``prefix`` (a separator, a key in JSON) and
        ``suffix``."""
        return self.cells(fmt, width, prefix, suffix).tolist()  # type: ignore[no-any-return]

    def cells(self, fmt: str, width: int = 0, prefix: str = "", suffix: str = "") -> np.ndarray:
        """:meth:`texts` as an array of objects."""
        return _objects(self._rendered(fmt, width, prefix, suffix))[self.index]

    def pieces(self, fmt: str, prefix: str = "", suffix: str = "") -> list[Piece]:
        """:meth:`cells` as one :class:`Piece` (by group when the rows are in groups)."""
        texts = self._rendered(fmt, 0, prefix, suffix)
        if self.group is not None and self.by_group is not None:
            return [Piece(texts, self.by_group, self.group)]
        return [Piece(texts, self.index)]

    def _rendered(self, fmt: str, width: int, prefix: str, suffix: str) -> list[str]:
        """Each distinct value's text, between ``prefix`` and ``suffix``."""
        render = _renderer(fmt, width)
        if fmt == "table":
            return [prefix + render(v) + suffix for v in self.values]
        texts = _csv_texts(self.values) if fmt == "csv" else None
        if texts is None:  # a number: its repr, without a call
            texts = [repr(v) if v.__class__ in _NUMBERS else render(v) for v in self.values]
        return [prefix + text + suffix for text in texts]

    def width(self) -> int:
        """The length of its longest text in a ``table``."""
        used = np.unique(self.index).tolist()
        return max((len(_table_text(self.values[i])) for i in used), default=0)


@dataclass(frozen=True)
class Filled:
    """A column of texts made from templates: row r is ``templates[which[r]]`` with
    ``names[first[r]]`` put in for ``{0}`` and ``names[second[r]]`` for ``{1}``.  In CSV and
    JSON each template and each name is written once and the row's text filled in from them."""

    which: np.ndarray
    first: np.ndarray
    second: np.ndarray
    templates: tuple[str, ...]
    names: tuple[str, ...]
    group: np.ndarray | None = None  # as in Column: ``which`` is ``by_group[group]``
    by_group: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.which)

    def take(self, rows: slice) -> Filled:
        group = None if self.group is None else self.group[rows]
        return Filled(self.which[rows], self.first[rows], self.second[rows], self.templates,
                      self.names, group, self.by_group)  # fmt: skip

    def to_list(self) -> list[Value]:
        return self._filled(self.templates, self.names).tolist()  # type: ignore[no-any-return]

    def texts(self, fmt: str, width: int = 0, prefix: str = "", suffix: str = "") -> list[str]:
        """As :meth:`Column.texts`."""
        return self.cells(fmt, width, prefix, suffix).tolist()  # type: ignore[no-any-return]

    def cells(self, fmt: str, width: int = 0, prefix: str = "", suffix: str = "") -> np.ndarray:
        """:meth:`texts` as an array of objects."""
        templated = self._templated(fmt, prefix, suffix)
        if templated is not None:
            return self._filled(*templated)
        render = _renderer(fmt, width)
        return _objects([prefix + render(v) + suffix for v in self.to_list()])

    def _templated(
        self, fmt: str, prefix: str, suffix: str
    ) -> tuple[list[str], Sequence[str]] | None:
        """The templates written in ``fmt`` (with ``prefix`` and ``suffix``) and the names as
        they fill them, where the format writes the names as they are (CSV without quoting,
        JSON); else None."""
        names = self.names
        lead, end = template(prefix), template(suffix)
        if fmt == "csv" and not _CSV_QUOTED.search("".join(names)):  # one character each
            return [lead + _csv_text(t) + end for t in self.templates], names
        if fmt in ("json", "ndjson"):
            templates = [lead + _json_string(t) + end for t in self.templates]
            return templates, [_json_string(n)[1:-1] for n in names]
        return None

    def pieces(self, fmt: str, prefix: str = "", suffix: str = "") -> list[Piece]:
        """:meth:`cells` as the :class:`Piece` s each row's text is made of, end to end: in CSV
        and JSON the pieces of its template and the names apart (nothing is joined row by
        row), else its one text."""
        templated = self._templated(fmt, prefix, suffix)
        if templated is not None:
            return self._pieced(*templated)
        return [Piece(self.cells(fmt, 0, prefix, suffix).tolist(), np.arange(len(self)))]

    def width(self) -> int:
        return max((len(_table_text(v)) for v in self.to_list()), default=0)

    def _pieced(self, templates: Sequence[str], names: Sequence[str]) -> list[Piece]:
        """Each row's template split at its fields with the names put in: five pieces (text,
        name, text, name, text; ``""`` for a field its template lacks), or one when no
        template has a field; the texts by group when the rows are in groups."""
        pieces = list(zip(*(_pieces(t) for t in templates), strict=True)) or [()] * 5
        which, group = self.which, self.group
        chosen = which if group is None or self.by_group is None else self.by_group
        if all(field == 2 for field in pieces[1]):
            return [Piece(list(pieces[0]), chosen, group)]
        found = [Piece(list(pieces[0]), chosen, group)]
        people = [*names, ""]
        for k in (1, 3):  # a field: {0} (first), {1} (second) or none ("", after the names)
            field = np.asarray(pieces[k], dtype=np.intp)[which]
            person = np.where(field == 0, self.first, np.where(field == 1, self.second, len(names)))
            found += [Piece(people, person), Piece(list(pieces[k + 1]), chosen, group)]
        return found

    def _filled(self, templates: Sequence[str], names: Sequence[str]) -> np.ndarray:
        """Each row's template filled in (split once at its fields, the pieces of every row put
        end to end a piece at a time), as an array of objects."""
        if not len(self.which):
            return _objects([])
        pieces = list(zip(*(_pieces(t) for t in templates), strict=True))
        text = _objects(pieces[0])[self.which]
        people = _objects([*names, ""])
        for k in (1, 3):  # a field ({0}, {1} or none), then the text after it
            field = np.asarray(pieces[k], dtype=np.intp)[self.which]
            person = np.where(field == 0, self.first, np.where(field == 1, self.second, -1))
            text = text + people[person] + _objects(pieces[k + 1])[self.which]
        return text


def distinct_rows(numbers: np.ndarray) -> list[tuple[list[float], np.ndarray]]:
    """For each row of a 2-D array of floats, its distinct values, rising (NaN once, last), and
    the place of each of its values among them: ``np.unique(row, return_inverse=True)`` of
    every row, with one sort of them all."""
    rows, width = numbers.shape
    starts = np.arange(rows, dtype=np.intp)[:, np.newaxis] * width
    order = np.argsort(numbers, axis=1)  # NaN last
    order += starts  # places in the flat array
    ranked = numbers.reshape(-1).take(order)
    new = np.ones(ranked.shape, dtype=bool)  # where a row's next distinct value starts
    np.not_equal(ranked[:, 1:], ranked[:, :-1], out=new[:, 1:])
    nan = np.isnan(ranked)
    new[:, 1:] &= ~(nan[:, 1:] & nan[:, :-1])  # NaN is one value
    place = np.cumsum(new, axis=1, dtype=np.intp)
    place -= 1
    index = np.empty(rows * width, dtype=np.intp)
    index[order.reshape(-1)] = place.reshape(-1)
    index = index.reshape(rows, width)
    return [(ranked[r][new[r]].tolist(), index[r]) for r in range(rows)]


def _undefined_none(values: list[float]) -> tuple[float | None, ...]:
    """A row's distinct values (:func:`distinct_rows`: NaN once, last) with NaN as None."""
    if values and values[-1] != values[-1]:
        return (*values[:-1], None)
    return tuple(values)


def _pieces(template: str) -> tuple[str, int, str, int, str]:
    """A template with at most two fields ``{0}``, ``{1}`` as (text, field, text, field, text),
    field 2 standing for none."""
    texts, fields = [""], []
    for text, field, _spec, _conversion in Formatter().parse(template):
        texts[-1] += text  # a doubled brace ends a piece of text: join the pieces
        if field is not None:
            fields.append(int(field))
            texts.append("")
    if len(fields) > 2:
        raise ValueError(f"a template has at most two fields: {template!r}")
    texts += [""] * (3 - len(texts))
    fields += [2] * (2 - len(fields))
    return texts[0], fields[0], texts[1], fields[1], texts[2]


def _objects(values: Sequence[Value]) -> np.ndarray:
    """The values in an array of objects (strings stay strings)."""
    found = np.empty(len(values), dtype=object)
    found[:] = values
    return found


def _taken(values: Sequence[Value], index: np.ndarray) -> list[Value]:
    """``values[i]`` for each i of ``index``."""
    if not len(values):
        return []
    found = np.empty(len(values), dtype=object)
    found[:] = values
    return found[index].tolist()  # type: ignore[no-any-return]


AnyColumn = Column | Filled


@dataclass(frozen=True)
class Piece:
    """One piece of each row's text: ``texts[index[r]]`` for row r, or with ``group``
    (each row's group) ``texts[index[group[r]]]``."""

    texts: list[str]
    index: np.ndarray
    group: np.ndarray | None = None

    def rows(self) -> np.ndarray:
        """Each row's position in ``texts``."""
        return self.index if self.group is None else self.index.take(self.group)


def _merged(pieces: Sequence[Piece], rows: int) -> list[Piece]:
    """The pieces with each run of pieces side by side in the same groups made one piece (its
    text made once a group), when there are few groups for the rows."""
    runs: list[list[Piece]] = []
    for piece in pieces:
        last = runs[-1][-1] if runs else None
        if last is not None and _same_groups(last, piece) and len(piece.index) * 4 < rows:
            runs[-1].append(piece)
        else:
            runs.append([piece])
    return [run[0] if len(run) == 1 else _joined_run(run) for run in runs]


def _joined_run(run: Sequence[Piece]) -> Piece:
    """Pieces in the same groups as one piece: each group's texts put end to end."""
    columns = [_objects(piece.texts).take(piece.index).tolist() for piece in run]
    joined = list(map("".join, zip(*columns, strict=True)))  # one tuple reused: no list a group
    return Piece(joined, np.arange(len(joined)), run[0].group)


def _same_groups(one: Piece, other: Piece) -> bool:
    """Whether two pieces are by group, the same groups."""
    if one.group is None or other.group is None or len(one.index) != len(other.index):
        return False
    return one.group is other.group or np.array_equal(one.group, other.group)


def template(text: str) -> str:
    """``text`` as a template that gives it back (its braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def concat(columns: Sequence[AnyColumn]) -> AnyColumn:
    """The rows of several columns (all of one kind) one after the other."""
    if columns and all(isinstance(c, Filled) for c in columns):
        return _concat_filled([c for c in columns if isinstance(c, Filled)])
    values: list[Value] = []
    indices = []
    for column in columns:
        if not isinstance(column, Column):
            raise TypeError("columns of different kinds cannot be put one after the other")
        indices.append(column.index + len(values))
        values.extend(column.values)
    index = np.concatenate(indices) if indices else np.zeros(0, dtype=np.intp)
    return Column(index.astype(np.intp), tuple(values))


def _concat_filled(columns: Sequence[Filled]) -> Filled:
    templates: list[str] = []
    names: list[str] = []
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for c in columns:
        parts.append((c.which + len(templates), c.first + len(names), c.second + len(names)))
        templates.extend(c.templates)
        names.extend(c.names)
    which, first, second = (np.concatenate([p[k] for p in parts]) for k in range(3))
    return Filled(which, first, second, tuple(templates), tuple(names))


@dataclass(frozen=True)
class ColumnTable:
    """Named columns of equal length."""

    names: tuple[str, ...]
    columns: tuple[AnyColumn, ...]

    def __post_init__(self) -> None:
        if len(self.names) != len(self.columns) or len({len(c) for c in self.columns}) > 1:
            raise ValueError("a table needs one column of the same length for each name")

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def rows(self) -> list[list[Value]]:
        """Every row as a list of Python values."""
        if not self.columns:
            return []
        return [list(row) for row in zip(*(c.to_list() for c in self.columns), strict=True)]

    def take(self, rows: slice) -> ColumnTable:
        return ColumnTable(self.names, tuple(c.take(rows) for c in self.columns))

    def format(self, fmt: str) -> str:
        """The rows as :func:`govkg.output.format_rows` writes them in ``fmt``."""
        out = io.StringIO()
        self.write(out, fmt)
        return out.getvalue()

    def write(self, stream: TextIO, fmt: str, chunk: int = CHUNK) -> None:
        """Write the table in ``fmt`` to ``stream``, ``chunk`` rows at a time."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        widths = self._widths() if fmt == "table" else []
        for text in _chunks(self, fmt, widths, chunk):
            stream.write(text)

    def _widths(self) -> list[int]:
        """The width of each column of the ``table`` format: its longest text or its name."""
        return [max(len(n), c.width()) for n, c in zip(self.names, self.columns, strict=True)]


def _chunks(table: ColumnTable, fmt: str, widths: list[int], chunk: int) -> Iterator[str]:
    """The text of ``table`` in ``fmt``: its head, then its rows a chunk at a time, then its end."""
    rows = len(table)
    if fmt == "json" and rows == 0:
        yield "[]\n"
        return
    yield _head(table.names, fmt, widths)
    for start in range(0, rows, chunk):
        part = table.take(slice(start, start + chunk))
        if fmt == "table" or (fmt == "csv" and len(table.columns) == 1):
            yield "\n".join(_lines(part, fmt, widths)) + "\n"
        else:
            text = _joined(part, fmt)
            yield text[len(_JSON_ROWS) :] if fmt == "json" and start == 0 else text
    if fmt == "json":
        yield "\n]\n"


def _head(names: Sequence[str], fmt: str, widths: list[int]) -> str:
    if fmt == "table":
        header = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()
        return header + "\n" + "  ".join("-" * w for w in widths) + "\n"
    if fmt == "csv":
        return _csv_line(names) + "\n"
    return "[\n" if fmt == "json" else ""


#: What comes between two rows of the ``json`` format.
_JSON_ROWS = ",\n"


def _joined(table: ColumnTable, fmt: str) -> str:
    """The text of the rows of a table of several columns in ``csv``, or of any table in
    ``json`` (each row after :data:`_JSON_ROWS`) or ``ndjson``: each distinct value's text is
    made once with what comes before and after it in a row, and the texts put end to end at
    once."""
    count = len(table.columns)
    if fmt == "csv":
        affixes = [("," if k else "", "\n" if k == count - 1 else "") for k in range(count)]
    else:
        keys = [json.dumps(name, ensure_ascii=False) for name in table.names]
        first, between, last = (("{", ", ", "}\n") if fmt == "ndjson" else
                                (_JSON_ROWS + "  {\n    ", ",\n    ", "\n  }"))  # fmt: skip
        affixes = [((first if k == 0 else between) + key + ": ", last if k == count - 1 else "")
                   for k, key in enumerate(keys)]  # fmt: skip
    pieces = [piece for column, (prefix, suffix) in zip(table.columns, affixes, strict=True)
              for piece in column.pieces(fmt, prefix, suffix)]  # fmt: skip
    merged = _merged(pieces, len(table))
    texts: list[str] = []
    index = np.empty((len(table), len(merged)), dtype=np.intp)
    for k, piece in enumerate(merged):
        np.add(piece.rows(), len(texts), out=index[:, k])
        texts.extend(piece.texts)
    return "".join(_objects(texts).take(index.reshape(-1)).tolist())


def _lines(table: ColumnTable, fmt: str, widths: list[int]) -> list[str]:
    """One string a row (without its line end), in ``table`` or ``csv``."""
    columns = table.columns
    if fmt == "table":
        cells = [c.texts(fmt, w) for c, w in zip(columns, widths, strict=True)]
        return [line.rstrip() for line in map("  ".join, zip(*cells, strict=True))]
    lines = list(map(",".join, zip(*(c.texts(fmt) for c in columns), strict=True)))
    if len(columns) == 1:  # a row of one empty field is written as csv.writer writes it
        lines = [line or _LONE_EMPTY for line in lines]
    return lines


def _renderer(fmt: str, width: int) -> Callable[[Value], str]:
    """How one value is written in ``fmt``."""
    if fmt == "table":
        return lambda value: _table_text(value).ljust(width)
    if fmt == "csv":
        return _csv_text
    return _json_text


def _table_text(value: Value) -> str:
    if value.__class__ in _NUMBERS:
        return repr(value)
    if isinstance(value, str) and not value.startswith(_BASES):  # compact would keep it
        return value.replace("\n", " ")
    return text_value(value, short=True).replace("\n", " ")


def _csv_text(value: Value) -> str:
    if value.__class__ in _NUMBERS:
        return repr(value)
    text = text_value(value)
    if _CSV_QUOTED.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_texts(values: Sequence[Value]) -> list[str] | None:
    """:func:`_csv_text` of each value when none is quoted (one search of them all), else
    None."""
    texts = [repr(v) if v.__class__ in _NUMBERS else v if v.__class__ is str else text_value(v)
             for v in values]  # fmt: skip
    return None if _CSV_QUOTED.search("".join(texts)) else texts


def _csv_line(fields: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue()[:-1]


def _json_text(value: Value) -> str:
    if value.__class__ in _NUMBERS:
        return repr(value)
    if isinstance(value, str):
        return _json_string(value)
    return json.dumps(json_value(value), ensure_ascii=False)


_BASES = tuple(PREFIXES.values())
#: Written as their repr in every format (what str and json.dumps give for them).
_NUMBERS = (int, float)
#: The characters that make csv.writer quote a field (quotes doubled), as this Python's does.
_CSV_QUOTED = re.compile(
    "[" + "".join(c for c in ',"\n\r' if _csv_line([c, ""]).startswith('"')) + "]"
)
_LONE_EMPTY = _csv_line([""])
_json_string: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
