"""The comparison of two actors, as HTML: the measures with ``n`` and what each means, the years
as a chart with ``n`` at each point and as a table, and the instruments one by one."""

from __future__ import annotations

from html import escape
from typing import Any

from govkg.site import charts
from govkg.site.compare import Comparison
from govkg.site.coverage_html import coverage_html
from govkg.site.layout import Layout
from govkg.site.pages import href_of, page, table
from govkg.site.resources import PAGE_SIZE

#: What each measure says, in a few words.
MEANINGS = {
    "n": "instruments both have a stance on (the measures rest on these)",
    "agreement": "share of those instruments where both took the same position",
    "s": "Signorino-Ritter S: 1 minus the mean distance between their positions",
    "s_squared": "S with squared distances",
    "pi": "Scott's pi: agreement corrected for chance, pooled positions",
    "kappa": "Cohen's kappa: agreement corrected for chance, each actor's own positions",
    "kappa_squared": "kappa with squared disagreement weights",
    "kappa_linear": "kappa with linear disagreement weights",
    "pi_squared": "pi with squared disagreement weights",
    "jaccard": "instruments both signed, over those either signed (all instruments)",
    "note": "why a measure is undefined, 0 or not to be trusted",
}
_CODE_CSS = {"yes": "st-signed", "abstain": "st-abstained", "no": "st-voted-no"}


def _value(value: Any) -> str:
    if value is None or value == "":
        return "undefined"
    if isinstance(value, float):
        return f"{value:.3f}"
    return escape(str(value))


def comparison_page(
    found: Comparison, settings: Layout, root: str, name: str, number: int = 1
) -> str:
    """The whole page, its instrument table at page ``number`` (100 a page); ``name`` is the
    page's last path segment without ``.html`` (for the downloads and the other pages)."""
    a, b = found.a, found.b
    title = f"{a.label} and {b.label} compared"
    links = " ".join(
        f'<a href="./{escape(name)}.{ext}">{ext.upper()}</a>' for ext in ("csv", "json")
    )
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="lead">{_side(a, settings, root)} and {_side(b, settings, root)}, over the '
        "instruments both have a stance on: the numbers <code>govkg align --pair "
        f"{escape(a.code)} {escape(b.code)}</code> gives. Downloads: {links}.</p>",
        coverage_html(found.report.coverage, settings, root),
        _measures_html(found),
        _years_html(found),
        _instruments_html(found, settings, root, name, number),
    ]
    return page(title, "\n".join(p for p in body if p), root)


def _side(side: Any, settings: Layout, root: str) -> str:
    href = href_of(side.iri, settings, root)
    text = f"{escape(side.label)} ({escape(side.code)})"
    return f'<a href="{escape(href)}">{text}</a>' if href else text


def _measures_html(found: Comparison) -> str:
    rows = [
        [escape(m["measure"]), _value(m["value"]), escape(MEANINGS.get(m["measure"], ""))]
        for m in found.measures
        if m["measure"] != "note"
    ]
    notes = [str(m["value"]) for m in found.measures if m["measure"] == "note" and m["value"]]
    extra = "".join(f"<li>{escape(n)}</li>" for n in str(notes[0]).split("; ")) if notes else ""
    n = found.measure("n")
    head = f'<h2>Measures <span class="count">(n = {escape(str(n))})</span></h2>'
    out = head + table(("Measure", "Value", "What it says"), rows, ("", "num", ""))
    return out + (f'<ul class="notes">{extra}</ul>' if extra else "")


def _years_html(found: Comparison) -> str:
    if not found.years:
        return ""
    points = [
        charts.YearPoint(
            year=int(str(y["period"])[:4]),
            value=y["agreement"] if isinstance(y["agreement"], float) else None,
            n=int(y["n"]),
        )
        for y in found.years
    ]
    chart = charts.by_year(
        points,
        title="Agreement by year",
        description=f"The share of instruments of each year on which {found.a.label} and "
        f"{found.b.label} took the same position. A share resting on one or two instruments "
        "says little.",
        id_prefix="years",
        y_label="agreement",
    )
    rows = [
        [escape(str(y["period"])), str(y["n"]), _value(y["agreement"]), _value(y["kappa"])]
        for y in found.years
    ]
    table_html = table(("Year", "n", "Agreement", "κ"), rows, ("", "num", "num", "num"))
    return f"<h2>By year</h2>{chart}{table_html}"


def _instruments_html(
    found: Comparison, settings: Layout, root: str, name: str, number: int
) -> str:
    a, b = found.a.code, found.b.code
    pages = max(1, -(-len(found.instruments) // PAGE_SIZE))
    number = min(number, pages)
    shown = found.instruments[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    rows = []
    for item in shown:
        iri, label = found.labels.get(str(item["instrument"]), ("", str(item["instrument"])))
        href = href_of(iri, settings, root) if iri else None
        name = f'<a href="{escape(href)}">{escape(label)}</a>' if href else escape(label)
        rows.append(
            [name, escape(str(item["date"] or "")), _code(item[a]), _code(item[b]),
             "yes" if item["counted"] else "no"]
        )  # fmt: skip
    counted = sum(1 for item in found.instruments if item["counted"])
    head = (
        f'<h2>Instrument by instrument <span class="count">({counted} of '
        f"{len(found.instruments)} counted)</span></h2>"
        '<p class="lead">Counted: both have a position the measures code (yes, abstain, no). '
        "An empty cell is no coded stance: no record, took part, or did not vote.</p>"
    )
    headers = ("Instrument", "Date", a, b, "Counted")
    pager = _pager(name, number, pages)
    return head + pager + table(headers, rows, ("", "nowrap", "nowrap", "nowrap", "")) + pager


def _pager(name: str, number: int, pages: int) -> str:
    """Page N of M of the instrument table, linked as ``./B.page-N.html`` (a static copy has
    every page)."""
    if pages == 1:
        return ""
    links = [
        f"<strong>{n}</strong>"
        if n == number
        else f'<a href="./{escape(name)}{"" if n == 1 else f".page-{n}"}.html">{n}</a>'
        for n in range(1, pages + 1)
    ]
    return f'<nav class="pager" aria-label="pages of instruments">Page: {" ".join(links)}</nav>'


def _code(value: Any) -> str:
    text = str(value or "")
    css = _CODE_CSS.get(text)
    if css is None:
        return escape(text)
    return f'<span class="swatch {css}">{escape(text[:1].upper())}</span> {escape(text)}'
