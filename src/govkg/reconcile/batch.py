"""Reconciliation query batches read and checked: version 0.2 (an object of named queries, the
``queries`` parameter) and 1.0-draft (``{"queries": [...]}`` with conditions).  Whatever is
malformed raises :class:`BatchError` with one line naming the query and the field."""

from __future__ import annotations

import json
from typing import Any

from govkg.reconcile.match import MAX_LIMIT, Condition, Query
from govkg.reconcile.vocabulary import kind_of

#: At most this many queries a batch (the manifest's ``batchSize``).
MAX_BATCH = 1000
#: At most this many characters in a query's text, values or ids.
MAX_TEXT = 1000
_STRICT = ("any", "all", "should")
_QUANTIFIERS = ("any", "all", "none")
_FIELDS_02 = {"query", "type", "limit", "properties", "type_strict"}
_FIELDS_10 = {"type", "limit", "lang", "dir", "conditions"}


class BatchError(ValueError):
    """A batch the service refuses: the HTTP status and a one-line message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def load_json(text: str, where: str) -> Any:
    """``text`` parsed as JSON, or a :class:`BatchError` naming ``where`` and the position."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        message = (
            f"{where}: not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        )
        raise BatchError(message) from None
    except RecursionError:
        raise BatchError(f"{where}: JSON nested too deeply") from None


def _no_constant(name: str) -> None:
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


def _size(count: int) -> None:
    if count > MAX_BATCH:
        raise BatchError(f"a batch holds at most {MAX_BATCH} queries, not {count}", 413)


def read_02(data: Any) -> dict[str, Query]:
    """A 0.2 batch: query name → query."""
    if not isinstance(data, dict):
        raise BatchError("queries: must be a JSON object of named queries")
    _size(len(data))
    return {str(key): _query_02(str(key), value) for key, value in data.items()}


def read_10(data: Any) -> list[Query]:
    """A 1.0-draft batch: its queries in order."""
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list):
        raise BatchError('the body must be a JSON object with a "queries" array')
    extra = set(data) - {"queries"}
    if extra:
        raise BatchError(f"unknown field {sorted(extra)[0]!r} in the batch")
    _size(len(data["queries"]))
    return [_query_10(f"queries[{i}]", q) for i, q in enumerate(data["queries"])]


def _query_02(where: str, value: Any) -> Query:
    if not isinstance(value, dict):
        raise BatchError(f"{where}: a query must be a JSON object")
    _known(where, value, _FIELDS_02)
    text = _text(where, "query", value["query"]) if "query" in value else None
    conditions = tuple(
        _property_02(f"{where}.properties[{i}]", p)
        for i, p in enumerate(_array(where, "properties", value.get("properties", [])))
    )
    if not (text and text.strip()) and not conditions:
        raise BatchError(f"{where}: give a non-empty 'query' or at least one property")
    strict = value.get("type_strict", "any")
    if strict not in _STRICT:
        raise BatchError(f"{where}: 'type_strict' must be one of {', '.join(_STRICT)}")
    return Query(text, _types(where, value.get("type")), strict, _limit(where, value), conditions)


def _property_02(where: str, value: Any) -> Condition:
    if not isinstance(value, dict) or set(value) - {"pid", "v"} or "pid" not in value:
        raise BatchError(f"{where}: a property is an object with 'pid' and 'v'")
    if "v" not in value:
        raise BatchError(f"{where}: 'v' is missing")
    return Condition(_text(where, "pid", value["pid"]), _values(where, value["v"]))


def _query_10(where: str, value: Any) -> Query:
    if not isinstance(value, dict):
        raise BatchError(f"{where}: a query must be a JSON object")
    _known(where, value, _FIELDS_10)
    conditions = _array(where, "conditions", value.get("conditions"))
    if not conditions:
        raise BatchError(f"{where}: 'conditions' must hold at least one condition")
    names: list[str] = []
    ids: list[str] = []
    kept: list[Condition] = []
    for i, raw in enumerate(conditions):
        kind, condition = _condition_10(f"{where}.conditions[{i}]", raw)
        if kind == "name":
            names.extend(condition.values)
        elif kind == "id":
            ids.extend(condition.values)
        else:
            kept.append(condition)
    type_id = value.get("type")
    if type_id is not None and not isinstance(type_id, str):
        raise BatchError(f"{where}: 'type' must be a string")
    text = " ".join(names) or None
    types = (_type_id(type_id),) if type_id else ()
    return Query(text, types, "any", _limit(where, value), tuple(kept), tuple(ids))


def _condition_10(where: str, value: Any) -> tuple[str, Condition]:
    if not isinstance(value, dict):
        raise BatchError(f"{where}: a condition must be a JSON object")
    kind = value.get("matchType")
    if kind not in ("name", "id", "property"):
        raise BatchError(f"{where}: 'matchType' must be name, id or property")
    if "propertyValue" not in value:
        raise BatchError(f"{where}: 'propertyValue' is missing")
    pid = value.get("propertyId", "")
    if kind == "property" and not (isinstance(pid, str) and pid):
        raise BatchError(f"{where}: 'propertyId' is required when matchType is property")
    quantifier = value.get("matchQuantifier", "any")
    if quantifier not in _QUANTIFIERS:
        raise BatchError(f"{where}: 'matchQuantifier' must be any, all or none")
    required = value.get("required", False)
    if not isinstance(required, bool):
        raise BatchError(f"{where}: 'required' must be true or false")
    values = _values(where, value["propertyValue"])
    return kind, Condition(str(pid), values, required, quantifier)


def _known(where: str, value: dict[str, Any], fields: set[str]) -> None:
    extra = set(value) - fields
    if extra:
        raise BatchError(f"{where}: unknown field {sorted(extra)[0]!r}")


def _text(where: str, name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise BatchError(f"{where}: {name!r} must be a string")
    if len(value) > MAX_TEXT:
        raise BatchError(f"{where}: {name!r} is over {MAX_TEXT} characters")
    return value


def _array(where: str, name: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise BatchError(f"{where}: {name!r} must be an array")
    if len(value) > 50:
        raise BatchError(f"{where}: {name!r} holds more than 50 items")
    return value


def _types(where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(_type_id(_text(where, "type", item)) for item in items[:50])


def _type_id(text: str) -> str:
    """A type's class IRI, from its IRI, ``gk:State`` or ``State`` (unknown: as given)."""
    kind = kind_of(text)
    return kind.id if kind else text


def _limit(where: str, value: dict[str, Any]) -> int:
    limit = value.get("limit", 5)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit != int(limit):
        raise BatchError(f"{where}: 'limit' must be a positive integer")
    if limit < 1:
        raise BatchError(f"{where}: 'limit' must be a positive integer")
    return min(int(limit), MAX_LIMIT)


def _values(where: str, value: Any) -> tuple[str, ...]:
    """A property value or an array of them, as text: a string, a number, a boolean or an
    entity (its ``id``)."""
    items = value if isinstance(value, list) else [value]
    if not items or len(items) > 50:
        raise BatchError(f"{where}: give between 1 and 50 values")
    out = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out.append(_text(where, "id", item["id"]))
        elif isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, float) and item.is_integer():
            out.append(str(int(item)))
        elif isinstance(item, str | int | float):
            out.append(_text(where, "value", str(item)))
        else:
            raise BatchError(f"{where}: a value is a string, a number, a boolean or an entity")
    return tuple(out)
