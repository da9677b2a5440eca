"""Candidates written as each version of the protocol wants them: 0.2 (``result`` arrays keyed by
query name, features as id and value) and 1.0-draft (``results`` in order, ``candidates`` with
features that have names)."""

from __future__ import annotations

from typing import Any

from govkg.reconcile.match import Candidate
from govkg.reconcile.names import Entity
from govkg.reconcile.vocabulary import KINDS


def types_of(entity: Entity) -> list[dict[str, str]]:
    """The entity's types as the protocol's type objects."""
    return [{"id": k.id, "name": k.name} for k in KINDS if k.id in entity.kinds]


def _common(candidate: Candidate) -> dict[str, Any]:
    entity = candidate.entity
    found: dict[str, Any] = {"id": entity.id, "name": entity.name}
    description = entity.description()
    if description:
        found["description"] = description
    found |= {"score": candidate.score, "match": candidate.match, "type": types_of(entity)}
    return found


def candidate_02(candidate: Candidate) -> dict[str, Any]:
    features = [{"id": f.id, "value": f.value} for f in candidate.features]
    return _common(candidate) | {"features": features}


def candidate_10(candidate: Candidate) -> dict[str, Any]:
    features = [{"id": f.id, "name": f.name, "value": f.value} for f in candidate.features]
    return _common(candidate) | {"features": features}


def batch_02(answers: dict[str, list[Candidate]]) -> dict[str, Any]:
    return {key: {"result": [candidate_02(c) for c in found]} for key, found in answers.items()}


def batch_10(answers: list[list[Candidate]]) -> dict[str, Any]:
    return {"results": [{"candidates": [candidate_10(c) for c in found]} for found in answers]}
