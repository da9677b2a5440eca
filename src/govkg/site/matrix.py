"""The who-signed-what matrix: actors (rows) by instruments (columns), one cell per stance,
filtered by series, type, region and period, sorted, and paged by columns.

Built from the pages' kept alignment (:mod:`govkg.site.agreement`): the same instruments, actors
and dates ``govkg align`` uses.  A cell is the actor's stance kind (the first in the palette's
order when it has several, all of them named), else ``not-listed`` when the instrument's list is
complete (the actor is not on it), ``not-party`` for a UN vote of an actor that is not a UN
member, else ``no-record``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from govkg.errors import ParameterError
from govkg.site.agreement import KINDS, Alignment
from govkg.site.palette import IN_FAVOUR
from govkg.site.status_matrix import UNKNOWN_CELL, day_param

if TYPE_CHECKING:  # govkg.align (numpy, networkx) is imported when a page needs it
    from govkg.align.matrix import Instrument

#: How the CSV writes a cell without a stance.
_MISSING_TEXT = {"no-record": "", "not-listed": "not listed", "not-party": "not a party"}
#: Instruments a page of the matrix shows.
COLUMNS_PER_PAGE = 40
SORTS = ("name", "region", "in-favour", "code")
#: Presets: a name, a title and the actors (codes) it keeps.
PRESETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "p5": (
        "The five permanent members of the UN Security Council",
        ("CHN", "FRA", "GBR", "RUS", "USA"),
    ),
}


@dataclass(frozen=True)
class MatrixRequest:
    """Which part of the matrix to show; empty fields do not filter."""

    series: str = ""
    type: str = ""
    region: str = ""
    year_from: int | None = None
    year_to: int | None = None
    actors: tuple[str, ...] = ()
    sort: str = "name"
    page: int = 1
    preset: str = ""
    at: str = ""  # a day: each cell is the status on it (govkg.site.status_matrix)

    @classmethod
    def from_params(
        cls, params: Mapping[str, str], preset: str = "", page: int | None = None
    ) -> MatrixRequest:
        """A request from a query string (``page``: the page its path names, else the one
        ``?page=`` asks for); a bad value is a :class:`ParameterError` naming it."""
        sort = params.get("sort", "name") or "name"
        if sort not in SORTS:
            raise ParameterError(f"sort {sort!r}: one of {', '.join(SORTS)}")
        actors = PRESETS[preset][1] if preset else ()
        return cls(
            series=params.get("series", ""),
            type=params.get("type", ""),
            region=params.get("region", ""),
            year_from=_year(params, "from"),
            year_to=_year(params, "to"),
            actors=actors,
            sort=sort,
            page=page or _page(params.get("page")),
            preset=preset,
            at=day_param(params),
        )

    def params(self) -> dict[str, str]:
        """The request as query parameters (the ones that filter or sort)."""
        found = {
            "series": self.series,
            "type": self.type,
            "region": self.region,
            "from": str(self.year_from or ""),
            "to": str(self.year_to or ""),
            "sort": "" if self.sort == "name" else self.sort,
            "at": self.at,
        }
        return {k: v for k, v in found.items() if v}


_PATH = re.compile(r"/matrix(?:/([a-z0-9-]+))?(?:\.page-([1-9][0-9]{0,5}))?(?:\.(html|csv))?")


def matrix_path(path: str) -> tuple[str, int | None, str] | None:
    """(preset, page number, extension) of a matrix path (``/matrix.html``, ``/matrix.csv``,
    ``/matrix.page-2.html``, ``/matrix/p5.html``), or None when it names no matrix page."""
    found = _PATH.fullmatch(path)
    if found is None:
        return None
    preset, page, ext = found.group(1) or "", found.group(2), found.group(3)
    if preset and preset not in PRESETS:
        return None
    if page and ext != "html":
        return None
    return preset, int(page) if page else None, ext or "html"


def _year(params: Mapping[str, str], name: str) -> int | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    if not (text.isdigit() and len(text) == 4):
        raise ParameterError(f"{name} {text!r}: a year, such as 2024")
    return int(text)


def _page(text: str | None) -> int:
    try:
        return max(1, int(text or "1"))
    except ValueError:
        return 1


@dataclass
class MatrixView:
    """One page of the matrix: its actors and instruments and the cells between them."""

    request: MatrixRequest
    actors: list[int]  # rows of the kept alignment
    instruments: list[int]  # columns of the kept alignment, this page's
    total_instruments: int
    pages: int
    alignment: Alignment
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    undated: list[int] = field(default_factory=list)  # left out by a period filter: no date

    def cell(self, a: int, i: int) -> tuple[str, tuple[str, ...]]:
        """The cell's palette key and, where there are several, all its kinds."""
        kind = int(self.alignment.kinds[a, i])
        if kind == UNKNOWN_CELL:
            return "unknown", ()
        if kind >= 0:
            return KINDS[kind], self.alignment.several.get((a, i), ())
        ins = self.alignment.matrix.instruments[i]
        if "resolution" in ins.types and a not in self.alignment.un_members:
            return "not-party", ()
        return ("not-listed" if ins.complete else "no-record"), ()

    def instrument(self, i: int) -> Instrument:
        return self.alignment.matrix.instruments[i]

    def short(self, i: int) -> str:
        ins = self.instrument(i)
        return self.alignment.short.get(ins.iri) or ins.label


