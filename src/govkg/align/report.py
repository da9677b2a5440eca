"""The ``govkg align`` request: options in, tables (and a picture) out."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pyoxigraph as ox

from govkg.align.analysis import (
    Filters,
    apply_filters,
    bloc_groups,
    bloc_rows,
    kept_pairs,
    linked_actors,
    measure,
    pair_columns,
    pair_instruments,
    pair_row,
    pair_table,
    periods,
    select_actors,
    steady_counts,
    weights_for,
)
from govkg.align.matrix import ACTOR_TYPES, MatrixOptions, StanceMatrix, coding, load_matrix
from govkg.align.measures import MEASURES, PairwiseResult
from govkg.align.table import Column, ColumnTable, concat
from govkg.coverage import Coverage, answer_coverage
from govkg.errors import GovkgError, RequestError, quoted
from govkg.lifecycle import check_day
from govkg.output import format_rows
from govkg.store import Store

LINE_MEASURES = ("agreement", "s", "pi", "kappa")
#: Pairs resting on fewer instruments are left out of all pairs and blocs by default. On the
#: shipped graph 8,437 of 19,503 pairs rest on exactly two, 8,151 of them the two UN General
#: Assembly resolutions nearly every state voted for, and 3,395 on one: with 3 these do not drive
#: the blocs (see README, Alignment).
DEFAULT_MIN_N = 3


@dataclass(frozen=True)
class AlignRequest:
    """What ``govkg align`` was asked for."""

    filters: Filters = field(default_factory=Filters)
    pair: tuple[str, str] | None = None
    actors: tuple[str, ...] = ()
    min_n: int = DEFAULT_MIN_N
    window: int | None = None
    show_blocs: bool = False
    bloc_measure: str = "agreement"
    absent: str = "missing"
    weights: dict[str, float] = field(default_factory=dict)
    at: str = ""
    codes: dict[str, str] = field(default_factory=dict)
    actor_types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.at:
            check_day("at", self.at)
        coding(self.codes)  # an unknown kind or code
        for name in self.actor_types:
            if name not in ACTOR_TYPES:
                raise RequestError("actor_types", f"{{actor_types}} {quoted(name)}: choose "
                                   f"{', '.join(ACTOR_TYPES)}")  # fmt: skip
        for instrument, weight in self.weights.items():
            if not weight >= 0:  # NaN too
                raise RequestError(
                    "weights",
                    f"{{weights}} {quoted(instrument)}: a weight must be >= 0, not {weight}",
                )
        if self.min_n < 0:
            raise RequestError("min_n", f"{{min_n}} {self.min_n}: must be 0 or more")

    def matrix_options(self) -> MatrixOptions:
        """How to build the matrix: the coding, the day and the types of actor asked for."""
        return MatrixOptions(coding(self.codes), self.at, self.actor_types)


class Table:
    """A table of the report: its columns and rows.  The all-pairs tables are kept as arrays
    (:class:`~govkg.align.table.ColumnTable`): ``rows`` makes their Python rows when first read,
    :meth:`format` and :meth:`write` write their text straight from the arrays."""

    def __init__(self, columns: list[str], rows: list[list[Any]]) -> None:
        self.columns = columns
        self._rows: list[list[Any]] | None = rows
        self._arrays: ColumnTable | None = None

    @classmethod
    def of(cls, rows: list[dict[str, Any]], columns: list[str] | None = None) -> Table:
        names = columns or (list(rows[0]) if rows else [])
        return cls(names, [[row.get(c) for c in names] for row in rows])

    @classmethod
    def of_arrays(cls, arrays: ColumnTable) -> Table:
        """A table whose rows are kept as arrays."""
        table = cls(list(arrays.names), [])
        table._rows, table._arrays = None, arrays
        return table

    @property
    def rows(self) -> list[list[Any]]:
        """Every row as a list of values (made from the arrays when first read)."""
        if self._rows is None:
            self._rows = self._arrays.rows() if self._arrays is not None else []
        return self._rows

    def __len__(self) -> int:
        return len(self._arrays) if self._arrays is not None else len(self.rows)

    def format(self, fmt: str) -> str:
        """The table in ``fmt`` as :func:`govkg.output.format_rows` writes it."""
        if self._arrays is not None:
            return self._arrays.format(fmt)
        return format_rows(self.columns, self.rows, fmt)

    def write(self, stream: TextIO, fmt: str) -> None:
        """Write :meth:`format`'s text to ``stream`` (from the arrays a chunk of rows at a time)."""
        if self._arrays is not None:
            self._arrays.write(stream, fmt)
        else:
            stream.write(self.format(fmt))


