"""Coverage on the web: an answer's or a page's lists, said in HTML above the rows.

The same :class:`govkg.coverage.Coverage` the command line prints on stderr: the verdict in one
sentence, then each list that is not complete, linked to its page.
"""

from __future__ import annotations

from html import escape

from govkg.coverage import MAX_LINES, Coverage, ListCoverage
from govkg.site import pages
from govkg.site.layout import Layout

#: Response header naming an answer's verdict and its lists that are not complete (ASCII).
COVERAGE_HEADER = "X-Govkg-Coverage"
#: A CSS class per verdict: complete answers are quiet, the others stand out.
_CLASS = {
    "complete": "coverage ok",
    "complete-as-of": "coverage asof",
    "incomplete": "coverage partial",
    "unknowable": "coverage unknowable",
    "unlisted": "coverage asof",
}
_HEADING = {
    "complete": "Complete.",
    "complete-as-of": "Complete as of a date.",
    "incomplete": "Incomplete.",
    "unknowable": "Cannot be known from the record.",
    "unlisted": "Lists this actor is not on.",
}


def coverage_html(coverage: Coverage, settings: Layout, root: str) -> str:
    """A notice block, or nothing when the answer rests on no list."""
    verdict = coverage.verdict
    if verdict == "none":
        return ""
    summary = coverage.summary().split(": ", 1)[-1]
    shown = [item for item in coverage.lists if not item.complete] or list(coverage.lists)
    items = "".join(f"<li>{_item_html(item, settings, root)}</li>" for item in shown[:MAX_LINES])
    complete = len(coverage.lists) - len(shown)
    more = f"<li>{complete} complete list{'s' if complete != 1 else ''}</li>" if complete else ""
    hidden = max(0, len(shown) - MAX_LINES) + coverage.more
    if hidden:
        more += f"<li>… and {hidden} more lists that are not complete</li>"
    return (
        f'<div class="{_CLASS[verdict]}" role="note"><p><strong>Coverage: {_HEADING[verdict]}'
        f"</strong> {escape(summary[:1].upper() + summary[1:])}.</p>"
        f"<ul>{items}{more}</ul></div>"
    )


def _item_html(item: ListCoverage, settings: Layout, root: str) -> str:
    prefix = "attendance at " if item.list == "attendance" else ""
    link = pages.iri_html(item.iri, item.label, settings, root, brief=True)
    return f"{prefix}{link}: {escape(item.text())}"
