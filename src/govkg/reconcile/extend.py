"""Data extension: the properties proposed for a type, and the values of properties on entities
(ISO codes, region, Wikidata id … and ``stance:INSTRUMENT``, the actor's stance kinds on that
instrument, read with the instrument bound into a fixed query)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from govkg.fixed_queries import fixed_query
from govkg.reconcile.batch import MAX_BATCH, BatchError
from govkg.reconcile.names import NameIndex
from govkg.reconcile.suggest import property_list
from govkg.reconcile.vocabulary import (
    ACTORS,
    INSTRUMENT,
    PROPERTIES,
    PROPERTY,
    STANCE_PREFIX,
    kind_of,
)
from govkg.store import Store

MAX_PROPERTIES = 50


def propose(index: NameIndex, type_id: str, limit: int | None = None) -> dict[str, Any]:
    """The properties worth fetching for entities of ``type_id``."""
    kind = kind_of(type_id)
    if kind is None:
        raise BatchError(f"type: unknown type {type_id[:200]!r}")
    found = [p.json() for p in PROPERTIES if kind in p.kinds]
    if kind in ACTORS:
        found += [p for p in property_list(index) if p["id"].startswith(STANCE_PREFIX)]
    answer: dict[str, Any] = {"type": type_id, "properties": found[:limit] if limit else found}
    return answer | ({"limit": limit} if limit else {})


@dataclass(frozen=True)
class Extension:
    """The values asked for: each property's id and name, each entity's values by property."""

    meta: list[dict[str, str]]
    rows: dict[str, dict[str, list[dict[str, str]]]]


def read_query(data: Any) -> tuple[list[str], list[str]]:
    """The ids and property ids of a data extension query, checked."""
    if not isinstance(data, dict) or not isinstance(data.get("ids"), list):
        raise BatchError('extend: must be a JSON object with "ids" and "properties" arrays')
    ids, props = data["ids"], data.get("properties")
    if not isinstance(props, list):
        raise BatchError('extend: "properties" must be an array')
    if len(ids) > MAX_BATCH or len(props) > MAX_PROPERTIES:
        raise BatchError(f"extend: at most {MAX_BATCH} ids and {MAX_PROPERTIES} properties", 413)
    if not all(isinstance(i, str) for i in ids):
        raise BatchError("extend: every id must be a string")
    if not all(isinstance(p, dict) and isinstance(p.get("id"), str) for p in props):
        raise BatchError('extend: every property must be an object with an "id"')
    return ids, [p["id"] for p in props]


def extend(index: NameIndex, store: Store, ids: list[str], pids: list[str]) -> Extension:
    """The values of ``pids`` on the entities ``ids`` (an unknown entity has none)."""
    meta = [{"id": pid, "name": _property_name(index, pid)} for pid in pids]
    rows: dict[str, dict[str, list[dict[str, str]]]] = {i: {} for i in ids}
    for pid in pids:
        values = _stances(index, store, pid) if pid.startswith(STANCE_PREFIX) else None
        for ref in ids:
            entity = index.entity(ref)
            if entity is None:
                rows[ref][pid] = []
            elif values is not None:
                rows[ref][pid] = [{"str": v} for v in values.get(entity.iri, [])]
            else:
                rows[ref][pid] = [_value(index, pid, v) for v in entity.facts.get(pid, [])]
    return Extension(meta, rows)


def _property_name(index: NameIndex, pid: str) -> str:
    if pid in PROPERTY:
        return PROPERTY[pid].name
    if pid.startswith(STANCE_PREFIX):
        found = index.entities.get("instrument/" + pid.removeprefix(STANCE_PREFIX))
        if found is not None and INSTRUMENT.id in found.kinds:
            return f"Stance on {found.name}"
    raise BatchError(f"extend: unknown property {pid[:200]!r}")


def _value(index: NameIndex, pid: str, value: str) -> dict[str, str]:
    """A fact as the protocol's value: an entity the service knows, else text."""
    entity = index.entity(value) if pid == "basedIn" else None
    return {"id": entity.id, "name": entity.name} if entity else {"str": value}


def _stances(index: NameIndex, store: Store, pid: str) -> dict[str, list[str]]:
    """Each actor's stance kinds on the instrument the property names, by date."""
    instrument = index.entities["instrument/" + pid.removeprefix(STANCE_PREFIX)]
    bindings = {"instrument": ox.NamedNode(instrument.iri)}
    rows = store.query(fixed_query(__file__, "reconcile-stances"), bindings).records()
    by_actor: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        kind = row.text("kindLabel") or row.text("kind").rsplit("/", 1)[-1]
        by_actor.setdefault(row.text("actor"), []).append((row.text("date"), kind))
    return {actor: list(dict.fromkeys(k for _d, k in sorted(v))) for actor, v in by_actor.items()}


def extension_02(found: Extension) -> dict[str, Any]:
    return {"meta": found.meta, "rows": found.rows}


def extension_10(found: Extension) -> dict[str, Any]:
    rows = [
        {"id": ref, "properties": [{"id": pid, "values": vals} for pid, vals in props.items()]}
        for ref, props in found.rows.items()
    ]
    return {"meta": found.meta, "rows": rows}