@dataclass(frozen=True)
class Blocs:
    """What the blocs are found from: a measure's values and the counts over the actors of the
    heatmap (``linked``, rows of the result's actors); the values are taken from the result and
    the groups found (Louvain) when first asked for."""

    codes_of: tuple[str, ...]
    result: PairwiseResult
    linked: tuple[int, ...]
    measure_name: str
    counts: np.ndarray
    min_n: int

    @cached_property
    def values(self) -> np.ndarray:
        """The measure over the heatmap's actors, (A, A)."""
        inside = np.ix_(self.linked, self.linked)
        return self.result.values[self.measure_name][inside]  # type: ignore[no-any-return]

    @cached_property
    def groups(self) -> list[list[int]]:
        if len(self.codes_of) < 2:
            return []
        return bloc_groups(self.codes_of, self.values, self.counts, self.min_n)


@dataclass
class AlignReport:
    """The tables to print, the footer lines that explain them, and what a picture needs.

    ``footer`` holds one sentence a line (the CLI prints them on stderr after the tables);
    ``heat`` and ``heat_n`` are the measure and the counts over the actors of ``matrix`` (those
    with at least ``min_n`` instruments in common with someone), ``left_out`` the others;
    ``groups`` the blocs among them, found when first asked for (``blocs``)."""

    tables: list[Table]
    matrix: StanceMatrix
    blocs: Blocs | None = None
    measure_name: str = "agreement"
    line: dict[str, list[float | None]] = field(default_factory=dict)
    line_periods: list[str] = field(default_factory=list)
    title: str = ""
    footer: list[str] = field(default_factory=list)
    min_n: int = DEFAULT_MIN_N
    line_n: list[int] = field(default_factory=list)
    coverage: Coverage = field(default_factory=lambda: Coverage("lists"))
    heat_n: np.ndarray | None = None
    left_out: tuple[str, ...] = ()

    @property
    def heat(self) -> np.ndarray | None:
        """The measure over the heatmap's actors (taken from every pair's when first read)."""
        return self.blocs.values if self.blocs is not None else None

    @property
    def groups(self) -> list[list[int]]:
        """The blocs of the heatmap's actors (rows of ``matrix``), largest first."""
        return self.blocs.groups if self.blocs is not None else []


def run_align(store: Store, request: AlignRequest) -> AlignReport:
    """Load the matrix, filter it and compute what the request asks for, with the coverage of
    the instruments' lists."""
    matrix = load_matrix(store, request.matrix_options())
    if request.at and not matrix.instruments:
        raise RequestError("at", f"{{at}} {request.at}: no act is certainly done by then")
    report = align_matrix(matrix, request)
    if request.at:
        report.footer.append(_at_note(report.matrix, request.at))
    return with_coverage(store, report)


def _at_note(matrix: StanceMatrix, day: str) -> str:
    """How many acts were left out as of ``day`` because they may fall either side of it."""
    actors, instruments = set(matrix.actors), {i.iri for i in matrix.instruments}
    shown = sum(a in actors and i in instruments for a, i in matrix.undetermined)
    rest = len(matrix.undetermined) - shown
    more = f"; {rest} more on other actors or instruments" if rest else ""
    return (f"As of {day}: acts after it are left out, and so are {shown} act(s) that may "
            f"fall either side of it (no date, a partial date around it, listed only "
            f"later){more}.")  # fmt: skip


def align_matrix(whole: StanceMatrix, request: AlignRequest) -> AlignReport:
    """What the request asks for, over a matrix already loaded (without the coverage)."""
    matrix = apply_filters(whole, request.filters)
    weights_for(matrix, request.weights)  # an unknown --weight instrument, once for all periods
    if request.pair:
        if request.actors:
            raise RequestError("pair", "give {pair} or {actors}, not both")
        matrix = select_actors(matrix, list(request.pair))
        if matrix.actors[0] == matrix.actors[1]:
            raise RequestError("pair", "{pair} needs two different actors")
        return _pair_report(matrix, request)
    matrix = select_actors(matrix, list(request.actors))
    if len(matrix.actors) < 2:
        raise GovkgError("at least two actors are needed")
    return _all_pairs_report(matrix, request)


