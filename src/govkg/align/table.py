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
    """One column: ``index[r]`` is the position in ``values`` of row r's value."""

    index: np.ndarray  # intp (rows,)
    values: tuple[Value, ...]

    @classmethod
    def of_numbers(cls, numbers: np.ndarray, convert: Callable[[float], Value]) -> Column:
        """A column of numbers, each distinct one (NaN counts once) given by ``convert``."""
        unique, index = np.unique(np.asarray(numbers), return_inverse=True)
        return cls(index.reshape(-1).astype(np.intp), tuple(convert(v) for v in unique.tolist()))

    @classmethod
    def of_choices(cls, index: np.ndarray, values: Sequence[Value]) -> Column:
        """Row r takes ``values[index[r]]``."""
        return cls(np.asarray(index, dtype=np.intp).reshape(-1), tuple(values))

    def __len__(self) -> int:
        return len(self.index)

    def take(self, rows: slice) -> Column:
        return Column(self.index[rows], self.values)

    def to_list(self) -> list[Value]:
        """The values of every row."""
        return _taken(self.values, self.index)

    def texts(self, fmt: str, width: int = 0, prefix: str = "") -> list[str]:
        """Every row's value as text in ``fmt`` (each distinct value rendered once), padded to
        ``width`` in a ``table``, after ``prefix`` (a key) in JSON."""
        render = _renderer(fmt, width, prefix)
        return _taken([render(v) for v in self.values], self.index)  # type: ignore[return-value]

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

    def __len__(self) -> int:
        return len(self.which)

    def take(self, rows: slice) -> Filled:
        return Filled(self.which[rows], self.first[rows], self.second[rows], self.templates,
                      self.names)  # fmt: skip

    def to_list(self) -> list[Value]:
        return list(self._filled(self.templates, self.names))

    def texts(self, fmt: str, width: int = 0, prefix: str = "") -> list[str]:
        """As :meth:`Column.texts`."""
        names = self.names
        if fmt == "csv" and not any(_CSV_QUOTED.search(n) for n in names):
            return list(self._filled([_csv_text(t) for t in self.templates], names))
        if fmt in ("json", "ndjson"):
            key = prefix.replace("{", "{{").replace("}", "}}")
            templates = [key + _json_string(t) for t in self.templates]
            return list(self._filled(templates, [_json_string(n)[1:-1] for n in names]))
        render = _renderer(fmt, width, prefix)
        return [render(v) for v in self.to_list()]

    def width(self) -> int:
        return max((len(_table_text(v)) for v in self.to_list()), default=0)

    def _filled(self, templates: Sequence[str], names: Sequence[str]) -> Iterator[str]:
        """Each row's template filled in (split once at its fields, then put end to end)."""
        pieces = [_pieces(t) for t in templates]
        rows = zip(self.which.tolist(), self.first.tolist(), self.second.tolist(), strict=True)
        for t, a, b in rows:
            lead, one, middle, two, end = pieces[t]
            pair = (names[a], names[b], "")
            yield lead + pair[one] + middle + pair[two] + end


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


def _taken(values: Sequence[Value], index: np.ndarray) -> list[Value]:
    """``values[i]`` for each i of ``index``."""
    if not len(values):
        return []
    found = np.empty(len(values), dtype=object)
    found[:] = values
    return found[index].tolist()  # type: ignore[no-any-return]


AnyColumn = Column | Filled


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
        lines = _lines(part, fmt, widths)
        if fmt == "json":
            separator = ",\n"
            yield ("" if start == 0 else separator) + separator.join(lines)
        else:
            yield "\n".join(lines) + "\n"
    if fmt == "json":
        yield "\n]\n"


def _head(names: Sequence[str], fmt: str, widths: list[int]) -> str:
    if fmt == "table":
        header = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()
        return header + "\n" + "  ".join("-" * w for w in widths) + "\n"
    if fmt == "csv":
        return _csv_line(names) + "\n"
    return "[\n" if fmt == "json" else ""


def _lines(table: ColumnTable, fmt: str, widths: list[int]) -> list[str]:
    """One string a row (without its line end)."""
    columns = table.columns
    if fmt == "table":
        cells = [c.texts(fmt, w) for c, w in zip(columns, widths, strict=True)]
        return [line.rstrip() for line in map("  ".join, zip(*cells, strict=True))]
    if fmt == "csv":
        lines = list(map(",".join, zip(*(c.texts(fmt) for c in columns), strict=True)))
        if len(columns) == 1:  # a row of one empty field is written as csv.writer writes it
            lines = [line or _LONE_EMPTY for line in lines]
        return lines
    keys = [json.dumps(name, ensure_ascii=False) for name in table.names]
    indent, separator, start, end = ("", ", ", "{", "}") if fmt == "ndjson" else (
        "    ", ",\n", "  {\n", "\n  }")  # fmt: skip
    parts = [c.texts(fmt, 0, f"{indent}{k}: ") for k, c in zip(keys, columns, strict=True)]
    return [start + line + end for line in map(separator.join, zip(*parts, strict=True))]


def _renderer(fmt: str, width: int, prefix: str) -> Callable[[Value], str]:
    """How one value is written in ``fmt``."""
    if fmt == "table":
        return lambda value: _table_text(value).ljust(width)
    if fmt == "csv":
        return _csv_text
    return lambda value: prefix + _json_text(value)


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
