"""Which resources have a profile on their page, and its HTML: instruments
(:mod:`govkg.site.instrument_pages`), states and organisations (:mod:`govkg.site.state_pages`)."""

from __future__ import annotations

from govkg.coverage import INSTRUMENT_BASE, ORG_BASE, STATE_BASE
from govkg.site.instrument_pages import instrument_profile_html
from govkg.site.layout import Layout
from govkg.site.profiles import instrument_profile, map_states
from govkg.site.state_pages import state_profile_html
from govkg.site.state_profiles import state_profile
from govkg.store import Store


def profile_html(
    store: Store, iri: str, settings: Layout, root: str, doc_name: str, page: int = 1
) -> str:
    """The profile sections of the resource's page ("" for a resource without a profile)."""
    if iri.startswith(INSTRUMENT_BASE):
        profile = instrument_profile(store, iri)
        if profile is None:
            return ""
        states = map_states(store)
        return instrument_profile_html(profile, states, settings, root, doc_name, page)
    if iri.startswith((STATE_BASE, ORG_BASE)):
        found = state_profile(store, iri)
        return state_profile_html(found, map_states(store), settings, root, page)
    return ""
