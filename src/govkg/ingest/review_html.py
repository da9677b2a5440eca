"""The HTML of ``govkg review``, the curator's local review page: the list of review files and
one review (the article's text with each candidate's evidence highlighted, and the candidates
with their forms).  Every text from a review file or the graph is escaped here.

The highlighting cuts the text at every candidate's start and end, so that no two ``<mark>``
elements nest or cross whatever the spans: each piece between two cuts is one ``<mark>`` naming
the candidates that cover it (``data-ids``), and an empty ``<span id="ev-ID">`` stands where a
candidate's evidence starts.  The forms post to the page's own paths and work without
JavaScript; ``/static/review.js`` only highlights the focused candidate's words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from urllib.parse import quote

from govkg.ingest.model import Candidate
from govkg.ingest.review import Item, Review
from govkg.namespaces import compact, expand

#: What a decision is called on the page.
SHOWN = {"": "undecided", "accept": "accepted", "reject": "rejected", "correct": "corrected"}
#: The form field naming a candidate's field in the Correct form: ``field:actor``.
FIELD = "field:"
#: The fields that name a resource of the graph (an empty one: a name the graph lacks).
RESOURCES = frozenset({"actor", "target", "event", "speaker", "on_behalf_of", "parties", "host"})
#: A label lookup: the resource's label, or None when the graph holds no such resource.
Labels = Callable[[str], str | None]


@dataclass(frozen=True)
class Listed:
    """A review file in the list: its page name (the file's stem), its title and its counts by
    decision, or the one line saying why it cannot be read."""

    name: str
    title: str = ""
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)  # undecided, accepted, corrected, rejected
    error: str = ""


@dataclass(frozen=True)
class Message:
    """What a POST did, shown at the top of the page: ``ok`` or ``error``, its lines, and more
    lines folded under a summary (``govkg accept``'s differences from the graph)."""

    kind: str
    lines: tuple[str, ...]
    folded: tuple[str, ...] = ()
    summary: str = ""


def counts(review: Review) -> tuple[int, int, int, int]:
    """The review's candidates: undecided, accepted, corrected and rejected."""
    decisions = [item.decision for item in review.items]
    count = decisions.count
    return count(""), count("accept"), count("correct"), count("reject")


def review_href(name: str) -> str:
    """The path of a review's page."""
    return f"/review/{quote(name, safe='')}"


def candidate_anchor(candidate_id: str) -> str:
    return f"c-{candidate_id}"


# --- the page's frame --------------------------------------------------------------------------


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        '<link rel="stylesheet" href="/static/review.css">'
        '<script defer src="/static/review.js"></script>'
        f"</head><body>{body}</body></html>\n"
    )


def _message(message: Message | None) -> str:
    if message is None:
        return ""
    lines = "".join(f"<li>{escape(line)}</li>" for line in message.lines)
    role = "alert" if message.kind == "error" else "status"
    folded = ""
    if message.folded:
        items = "".join(f"<li>{escape(line)}</li>" for line in message.folded)
        folded = f"<details><summary>{escape(message.summary)}</summary><ul>{items}</ul></details>"
    return (
        f'<div class="message {escape(message.kind)}" role="{role}"><ul>{lines}</ul>{folded}</div>'
    )


def error_html(status: int, text: str) -> str:
    """A page saying, in one line, why a request was refused."""
    body = (
        f'<header><p><a href="/">All reviews</a></p><h1>{status}</h1></header>'
        f'<main><p class="message error">{escape(text)}</p></main>'
    )
    return _page(f"{status}: govkg review", body)


# --- the list of review files ------------------------------------------------------------------


def index_html(listed: Sequence[Listed], folder: str) -> str:
    """The review files of ``folder`` with their counts, each linking to its page."""
    if not listed:
        rows = (
            f"<p>No review file in {escape(folder)} yet: <code>govkg ingest ARTICLE</code> "
            "writes one.</p>"
        )
    else:
        head = (
            "<tr><th>Review</th><th>Undecided</th><th>Accepted</th><th>Corrected</th>"
            "<th>Rejected</th></tr>"
        )
        rows = f'<table class="reviews"><thead>{head}</thead><tbody>'
        rows += "".join(_listed_row(entry) for entry in listed) + "</tbody></table>"
    body = (
        "<header><h1>Reviews</h1>"
        f"<p>The review files in <code>{escape(folder)}</code>: decide each candidate, then "
        "write the accepted facts.</p></header>"
        f"<main>{rows}</main>"
    )
    return _page("Reviews: govkg review", body)


def _listed_row(entry: Listed) -> str:
    link = f'<a href="{escape(review_href(entry.name))}">{escape(entry.title or entry.name)}</a>'
    if entry.error:
        return f'<tr><td>{link}</td><td colspan="4" class="error">{escape(entry.error)}</td></tr>'
    cells = "".join(f'<td class="n">{n}</td>' for n in entry.counts)
    return f"<tr><td>{link} <code>{escape(entry.name)}</code></td>{cells}</tr>"


# --- one review --------------------------------------------------------------------------------


def review_html(
    name: str, review: Review, labels: Labels, token: str, message: Message | None = None
) -> str:
    """One review's page: the article with the evidence highlighted, the candidates with their
    Accept, Reject and Correct forms, and the form that writes the accepted facts."""
    article = review.article
    title = article.title or review.slug
    undecided, accepted, corrected, rejected = counts(review)
    summary = (
        f"{len(review.items)} candidates: {undecided} undecided, {accepted} accepted, "
        f"{corrected} corrected, {rejected} rejected"
    )
    action = escape(review_href(name))
    body = (
        f'<header><p><a href="/">All reviews</a></p><h1>{escape(title)}</h1>'
        f"{_article_meta(review)}</header>{_message(message)}"
        '<main class="review"><section class="article"><h2>Article</h2>'
        f'<div class="text">{highlighted(article.text, review.items)}</div></section>'
        f'<section class="candidates"><h2>Candidates</h2><p class="summary">{escape(summary)}</p>'
        f'<form class="write" method="post" action="{action}/write">{_token(token)}'
        '<button type="submit">Write accepted facts</button> <span>to graph/articles/'
        f"{escape(review.slug)}.ttl (validated first; nothing is written if it fails)</span>"
        "</form>"
        f'<ol class="candidate-list">'
        + "".join(_candidate(item, name, labels, token) for item in review.items)
        + "</ol></section></main>"
    )
    return _page(f"Review: {title}", body)


def _article_meta(review: Review) -> str:
    article = review.article
    parts = [escape(p) for p in (article.outlet, article.published) if p]
    if article.url.startswith(("http://", "https://")):
        parts.append(f'<a href="{escape(article.url)}" rel="noreferrer">{escape(article.url)}</a>')
    if article.path:
        parts.append(f"<code>{escape(article.path)}</code>")
    return f'<p class="meta">{" · ".join(parts)}</p>' if parts else ""


def _token(token: str) -> str:
    return f'<input type="hidden" name="token" value="{escape(token)}">'


def highlighted(text: str, items: Sequence[Item]) -> str:
    """The text, escaped, each candidate's evidence in ``<mark>`` pieces that never nest."""
    spans = [(i.candidate.id, i.candidate.selector.start, i.candidate.selector.end, i.decision)
             for i in items]  # fmt: skip
    starts: dict[int, list[str]] = defaultdict(list)
    for cid, start, _end, _decision in spans:
        starts[start].append(cid)
    cuts = sorted({0, len(text), *(s for _c, s, _e, _d in spans), *(e for *_x, e, _d in spans)})
    out: list[str] = []
    for here, there in pairwise(cuts):
        out += [f'<span class="anchor" id="ev-{escape(cid)}"></span>' for cid in starts[here]]
        cover = [(c, d) for c, s, e, d in spans if s <= here and there <= e]
        out.append(_piece(text[here:there], cover))
    out += [f'<span class="anchor" id="ev-{escape(cid)}"></span>' for cid in starts[len(text)]]
    return "".join(out)


def _piece(words: str, cover: list[tuple[str, str]]) -> str:
    if not cover:
        return escape(words)
    decisions = {decision for _cid, decision in cover}
    classes = ["ev", f"depth-{min(len(cover), 3)}"]
    if decisions == {"reject"}:
        classes.append("rejected")
    elif decisions & {"accept", "correct"}:
        classes.append("accepted")
    ids = " ".join(cid for cid, _decision in cover)
    tip = f"{len(cover)} candidate(s): {ids}"
    return (
        f'<mark class="{" ".join(classes)}" data-ids="{escape(ids)}" title="{escape(tip)}">'
        f"{escape(words)}</mark>"
    )


def _candidate(item: Item, name: str, labels: Labels, token: str) -> str:
    candidate = item.candidate
    cid = escape(candidate.id)
    hedged = (
        ' <span class="hedged">hedged: accept only with a correction</span>'
        if candidate.hedged
        else ""
    )
    head = (
        f'<h3><a class="show" href="#ev-{escape(quote(candidate.id, safe=""))}">'
        f"{escape(candidate.kind)}</a> <code>{cid}</code>{hedged} "
        f'<span class="decision">{escape(SHOWN[item.decision])}</span></h3>'
    )
    return (
        f'<li class="candidate decided-{escape(item.decision or "none")}" '
        f'id="{escape(candidate_anchor(candidate.id))}" data-id="{cid}">{head}'
        f"<blockquote>{escape(candidate.selector.exact)}</blockquote>"
        f"{_fields(item, labels)}{_mentions(candidate, labels)}{_notes(candidate)}"
        f"{_actions(item, name, token)}</li>"
    )


def _fields(item: Item, labels: Labels) -> str:
    """The fields as decided; a corrected one with the proposed value struck through."""
    candidate, proposed = item.candidate, item.candidate.fields
    rows = []
    for field, value in item.fields.items():
        shown = _value(candidate, field, value, labels)
        if item.decision == "correct" and value != proposed.get(field, ""):
            was = _value(candidate, field, proposed.get(field, ""), labels)
            shown += f' <del title="proposed">{was}</del>'
        rows.append(f"<dt>{escape(field)}</dt><dd>{shown}</dd>")
    return f'<dl class="fields">{"".join(rows)}</dl>'


def _value(candidate: Candidate, field: str, value: str, labels: Labels) -> str:
    """A field's value: a resource by its label (and compact IRI), a name the graph lacks as
    ``new: NAME``, else the text."""
    if not value and field in RESOURCES:
        new = candidate.fields.get(f"{field}_name") or _unresolved(candidate)
        return f'<span class="new">new: {escape(new)}</span>' if new else "<em>none</em>"
    if field == "parties" or _is_iri(value):
        return " ".join(_resource(part, labels) for part in value.split())
    return escape(value) if value else "<em>none</em>"


def _unresolved(candidate: Candidate) -> str:
    names = [m.proposed or m.text for m in candidate.mentions if m.iri is None]
    return names[0] if names else ""


def _is_iri(value: str) -> bool:
    return " " not in value and expand(value).startswith(("http://", "https://"))


def _resource(value: str, labels: Labels) -> str:
    iri = expand(value)
    label = labels(iri)
    code = f"<code>{escape(compact(iri))}</code>"
    if label is None:
        return f'<span class="unknown">{code} (not in the graph)</span>'
    return f'<span class="resource">{escape(label)}</span> {code}'


def _mentions(candidate: Candidate, labels: Labels) -> str:
    if not candidate.mentions:
        return ""
    parts = []
    for mention in candidate.mentions:
        if mention.iri is None:
            target = f'<span class="new">new: {escape(mention.proposed or mention.text)}</span>'
        else:
            target = _resource(mention.iri, labels)
        parts.append(f"<li>“{escape(mention.text)}” → {target}</li>")
    return f'<ul class="mentions">{"".join(parts)}</ul>'


def _notes(candidate: Candidate) -> str:
    if not candidate.notes:
        return ""
    return (
        '<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in candidate.notes) + "</ul>"
    )


def _actions(item: Item, name: str, token: str) -> str:
    """The decide form (Accept, Reject, Undecide) and the Correct form with every field."""
    action = escape(review_href(name))
    hidden = _token(token) + f'<input type="hidden" name="id" value="{escape(item.candidate.id)}">'
    buttons = (
        '<button type="submit" name="decision" value="accept" class="accept">Accept</button>'
        '<button type="submit" name="decision" value="reject" class="reject">Reject</button>'
    )
    if item.decision:
        buttons += '<button type="submit" name="decision" value="" class="undo">Undecide</button>'
    inputs = "".join(_input(field, value) for field, value in item.fields.items())
    opened = " open" if item.decision == "correct" else ""
    return (
        f'<div class="actions"><form class="decide" method="post" action="{action}/decide">'
        f"{hidden}{buttons}</form>"
        f'<details class="correct"{opened}><summary>Correct</summary>'
        f'<form class="correct" method="post" action="{action}/correct">{hidden}{inputs}'
        '<button type="submit" class="save">Save correction</button></form></details></div>'
    )


def _input(field: str, value: str) -> str:
    shown = compact(value) if _is_iri(value) else value
    name = escape(FIELD + field)
    if field == "text" or len(shown) > 80:
        control = f'<textarea name="{name}" rows="3">{escape(shown)}</textarea>'
    else:
        control = f'<input type="text" name="{name}" value="{escape(shown)}">'
    return f"<label><span>{escape(field)}</span>{control}</label>"
