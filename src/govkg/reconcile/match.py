"""Scoring candidates for a reconciliation query, and deciding when one is a sure match.

A candidate's name score (0-100) is its best name's similarity to the query (rapidfuzz), times
the weight of that kind of name (an adjective counts 0.85); the query's properties (ISO codes,
M49, Wikidata id, organisation id, date) then raise or lower it.  A state's formal name is
matched by its core too (:mod:`govkg.reconcile.forms`): "the Republic of Albania" names Albania
when "Albania" names one state only, scoring 99 (just below the state whose own name the query
is: "Republic of China"); two formal names compare by their cores ("Republic of Ghana" is not
"Republic of Uganda"), and one core in two forms names two states ("Republic of the Congo",
"Democratic Republic of the Congo").  A qualifier after a dash or in brackets picks among the
states a name names the one whose capital or name it is ("Congo - Kinshasa").  ``match`` is
true only when the answer is unambiguous: an exact normalised name, core or code that names
exactly one candidate, no other scoring 90 (a name holding the query: "Guinea" in "Equatorial
Guinea"); or a near name scoring 90 or more, no other within 30; or, when the query gives
identifiers, the one candidate that has them all.  Among equal scores, the candidate whose own
label the query is comes first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from govkg.reconcile.forms import is_form, names_a_state, qualified, split_form
from govkg.reconcile.names import WEIGHTS, Entity, NameIndex, code_key, normalise
from govkg.reconcile.vocabulary import PROPERTY

#: Properties whose values identify an entity; ``date`` only corroborates.
IDENTIFIERS = ("iso2", "iso3", "m49", "wikidata", "orgId")
MAX_LIMIT = 100
_NEAR = 60.0  # fuzzy names below this are not candidates
_FILLERS = frozenset(["of", "and"])
#: The name score of a state named by its formal name's core or a qualified name.
_CORE = 99.0
#: The most a name scores that holds the query's core in another form of state.
_OTHER_FORM = 75.0


@dataclass(frozen=True)
class Condition:
    """A property a candidate should have: one of ``values`` (``any``), all of them (``all``) or
    none (``none``); when ``required``, candidates that fail it are dropped."""

    pid: str
    values: tuple[str, ...]
    required: bool = False
    quantifier: str = "any"


@dataclass(frozen=True)
class Query:
    """One reconciliation query, whichever version of the protocol it came in."""

    text: str | None = None
    kinds: tuple[str, ...] = ()
    strict: str = "any"  # any, all (type filters) or should (types only raise the score)
    limit: int = 5
    conditions: tuple[Condition, ...] = ()
    ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feature:
    id: str
    name: str
    value: float | bool


@dataclass
class Candidate:
    entity: Entity
    name_score: float
    exact: bool
    score: float = 0.0
    features: list[Feature] = field(default_factory=list)
    satisfied: dict[str, bool] = field(default_factory=dict)
    match: bool = False


def name_similarity(query: str, name: str) -> float:
    """How alike two normalised names are (0-100), 100 only when equal.  A name that holds the
    query's words with one word more scores 90 ("Guinea" in "Equatorial Guinea": the query may
    mean either); a query that holds a name with one word more scores 85 ("South Korea" holds
    "Korea", yet names one state); five fewer for each further word, never below 60."""
    if query == name:
        return 100.0
    from rapidfuzz import fuzz  # imported on first use: a server answers pages without it

    score = max(fuzz.ratio(query, name), fuzz.token_sort_ratio(query, name))
    inside = _contained(query.split(), name.split(), 90.0)
    holds = _contained(name.split(), query.split(), 85.0)
    return min(99.0, max(score, inside, holds))


def formal_similarity(query: str, name: str) -> float:
    """:func:`name_similarity`, two formal names compared by their cores: ``"republic of
    ghana"`` is as like ``"republic of uganda"`` as Ghana is like Uganda; one core in two forms
    scores at most 75 (``"republic of congo"``, ``"democratic republic of congo"``); one core in
    one form is the same name, inverted or not (``"china republic of"``)."""
    score = name_similarity(query, name)
    asked, named = split_form(query), split_form(name)
    if score == 100.0 or not asked.form or not named.form:
        return score
    if asked.core != named.core:
        return min(score, name_similarity(asked.core, named.core))
    if asked.form != named.form:
        return min(score, _OTHER_FORM)
    return 100.0 if asked.adjective == named.adjective else score


def _contained(short: list[str], long: list[str], best: float) -> float:
    """``best`` when the words of ``short`` run inside ``long`` with one word more, less for
    more words; 0 when they do not."""
    if not short or len(short) >= len(long) or max(len(w) for w in short) < 3:
        return 0.0
    if not any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1)):
        return 0.0
    extra = len([w for w in long if w not in _FILLERS]) - len(
        [w for w in short if w not in _FILLERS]
    )
    return max(60.0, best - 5.0 * max(extra - 1, 0))


def reconcile(index: NameIndex, query: Query) -> list[Candidate]:
    """The candidates for ``query``, best first, at most ``query.limit``, the first marked
    ``match`` when it is unambiguous."""
    pool = _by_name(index, query.text) if query.text else {}
    for ref in query.ids:
        entity = index.entity(ref)
        if entity is not None:
            pool[entity.id] = Candidate(entity, 100.0, True)
    _add_by_identifier(index, query, pool)
    found = [c for c in pool.values() if _type_fits(c, query)]
    found = [c for c in found if _weigh(c, query)]
    found.sort(key=_ranking(normalise(query.text or "")))
    _decide(found, query)
    return found[: query.limit]


def _ranking(key: str) -> Callable[[Candidate], tuple[float, float, bool, str, str]]:
    """Best score first; among equals, the candidate whose own label the query is."""

    def rank(c: Candidate) -> tuple[float, float, bool, str, str]:
        return (
            -c.score,
            -c.name_score,
            normalise(c.entity.name) != key,
            c.entity.name,
            c.entity.id,
        )

    return rank


def _by_name(index: NameIndex, text: str) -> dict[str, Candidate]:
    pool: dict[str, Candidate] = {}
    key = normalise(text)
    code = code_key(text)
    for entity_id in index.codes.get(code, set()) if code else set():
        pool[entity_id] = Candidate(index.entities[entity_id], 100.0, True)
    if not key:
        return pool
    choices = index.choices()
    from rapidfuzz import fuzz, process

    near = process.extract(key, choices, scorer=fuzz.WRatio, limit=40, score_cutoff=_NEAR)
    for name, _score, _i in [(key, 100.0, -1), *near]:
        similarity = formal_similarity(key, name)
        for entity_id, how in index.names.get(name, {}).items():
            _keep(pool, index.entities[entity_id], similarity, how)
    for entity_id in _by_core(index, text):
        found = pool.setdefault(entity_id, Candidate(index.entities[entity_id], _CORE, True))
        found.exact = True
        found.name_score = max(found.name_score, _CORE)
    return {k: c for k, c in pool.items() if c.name_score >= _NEAR}


def _by_core(index: NameIndex, text: str) -> set[str]:
    """The state a formal name's core names, if one only; and the state a qualified name
    names, if one only, the qualifier (its capital or another name) agreeing."""
    formal = split_form(normalise(text))
    named = index.states_named(formal.core, formal.adjective)
    found = _only(named) if names_a_state(formal) else set()
    parts = qualified(text)
    if parts is None or is_form(normalise(parts[1])):
        return found
    name, qualifier = normalise(parts[0]), normalise(parts[1])
    named = index.states_named(name) | index.states_named(split_form(name).core)
    telling = index.capitals.get(qualifier, set()) | index.states_named(qualifier)
    return found | _only(named & telling)


def _only(ids: set[str]) -> set[str]:
    return ids if len(ids) == 1 else set()


def _keep(pool: dict[str, Candidate], entity: Entity, similarity: float, how: str) -> None:
    score = similarity * WEIGHTS[how]
    exact = similarity == 100.0 and WEIGHTS[how] == 1.0
    found = pool.get(entity.id)
    if found is None:
        pool[entity.id] = Candidate(entity, score, exact)
    else:
        found.name_score = max(found.name_score, score)
        found.exact = found.exact or exact


def _add_by_identifier(index: NameIndex, query: Query, pool: dict[str, Candidate]) -> None:
    """Entities whose identifiers the query gives, added to the candidates with their name
    score (0 without a name)."""
    key = normalise(query.text or "")
    for condition in query.conditions:
        if condition.pid not in IDENTIFIERS or condition.quantifier == "none":
            continue
        for value in condition.values:
            for entity_id in index.codes.get(_identifier(condition.pid, value), set()):
                if entity_id in pool:
                    continue
                entity = index.entities[entity_id]
                score = name_similarity(key, normalise(entity.name)) if key else 0.0
                pool[entity_id] = Candidate(entity, score, False)


def _type_fits(candidate: Candidate, query: Query) -> bool:
    if not query.kinds or query.strict == "should":
        return True
    held = [kind in candidate.entity.kinds for kind in query.kinds]
    return all(held) if query.strict == "all" else any(held)


def _identifier(pid: str, value: str) -> str:
    text = value.strip().upper()
    return text.zfill(3) if pid == "m49" and text.isdigit() else text


def _satisfies(entity: Entity, condition: Condition) -> bool | None:
    """Whether the entity meets the condition (None: it has no value to compare)."""
    have = entity.facts.get(condition.pid, [])
    if not have:
        return None
    if condition.pid == "date":
        hits = [any(h.startswith(v.strip()[:10]) for h in have) for v in condition.values]
    else:
        mine = {_identifier(condition.pid, h) for h in have}
        hits = [_identifier(condition.pid, v) in mine for v in condition.values]
    if condition.quantifier == "all":
        return all(hits)
    if condition.quantifier == "none":
        return not any(hits)
    return any(hits)


def _weigh(candidate: Candidate, query: Query) -> bool:
    """Score the candidate from its name and the query's conditions; False when a required
    condition fails."""
    score = candidate.name_score
    if query.kinds and query.strict == "should":
        score -= 0 if any(k in candidate.entity.kinds for k in query.kinds) else 20
    candidate.features = [Feature("name", "Name similarity", round(candidate.name_score, 1))]
    for condition in query.conditions:
        if condition.pid not in PROPERTY:
            continue
        met = _satisfies(candidate.entity, condition)
        if condition.required and not met:
            return False
        score += _evidence(condition, met)
        if met is not None:
            candidate.satisfied[condition.pid] = met
            name = f"Matches {PROPERTY[condition.pid].name}"
            candidate.features.append(Feature(condition.pid, name, met))
    candidate.score = round(min(100.0, max(0.0, score)), 1)
    return True


def _evidence(condition: Condition, met: bool | None) -> float:
    if condition.pid == "date":
        return 0.0 if met is None else (10.0 if met else -20.0)
    if met is None:
        return -10.0
    return 15.0 if met else -40.0


def _decide(found: list[Candidate], query: Query) -> None:
    if not found:
        return
    top, rest = found[0], found[1:]
    second = rest[0].score if rest else 0.0
    if not all(top.satisfied.values()):
        return
    wanted = [c.pid for c in query.conditions if c.pid in IDENTIFIERS and c.quantifier != "none"]
    if wanted:
        has_all = [c for c in found if all(c.satisfied.get(p) for p in wanted)]
        top.match = has_all == [top] and (not query.text or top.name_score >= _NEAR)
        return
    if top.exact:
        top.match = not any(c.exact for c in rest) and second < 90
    else:
        top.match = top.score >= 90 and second <= top.score - 30
