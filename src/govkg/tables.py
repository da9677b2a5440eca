"""Reading the CSV files researchers keep their lists in, with errors that name row and column.

Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from govkg.errors import CsvError


@dataclass(frozen=True)
class Row:
    """One data row: its spreadsheet row number and its cells by column name."""

    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def read_table(path: Path, required: Sequence[str], shown: str | None = None) -> list[Row]:
    """The rows of a CSV file that has at least the ``required`` columns."""
    shown = shown or str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise CsvError(shown, f"missing column(s): {', '.join(missing)}", row=1)
            rows = []
            for number, cells in enumerate(reader, start=2):
                if None in cells:
                    raise CsvError(shown, "more cells than the header has columns", row=number)
                rows.append(Row(number, {k: v or "" for k, v in cells.items()}))
            return rows
    except OSError as error:
        raise CsvError(shown, f"cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise CsvError(shown, f"not a readable UTF-8 CSV file: {error}") from None
