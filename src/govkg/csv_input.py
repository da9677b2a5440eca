"""Reading the CSV files researchers keep their lists in, with errors that name row and column.

Row numbers count the header as row 1, as a spreadsheet shows them.  A file must be CSV in UTF-8
(a byte-order mark, as Excel writes it, is fine) of at most :data:`MAX_BYTES`; blank rows are
skipped, a column the importer does not know is an error (a misspelt optional column would
otherwise be ignored without a word), and so is a row with more or fewer cells than the header.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from govkg.errors import CsvError

#: The largest CSV file govkg imports: over a hundred times the largest shipped list.
MAX_BYTES = 10 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNDECODED = re.compile(r"[\udc80-\udcff]")  # bytes that are not UTF-8, kept by surrogateescape


@dataclass(frozen=True)
class Row:
    """One data row: its spreadsheet row number and its cells by column name."""

    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def read_table(
    path: Path, required: Sequence[str], shown: str | None = None, optional: Sequence[str] = ()
) -> list[Row]:
    """The rows of a CSV file with the ``required`` columns and perhaps some ``optional`` ones.

    Raises :class:`CsvError` naming the row and column of the first problem.
    """
    shown = shown or str(path)
    text = _read_text(path, shown)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    try:
        records = []
        for number, record in enumerate(reader, start=1):
            records.append((number, record))
    except csv.Error as error:
        raise CsvError(shown, f"malformed CSV: {error}", number + 1) from None
    if not records:
        raise CsvError(shown, f"the file is empty; expected a header with {', '.join(required)}")
    header = _check_header(records[0][1], required, optional, shown)
    rows = [_row(number, cells, header, shown) for number, cells in records[1:] if any(cells)]
    if not rows:
        raise CsvError(shown, "no rows to import: the file has a header only")
    return rows


def _read_text(path: Path, shown: str) -> str:
    """The file's text, read up to the size limit and decoded as UTF-8."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise CsvError(shown, f"cannot read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise CsvError(shown, f"the file is larger than {MAX_BYTES // 2**20} MB, govkg's limit "
                       "for a CSV import: split it into several files")  # fmt: skip
    if data.startswith(b"PK\x03\x04"):
        raise CsvError(shown, "this is a spreadsheet (.xlsx, .ods), not CSV: save it as CSV UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvError(shown, "the file is UTF-16: save it as CSV UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(data, error, shown) from None


def _not_utf8(data: bytes, error: UnicodeDecodeError, shown: str) -> CsvError:
    """An error naming the row and column of the first byte that is not UTF-8."""
    byte = data[error.start]
    message = f"byte 0x{byte:02X} is not UTF-8 (Latin-1 or Windows-1252?): save it as CSV UTF-8"
    text = data.decode("utf-8-sig", "surrogateescape")
    header: list[str] = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            header = header or record
            for index, cell in enumerate(record):
                if _UNDECODED.search(cell):
                    name = header[index] if number > 1 and index < len(header) else index + 1
                    return CsvError(shown, message, number, str(name))
    except csv.Error:
        pass
    line = data[: error.start].count(b"\n") + 1
    return CsvError(shown, f"line {line}: {message}")


def _check_header(
    header: list[str], required: Sequence[str], optional: Sequence[str], shown: str
) -> list[str]:
    names = [name.strip() for name in header]
    missing = [c for c in required if c not in names]
    if missing:
        raise CsvError(shown, f"missing column(s): {', '.join(missing)}", row=1)
    known = (*required, *optional)
    for index, name in enumerate(names):
        if name and name not in known:
            raise CsvError(shown, f"unknown column {name!r} (known: {', '.join(known)})", 1,
                           f"{index + 1}")  # fmt: skip
        if name and names.index(name) != index:
            raise CsvError(shown, f"column {name!r} appears twice", 1, f"{index + 1}")
    return names


def _row(number: int, record: list[str], header: list[str], shown: str) -> Row:
    if len(record) != len(header):
        raise CsvError(shown, f"{len(record)} cells, but the header has {len(header)} columns",
                       number)  # fmt: skip
    cells = {}
    for name, cell in zip(header, record, strict=True):
        if control := _CONTROL.search(cell):
            raise CsvError(shown, f"control character {control.group()!r} in the cell", number,
                           name or None)  # fmt: skip
        if name:
            cells[name] = cell
        elif cell.strip():
            raise CsvError(shown, f"a value {cell!r} in a column with no name", number)
    return Row(number, cells)
