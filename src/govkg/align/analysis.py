"""Alignment analyses over the stance matrix: filters, periods, pair tables, all pairs and blocs."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from govkg.align.matrix import Instrument, StanceMatrix
from govkg.align.measures import (
    MEASURES,
    NO_COMMON,
    REASONS,
    Measured,
    PairwiseResult,
    all_pairs,
)
from govkg.align.table import AnyColumn, Column, ColumnTable, Filled, template
from govkg.errors import GovkgError, RequestError, escaped, quoted
from govkg.namespaces import compact, expand
from govkg.output import Value
from govkg.resolve import Candidate, closest, expected_id, unknown_message

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

    def __post_init__(self) -> None:
        check_date("date_from", self.date_from)
        check_date("date_to", self.date_to)


def check_date(parameter: str, value: str) -> str:
    """A date bound: empty, ``2025``, ``2025-02`` or a day such as ``2025-02-11``; else a
    :class:`RequestError` naming ``parameter``."""
    try:
        if not value or (_DATE.fullmatch(value) and (len(value) < 10 or date.fromisoformat(value))):
            return value
    except ValueError:
        pass
    raise RequestError(
        parameter,
        f"{{{parameter}}} {quoted(value)}: expected a date like 2025, 2025-02 or 2025-02-11",
    )


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


def _check_names(parameter: str, kind: str, names: Sequence[str], known: dict[str, Candidate],
                 among: str) -> None:  # fmt: skip
    """Refuse a name that is none of ``known`` (IRI or type → candidate), with the closest."""
    for name in names:
        key = name.lower().replace("-", "") if kind == "type" else _iri(name, kind)
        if key in known:
            continue
        shown = sorted(c.name for c in known.values())
        expected = (f"expected one of: {', '.join(shown)}" if kind == "type"
                    else expected_id(kind, shown[0] if shown else None))  # fmt: skip
        wanted = name if kind == "type" else compact(key)
        problem = f": no {kind} {name} among the {among}"
        text = unknown_message(problem, closest(wanted, known.values()), expected)
        raise RequestError(parameter, f"{{{parameter}}}{escaped(text)}")


def _check_filters(matrix: StanceMatrix, filters: Filters) -> None:
    """Every instrument, series, theme and type a filter names is one the matrix knows."""
    ins = matrix.instruments
    if filters.instruments:
        found = {i.iri: Candidate(compact(i.iri), (i.label,)) for i in ins}
        _check_names("instruments", "instrument", filters.instruments, found,
                     "instruments with stances")  # fmt: skip
    if filters.series:
        series = {v: Candidate(compact(v)) for i in ins for v in i.series}
        _check_names("series", "series", filters.series, series,
                     "series of instruments with stances")  # fmt: skip
    if filters.themes:
        themes = {v: Candidate(compact(v)) for i in ins for v in i.themes}
        _check_names("themes", "theme", filters.themes, themes,
                     "themes of instruments with stances")  # fmt: skip
    if filters.types:
        types = {t: Candidate(t) for i in ins for t in i.types}
        _check_names("types", "type", filters.types, types, "types of instruments with stances")


def apply_filters(matrix: StanceMatrix, filters: Filters) -> StanceMatrix:
    """The matrix over the instruments the filters keep; an unknown instrument, series, theme or
    type (with the closest known ones) and an empty result are errors."""
    _check_filters(matrix, filters)
    keep = np.array([_keep(i, filters) for i in matrix.instruments], dtype=bool)
    if not keep.any():
        raise GovkgError("no instrument matches the filters")
    return matrix if keep.all() else matrix.select(keep)


def select_actors(matrix: StanceMatrix, names: Sequence[str]) -> StanceMatrix:
    """The matrix restricted to the named actors (ISO codes, organisation ids, prefixed names or
    IRIs); an unknown one is an error that suggests the closest actors."""
    return matrix.rows([matrix.actor_index(n) for n in names]) if names else matrix


def periods(matrix: StanceMatrix, window: int) -> list[tuple[str, StanceMatrix]]:
    """The matrix split into periods of ``window`` years by instrument date (undated left out)."""
    if window < 1:
        raise RequestError("window", "{window} must be at least 1 year")
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


def weights_for(
    matrix: StanceMatrix, given: dict[str, float], check: bool = True
) -> np.ndarray | None:
    """Instrument weights (default 1) from ``{instrument: weight}``; None when none is given.
    With ``check``, an instrument not in the matrix is an error (a period's part of the matrix
    is not checked: the whole analysis was)."""
    if not given:
        return None
    by_iri = {_iri(k, "instrument"): v for k, v in given.items()}
    if check:
        found = {i.iri: Candidate(compact(i.iri), (i.label,)) for i in matrix.instruments}
        _check_names("weights", "instrument", list(given), found, "instruments of the analysis")
    return np.array([by_iri.get(i.iri, 1.0) for i in matrix.instruments], dtype=float)


def measure(matrix: StanceMatrix, absent: str, weights: np.ndarray | None = None) -> PairwiseResult:
    """Every measure for every pair of the matrix's actors."""
    return all_pairs(matrix.coded(absent), weights=weights)


