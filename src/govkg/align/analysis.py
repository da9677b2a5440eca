"""Alignment analyses over the stance matrix: filters, periods, pair tables, all pairs and blocs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import networkx as nx
import numpy as np

from govkg.align.matrix import Instrument, StanceMatrix
from govkg.align.measures import MEASURES, PairwiseResult, all_pairs
from govkg.errors import GovkgError
from govkg.namespaces import expand

#: The measures shown in tables, in order (``s_weighted`` only when weights are given).
SHOWN = tuple(m for m in MEASURES if m not in ("n", "s_weighted"))
CODE_LABELS = {0: "", 1: "yes", 2: "abstain", 3: "no"}
_DATE = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-[0-9]{2})?)?")


@dataclass(frozen=True)
class Filters:
    """Which instruments an analysis covers; empty fields do not filter."""

    instruments: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""


def check_date(option: str, value: str, error: type[GovkgError] = GovkgError) -> str:
    """A ``--from``/``--to`` value: empty, ``2025``, ``2025-02`` or a day such as ``2025-02-11``."""
    try:
        if not value or (_DATE.fullmatch(value) and (len(value) < 10 or date.fromisoformat(value))):
            return value
    except ValueError:
        pass
    raise error(f"{option} {value!r}: expected a date like 2025, 2025-02 or 2025-02-11")


def _iri(name: str, kind: str) -> str:
    """An instrument, series or theme given as an id, a slug, a prefixed name or an IRI."""
    text = expand(name)
    if ":" in text:
        return text
    return f"https://w3id.org/govkg/id/{kind}/{text.replace('_', '-')}"


def _keep(instrument: Instrument, filters: Filters) -> bool:
    if filters.instruments and instrument.iri not in {
        _iri(i, "instrument") for i in filters.instruments
    }:
        return False
    if filters.series and not instrument.series & {_iri(s, "series") for s in filters.series}:
        return False
    if filters.types and not instrument.types & {t.lower().replace("-", "") for t in filters.types}:
        return False
    if filters.themes and not instrument.themes & {_iri(t, "theme") for t in filters.themes}:
        return False
    if filters.date_from and (not instrument.date or instrument.date[: len(filters.date_from)]
                              < filters.date_from):  # fmt: skip
        return False
    return not (filters.date_to and (not instrument.date or instrument.date[: len(filters.date_to)]
                                     > filters.date_to))  # fmt: skip


def apply_filters(matrix: StanceMatrix, filters: Filters) -> StanceMatrix:
    """The matrix over the instruments the filters keep; an empty result is an error."""
    unknown = [i for i in filters.instruments
               if _iri(i, "instrument") not in {x.iri for x in matrix.instruments}]  # fmt: skip
    if unknown:
        raise GovkgError(f"unknown instrument {unknown[0]!r}")
    keep = np.array([_keep(i, filters) for i in matrix.instruments], dtype=bool)
    if not keep.any():
        raise GovkgError("no instrument matches the filters")
    return matrix.select(keep)


def select_actors(matrix: StanceMatrix, names: Sequence[str]) -> StanceMatrix:
    """The matrix restricted to the named actors (ISO codes, organisation ids or IRIs)."""
    return matrix.rows([matrix.actor_index(n) for n in names]) if names else matrix


def periods(matrix: StanceMatrix, window: int) -> list[tuple[str, StanceMatrix]]:
    """The matrix split into periods of ``window`` years by instrument date (undated left out)."""
    if window < 1:
        raise GovkgError("--window must be at least 1 year")
    years = np.array([i.year or 0 for i in matrix.instruments])
    if not (years > 0).any():
        raise GovkgError("no dated instrument to split into periods")
    first = years[years > 0].min()
    found = []
    for start in range(first, years.max() + 1, window):
        mask = (years >= start) & (years < start + window)
        if mask.any():
            label = str(start) if window == 1 else f"{start}-{start + window - 1}"
            found.append((label, matrix.select(mask)))
    return found


def weights_for(matrix: StanceMatrix, given: dict[str, float]) -> np.ndarray | None:
    """Instrument weights (default 1) from ``{instrument: weight}``; None when none is given."""
    if not given:
        return None
    by_iri = {_iri(k, "instrument"): v for k, v in given.items()}
    unknown = set(by_iri) - {i.iri for i in matrix.instruments}
    if unknown:
        raise GovkgError(f"--weight names an instrument not in the analysis: {sorted(unknown)[0]}")
    return np.array([by_iri.get(i.iri, 1.0) for i in matrix.instruments], dtype=float)


def measure(matrix: StanceMatrix, absent: str, weights: np.ndarray | None = None) -> PairwiseResult:
    """Every measure for every pair of the matrix's actors."""
    return all_pairs(matrix.coded(absent), weights=weights)


def _number(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4) + 0.0  # no "-0.0"


def pair_row(matrix: StanceMatrix, result: PairwiseResult, a: int, b: int,
             weighted: bool = False) -> dict[str, object]:  # fmt: skip
    """One pair's measures as a row: actors, n, each measure (None if undefined), and why not."""
    names = (*SHOWN, "s_weighted") if weighted else SHOWN
    row: dict[str, object] = {
        "actor_a": matrix.codes_of[a],
        "actor_b": matrix.codes_of[b],
        "n": int(result.values["n"][a, b]),
    }
    notes = []
    for name in names:
        row[name] = _number(result.values[name][a, b])
        reason = str(result.reasons[name][a, b])
        if reason and f"{reason}" not in notes:
            notes.append(reason)
    row["note"] = "; ".join(notes)
    return row


def all_pair_rows(matrix: StanceMatrix, result: PairwiseResult, min_n: int = 1,
                  weighted: bool = False) -> list[dict[str, object]]:  # fmt: skip
    """Rows for every unordered pair with at least ``min_n`` instruments in common."""
    upper_a, upper_b = np.triu_indices(len(matrix.actors), k=1)
    keep = result.values["n"][upper_a, upper_b] >= min_n
    return [pair_row(matrix, result, int(a), int(b), weighted)
            for a, b in zip(upper_a[keep], upper_b[keep], strict=True)]  # fmt: skip


def pair_instruments(matrix: StanceMatrix, a: int, b: int, absent: str) -> list[dict[str, object]]:
    """The instrument-by-instrument codes of one pair."""
    codes = matrix.coded(absent)
    return [
        {
            "instrument": ins.slug,
            "date": ins.date,
            matrix.codes_of[a]: CODE_LABELS[int(codes[a, k])],
            matrix.codes_of[b]: CODE_LABELS[int(codes[b, k])],
            "counted": bool(codes[a, k] and codes[b, k]),
        }
        for k, ins in enumerate(matrix.instruments)
    ]


def blocs(matrix: StanceMatrix, result: PairwiseResult, measure_name: str = "agreement",
          min_n: int = 1, seed: int = 1) -> list[list[int]]:  # fmt: skip
    """Communities of the graph whose edges join pairs by the measure (Louvain, seeded)."""
    values, counts = result.values[measure_name], result.values["n"]
    weights = np.where((counts >= min_n) & ~np.isnan(values) & (values > 0), values, 0.0)
    np.fill_diagonal(weights, 0.0)
    graph = nx.from_numpy_array(weights)
    communities = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    ordered = [sorted(c, key=lambda i: matrix.codes_of[i]) for c in communities]
    return sorted(ordered, key=lambda c: (-len(c), matrix.codes_of[c[0]]))