def with_coverage(store: Store, report: AlignReport) -> AlignReport:
    """Add what the lists behind the measures are worth: the coverage notice to the footer,
    one sentence to the picture's caption."""
    iris = [ox.NamedNode(instrument.iri) for instrument in report.matrix.instruments]
    report.coverage = answer_coverage(store, "lists", iris)
    report.footer += report.coverage.notice()
    return report


def _pair_report(matrix: StanceMatrix, request: AlignRequest) -> AlignReport:
    a_name, b_name = matrix.codes_of
    title = f"Alignment of {a_name} and {b_name}"
    if request.window:
        return _pair_periods_report(matrix, request, title)
    result = measure(matrix, request.absent, weights_for(matrix, request.weights))
    row = pair_row(matrix, result, 0, 1, bool(request.weights), request.min_n)
    measures = [
        {"measure": k, "value": v} for k, v in row.items() if k not in ("actor_a", "actor_b")
    ]
    instruments = pair_instruments(matrix, 0, 1, request.absent)
    for item in instruments:
        item["counted"] = "yes" if item["counted"] else ""
    footer = [_N_MEANS, *_split_note(str(row["note"]))]
    return AlignReport([Table.of(measures), Table.of(instruments)], matrix, title=title,
                       footer=footer, min_n=request.min_n)  # fmt: skip


_N_MEANS = "n: the number of instruments both actors have a code for."


def _split_note(note: str) -> list[str]:
    return [part for part in note.split("; ") if part]


def _pair_periods_report(matrix: StanceMatrix, request: AlignRequest, title: str) -> AlignReport:
    """One pair's measures per period: a row, a point of the line chart and its n each."""
    rows: list[dict[str, Any]] = []
    report = AlignReport([], matrix, title=title, min_n=request.min_n, footer=[_N_MEANS])
    report.line = {m: [] for m in LINE_MEASURES}
    for label, part in periods(matrix, request.window or 1):
        result = measure(part, request.absent, weights_for(part, request.weights, check=False))
        row = pair_row(part, result, 0, 1, bool(request.weights), request.min_n)
        rows.append({"period": label, **row})
        report.line_periods.append(label)
        report.line_n.append(int(result.values["n"][0, 1]))
        for name in LINE_MEASURES:
            value = row[name]
            report.line[name].append(value if isinstance(value, float) else None)
        report.footer += [f"{label}: {part}" for part in _split_note(str(row["note"]))]
    report.tables.append(Table.of(rows))
    return report


BLOC_COLUMNS = ["bloc", "size", "n_min", "n_median", "n_max", "members"]


def _pairs(number: int) -> str:
    return f"{number} pair" + ("" if number == 1 else "s")