def _number(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4) + 0.0  # no "-0.0"


def _defined(value: float) -> float | None:
    return None if value != value else value  # NaN: undefined


def rounded(values: np.ndarray) -> np.ndarray:
    """``round(v, 4) + 0.0`` of every value as Python rounds it (NaN stays NaN).

    The nearest whole number of ``v * 10**4`` divided by ``10**4`` is Python's answer unless
    the product lies (within its rounding error) half-way between two whole numbers, or is too
    large for that error to be small: those few are rounded by Python."""
    with np.errstate(over="ignore", invalid="ignore"):  # too large: rounded by Python below
        scaled = np.asarray(values, dtype=np.float64) * 1e4
        out = np.rint(scaled) / 1e4 + 0.0
        near = (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6) | (np.abs(scaled) > 1e9)
    for k in np.flatnonzero(near).tolist():
        out.flat[k] = round(float(values.flat[k]), 4) + 0.0
    return out


VERBS = {1: "said yes", 2: "abstained", 3: "said no"}
CHANCE = ("pi", "kappa", "kappa_squared", "kappa_linear", "pi_squared")


def _on(n: int) -> str:
    counted = {1: "the one instrument", 2: "both instruments"}.get(n, f"all {n} instruments")
    return f"on {counted} in common"


def _steady_note(names: tuple[str, str], codes: tuple[int, int], n: int) -> str:
    """Why kappa/pi is 0, negative or undefined when one side (or both) never varies."""
    (a, b), (x, y) = names, codes
    if x and y and x == y:
        return f"kappa and pi undefined (no variance): {a} and {b} both {VERBS[x]} {_on(n)}"
    if x and y:
        return f"{a} {VERBS[x]} and {b} {VERBS[y]} {_on(n)}: neither varies, so kappa is 0, pi -1"
    who, code = (a, x) if x else (b, y)
    return f"{who} {VERBS[code]} {_on(n)}: one side never varies, so kappa is 0, pi at most 0"


def pair_notes(matrix: StanceMatrix, result: PairwiseResult, a: int, b: int,
               names: Sequence[str] = SHOWN, min_n: int = 0) -> list[str]:  # fmt: skip
    """Why a pair's measures are undefined, 0 or not to be trusted, one sentence each."""
    n = int(result.values["n"][a, b])
    notes = [f"n = {n} is fewer than --min-n {min_n}"] if n < min_n else []
    steady = (int(result.steady[a, b]), int(result.steady[b, a])) if n else (0, 0)
    if any(steady) and any(m in names for m in CHANCE):
        notes.append(_steady_note((matrix.codes_of[a], matrix.codes_of[b]), steady, n))
    reasons = [result.reason(name, a, b) for name in names]
    return _reason_notes(notes, names, reasons, any(steady))


def _reason_notes(notes: list[str], names: Sequence[str], reasons: Sequence[str],
                  steady: bool) -> list[str]:  # fmt: skip
    """``notes`` followed by why each measure is undefined (once each), but the chance-corrected
    ones when a side never varies (the steady note says why)."""
    for name, reason in zip(names, reasons, strict=True):
        if not reason or (name in CHANCE and steady):
            continue
        text = reason if reason == NO_COMMON else f"{name} undefined: {reason}"
        if text not in notes:
            notes.append(text)
    return notes


