"""The matrix page: a filter form, a legend, the table of actors by instruments (a coloured
letter per cell, so it reads without colour), its pages of columns and its CSV download."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from govkg.site.layout import Layout
from govkg.site.matrix import PRESETS, MatrixView
from govkg.site.pages import href_of, page
from govkg.site.palette import SWATCHES, swatch
from govkg.site.status_matrix_pages import at_field, dated_cell, dated_note

_FILTERS = (("series", "Series"), ("type", "Type"), ("region", "Region"))


def matrix_page(view: MatrixView, settings: Layout, root: str, static: bool = False) -> str:
    """The whole page; ``static``: a copy of the site, where filters cannot run (the form is
    replaced by links to the copy's presets)."""
    request = view.request
    title = PRESETS[request.preset][0] if request.preset else "Who took which stance"
    name = f"{request.preset}" if request.preset else "matrix"
    body = [
        f"<h1>{escape(title)}</h1>",
        '<p class="lead">Actors (rows) by instruments (columns, by date): each cell is the '
        "actor's recorded stance, as a letter on its colour. An empty cell is no record, which "
        "is not a refusal; a dash is not on a list that is complete. A star marks a cell with "
        "several stances (sources that disagree, or a stance and a later one): its title names "
        "them all.</p>",
        _presets(root, request.preset),
        _static_note() if static else _form(view, root),
        _legend(),
        dated_note(view),
        _summary(view, name, root),
        _pager(view, name),
        _table(view, settings, root),
    ]
    return page(title, "\n".join(p for p in body if p), root)


def _presets(root: str, current: str) -> str:
    links = [f'<a href="{escape(root)}/matrix.html">all actors</a>']
    links += [
        f'<a href="{escape(root)}/matrix/{escape(key)}.html">{escape(title)}</a>'
        for key, (title, _actors) in PRESETS.items()
        if key != current
    ]
    return f'<p class="presets">Presets: {" · ".join(links)}</p>'


def _static_note() -> str:
    return (
        '<p class="note">This copy of the site holds the whole matrix and its presets; filters '
        "and sorting need the live server (<code>govkg serve</code>).</p>"
    )


def _form(view: MatrixView, root: str) -> str:
    request = view.request
    fields = []
    current = {"series": request.series, "type": request.type, "region": request.region}
    for param, label in _FILTERS:
        options = '<option value="">any</option>' + "".join(
            f'<option value="{escape(v)}"{" selected" if v == current[param] else ""}>'
            f"{escape(text)}</option>"
            for v, text in view.choices.get(param, [])
        )
        fields.append(f'<label>{escape(label)} <select name="{param}">{options}</select></label>')
    for param, label, value in (
        ("from", "From year", request.year_from),
        ("to", "To year", request.year_to),
    ):
        fields.append(
            f'<label>{label} <input name="{param}" inputmode="numeric" pattern="[0-9]{{4}}" '
            f'size="4" value="{escape(str(value or ""))}"></label>'
        )
    sorts = "".join(
        f'<option value="{escape(v)}"{" selected" if v == request.sort else ""}>'
        f"{escape(text)}</option>"
        for v, text in view.choices.get("sort", [])
    )
    fields.append(f'<label>Sort rows by <select name="sort">{sorts}</select></label>')
    fields.append(at_field(view))
    action = f"{root}/matrix/{request.preset}.html" if request.preset else f"{root}/matrix.html"
    return (
        f'<form class="filters" method="get" action="{escape(action)}">'
        + "".join(fields)
        + '<button type="submit">Show</button></form>'
    )


def _legend() -> str:
    items = "".join(
        f'<li><span class="swatch {escape(s.css)}" aria-hidden="true">'
        f"{'&nbsp;' if s.key == 'no-record' else escape(s.letter)}</span> {escape(s.name)}</li>"
        for s in SWATCHES
    )
    return f'<ul class="legend" aria-label="legend">{items}</ul>'


def _summary(view: MatrixView, name: str, root: str) -> str:
    params = urlencode(view.request.params())
    csv = f"{root}/matrix/{name}.csv" if view.request.preset else f"{root}/matrix.csv"
    href = csv + (f"?{params}" if params else "")
    undated = ""
    if view.undated:
        names = ", ".join(escape(view.short(i)) for i in view.undated)
        undated = (f'<p class="note">Left out by the period: {len(view.undated)} instrument(s) '
                   f"the record does not date ({names}).</p>")  # fmt: skip
    return (
        f"<p>{len(view.actors)} actors by {view.total_instruments} instruments. "
        f'<a href="{escape(href)}">Download as CSV</a> (every instrument the filters keep).</p>'
        + undated
    )


def _pager(view: MatrixView, name: str) -> str:
    if view.pages == 1:
        return ""
    params = urlencode(view.request.params())
    query = f"?{params}" if params else ""
    links = []
    for number in range(1, view.pages + 1):
        href = f"./{name}.html" if number == 1 else f"./{name}.page-{number}.html"
        if number == view.request.page:
            links.append(f"<strong>{number}</strong>")
        else:
            links.append(f'<a href="{escape(href + query)}">{number}</a>')
    return (
        f'<nav class="pager" aria-label="pages of instruments">Instruments: {" ".join(links)}</nav>'
    )


def _table(view: MatrixView, settings: Layout, root: str) -> str:
    if not view.actors or not view.instruments:
        return "<p>No actor has a stance on the instruments these filters keep.</p>"
    matrix = view.alignment.matrix
    head = "".join(_column_head(view, i, settings, root) for i in view.instruments)
    rows = []
    for a in view.actors:
        href = href_of(matrix.actors[a], settings, root) or ""
        cells = "".join(_cell(view, a, i) for i in view.instruments)
        rows.append(
            f'<tr><th scope="row"><a href="{escape(href)}">{escape(matrix.labels[a])}</a></th>'
            f"{cells}</tr>"
        )
    return (
        '<div class="table-wrap"><table class="matrix"><thead><tr><th scope="col">Actor</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _column_head(view: MatrixView, i: int, settings: Layout, root: str) -> str:
    ins = view.instrument(i)
    href = escape(href_of(ins.iri, settings, root) or "")
    return (
        f'<th scope="col" class="col"><a href="{href}" title="{escape(ins.label)}">'
        f"<span>{escape(_clip(view.short(i)))}</span></a><small>{escape(ins.date[:7])}</small></th>"
    )


def _clip(text: str, width: int = 42) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _cell(view: MatrixView, a: int, i: int) -> str:
    if (dated := dated_cell(view, a, i)) is not None:
        return dated
    key, several = view.cell(a, i)
    sw = swatch(key)
    if key == "no-record":
        return '<td class="st-no-record"></td>'
    if several:
        names = " / ".join(swatch(k).name for k in several)
        return f'<td class="{sw.css}" title="{escape(names)}">{escape(sw.letter)}*</td>'
    return f'<td class="{sw.css}">{escape(sw.letter)}</td>'
