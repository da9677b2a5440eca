"""The ``govkg ideal-points`` request: the matrix ``govkg align`` builds, filtered the same way,
in; positions with intervals, one row an actor (and period), out.

Convention (README, Ideal points): positions are standardised to mean 0 and sd 1 over the
actors estimated; the sign puts the anchor (``anchor``; by default USA if estimable, else the
first estimable actor by code) on the positive side.  Periods are bridged by holding the
instruments' parameters at their pooled values and estimating each period's positions with them,
on the pooled scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyoxigraph as ox
from scipy import stats

from govkg.align.analysis import apply_filters, periods
from govkg.align.matrix import StanceMatrix, load_matrix
from govkg.align.report import AlignRequest
from govkg.coverage import answer_coverage
from govkg.errors import GovkgError, RequestError, escaped
from govkg.ideal.model import Cells, Estimate, Fit, Items, estimate, positions
from govkg.store import Store

COLUMNS = ["actor", "label", "position", "lower", "upper", "n", "note"]
DEFAULT_ANCHOR = "USA"


@dataclass(frozen=True)
class IdealRequest:
    """What ``govkg ideal-points`` was asked for: the selection ``govkg align`` takes (filters,
    actors shown, --min-n, periods, --absent, --at, --code, --actors-type), the anchor of the
    sign and the level of the intervals."""

    selection: AlignRequest = field(default_factory=AlignRequest)
    anchor: str = ""
    level: float = 0.95

    def __post_init__(self) -> None:
        if self.selection.window is not None and self.selection.window < 1:
            raise RequestError("window", "{window} must be at least 1 year")
        if not 0 < self.level < 1:
            raise RequestError(
                "level",
                f"{{level}} {escaped(self.level)}: must be between 0 "
                "and 1 (0.95 for 95% intervals)",
            )


@dataclass
class IdealReport:
    """The rows to print, the footer lines (stderr) and what the picture needs."""

    columns: list[str]
    rows: list[dict[str, Any]]
    footer: list[str] = field(default_factory=list)
    title: str = "Ideal points"
    caption: str = ""


def run_ideal_points(store: Store, request: IdealRequest) -> IdealReport:
    """Load the matrix as ``govkg align`` does, filter it, fit, and say what the lists behind
    the positions are worth."""
    selection = request.selection
    matrix = load_matrix(store, selection.matrix_options())
    if selection.at and not matrix.instruments:
        raise RequestError("at", f"{{at}} {selection.at}: no act is certainly done by then")
    matrix = apply_filters(matrix, selection.filters)
    report = ideal_matrix(matrix, request)
    iris = [ox.NamedNode(instrument.iri) for instrument in matrix.instruments]
    coverage = answer_coverage(store, "lists", iris)
    report.footer += coverage.notice()
    report.caption = " ".join(filter(None, [report.caption, coverage.caption()]))
    return report


def ideal_matrix(matrix: StanceMatrix, request: IdealRequest) -> IdealReport:
    """Positions over a matrix already loaded and filtered (static, or by period)."""
    selection = request.selection
    codes = matrix.coded(selection.absent)
    counts = (codes > 0).sum(axis=1)
    min_n = max(selection.min_n, 1)
    estimable = np.flatnonzero(counts >= min_n)
    if len(estimable) < 2:
        raise GovkgError(
            f"fewer than two actors have {min_n} or more answers (--min-n): "
            "no position can be estimated; widen the filters"
        )
    anchor = _anchor(matrix, request.anchor, counts, min_n)
    found = estimate(codes[estimable], int(np.searchsorted(estimable, anchor)))
    shown = _shown(matrix, selection.actors)
    z = stats.norm.ppf(0.5 + request.level / 2)
    footer = _footer(matrix, request, anchor, len(estimable), found.fit)
    if selection.window:
        rows = _period_rows(matrix, request, found, shown)
        return IdealReport(["period", *COLUMNS], rows, footer, "Ideal points by period")
    rows = _rows(matrix, estimable, found.position, found.se, z, counts, min_n, shown)
    left_out = sum(1 for r in rows if r["position"] is None)
    caption = (
        f"{_percent(request.level)} intervals (Laplace). Positive side: "
        f"{matrix.codes_of[anchor]}. {left_out} actor(s) with fewer than {min_n} "
        "answers are not estimable and not drawn."
    )
    return IdealReport(COLUMNS, rows, footer, caption=caption)


def _percent(level: float) -> str:
    return f"{level * 100:g}%"


def _anchor(matrix: StanceMatrix, name: str, counts: np.ndarray, min_n: int) -> int:
    """The row of the actor put on the positive side: the one named, else USA if estimable,
    else the first estimable actor by code."""
    if name:
        index = matrix.actor_index(name)
        if counts[index] < min_n:
            raise RequestError(
                "anchor",
                f"{{anchor}} {escaped(name)}: not estimable, "
                f"{counts[index]} answer(s) < {{min_n}} {min_n}; name another "
                "actor",
            )
        return index
    if DEFAULT_ANCHOR in matrix.codes_of:
        index = matrix.codes_of.index(DEFAULT_ANCHOR)
        if counts[index] >= min_n:
            return index
    return min((c, k) for k, c in enumerate(matrix.codes_of) if counts[k] >= min_n)[1]


def _shown(matrix: StanceMatrix, names: tuple[str, ...]) -> set[int]:
    """The rows to show: the actors named (each checked), else all."""
    if names:
        return {matrix.actor_index(name) for name in names}
    return set(range(len(matrix.actors)))


def _number(value: float) -> float:
    return round(float(value), 3)


def _rows(
    matrix: StanceMatrix,
    estimable: np.ndarray,
    position: np.ndarray,
    se: np.ndarray,
    z: float,
    counts: np.ndarray,
    min_n: int,
    shown: set[int],
) -> list[dict[str, Any]]:
    """One row an actor shown: estimable ones by position (highest first), then the others
    with their n and no position."""
    rows = []
    for k, i in sorted(enumerate(estimable), key=lambda p: -position[p[0]]):
        if i in shown:
            rows.append(_row(matrix, i, position[k], se[k], z, int(counts[i])))
    rest = sorted(
        (i for i in shown if counts[i] < min_n), key=lambda i: (-counts[i], matrix.codes_of[i])
    )
    rows += [_not_estimable(matrix, i, int(counts[i]), min_n) for i in rest]
    return rows


def _row(
    matrix: StanceMatrix, i: int, position: float, se: float, z: float, n: int
) -> dict[str, Any]:
    return {
        "actor": matrix.codes_of[i],
        "label": matrix.labels[i],
        "position": _number(position),
        "lower": _number(position - z * se),
        "upper": _number(position + z * se),
        "n": n,
        "note": "",
    }


def _not_estimable(matrix: StanceMatrix, i: int, n: int, min_n: int) -> dict[str, Any]:
    return {
        "actor": matrix.codes_of[i],
        "label": matrix.labels[i],
        "position": None,
        "lower": None,
        "upper": None,
        "n": n,
        "note": f"not estimable: {n} answer(s) < --min-n {min_n}",
    }


def _period_rows(
    matrix: StanceMatrix, request: IdealRequest, pooled_fit: Estimate, shown: set[int]
) -> list[dict[str, Any]]:
    """Each period's positions with the instruments' parameters held at their pooled values,
    on the pooled scale (the bridge); intervals given those parameters."""
    selection = request.selection
    codes = matrix.coded(selection.absent)
    min_n = max(selection.min_n, 1)
    pooled = np.flatnonzero((codes > 0).sum(axis=1) >= min_n)
    column = {ins.iri: j for j, ins in enumerate(matrix.instruments)}
    z = stats.norm.ppf(0.5 + request.level / 2)
    rows: list[dict[str, Any]] = []
    for label, part in periods(matrix, selection.window or 1):
        index = np.array([column[ins.iri] for ins in part.instruments])
        counts = (codes[:, index] > 0).sum(axis=1)
        kept = pooled[counts[pooled] >= min_n]
        found: list[dict[str, Any]] = []
        if len(kept):
            items = pooled_fit.fit.items
            x, se = positions(
                Cells.of(codes[np.ix_(kept, index)]),
                Items(items.b[index], items.t1[index], items.g[index]),
            )
            scale = pooled_fit.scale
            found = _rows(
                matrix,
                kept,
                scale(x),
                se / scale.sd,
                z,
                counts,
                min_n,
                {i for i in shown if counts[i] > 0},
            )
        else:
            found = [
                _not_estimable(matrix, i, int(counts[i]), min_n)
                for i in sorted(shown, key=lambda i: matrix.codes_of[i])
                if counts[i] > 0
            ]
        rows += [{"period": label, **row} for row in found]
    return rows


def _footer(
    matrix: StanceMatrix, request: IdealRequest, anchor: int, estimated: int, fitted: Fit
) -> list[str]:
    """What the numbers are: the model, the convention, what is left out."""
    selection = request.selection
    min_n = max(selection.min_n, 1)
    left = len(matrix.actors) - estimated
    lines = [
        "position: one dimension, ordinal logit IRT over yes / abstain / no (joint posterior "
        f"mode); lower, upper: {_percent(request.level)} interval (Laplace); n: the "
        "instruments an actor answered.",
        f"Sign: {matrix.codes_of[anchor]} ({matrix.labels[anchor]}) is on the positive side "
        f"(--anchor); scale: mean 0 and sd 1 over the {estimated} actors estimated.",
    ]
    if left:
        lines.append(
            f"{left} actor(s) with fewer than {min_n} answers (--min-n) are not "
            "estimable: listed with their n and no position."
        )
    if selection.window:
        lines.append(
            "Periods are bridged: each instrument keeps its parameters from the pooled "
            "fit, and each period's positions are on the pooled scale; their "
            "intervals take those parameters as known."
        )
    if not fitted.converged:
        lines.append(
            f"Warning: the optimiser stopped after {fitted.iterations} iterations "
            "without converging."
        )
    return lines


def check_plot(path: Path, request: IdealRequest) -> None:
    """Refuse a bad --plot file name, or a plot of periods, before anything is computed."""
    from govkg.ideal import plot  # matplotlib only when a picture is asked for

    plot.check_path(path)
    if request.selection.window:
        raise RequestError(
            "plot", "{plot} draws the positions of one fit: leave out {by_year} and {window}"
        )


def write_plot(report: IdealReport, path: Path) -> None:
    """The positions with their intervals, ordered and labelled."""
    from govkg.ideal import plot

    plot.positions_chart(report.rows, report.title, report.caption, path)