def _keep_instrument(ins: Instrument, request: MatrixRequest) -> bool:
    if request.series and not any(s.rsplit("/", 1)[-1] == request.series for s in ins.series):
        return False
    if request.type and request.type.lower() not in ins.types:
        return False
    year = ins.year
    if request.year_from and (year is None or year < request.year_from):
        return False
    return not (request.year_to and (year is None or year > request.year_to))


def matrix_view(found: Alignment, request: MatrixRequest) -> MatrixView:
    """The page of the matrix the request asks for."""
    matrix = found.matrix
    columns = [k for k, ins in enumerate(matrix.instruments) if _keep_instrument(ins, request)]
    pages = max(1, -(-len(columns) // COLUMNS_PER_PAGE))
    page = min(request.page, pages)
    shown = columns[(page - 1) * COLUMNS_PER_PAGE : page * COLUMNS_PER_PAGE]
    rows = _rows(found, request, columns)
    view = MatrixView(request, rows, shown, len(columns), pages, found)
    view.choices = _choices(found)
    if request.year_from or request.year_to:
        no_period = replace(request, year_from=None, year_to=None)
        view.undated = [k for k, ins in enumerate(matrix.instruments)
                         if ins.year is None and _keep_instrument(ins, no_period)]  # fmt: skip
    return view


def _rows(found: Alignment, request: MatrixRequest, columns: list[int]) -> list[int]:
    """The actors with a stance on at least one kept instrument (a preset keeps its own), of
    the region asked for, in the order the request sorts by."""
    import numpy as np

    matrix = found.matrix
    if request.actors:
        rows = [matrix.codes_of.index(c) for c in request.actors if c in matrix.codes_of]
    else:
        has = (found.kinds[:, columns] >= 0).any(axis=1) if columns else np.zeros(0, bool)
        rows = [int(a) for a in np.flatnonzero(has)]
    if request.region:
        rows = [a for a in rows if found.regions[a] == request.region]
    favour = [KINDS.index(k) for k in IN_FAVOUR]
    counts = np.isin(found.kinds[:, columns], favour).sum(axis=1) if columns else None

    def key(a: int) -> tuple[object, ...]:
        label = matrix.labels[a].lower()
        if request.sort == "region":
            return found.regions[a], label
        if request.sort == "in-favour" and counts is not None:
            return -int(counts[a]), label
        if request.sort == "code":
            return (matrix.codes_of[a],)
        return (label,)

    return sorted(rows, key=key)


def _choices(found: Alignment) -> dict[str, list[tuple[str, str]]]:
    """The values each filter can take: (value, label)."""
    instruments = found.matrix.instruments
    series = sorted({s for ins in instruments for s in ins.series})
    types = sorted({t for ins in instruments for t in ins.types} - {"instrument"})
    return {
        "series": [(s.rsplit("/", 1)[-1], s.rsplit("/", 1)[-1]) for s in series],
        "type": [(t, t) for t in types],
        "region": [(r, r) for r in sorted(set(found.regions))],
        "sort": [(s, s) for s in SORTS],
    }


def matrix_csv(view: MatrixView, all_columns: bool = True) -> str:
    """The matrix as CSV: a row per actor (code, label, region), a column per instrument (its
    slug), each cell the stance kinds (``endorsed / signed``), empty for no record, ``not
    listed`` where the instrument's list is complete.  ``all_columns``: every kept instrument,
    not only the page's."""
    request = view.request
    columns = (
        [k for k, ins in enumerate(view.alignment.matrix.instruments)
         if _keep_instrument(ins, request)]
        if all_columns
        else view.instruments
    )  # fmt: skip
    matrix = view.alignment.matrix
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["actor", "label", "region", *(matrix.instruments[i].slug for i in columns)])
    for a in view.actors:
        cells = []
        for i in columns:
            key, several = view.cell(a, i)
            text = " / ".join(k.replace("-", " ") for k in several) if several else key
            cells.append(_MISSING_TEXT.get(text, text.replace("-", " ")))
        writer.writerow([matrix.codes_of[a], matrix.labels[a], view.alignment.regions[a], *cells])
    return out.getvalue()