def pair_row(matrix: StanceMatrix, result: PairwiseResult, a: int, b: int,
             weighted: bool = False, min_n: int = 0) -> dict[str, object]:  # fmt: skip
    """One pair's measures as a row: actors, n, each measure (None if undefined), and why.

    ``note`` says why a measure is undefined or a chance-corrected one is 0 (a side that never
    varies), and, with ``min_n``, when the pair rests on fewer instruments than that."""
    names = (*SHOWN, "s_weighted") if weighted else SHOWN
    row: dict[str, object] = {
        "actor_a": matrix.codes_of[a],
        "actor_b": matrix.codes_of[b],
        "n": int(result.values["n"][a, b]),
    }
    for name in names:
        row[name] = _number(result.values[name][a, b])
    row["note"] = "; ".join(pair_notes(matrix, result, a, b, names, min_n))
    return row


def all_pair_rows(matrix: StanceMatrix, result: PairwiseResult, min_n: int = 1,
                  weighted: bool = False) -> list[dict[str, object]]:  # fmt: skip
    """Rows for every unordered pair with at least ``min_n`` instruments in common."""
    table = pair_table(matrix, result, min_n, weighted)
    return [dict(zip(table.names, row, strict=True)) for row in table.rows()]


def pair_columns(weighted: bool = False) -> tuple[str, ...]:
    """The columns of an all-pairs row, so that an empty table still has its header."""
    return ("actor_a", "actor_b", "n", *SHOWN, *(["s_weighted"] if weighted else []), "note")


def pair_table(matrix: StanceMatrix, result: PairwiseResult, min_n: int = 1,
               weighted: bool = False) -> ColumnTable:  # fmt: skip
    """The rows :func:`all_pair_rows` gives, as columns of arrays: every unordered pair (a < b)
    with at least ``min_n`` instruments in common, each value what :func:`pair_row` gives.

    The measures are computed once for each group of pairs that has them all the same
    (:meth:`PairwiseResult.kept_groups`) and each column's distinct values found among the
    groups'."""
    a, b = kept_pairs(result, min_n)
    group, found = result.kept_groups(min_n)
    names = (*SHOWN, "s_weighted") if weighted else SHOWN
    measured = rounded(np.stack([found.values[name] for name in names]))
    numbers = np.concatenate([found.values["n"][np.newaxis], measured])
    converts: list[Callable[[float], Value] | None] = [int, *[None] * len(names)]  # None: NaN
    columns: list[AnyColumn] = [
        Column.of_choices(a, matrix.codes_of),
        Column.of_choices(b, matrix.codes_of),
        *(_grouped(column, group) for column in Column.of_number_rows(numbers, converts)),
        _note_column(matrix, (a, b), (group, found), names),
    ]
    return ColumnTable(pair_columns(weighted), tuple(columns))


def _grouped(column: Column, group: np.ndarray) -> Column:
    """A column of groups as the column of their members (``group``: each row's group)."""
    return Column(column.index.take(group), column.values, group, column.index)


def _note_column(matrix: StanceMatrix, pairs: tuple[np.ndarray, np.ndarray],
                 groups: tuple[np.ndarray, Measured], names: Sequence[str]) -> Filled:  # fmt: skip
    """Each pair's ``note`` as :func:`pair_notes` writes it (without ``min_n``), made once for
    each combination of reasons, and where a side never varies once for each combination of
    reasons, steady codes and n, with the pair's actors put in (found for each group of pairs,
    ``groups``: each pair's group and the measures of the groups)."""
    group, found = groups
    n = found.values["n"].astype(np.int64)
    x = np.where(n > 0, found.sides[0], 0).astype(np.int64)
    y = np.where(n > 0, found.sides[1], 0).astype(np.int64)
    steady = (x > 0) | (y > 0)
    key = steady.astype(np.int64)
    for name in names:  # a reason code is under 8: three bits each
        key <<= 3
        key |= found.reason_codes[name]
    keys, which = np.unique(key, return_inverse=True)
    which = which.reshape(-1)
    tails = [_reason_notes([], names, _unpacked(k, len(names)), bool(k >> 3 * len(names)))
             for k in keys.tolist()]  # fmt: skip
    templates = [template("; ".join(tail)) for tail in tails]
    named = np.zeros(len(which), dtype=bool)  # the groups whose note names the actors
    rows = np.flatnonzero(steady)
    if rows.size and any(m in names for m in CHANCE):
        # n, then which combination of reasons (under 2**28), then x and y (2 bits each)
        shape = n[rows] << 32 | which[rows] << 4 | x[rows] << 2 | y[rows]
        kinds, kind_of = np.unique(shape, return_inverse=True)
        for k in kinds.tolist():
            note = _steady_note(("{0}", "{1}"), ((k >> 2) & 3, k & 3), k >> 32)
            templates.append("; ".join([note, *map(template, tails[(k & 0xFFFFFFFF) >> 4])]))
        which[rows] = len(tails) + kind_of.reshape(-1)
        named[rows] = True
    a, b = pairs
    named = named.take(group)
    first = np.where(named, a, 0).astype(np.intp, copy=False)
    second = np.where(named, b, 0).astype(np.intp, copy=False)
    return Filled(which.take(group), first, second, tuple(templates), tuple(matrix.codes_of),
                  group, which)  # fmt: skip


