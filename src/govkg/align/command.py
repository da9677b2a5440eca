"""The ``govkg align`` request: options in, tables (and a picture) out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from govkg.align.analysis import (
    Filters,
    all_pair_rows,
    apply_filters,
    blocs,
    check_date,
    measure,
    pair_instruments,
    pair_row,
    periods,
    select_actors,
    weights_for,
)
from govkg.align.matrix import StanceMatrix, load_matrix
from govkg.errors import GovkgError
from govkg.store import Store

LINE_MEASURES = ("agreement", "s", "pi", "kappa")


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


@dataclass(frozen=True)
class AlignRequest:
    """What ``govkg align`` was asked for."""

    filters: Filters = field(default_factory=Filters)
    pair: tuple[str, str] | None = None
    actors: tuple[str, ...] = ()
    min_n: int = 1
    window: int | None = None
    show_blocs: bool = False
    bloc_measure: str = "agreement"
    absent: str = "missing"
    weights: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> AlignRequest:
        window = options.get("window")
        if options.get("by_year"):
            if window not in (None, 1):
                raise GovkgError("give --by-year or --window, not both")
            window = 1
        return cls(
            filters=Filters(
                instruments=_split(options.get("instruments")),
                series=_split(options.get("series")),
                types=_split(options.get("types")),
                themes=_split(options.get("theme")),
                date_from=check_date("--from", options.get("date_from") or ""),
                date_to=check_date("--to", options.get("date_to") or ""),
            ),
            pair=tuple(options["pair"]) if options.get("pair") else None,
            actors=_split(options.get("actors")),
            min_n=options.get("min_n", 1),
            window=window,
            show_blocs=bool(options.get("show_blocs")),
            bloc_measure=options.get("bloc_measure") or "agreement",
            absent=options.get("absent") or "missing",
            weights=_weights(options.get("weight_specs") or ()),
        )


def _weights(specs: tuple[str, ...]) -> dict[str, float]:
    found = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not sep or not name or weight < 0:
            raise GovkgError(f"--weight {spec!r}: expected INSTRUMENT=WEIGHT with a weight >= 0")
        found[name.strip()] = weight
    return found


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]

    @classmethod
    def of(cls, rows: list[dict[str, Any]], columns: list[str] | None = None) -> Table:
        names = columns or (list(rows[0]) if rows else [])
        return cls(names, [[row.get(c) for c in names] for row in rows])


@dataclass
class AlignReport:
    """The tables to print, and what a picture of them needs."""

    tables: list[Table]
    matrix: StanceMatrix
    heat: np.ndarray | None = None
    groups: list[list[int]] = field(default_factory=list)
    measure_name: str = "agreement"
    line: dict[str, list[float | None]] = field(default_factory=dict)
    line_periods: list[str] = field(default_factory=list)
    title: str = ""


def run_align(store: Store, request: AlignRequest) -> AlignReport:
    """Load the matrix, filter it and compute what the request asks for."""
    matrix = apply_filters(load_matrix(store), request.filters)
    if request.pair:
        if request.actors:
            raise GovkgError("give --pair or --actors, not both")
        matrix = select_actors(matrix, list(request.pair))
        if matrix.actors[0] == matrix.actors[1]:
            raise GovkgError("--pair needs two different actors")
        return _pair_report(matrix, request)
    matrix = select_actors(matrix, list(request.actors))
    if len(matrix.actors) < 2:
        raise GovkgError("at least two actors are needed")
    return _all_pairs_report(matrix, request)


def _pair_report(matrix: StanceMatrix, request: AlignRequest) -> AlignReport:
    a_name, b_name = matrix.codes_of
    title = f"Alignment of {a_name} and {b_name}"
    if request.window:
        rows: list[dict[str, Any]] = []
        line: dict[str, list[float | None]] = {m: [] for m in LINE_MEASURES}
        labels = []
        for label, part in periods(matrix, request.window):
            result = measure(part, request.absent, weights_for(part, request.weights))
            row = pair_row(part, result, 0, 1, bool(request.weights))
            rows.append({"period": label, **row})
            labels.append(label)
            for name in LINE_MEASURES:
                value = row[name]
                line[name].append(value if isinstance(value, float) else None)
        return AlignReport([Table.of(rows)], matrix, line=line, line_periods=labels, title=title)
    result = measure(matrix, request.absent, weights_for(matrix, request.weights))
    row = pair_row(matrix, result, 0, 1, bool(request.weights))
    measures = [
        {"measure": k, "value": v} for k, v in row.items() if k not in ("actor_a", "actor_b")
    ]
    instruments = pair_instruments(matrix, 0, 1, request.absent)
    for item in instruments:
        item["counted"] = "yes" if item["counted"] else ""
    return AlignReport([Table.of(measures), Table.of(instruments)], matrix, title=title)


def _all_pairs_report(matrix: StanceMatrix, request: AlignRequest) -> AlignReport:
    weighted = bool(request.weights)
    if request.window:
        rows = []
        for label, part in periods(matrix, request.window):
            result = measure(part, request.absent, weights_for(part, request.weights))
            rows += [{"period": label, **r} for r in all_pair_rows(part, result, request.min_n,
                                                                   weighted)]  # fmt: skip
        return AlignReport([Table.of(rows)], matrix, title="Alignment by period")
    result = measure(matrix, request.absent, weights_for(matrix, request.weights))
    groups = blocs(matrix, result, request.bloc_measure, max(request.min_n, 1))
    name = request.bloc_measure
    report = AlignReport([], matrix, heat=result.values[name], groups=groups, measure_name=name,
                         title=f"{name} of every pair, ordered by bloc")  # fmt: skip
    if request.show_blocs:
        rows = [{"bloc": k + 1, "size": len(g), "members": " ".join(matrix.codes_of[i] for i in g)}
                for k, g in enumerate(groups)]  # fmt: skip
        report.tables.append(Table.of(rows))
    else:
        report.tables.append(Table.of(all_pair_rows(matrix, result, request.min_n, weighted)))
    return report


def check_plot(path: Path) -> None:
    """Refuse a bad --plot file name before anything is computed or printed."""
    from govkg.align import plot  # matplotlib only when a picture is asked for

    plot.check_path(path)


def write_plot(report: AlignReport, path: Path) -> None:
    """The heatmap (all pairs) or the line chart (one pair by period)."""
    from govkg.align import plot

    if report.line:
        plot.line_chart(report.line_periods, report.line, report.title, path)
    elif report.heat is not None:
        labels = list(report.matrix.codes_of)
        plot.heatmap(report.heat, labels, report.groups, report.measure_name, report.title, path)
    else:
        raise GovkgError(
            "--plot draws all pairs (a heatmap) or --pair with --by-year (a line chart)"
        )
