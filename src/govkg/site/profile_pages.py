"""Which resources have a profile on their page, and its HTML: instruments
(:mod:`govkg.site.instrument_pages`), states and organisations (:mod:`govkg.site.state_pages`),
events and dialogues (:mod:`govkg.site.event_pages`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from govkg.coverage import EVENT_BASE, INSTRUMENT_BASE, ORG_BASE, STATE_BASE
from govkg.namespaces import DATA_BASE
from govkg.site.change_pages import changes_html
from govkg.site.event_pages import dialogue_profile_html, event_profile_html
from govkg.site.event_profiles import dialogue_profile, event_profile
from govkg.site.instrument_pages import instrument_profile_html
from govkg.site.kept import Kept, KeptByKey
from govkg.site.layout import Layout
from govkg.site.profiles import InstrumentProfile, MapState, instrument_profile, map_states
from govkg.site.state_pages import state_profile_html
from govkg.site.state_profiles import read_alignment, ready_alignment, state_profile
from govkg.site.unlisted import start_reading_lists
from govkg.store import Store

DIALOGUE_BASE = f"{DATA_BASE}dialogue/"
#: The states the maps draw: the same for every page.
_STATES: Kept[list[MapState]] = Kept(map_states, "states for the maps")
#: The profiles of the instruments whose pages were asked for last (each reads every stance on
#: the instrument: 0.3 s at 4 M triples), kept a while.
_INSTRUMENTS: KeptByKey[str, InstrumentProfile | None] = KeptByKey(instrument_profile, 64)


def warm(store: Store) -> None:
    """Read what the profiles take from the whole graph before a page asks for it: the lists an
    actor's coverage notice needs (in the background), then the alignment with its actors' ideal
    points (while the caller waits: minutes at 4 M triples).  Until each is kept, a page that
    needs it says that part is not ready."""
    start_reading_lists(store)
    read_alignment(store)


@dataclass(frozen=True)
class Asked:
    """A profile as a page asks for it: the resource, the page of its stance table, and what
    its links depend on (the site's layout, the path to the site's top, the page's name, the
    releases whose changes it lists)."""

    iri: str
    settings: Layout
    root: str
    doc_name: str
    page: int = 1
    releases: Path | None = None
    aligned: bool = False  # an actor's: whether the alignment was ready when it was asked for


def profile_html(
    store: Store,
    iri: str,
    settings: Layout,
    root: str,
    doc_name: str,
    page: int = 1,
    releases: Path | None = None,
) -> str:
    """The profile sections of the resource's page ("" for a resource without a profile); an
    instrument's and an actor's end with what the releases in ``releases`` changed about it.
    An instrument's and an actor's are kept as HTML a while (each is drawn from data kept that
    long); an actor's apart while the alignment is not ready (it says so) and once it is."""
    asked = Asked(iri, settings, root, doc_name, page, releases)
    if iri.startswith(INSTRUMENT_BASE):
        return _RENDERED.get(store, asked)
    if iri.startswith((STATE_BASE, ORG_BASE)):
        aligned = ready_alignment(store, 0) is not None
        return _RENDERED.get(store, replace(asked, aligned=aligned))
    return _render(store, asked)


def _render(store: Store, asked: Asked) -> str:
    iri, settings, root, doc_name, page = (asked.iri, asked.settings, asked.root,
                                           asked.doc_name, asked.page)  # fmt: skip
    if iri.startswith(INSTRUMENT_BASE):
        profile = _INSTRUMENTS.get(store, iri)
        if profile is None:
            return ""
        states = _STATES.get(store)
        html = instrument_profile_html(profile, states, settings, root, doc_name, page)
        return _with_changes(html, iri, settings, root, asked.releases)
    if iri.startswith(EVENT_BASE):
        event = event_profile(store, iri)
        return event_profile_html(event, settings, root) if event is not None else ""
    if iri.startswith(DIALOGUE_BASE):
        return dialogue_profile_html(dialogue_profile(store, iri), settings, root)
    if iri.startswith((STATE_BASE, ORG_BASE)):
        found = state_profile(store, iri, page)
        html = state_profile_html(found, _STATES.get(store), settings, root, doc_name, page)
        return _with_changes(html, iri, settings, root, asked.releases)
    return ""


#: The profiles of the instruments' and actors' pages asked for last, as HTML, kept a while
#: (drawing an actor's timeline and maps takes longer than serving its page should).
_RENDERED: KeptByKey[Asked, str] = KeptByKey(_render, 128)


def _with_changes(html: str, iri: str, settings: Layout, root: str, releases: Path | None) -> str:
    changes = changes_html(iri, settings, root, releases) if releases is not None else ""
    return html + changes if changes else html
