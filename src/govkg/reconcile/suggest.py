"""Auto-completion of entities, types and properties: the ``/suggest/*`` services.

An entity is suggested when one of its names starts with the prefix (or one of its words does),
or when the prefix is one of its codes or its id; the exact name comes first, then names that
start with the prefix, then names with a word that does.
"""

from __future__ import annotations

from typing import Any

from govkg.reconcile.names import Entity, NameIndex, code_key, normalise
from govkg.reconcile.results import types_of
from govkg.reconcile.vocabulary import INSTRUMENT, KINDS, PROPERTIES, STANCE_PREFIX, Kind


def suggest_entities(
    index: NameIndex, prefix: str, kinds: tuple[Kind, ...] = (), offset: int = 0, limit: int = 10
) -> dict[str, Any]:
    """Entities for the prefix (of ``kinds`` when given), from ``offset``, at most ``limit``."""
    ranks: dict[str, tuple[int, str]] = {}
    code = code_key(prefix)
    for entity_id in index.codes.get(code, set()) if code else set():
        ranks[entity_id] = (0, "")
    key = normalise(prefix)
    for name, named in index.names.items() if key else ():
        rank = 0 if name == key else 1 if name.startswith(key) else 2
        if rank == 2 and f" {key}" not in f" {name}":
            continue
        for entity_id in named:
            ranks[entity_id] = min(ranks.get(entity_id, (9, "")), (rank, name))
    wanted = {k.id for k in kinds}
    found = [
        index.entities[i] for i in ranks if not wanted or wanted & set(index.entities[i].kinds)
    ]
    found.sort(key=lambda e: (ranks[e.id], e.name.casefold(), e.id))
    return {"result": [_entity(e) for e in found[offset : offset + limit]]}


def _entity(entity: Entity) -> dict[str, Any]:
    found: dict[str, Any] = {"id": entity.id, "name": entity.name}
    if entity.description():
        found["description"] = entity.description()
    return found | {"notable": types_of(entity)}


def suggest_types(prefix: str, offset: int = 0, limit: int = 10) -> dict[str, Any]:
    """The types whose name or class name holds the prefix, or whose id it is (every type for
    an empty prefix)."""
    key = prefix.strip().casefold()
    found = [
        k
        for k in KINDS
        if key in k.name.casefold() or key in _local(k.id).casefold() or key == k.id.casefold()
    ]
    return {"result": [k.json() for k in found[offset : offset + limit]]}


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def property_list(index: NameIndex) -> list[dict[str, str]]:
    """Every property: the graph's own, then an actor's stance on each instrument."""
    stances = [
        {
            "id": STANCE_PREFIX + e.id.removeprefix("instrument/"),
            "name": f"Stance on {e.name}",
            "description": "The actor's stance kinds on this instrument (signed, voted yes …)",
        }
        for e in sorted(index.entities.values(), key=lambda e: e.name.casefold())
        if INSTRUMENT.id in e.kinds and e.id.startswith("instrument/")
    ]
    return [p.json() for p in PROPERTIES] + stances


def suggest_properties(
    index: NameIndex, prefix: str, offset: int = 0, limit: int = 10
) -> dict[str, Any]:
    """The properties whose id or name holds the prefix, ids that start with it first."""
    key = prefix.strip().casefold()
    found = [
        p
        for p in property_list(index)
        if key in p["id"].casefold() or normalise(prefix) in normalise(p["name"])
    ]
    found.sort(key=lambda p: not p["id"].casefold().startswith(key))
    return {"result": found[offset : offset + limit]}
