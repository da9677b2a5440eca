"""The query catalogue's HTML: the listing of the canned queries and the page of one query's
answer (its parameter form, coverage notice, rows and text).  Every value is escaped."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode

from govkg.coverage import Coverage
from govkg.queries import Query
from govkg.site import pages
from govkg.site.coverage_html import coverage_html
from govkg.site.formats import QUERY_FORMATS
from govkg.site.layout import Layout
from govkg.site.paths import QUERY_NAME_SAFE, query_href
from govkg.store import QueryResult


@dataclass(frozen=True)
class Capped:
    """A canned query's answer, cut to the server's row cap, and whether it was cut; for a page
    of the answer, the number of rows of the whole answer (``total``)."""

    result: QueryResult
    truncated: bool
    total: int | None = None


@dataclass(frozen=True)
class Covered:
    """An answer and what the lists behind it are worth."""

    answer: Capped
    coverage: Coverage


def _parameters_html(query: Query) -> str:
    if not query.parameters:
        return "none"
    items = "".join(
        f"<li><code>{escape(p.name)}</code> ({escape(p.type)}"
        + (f", default <code>{escape(p.default)}</code>" if p.default is not None else ", required")
        + f"): {escape(p.description)}</li>"
        for p in query.parameters
    )
    return f"<ul>{items}</ul>"


def _format_links(root: str, name: str, params: str = "") -> str:
    return ", ".join(
        f'<a href="{escape(query_href(root, name, ext, params))}">{ext.upper()}</a>'
        for ext in QUERY_FORMATS
    )


def _listing_row(query: Query, root: str) -> str:
    check = " <small>(a check: must return no rows)</small>" if query.kind == "check" else ""
    return (
        f'<tr><td><a href="{escape(query_href(root, query.name))}">{escape(query.name)}</a>'
        f"{check}</td><td><strong>{escape(query.title)}</strong><br>"
        f"{escape(query.description)}</td><td>{_parameters_html(query)}</td>"
        f"<td>{_format_links(root, query.name)}</td></tr>"
    )


def listing_table(queries: list[Query], root: str) -> str:
    """The catalogue as an HTML table: name, title and description, parameters, formats."""
    rows = "".join(_listing_row(q, root) for q in queries)
    head = "<tr><th>query</th><th>what it answers</th><th>parameters</th><th>formats</th></tr>"
    table = f"<table><thead>{head}</thead><tbody>{rows}</tbody></table>"
    editor = f'<a href="{escape(root)}/query.html">query editor</a>'
    return f'<div class="table-wrap">{table}</div><p>Or write your own in the {editor}.</p>'


def _form(query: Query, given: dict[str, str], root: str) -> str:
    """A GET form for the query's parameters, filled with the values in force."""
    if not query.parameters:
        return ""
    fields = "".join(
        f'<p><label>{escape(p.name)} ({escape(p.type)}) <input name="{escape(p.name)}" '
        f'value="{escape(given.get(p.name, p.default or ""))}" size="40"></label> '
        f"<small>{escape(p.description)}</small></p>"
        for p in query.parameters
    )
    action = escape(query_href(root, query.name))
    return f'<form method="get" action="{action}">{fields}<p><button>Run</button></p></form>'


def results_table(result: QueryResult, settings: Layout, root: str) -> str:
    """The rows as an HTML table, every value escaped and our IRIs linked to their pages."""
    if result.kind == "ask":
        return f"<p>Answer: <strong>{'yes' if result.boolean else 'no'}</strong></p>"
    if not result.rows:
        return "<p>No rows.</p>"
    head = "".join(f"<th>{escape(v)}</th>" for v in result.variables)
    body = "".join(
        "<tr>" + "".join(f"<td>{pages.term_html(t, settings, root)}</td>" for t in row) + "</tr>"
        for row in result.rows
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="table-wrap">{table}</div>'


def _count(answer: Capped) -> str:
    if answer.result.kind == "ask":
        return ""
    shown = len(answer.result.rows)
    if answer.total is not None:  # a page: the whole answer's rows (the page's are said below)
        return f"<p>{answer.total} row{'' if answer.total == 1 else 's'} in all.</p>"
    if answer.truncated:
        return (
            f"<p><strong>Truncated:</strong> only the first {shown} rows are shown; the answer "
            f"has more (this server returns at most {shown} rows).</p>"
        )
    return f"<p>{shown} row{'' if shown == 1 else 's'}.</p>"


def query_body(
    query: Query, given: dict[str, str], covered: Covered, settings: Layout, root: str
) -> str:
    """The page of a canned query: header, parameter form, coverage, answer and the query text."""
    answer = covered.answer
    params = urlencode(given)
    editor = f"{root}/query.html#example={quote(query.name, safe=QUERY_NAME_SAFE)}"
    return "".join(
        [
            f'<p><a href="{escape(root)}/queries.html">All queries</a></p>',
            f"<h1>{escape(query.title)}</h1><p>{escape(query.description)}</p>",
            _form(query, given, root),
            _count(answer),
            coverage_html(covered.coverage, settings, root),
            f"<p>Also as: {_format_links(root, query.name, params)}; "
            f'<a href="{escape(editor)}">edit in the query editor</a></p>',
            results_table(answer.result, settings, root),
            "<h2>The query</h2><p>Parameters are bound to the variables of the same name.</p>",
            f"<pre>{escape(query.text)}</pre>",
        ]
    )
