"""Two actors side by side, as ``govkg align --pair A B`` sees them: every measure with ``n``, the
instrument-by-instrument codes and the measures year by year (``--window 1``), over the matrix
the pages keep (:mod:`govkg.site.agreement`), with the coverage of the lists they rest on.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govkg.coverage import Coverage
from govkg.errors import GovkgError
from govkg.site.agreement import alignment, ready_alignment
from govkg.store import Store

if TYPE_CHECKING:  # govkg.align (numpy, networkx) is imported when a page needs it
    from govkg.align.report import AlignReport


@dataclass(frozen=True)
class Side:
    """One of the two actors: its IRI, code and label."""

    iri: str
    code: str
    label: str


@dataclass
class Comparison:
    """Everything a comparison page shows."""

    a: Side
    b: Side
    measures: list[dict[str, Any]]  # {"measure": name, "value": value}, n first, note last
    instruments: list[dict[str, Any]]  # instrument, date, code of a, code of b, counted
    labels: dict[str, tuple[str, str]]  # instrument slug -> (IRI, label)
    years: list[dict[str, Any]]  # period, n, each measure, note
    report: AlignReport  # the pair's report, with its coverage and footer

    def measure(self, name: str) -> Any:
        return next((m["value"] for m in self.measures if m["measure"] == name), None)

    def as_json(self) -> dict[str, Any]:
        """The comparison as the JSON download holds it."""
        return {
            "actors": [vars(self.a), vars(self.b)],
            "measures": {m["measure"]: m["value"] for m in self.measures},
            "instruments": self.instruments,
            "by_year": self.years,
            "coverage": self.report.coverage.as_json(),
            "notes": self.report.footer,
        }


def compare(store: Store, first: str, second: str, wait_s: float | None = None) -> Comparison:
    """The comparison of two actors named by code (``USA``), organisation id or IRI.

    An unknown name is a :class:`GovkgError` that suggests the closest; the same actor twice is
    one too.  With ``wait_s``, a store whose alignment is not read within that many seconds of
    when it was first asked for is a :class:`NotReadyError` (else the caller waits for it)."""
    from govkg.align.report import AlignRequest, align_matrix

    found = alignment(store) if wait_s is None else ready_alignment(store, wait_s)
    matrix = found.matrix
    pair = (first, second)
    report = align_matrix(matrix, AlignRequest(pair=pair))
    iris = sorted(i.iri for i in report.matrix.instruments if i.iri in found.coverage)
    kept = [found.coverage[iri] for iri in iris]
    report.coverage = Coverage("lists", tuple(kept))  # as run_align's, from the kept lists
    report.footer += report.coverage.notice()
    by_year = _by_year(found.matrix, pair)
    a, b = (matrix.actor_index(name) for name in pair)
    sides = [Side(matrix.actors[i], matrix.codes_of[i], matrix.labels[i]) for i in (a, b)]
    measures, instruments = (_records(t.columns, t.rows) for t in report.tables)
    labels = {i.slug: (i.iri, i.label) for i in matrix.instruments}
    return Comparison(sides[0], sides[1], measures, instruments, labels, by_year, report)


def _by_year(matrix: Any, pair: tuple[str, str]) -> list[dict[str, Any]]:
    from govkg.align.report import AlignRequest, align_matrix

    try:
        report = align_matrix(matrix, AlignRequest(pair=pair, window=1))
    except GovkgError:  # no dated instrument
        return []
    table = report.tables[-1]
    return _records(table.columns, table.rows)


def _records(columns: list[str], rows: list[list[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in rows]


def comparison_json(found: Comparison) -> str:
    """The JSON download: actors, measures, instruments, years, coverage and notes."""
    return json.dumps(found.as_json(), ensure_ascii=False, indent=1) + "\n"


def comparison_csv(found: Comparison) -> str:
    """The CSV download: the instrument-by-instrument table (as ``govkg align --pair A B
    --format csv`` prints it)."""
    out = io.StringIO()
    columns = list(found.instruments[0]) if found.instruments else ["instrument", "date"]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(found.instruments)
    return out.getvalue()