def _unpacked(key: int, count: int) -> list[str]:
    """The reasons packed in ``key``, three bits each, the first measure's highest."""
    return [REASONS[(key >> 3 * (count - 1 - k)) & 7] for k in range(count)]


def kept_pairs(result: PairwiseResult, min_n: int) -> tuple[np.ndarray, np.ndarray]:
    """The unordered pairs (a < b) with at least ``min_n`` instruments in common."""
    return result.pairs_with(min_n)


def steady_counts(result: PairwiseResult, min_n: int) -> dict[str, int]:
    """How many kept pairs have one side (``one``), both with one answer (``same``), or both
    with different single answers (``different``) that never vary."""
    group, found = result.kept_groups(min_n)
    x, y = found.sides
    size = np.bincount(group, minlength=len(x))  # the pairs of each group
    return {
        "one": int(size[(x > 0) != (y > 0)].sum()),
        "same": int(size[(x > 0) & (x == y)].sum()),
        "different": int(size[(x > 0) & (y > 0) & (x != y)].sum()),
    }


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
    return bloc_groups(matrix.codes_of, values, counts, min_n, seed)


def bloc_groups(codes_of: Sequence[str], values: np.ndarray, counts: np.ndarray, min_n: int = 1,
                seed: int = 1) -> list[list[int]]:  # fmt: skip
    """:func:`blocs` from the measure's (A, A) values and the counts of instruments in common
    (actors named by ``codes_of``)."""
    import networkx as nx  # imported on first use: reading an alignment does not need it

    weights = np.where((counts >= min_n) & ~np.isnan(values) & (values > 0), values, 0.0)
    np.fill_diagonal(weights, 0.0)
    graph = nx.from_numpy_array(weights)
    communities = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    ordered = [sorted(c, key=lambda i: codes_of[i]) for c in communities]
    return sorted(ordered, key=lambda c: (-len(c), codes_of[c[0]]))


def linked_actors(result: PairwiseResult, min_n: int) -> list[int]:
    """The actors with at least ``min_n`` instruments in common with some other actor."""
    linked = result.values["n"] >= max(min_n, 1)
    np.fill_diagonal(linked, False)
    return np.flatnonzero(linked.any(axis=1)).tolist()  # type: ignore[no-any-return]


def bloc_rows(matrix: StanceMatrix, counts: np.ndarray,
              groups: Sequence[Sequence[int]]) -> list[dict[str, object]]:  # fmt: skip
    """One row a bloc: its size, the range and median of n (``counts``, the instruments in
    common) over the pairs inside it, and its members."""
    rows: list[dict[str, object]] = []
    for number, group in enumerate(groups, start=1):
        inner = counts[np.ix_(group, group)][np.triu_indices(len(group), k=1)]
        low, middle, high = (np.min(inner), np.median(inner), np.max(inner)) if inner.size else (
            np.nan, np.nan, np.nan)  # fmt: skip
        rows.append({
            "bloc": number,
            "size": len(group),
            "n_min": None if np.isnan(low) else int(low),
            "n_median": _number(middle),
            "n_max": None if np.isnan(high) else int(high),
            "members": " ".join(matrix.codes_of[i] for i in group),
        })  # fmt: skip
    return rows