def _pairs_footer(results: list[PairwiseResult], min_n: int) -> list[str]:
    """What the all-pairs rows leave out and why some kappa and pi are 0 or undefined; with
    several periods (``results``) a pair counts once in each."""
    total = sum(r.actors * (r.actors - 1) // 2 for r in results)  # every pair a < b
    kept = sum(len(kept_pairs(r, min_n)[0]) for r in results)
    each = " (counted in each period)" if len(results) > 1 else ""
    lines = [_N_MEANS]
    if kept < total:
        lines.append(f"{total - kept} of {_pairs(total)}{each} rest on fewer than {min_n} "
                     "instruments (--min-n) and are left out.")  # fmt: skip
    steady = [steady_counts(r, min_n) for r in results]
    found = {k: sum(c[k] for c in steady) for k in ("one", "same", "different")}
    if found["one"]:
        lines.append(f"kappa 0, pi at most 0 on {_pairs(found['one'])}: one actor gave the same "
                     "answer on every instrument in common (see note).")  # fmt: skip
    if found["same"]:
        lines.append(f"kappa and pi undefined on {_pairs(found['same'])}: both actors gave one "
                     "and the same answer throughout (no variance).")  # fmt: skip
    if found["different"]:
        lines.append(f"kappa 0 and pi -1 on {_pairs(found['different'])}: each actor gave a "
                     "single answer, not the other's.")  # fmt: skip
    return lines


def _all_pairs_report(matrix: StanceMatrix, request: AlignRequest) -> AlignReport:
    weighted = bool(request.weights)
    if request.window:
        tables: list[ColumnTable] = []
        results: list[PairwiseResult] = []
        for label, part in periods(matrix, request.window):
            result = measure(part, request.absent, weights_for(part, request.weights, check=False))
            results.append(result)
            tables.append(_with_period(label, pair_table(part, result, request.min_n, weighted)))
        footer = _pairs_footer(results, request.min_n)
        names = ("period", *pair_columns(weighted))
        joined = ColumnTable(names, tuple(concat([t.columns[k] for t in tables])
                                          for k in range(len(names))))  # fmt: skip
        return AlignReport([Table.of_arrays(joined)], matrix, title="Alignment by period",
                           footer=footer, min_n=request.min_n)  # fmt: skip
    result = measure(matrix, request.absent, weights_for(matrix, request.weights))
    report = _bloc_report(matrix, result, request)
    if request.show_blocs and report.heat_n is not None:
        rows = bloc_rows(report.matrix, report.heat_n, report.groups)
        report.tables.append(Table.of(rows, BLOC_COLUMNS))
    else:
        table = pair_table(matrix, result, request.min_n, weighted)
        report.tables.append(Table.of_arrays(table))
        report.footer = _pairs_footer([result], request.min_n) + report.footer
    return report


def _with_period(label: str, table: ColumnTable) -> ColumnTable:
    """The table with a first column ``period`` holding ``label`` on every row."""
    period = Column.of_choices(np.zeros(len(table), dtype=np.intp), [label])
    return ColumnTable(("period", *table.names), (period, *table.columns))


def _bloc_report(matrix: StanceMatrix, whole: PairwiseResult, request: AlignRequest) -> AlignReport:
    """Blocs and heatmap over the actors with at least ``min_n`` instruments in common with
    someone; the others are named in the footer (with --blocs) and in the heatmap's caption."""
    min_n = max(request.min_n, 1)
    linked = linked_actors(whole, min_n)
    kept = matrix.rows(linked)
    name = request.bloc_measure  # a pair's measures are those of its two rows: taken, not redone
    if name not in MEASURES:
        raise KeyError(name)  # as reading its values would (they are read when first needed)
    heat_n = whole.values["n"].take(linked, axis=0).take(linked, axis=1)
    shown = set(linked)
    left_out = tuple(sorted(c for i, c in enumerate(matrix.codes_of) if i not in shown))
    footer = [_N_MEANS] if request.show_blocs else []
    if left_out and request.show_blocs:
        footer.append(f"Left out of the blocs, with fewer than {min_n} instruments in common "
                      f"with every other actor: {len(left_out)} of {len(matrix.actors)} actors, "
                      f"{' '.join(left_out)}.")  # fmt: skip
    title = f"{name} of every pair with n ≥ {min_n}, ordered by bloc"
    blocs = Blocs(kept.codes_of, whole, tuple(linked), name, heat_n, min_n)
    return AlignReport([], kept, blocs=blocs, measure_name=name, title=title, footer=footer,
                       min_n=min_n, heat_n=heat_n, left_out=left_out)  # fmt: skip


def check_plot(path: Path) -> None:
    """Refuse a bad --plot file name before anything is computed or printed."""
    from govkg.align import plot  # matplotlib only when a picture is asked for

    plot.check_path(path)


def write_plot(report: AlignReport, path: Path) -> None:
    """The heatmap (all pairs) or the line chart (one pair by period)."""
    from govkg.align import plot

    if report.line:
        plot.line_chart(report.line_periods, report.line, report.line_n, report.min_n,
                        report.title, path, report.coverage.caption())  # fmt: skip
    elif report.heat is not None and report.heat_n is not None:
        plot.heatmap(plot.HeatmapData(report.heat, report.heat_n, tuple(report.matrix.codes_of),
                                      report.groups, report.measure_name, report.min_n,
                                      report.left_out, report.coverage.caption()),
                     report.title, path)  # fmt: skip
    else:
        raise RequestError(
            "plot", "{plot} draws all pairs (a heatmap) or {pair} with {by_year} (a line chart)"
        )
