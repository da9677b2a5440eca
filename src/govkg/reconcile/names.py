"""The candidate index: every reconcilable resource with its names and codes, built once from the
store.

Names are the graph's labels and alternative labels and the ingest gazetteer's names
(:func:`govkg.ingest.names.build_gazetteer`: short names, demonym adjectives and "Korea,
Republic of" turned round, from the vendored ``world-countries`` data).  Capitals are no names (a
spreadsheet's "Paris" is rarely France): they are kept apart, only to tell namesakes apart
("Congo - Brazzaville").  Codes are ISO 3166-1 alpha-2 and alpha-3, M49, Wikidata ids,
organisation ids and the service's own ids.  Names are compared normalised: accents folded, case
folded, punctuation and "the" dropped, "St." spelled "Saint", so "Iran (Islamic Republic of)" is
"Iran, Islamic Republic of".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govkg.fixed_queries import fixed_query
from govkg.ingest.names import build_gazetteer, fold
from govkg.reconcile.vocabulary import KINDS, STATE
from govkg.store import Store

#: How much a name of each kind counts, against a label's 1.0.
WEIGHTS = {"label": 1.0, "short": 1.0, "code": 1.0, "surname": 0.9, "adjective": 0.85}
_APOSTROPHES = re.compile("['`\u2019\u02bc\u00b4]")  # ' ` and the typographic apostrophes
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_DROPPED = frozenset(["the"])
#: Abbreviations written out: "St. Lucia" is "Saint Lucia".
_SPELLED = {"st": "saint"}
#: Queries that may be codes: two or three letters or digits, a Q-id, or a service id.
_CODE_LIKE = re.compile(r"[0-9A-Za-z]{2,3}|[Qq][1-9][0-9]{0,9}|[a-z-]+/\S+|https?://\S+")


def normalise(text: str) -> str:
    """A name as compared: accents and case folded, apostrophes dropped, other punctuation a
    space, "&" "and", "the" left out (``"Côte d'Ivoire"`` → ``"cote divoire"``)."""
    plain = _APOSTROPHES.sub("", fold(text).casefold()).replace("&", " and ")
    words = (_SPELLED.get(w, w) for w in _NOT_WORD.split(plain))
    return " ".join(w for w in words if w and w not in _DROPPED)


def code_key(text: str) -> str | None:
    """The key a query is looked up by among codes, or None when it cannot be a code."""
    stripped = text.strip()
    if not _CODE_LIKE.fullmatch(stripped) or (len(stripped) == 2 and not stripped.isupper()):
        return None  # two letters count as a code only in capitals: "IN", never "in"
    return stripped if "/" in stripped else stripped.upper()


@dataclass
class Entity:
    """A reconcilable resource: its service id (the IRI below the data base), name, types (class
    IRIs) and facts (``iso3``, ``region``, ``date`` …, each with its values)."""

    id: str
    iri: str
    name: str
    kinds: tuple[str, ...] = ()
    facts: dict[str, list[str]] = field(default_factory=dict)

    def fact(self, key: str) -> str:
        return self.facts.get(key, [""])[0]

    def description(self) -> str:
        """One line telling namesakes apart: a state's codes and region, a date, a place."""
        if STATE.id in self.kinds:
            parts = [self.fact("iso3"), self.fact("subregion") or self.fact("region")]
        else:
            parts = [self.fact("date")[:10], self.fact("place"), self.fact("orgId")]
        kind = next((k.name for k in KINDS if k.id in self.kinds), "")
        return " · ".join(p for p in [kind, *parts] if p)


@dataclass
class NameIndex:
    """Every entity by id, each normalised name's entities (with how they are named), each
    code's entities and each capital's states."""

    entities: dict[str, Entity] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)
    capitals: dict[str, set[str]] = field(default_factory=dict)
    by_iri: dict[str, str] = field(default_factory=dict)
    _choices: list[str] = field(default_factory=list)

    def choices(self) -> list[str]:
        """Every normalised name, for near matches."""
        if len(self._choices) != len(self.names):
            self._choices = list(self.names)
        return self._choices

    def add_name(self, name: str, entity_id: str, how: str) -> None:
        key = normalise(name)
        if not key or how not in WEIGHTS:
            return
        found = self.names.setdefault(key, {})
        if WEIGHTS[how] > WEIGHTS.get(found.get(entity_id, ""), 0.0):
            found[entity_id] = how

    def add_code(self, code: str, entity_id: str) -> None:
        key = code if "/" in code else code.upper()
        self.codes.setdefault(key, set()).add(entity_id)

    def states_named(self, key: str, adjective: bool = False) -> set[str]:
        """The states a normalised name names exactly (by a label, short name or adjective;
        only by an adjective when ``adjective``)."""
        return {
            entity_id
            for entity_id, how in self.names.get(key, {}).items()
            if STATE.id in self.entities[entity_id].kinds and (how == "adjective" or not adjective)
        }

    def entity(self, ref: str) -> Entity | None:
        """The entity a service id or a full IRI names."""
        return self.entities.get(ref) or self.entities.get(self.by_iri.get(ref, ""))


def build_index(store: Store, public_base: str) -> NameIndex:
    """The index of the resources the store holds under the data base ``public_base``."""
    index = NameIndex()
    for row in store.query(fixed_query(__file__, "reconcile-entities")).records():
        iri = row.text("item")
        if not iri.startswith(public_base) or iri == public_base:
            continue
        local = iri[len(public_base) :]
        entity = index.entities.setdefault(local, Entity(local, iri, row.text("label") or local))
        if row.text("class") not in entity.kinds:
            entity.kinds = (*entity.kinds, row.text("class"))
        index.by_iri[iri] = local
    _add_facts(store, index)
    _add_names(store, index)
    return index


def _add_facts(store: Store, index: NameIndex) -> None:
    for row in store.query(fixed_query(__file__, "reconcile-facts")).records():
        local = index.by_iri.get(row.text("item"))
        if local is None:
            continue
        values = index.entities[local].facts.setdefault(row.text("key"), [])
        if row.text("value") not in values:
            values.append(row.text("value"))


def _add_names(store: Store, index: NameIndex) -> None:
    for entries in build_gazetteer(store).names.values():
        for name, entry in entries:
            local = index.by_iri.get(entry.iri)
            if local is not None and entry.how == "capital":
                index.capitals.setdefault(normalise(name), set()).add(local)
            elif local is not None and entry.how != "code":
                index.add_name(name, local, entry.how)
    for local, entity in index.entities.items():
        index.add_name(entity.name, local, "label")
        index.add_code(local, local)
        index.add_code(entity.iri, local)
        for key in ("iso2", "iso3", "m49", "wikidata", "orgId"):
            for value in entity.facts.get(key, []):
                index.add_code(value, local)
