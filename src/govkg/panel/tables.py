"""The panel's two tables: one row per actor-by-instrument cell of ``govkg align``'s matrix (the
long table) and one row per pair of actors with ``govkg align``'s measures (the dyadic table).

The matrix, its filters and options are ``govkg align``'s (an :class:`AlignRequest`); the dyadic
rows are the rows ``govkg align --format csv`` prints for the same request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from govkg.align.analysis import apply_filters, select_actors
from govkg.align.matrix import (
    ACTOR_TYPES,
    TYPES,
    Instrument,
    StanceMatrix,
    StanceRow,
    load_matrix,
    rows_at,
)
from govkg.align.report import AlignRequest, Table, align_matrix
from govkg.coverage import instrument_coverage
from govkg.errors import RequestError
from govkg.fixed_queries import fixed_query
from govkg.lifecycle import beginnings
from govkg.namespaces import DATA_BASE
from govkg.output import Value
from govkg.panel.schema import JOIN
from govkg.store import Store

STANCES = fixed_query(__file__, "panel-stances")
UN_MEMBERS = fixed_query(__file__, "panel-un-members")
KIND_BASE = f"{DATA_BASE}stance-kind/"
#: The kinds that say the actor took part and cast no vote or signature: vote 8 (absent).
ABSENT_KINDS = ("did-not-vote", "did-not-sign")
Cell = list[Value]


@dataclass(frozen=True)
class PanelStance:
    """One stance: its IRI, the matrix's row for it, and the sources it rests on."""

    iri: str
    row: StanceRow
    sources: frozenset[str]

    @property
    def kind(self) -> str:
        return self.row.kind.removeprefix(KIND_BASE)

    @property
    def when(self) -> str:
        return self.row.date or self.row.as_of


@dataclass
class Panel:
    """The long table (``rows``, in :data:`PANEL_COLUMNS` order), the dyadic table and the
    matrix and request they come from."""

    request: AlignRequest
    matrix: StanceMatrix
    rows: list[Cell]
    dyads: Table
    codes: Mapping[str, int] = field(default_factory=dict)


def check_request(request: AlignRequest) -> None:
    """The panel is the whole matrix: one pair, periods, blocs and weights are refused."""
    refused = {"pair": request.pair, "window": request.window,
               "show_blocs": request.show_blocs, "weights": request.weights}  # fmt: skip
    for name, given in refused.items():
        if given:
            raise RequestError(name, f"{{{name}}} does not apply to the panel")


def build_panel(store: Store, request: AlignRequest | None = None) -> Panel:
    """The long and dyadic tables for ``govkg align``'s matrix with ``request``'s options."""
    request = request or AlignRequest()
    check_request(request)
    options = request.matrix_options()
    whole = load_matrix(store, options)
    if request.at and not whole.instruments:
        raise RequestError("at", f"{{at}} {request.at}: no act is certainly done by then")
    dyads = align_matrix(whole, request).tables[-1]
    matrix = select_actors(apply_filters(whole, request.filters), list(request.actors))
    rows = cell_rows(store, matrix, request, options.codes)
    return Panel(request, matrix, rows, dyads, options.codes)


def panel_stances(store: Store, day: str = "") -> dict[tuple[str, str], list[PanelStance]]:
    """Every stance by (actor, instrument) IRIs, oldest first; with ``day``, only the acts
    certainly done by then (as ``govkg align --at`` keeps them)."""
    found = [
        PanelStance(r.text("stance"),
                    StanceRow(r.text("actor"), r.text("instrument"), r.text("kind"),
                              r.text("date")[:10], r.text("asOf")[:10]),
                    frozenset(r.text("sources").split()))
        for r in store.query(STANCES).records()
    ]  # fmt: skip
    if day:
        begins = beginnings(store, {s.row.instrument for s in found})
        done, _between = rows_at([s.row for s in found], day, begins)
        kept = {id(row) for row in done}
        found = [s for s in found if id(s.row) in kept]
    cells: dict[tuple[str, str], list[PanelStance]] = {}
    for stance in sorted(found, key=lambda s: (s.when or "9999", s.kind, s.iri)):
        cells.setdefault((stance.row.actor, stance.row.instrument), []).append(stance)
    return cells


