"""The profile of an event (what it is, what it adopted, who attended and what each did on what it
adopted) and of a dialogue (a timeline of its meetings, agreements and statements, each with the
words said), as HTML."""

from __future__ import annotations

from html import escape

from govkg.site.event_profiles import Attendee, DialogueItem, DialogueProfile, EventProfile
from govkg.site.layout import Layout
from govkg.site.pages import date_html, table
from govkg.site.snippets import linked_html, short_citation, swatch_html

_KIND_NAMES = {
    "BilateralDialogue": "dialogue",
    "BilateralMeeting": "meeting",
    "BilateralAgreement": "agreement",
    "Quotation": "quoted",
    "ReportedPosition": "reported",
}


def event_profile_html(profile: EventProfile, settings: Layout, root: str) -> str:
    """The event's facts, what it adopted, and a table of its actors by what it adopted."""
    return (
        '<div class="profile">'
        + _facts(profile, settings, root)
        + _actors(profile, settings, root)
        + "</div>"
    )


def _facts(profile: EventProfile, settings: Layout, root: str) -> str:
    f = profile.facts
    rows = []
    if f.types:
        rows.append(("Kind", escape(f.types)))
    if f.start:
        when = f.start + (f" to {f.end}" if f.end and f.end != f.start else "")
        rows.append(("Date", escape(when)))
    for name, item in (("Place", f.place), ("Host", f.host), ("Series", f.series)):
        if item is not None:
            rows.append((name, linked_html(item, settings, root)))
    adopted = ", ".join(linked_html(i, settings, root) for i, _d in profile.adopted)
    rows.append(("Adopted", adopted or "nothing recorded"))
    body = "".join(f'<tr><th scope="row">{escape(h)}</th><td>{v}</td></tr>' for h, v in rows)
    return f'<table class="facts"><tbody>{body}</tbody></table>'


def _actors(profile: EventProfile, settings: Layout, root: str) -> str:
    if not profile.attendees:
        return "<h2>Who was there</h2><p>No attendance and no stance recorded.</p>"
    attended = sum(1 for a in profile.attendees if a.attended)
    head = (
        f'<h2>Who was there, and what each did <span class="count">({len(profile.attendees)} '
        f"actors; {attended} with a recorded attendance)</span></h2>"
        '<p class="lead">Every actor with a recorded attendance or a stance on what the event '
        "adopted. An actor with a stance but no recorded attendance may have attended: the "
        "attendance list says how complete it is (above).</p>"
    )
    headers = ["Actor", "Attended", *(i.label or i.iri for i, _d in profile.adopted)]
    rows = [_row(a, profile, settings, root) for a in profile.attendees]
    return head + table(headers, rows, ("", "nowrap"))


def _row(a: Attendee, profile: EventProfile, settings: Layout, root: str) -> list[str]:
    cells = [linked_html(a.actor, settings, root), "yes" if a.attended else "not recorded"]
    for instrument, _date in profile.adopted:
        kinds = a.stances.get(instrument.iri, ())
        cells.append(
            " ".join(swatch_html(k) for k in kinds) or '<span class="meta">no record</span>'
        )
    return cells


def dialogue_profile_html(profile: DialogueProfile, settings: Layout, root: str) -> str:
    """The dialogue's steps in order, each with what was said at or about it."""
    if not profile.steps:
        return ""
    items = "".join(_step(s, profile, settings, root) for s in profile.steps)
    return (
        '<div class="profile"><h2>Timeline</h2><p class="lead">The dialogues, meetings and '
        "agreements between the same parties, by date (undated first), each with the words "
        "said at or about it.</p>"
        f'<ol class="timeline">{items}</ol></div>'
    )


def _step(step: DialogueItem, profile: DialogueProfile, settings: Layout, root: str) -> str:
    kind = _KIND_NAMES.get(step.kind, step.kind)
    when = date_html(step.date, step.as_of) if step.when else '<span class="meta">undated</span>'
    status = f' <span class="meta">({escape(step.status)})</span>' if step.status else ""
    said = "".join(_words(w, profile, settings, root) for w in profile.words.get(step.item.iri, []))
    cite = short_citation(step.sources, profile.sources, settings, root)
    return (
        f'<li class="step step-{escape(kind)}"><p><span class="when">{when}</span> '
        f'<span class="tag">{escape(kind)}</span> {linked_html(step.item, settings, root)}'
        f"{status}</p>{cite}{said}</li>"
    )


def _words(w: DialogueItem, profile: DialogueProfile, settings: Layout, root: str) -> str:
    who = linked_html(w.speaker, settings, root) or "unnamed speaker"
    role = f", {escape(w.role)}" if w.role else ""
    when = f" ({escape(w.date)})" if w.date else ""
    reported = " (reported, not quoted)" if w.kind == "ReportedPosition" else ""
    cite = short_citation(w.sources, profile.sources, settings, root)
    text = escape(w.words or "")
    return (
        f'<figure class="quote{" reported" if reported else ""}"><blockquote>{text}</blockquote>'
        f"<figcaption>{who}{role}{when}{reported}. {cite}</figcaption></figure>"
    )
