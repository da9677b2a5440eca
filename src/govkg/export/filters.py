"""The instrument filters of an export, with govkg align's meaning: ``--instruments``,
``--series`` and ``--from``/``--to`` (instrument dates, then stance, link and membership
dates)."""

from __future__ import annotations

from govkg.align import Filters, apply_filters, load_matrix
from govkg.errors import RequestError, escaped
from govkg.namespaces import compact, data_namespace, expand
from govkg.resolve import Candidate, closest, expected_id, unknown_message
from govkg.store import Store

SERIES = "SELECT ?s WHERE { ?s a gk:SummitSeries }"


def has_filters(filters: Filters) -> bool:
    """Whether any filter is given."""
    return bool(filters.instruments or filters.series or filters.date_from or filters.date_to)


def kept_instruments(store: Store, filters: Filters) -> set[str] | None:
    """The instruments the filters keep (None: no filter); unknown names (with the closest known
    ones) and an empty result are errors."""
    if not has_filters(filters):
        return None
    _check_series(store, filters.series)
    matrix = apply_filters(load_matrix(store), filters)  # unknown instrument, empty: errors
    return {instrument.iri for instrument in matrix.instruments}


def in_range(day: str, filters: Filters) -> bool:
    """Whether a date (any precision) lies within ``--from``/``--to``, compared at the
    precision of each bound as govkg align does; an empty date is in range only without bounds."""
    if not (filters.date_from or filters.date_to):
        return True
    if not day:
        return False
    if filters.date_from and day[: len(filters.date_from)] < filters.date_from:
        return False
    return not (filters.date_to and day[: len(filters.date_to)] > filters.date_to)


def overlaps(begin: str, end: str, filters: Filters) -> bool:
    """Whether an interval (either bound "" when unknown: open) meets ``--from``/``--to``,
    compared at the precision of each bound as :func:`in_range` does; an interval with neither
    date meets the period only when there are no bounds."""
    low, high = filters.date_from, filters.date_to
    if not (low or high):
        return True
    if not (begin or end):
        return False
    if high and begin and begin[: len(high)] > high:
        return False
    return not (low and end and end[: len(low)] < low)


def _check_series(store: Store, names: tuple[str, ...]) -> None:
    """Every series named is a summit series of the graph; else the closest ones are suggested."""
    known = sorted({compact(row.text("s")) for row in store.query(SERIES).records()})
    for name in names:
        if compact(_series_iri(name)) not in known:
            problem = f": no series {name} in the graph"
            found = closest(compact(_series_iri(name)), [Candidate(k) for k in known])
            expected = expected_id("series", known[0] if known else None)
            text = unknown_message(problem, found, expected)
            raise RequestError("series", f"{{series}}{escaped(text)}")


def _series_iri(name: str) -> str:
    text = expand(name)
    return text if ":" in text else str(data_namespace("series")[text.replace("_", "-")])