def actor_types(store: Store) -> dict[str, str]:
    """Each typed actor's type, as ``--actors-type`` names it (the first in that order)."""
    names = {iri: name for name, iri in ACTOR_TYPES.items()}
    found: dict[str, list[str]] = {}
    for r in store.query(TYPES).records():
        found.setdefault(r.text("actor"), []).append(names[r.text("type")])
    order = list(ACTOR_TYPES)
    return {actor: min(types, key=order.index) for actor, types in found.items()}


@dataclass(frozen=True)
class _Context:
    """What every cell needs besides its stances."""

    types: Mapping[str, str]
    members: frozenset[str]
    coverage: Mapping[str, str]
    codes: Mapping[str, int]


def cell_rows(store: Store, matrix: StanceMatrix, request: AlignRequest,
              codes: Mapping[str, int]) -> list[Cell]:  # fmt: skip
    """One row a cell of ``matrix``, actor by actor, each instrument in the matrix's order."""
    stances = panel_stances(store, request.at)
    context = _Context(
        actor_types(store),
        frozenset(r.text("actor") for r in store.query(UN_MEMBERS).records()),
        {c.iri: c.status for c in instrument_coverage(store, [i.iri for i in matrix.instruments])},
        codes,
    )
    coded = matrix.coded(request.absent)
    rows: list[Cell] = []
    for a, actor in enumerate(matrix.actors):
        head = [matrix.codes_of[a], actor, matrix.labels[a], context.types.get(actor)]
        for i, instrument in enumerate(matrix.instruments):
            cell = stances.get((actor, instrument.iri), [])
            vote = _vote(int(coded[a, i]), bool(matrix.absent[a, i]), cell,
                         _not_member(instrument, actor, cell, context))  # fmt: skip
            rows.append([*head, *_instrument(instrument), vote, *_acts(cell, vote, codes),
                         context.coverage.get(instrument.iri, "unknown"),
                         len(frozenset().union(*(s.sources for s in cell))),
                         JOIN.join(s.iri for s in cell) or None])  # fmt: skip
    return rows


def _instrument(instrument: Instrument) -> list[Value]:
    """The instrument's columns: id, IRI, label, types, series and date."""
    types = sorted(t for t in instrument.types if t != "instrument")
    series = sorted(s.rsplit("/", 1)[-1] for s in instrument.series)
    return [instrument.slug, instrument.iri, instrument.label, JOIN.join(types) or None,
            JOIN.join(series) or None, instrument.date or None]  # fmt: skip


def _not_member(instrument: Instrument, actor: str, cell: Sequence[PanelStance],
                context: _Context) -> bool:  # fmt: skip
    """A UN vote (a resolution) on which an actor that is no UN member has no stance."""
    return "resolution" in instrument.types and actor not in context.members and not cell


def _vote(code: int, absent: bool, cell: Sequence[PanelStance], not_member: bool) -> int | None:
    """The matrix's code (1, 2, 3); else 9 not a member, 8 absent, or None (missing)."""
    if code:
        return code
    if not_member:
        return 9
    if absent or any(s.kind in ABSENT_KINDS for s in cell):
        return 8
    return None


def _acts(cell: Sequence[PanelStance], vote: int | None,
          codes: Mapping[str, int]) -> list[Value]:  # fmt: skip
    """The cell's kinds, and the date of the act that gives its code, with what it is."""
    if not cell:
        return [None, None, None]
    deciding = _deciding(cell, vote, codes)
    kind = "act" if deciding.row.date else "as_of" if deciding.row.as_of else "unknown"
    return [JOIN.join(dict.fromkeys(s.kind for s in cell)), deciding.when or None, kind]


def _deciding(cell: Sequence[PanelStance], vote: int | None,
              codes: Mapping[str, int]) -> PanelStance:  # fmt: skip
    """The act that gives the cell's code: of the latest acts (none certainly later), the
    last with that code (else the last)."""
    latest = [s for s in cell if not any(s.row.span.before(o.row.span) for o in cell)]
    same = [s for s in latest if codes.get(s.kind, 0) == (vote or 0)]
    return (same or latest or list(cell))[-1]
