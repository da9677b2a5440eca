"""Candidates scored against the gold of their article (:mod:`govkg.ingest.gold`), per kind of fact.

A proposal *matches* a gold fact when it gets the fact's key right:

- stance: actor and target (the kind is scored apart: "kind right"; a negated "signed" counts as
  did-not-sign, a proposed "declined" as declined, whatever its negation flag);
- attendance: actor and event;
- count: target and value (out-of, precision and what is counted scored apart);
- quote: speaker and the quoted words (at least 0.8 of the tokens shared, both ways, since quote
  boundaries differ);
- meeting: the set of parties and a date compatible with the meeting's (to the precision of the
  less precise: "2026-05" fits 14-15 May 2026; a proposed range, ``date`` to ``end``, fits when
  it overlaps the meeting's: "last week" fits 14-15 May); meeting or dialogue (``what``) is
  scored apart, as the kind;
- event: the graph's event (``name``, an IRI when resolved); dates, place and host scored
  apart.  The events scored are those the graph derives from the article, bilateral meetings
  left out (they are meetings).

A quote's role as stated is scored apart against the label of the speaker's role holding in the
graph: right when at least half of its words (and at least one) are the label's, spelling of
defence/defense and the like folded; "(title not given)" expects no role.

Each gold fact is paired with at most one proposal, full matches first; a proposal that gets part
of a key right (the actor but not the target, the words but not the speaker …) is paired as a
*near* miss, so that "actor right" or "target right" can be told.  Both stay misses for recall and
false positives for precision.  Hedged candidates are not proposals of facts: counted and listed,
never scored; a proposal that repeats one already made (the same fact from another sentence)
counts once.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from govkg.ingest.dates import overlaps
from govkg.ingest.gold import (
    Gold,
    GoldCount,
    GoldEvent,
    GoldMeeting,
    GoldQuote,
    GoldStance,
    slug,
)
from govkg.ingest.model import Candidate
from govkg.namespaces import compact

#: The kinds scored against gold, in the order reports show them; ``position`` (reported
#: positions) has gold but no candidate kind proposes it.
SCORED = ("stance", "attendance", "count", "quote", "meeting", "event")
#: The issue's targets: kind → (least recall, least precision).
TARGETS = {"stance": (0.9, 0.8), "quote": (0.9, 0.8), "count": (0.8, 0.8), "meeting": (0.8, 0.8)}
#: Stance kinds that are refusals or absences: the words that give them are negated.
NEGATIVE = frozenset({"declined", "did-not-sign", "did-not-vote", "dissociated"})
#: A positive kind with its negation flag set, read as the kind the words then give.
_NEGATED = {
    "signed": "did-not-sign",
    "endorsed": "did-not-sign",
    "voted-yes": "did-not-vote",
    "voted-no": "did-not-vote",
}
QUOTE_OVERLAP = 0.8
CHECKS = ("actor", "target", "kind", "negation")
_WORD = re.compile(r"\w+")

Checks = dict[str, bool | None]  # None: the check does not apply to this fact


@dataclass(frozen=True)
class KindScore:
    """One kind's scores: counts, each check as (right, paired) over matched and near pairs,
    and what a curator reads: misses, false positives and hedged candidates."""

    kind: str
    gold: int
    proposed: int
    matched: int
    hedged: int = 0
    repeats: int = 0
    checks: dict[str, tuple[int, int]] = field(default_factory=dict)
    misses: tuple[str, ...] = ()
    false_positives: tuple[str, ...] = ()
    hedged_list: tuple[str, ...] = ()

    @property
    def recall(self) -> float | None:
        return self.matched / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return self.matched / self.proposed if self.proposed else None

    def meets(self) -> bool | None:
        """Whether the issue's targets are met (None: no target for this kind, or no gold)."""
        if self.kind not in TARGETS or not self.gold:
            return None
        least_recall, least_precision = TARGETS[self.kind]
        return (self.recall or 0.0) >= least_recall and (self.precision or 0.0) >= least_precision

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "gold": self.gold, "proposed": self.proposed,
            "matched": self.matched, "recall": self.recall, "precision": self.precision,
            "hedged": self.hedged, "repeats": self.repeats, "target_met": self.meets(),
            "checks": {name: list(value) for name, value in self.checks.items()},
            "misses": list(self.misses), "false_positives": list(self.false_positives),
            "hedged_candidates": list(self.hedged_list),
        }  # fmt: skip


@dataclass(frozen=True)
class ArticleScore:
    """An article's scores by kind, and the candidates of kinds no gold scores."""

    file: str
    source: str  # the article's source record in the graph, or ""
    kinds: dict[str, KindScore]
    unscored: dict[str, int]


# ------------------------------------------------------------------------------------ normalising


def tokens(text: str) -> list[str]:
    """Words, lower case, accents folded; apostrophes and punctuation split them."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return _WORD.findall(folded)


def overlap(a: str, b: str) -> float:
    """The tokens two texts share (as multisets) over the longer one's count: 1.0 when equal."""
    ta, tb = Counter(tokens(a)), Counter(tokens(b))
    longer = max(sum(ta.values()), sum(tb.values()))
    return sum((ta & tb).values()) / longer if longer else 0.0


def dates_fit(date: str, start: str, end: str = "", date_end: str = "") -> bool:
    """Whether ``date`` (YYYY, YYYY-MM or YYYY-MM-DD; to ``date_end`` when a range: "last week")
    falls in, or overlaps, ``start``-``end``, each compared to the precision of the less precise
    of the two; an empty date fits nothing."""
    return overlaps(date, date_end, start, end)


def stance_kind(candidate: Candidate) -> str:
    """The stance kind a candidate proposes, its negation read (a negated "signed" is
    did-not-sign; a negated "declined" is declined)."""
    kind = slug(candidate.fields.get("stance_kind", ""), "stance-kind")
    negated = candidate.fields.get("negated", "false") == "true"
    return _NEGATED.get(kind, kind) if negated else kind


def _int(text: str) -> int | None:
    digits = text.replace(",", "").strip()
    return int(digits) if digits.isdigit() else None


def _parties(candidate: Candidate) -> frozenset[str]:
    return frozenset(candidate.fields.get("parties", "").split())


_ROLE_STOP = frozenset({"a", "an", "the", "of", "at", "for", "and", "in", "on", "to", "s"})


def _role_words(text: str) -> set[str]:
    """A role's words, stop words left out and "-se" spellings read as "-ce" (defense)."""
    return {re.sub(r"se$", "ce", w) for w in tokens(text) if w not in _ROLE_STOP}


def role_fits(gold_role: str, proposed: str) -> bool | None:
    """Whether a role as stated fits the label of the speaker's role holding ("Name, post"):
    at least half of its words are the label's; None where the graph gives no role."""
    if not gold_role:
        return None
    post = gold_role.split(",", 1)[-1]
    if "title not given" in post:
        return not proposed
    words, label = _role_words(proposed), _role_words(post)
    return bool(words) and 2 * len(words & label) >= len(words)


def _place_fits(place: str, proposed: str) -> bool | None:
    if not place:
        return None
    return bool(proposed) and (tokens(place) == tokens(proposed) or proposed == place)


# ---------------------------------------------------------------------------------- kinds' rules


@dataclass(frozen=True)
class _Rule:
    """How one kind is scored: the key (``strict``), a part of it (``near``), the checks of a
    pair, a candidate's identity (to count repeats once) and how both are described."""

    strict: Callable[[Any, Candidate], bool]
    near: Callable[[Any, Candidate], bool]
    checks: Callable[[Any, Candidate], Checks]
    identity: Callable[[Candidate], tuple[object, ...]]
    gold_text: Callable[[Any], str]


def _f(candidate: Candidate, name: str) -> str:
    return candidate.fields.get(name, "")


def _stance_checks(g: GoldStance, c: Candidate) -> Checks:
    return {
        "actor": _f(c, "actor") == g.actor,
        "target": _f(c, "target") == g.target,
        "kind": stance_kind(c) == g.kind,
        "negation": (_f(c, "negated") == "true") == (g.kind in NEGATIVE),
    }


def _count_checks(g: GoldCount, c: Candidate) -> Checks:
    return {
        "target": _f(c, "target") == g.target,
        "kind": slug(_f(c, "counted"), "counted") == g.counted,
        "out_of": _int(_f(c, "out_of")) == g.out_of,
        "precision": slug(_f(c, "precision"), "precision") == g.precision if g.precision else None,
    }


def _quote_checks(g: GoldQuote, c: Candidate) -> Checks:
    return {
        "actor": _f(c, "speaker") == g.speaker,
        "target": _f(c, "on_behalf_of") == g.on_behalf_of,
        "date": dates_fit(_f(c, "date"), g.date) if g.date else None,
        "role": role_fits(g.role, _f(c, "role")),
    }


def _meeting_dates(g: GoldMeeting, c: Candidate) -> bool:
    return dates_fit(_f(c, "date"), g.start, g.end, _f(c, "end"))


def _meeting_checks(g: GoldMeeting, c: Candidate) -> Checks:
    return {
        "actor": _parties(c) == frozenset(g.parties),
        "kind": _f(c, "what") == g.what if _f(c, "what") else None,
        "date": _meeting_dates(g, c),
        "place": _place_fits(g.place, _f(c, "place")),
    }


def _event_iri(c: Candidate) -> str:
    """The graph's event a candidate names, or "" for a new one (named as stated)."""
    name = _f(c, "name")
    return name if name.startswith(("http://", "https://")) else ""


def _event_checks(g: GoldEvent, c: Candidate) -> Checks:
    return {
        "target": _event_iri(c) == g.fact,
        "date": dates_fit(_f(c, "start"), g.start, g.end, _f(c, "end")) if g.start else None,
        "place": _place_fits(g.place, _f(c, "place")),
        "host": _f(c, "host") == g.host if g.host else None,
    }


def _event_near(g: GoldEvent, c: Candidate) -> bool:
    """A new event (no IRI) at the gold event's place and dates, or named as it is."""
    if _event_iri(c):
        return False
    placed = bool(_place_fits(g.place, _f(c, "place"))) and _event_checks(g, c)["date"] is True
    head = re.sub(r"\s+(?:19|20)\d\d$", "", g.label.split(",")[0])  # "AI Action Summit"
    return placed or overlap(_f(c, "name"), head) >= QUOTE_OVERLAP


RULES: dict[str, _Rule] = {
    "stance": _Rule(
        strict=lambda g, c: (_f(c, "actor"), _f(c, "target")) == g.key(),
        near=lambda g, c: _f(c, "actor") == g.actor or _f(c, "target") == g.target,
        checks=_stance_checks,
        identity=lambda c: (_f(c, "actor"), _f(c, "target"), stance_kind(c)),
        gold_text=lambda g: f"{compact(g.actor)} {g.kind} {compact(g.target)}",
    ),
    "attendance": _Rule(
        strict=lambda g, c: (_f(c, "actor"), _f(c, "event")) == g.key(),
        near=lambda g, c: _f(c, "actor") == g.actor or _f(c, "event") == g.event,
        checks=lambda g, c: {
            "actor": _f(c, "actor") == g.actor,
            "target": _f(c, "event") == g.event,
        },
        identity=lambda c: (_f(c, "actor"), _f(c, "event")),
        gold_text=lambda g: f"{compact(g.actor)} attended {compact(g.event)}",
    ),
    "count": _Rule(
        strict=lambda g, c: (_f(c, "target"), _int(_f(c, "value"))) == g.key(),
        near=lambda g, c: _int(_f(c, "value")) == g.value,
        checks=_count_checks,
        identity=lambda c: tuple(_f(c, k) for k in ("target", "counted", "value", "out_of")),
        gold_text=lambda g: (
            f"{compact(g.target)} {g.counted} {g.value}"
            + (f" of {g.out_of}" if g.out_of is not None else "")
            + (f" ({g.precision})" if g.precision else "")
        ),
    ),
    "quote": _Rule(
        strict=lambda g, c: (
            _f(c, "speaker") == g.speaker and overlap(_f(c, "text"), g.text) >= QUOTE_OVERLAP
        ),
        near=lambda g, c: overlap(_f(c, "text"), g.text) >= QUOTE_OVERLAP,
        checks=_quote_checks,
        identity=lambda c: (_f(c, "speaker"), " ".join(tokens(_f(c, "text")))),
        gold_text=lambda g: f"{compact(g.speaker) or '?'}: “{_short(g.text)}”",
    ),
    "meeting": _Rule(
        strict=lambda g, c: _parties(c) == frozenset(g.parties) and _meeting_dates(g, c),
        near=lambda g, c: (
            _parties(c) == frozenset(g.parties)
            or (bool(_parties(c) & set(g.parties)) and _meeting_dates(g, c))
        ),
        checks=_meeting_checks,
        identity=lambda c: (
            *(_f(c, k) for k in ("what", "date", "end", "place")),
            _parties(c),
        ),
        gold_text=lambda g: (
            f"{g.what} {' '.join(compact(p) for p in g.parties)} "
            f"{g.start}{'/' + g.end if g.end != g.start else ''} {g.place}".rstrip()
        ),
    ),
    "event": _Rule(
        strict=lambda g, c: _event_iri(c) == g.fact,
        near=_event_near,
        checks=_event_checks,
        identity=lambda c: (_event_iri(c) or " ".join(tokens(_f(c, "name"))),),
        gold_text=lambda g: (
            f"{g.label} {g.start}{'/' + g.end if g.end != g.start else ''}"
            + (f" host {compact(g.host)}" if g.host else "")
        ),
    ),
}


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def describe(candidate: Candidate) -> str:
    """A candidate in one line: its kind, fields (IRIs compacted) and evidence's offsets."""
    fields = "; ".join(
        f"{k}={' '.join(compact(v) for v in value.split(' ')) if k != 'text' else _short(value)}"
        for k, value in candidate.fields.items()
        if value
    )
    where = f"@{candidate.selector.start}-{candidate.selector.end}"
    return f"{candidate.kind} {fields} {where}"


# -------------------------------------------------------------------------------------- scoring


def score_article(gold: Gold, candidates: Sequence[Candidate]) -> ArticleScore:
    """The scores of an article's candidates against its gold, by kind."""
    kinds = {kind: score_kind(kind, getattr(gold, kind), candidates) for kind in SCORED}
    kinds["position"] = KindScore(
        "position",
        gold=len(gold.position),
        proposed=0,
        matched=0,
        misses=tuple(f"{compact(p.fact)}: {_short(p.description)}" for p in gold.position),
    )
    unscored = Counter(c.kind for c in candidates if c.kind not in SCORED)
    return ArticleScore(gold.file, gold.source, kinds, dict(sorted(unscored.items())))


def score_kind(kind: str, gold: Sequence[Any], candidates: Iterable[Candidate]) -> KindScore:
    """One kind's scores: ``gold`` facts of that kind against the candidates of that kind."""
    rule = RULES[kind]
    mine = [c for c in candidates if c.kind == kind]
    hedged = [c for c in mine if c.hedged]
    proposals, repeats = _distinct(rule, [c for c in mine if not c.hedged])
    pairs = _pairs(rule, gold, proposals)
    matched = {g: c for g, (c, strict) in pairs.items() if strict}
    near = {g: c for g, (c, strict) in pairs.items() if not strict}
    paired_candidates = {id(c) for c in matched.values()}
    return KindScore(
        kind=kind,
        gold=len(gold),
        proposed=len(proposals),
        matched=len(matched),
        hedged=len(hedged),
        repeats=repeats,
        checks=_tally(rule.checks(g, c) for g, (c, _) in pairs.items()),
        misses=tuple(_miss(rule, g, near.get(g)) for g in gold if g not in matched),
        false_positives=tuple(
            _false_positive(rule, c, near, matched)
            for c in proposals
            if id(c) not in paired_candidates
        ),
        hedged_list=tuple(describe(c) for c in hedged),
    )


def _distinct(rule: _Rule, proposals: list[Candidate]) -> tuple[list[Candidate], int]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for candidate in proposals:
        identity = rule.identity(candidate)
        if identity not in seen:
            seen.add(identity)
            out.append(candidate)
    return out, len(proposals) - len(out)


def _pairs(
    rule: _Rule, gold: Sequence[Any], proposals: list[Candidate]
) -> dict[Any, tuple[Candidate, bool]]:
    """Each gold fact with at most one proposal and whether it matches: full matches first,
    then the most checks right, then near pairs; one-to-one, in order."""
    ranked = []
    for i, g in enumerate(gold):
        for j, c in enumerate(proposals):
            strict = rule.strict(g, c)
            if strict or rule.near(g, c):
                right = sum(1 for v in rule.checks(g, c).values() if v)
                ranked.append((not strict, -right, i, j))
    pairs: dict[Any, tuple[Candidate, bool]] = {}
    used: set[int] = set()
    for loose, _, i, j in sorted(ranked):
        if gold[i] not in pairs and j not in used:
            pairs[gold[i]] = (proposals[j], not loose)
            used.add(j)
    return pairs


def _tally(all_checks: Iterable[Checks]) -> dict[str, tuple[int, int]]:
    right: Counter[str] = Counter()
    paired: Counter[str] = Counter()
    for checks in all_checks:
        for name, value in checks.items():
            if value is not None:
                paired[name] += 1
                right[name] += bool(value)
    return {name: (right[name], paired[name]) for name in paired}


def _wrong(checks: Checks) -> str:
    return ", ".join(name for name, value in checks.items() if value is False)


def _miss(rule: _Rule, g: Any, near: Candidate | None) -> str:
    text = f"{rule.gold_text(g)} ({compact(g.fact)})"
    if near is None:
        return text
    return f"{text}; nearest: {describe(near)} (wrong: {_wrong(rule.checks(g, near))})"


def _false_positive(
    rule: _Rule, c: Candidate, near: dict[Any, Candidate], matched: dict[Any, Candidate]
) -> str:
    """A proposal that matched nothing, with the gold fact it nearly is, or the matched gold
    fact whose key it shares (another kind of stance for the same actor and instrument)."""
    for g, candidate in near.items():
        if candidate is c:
            return f"{describe(c)}; near {compact(g.fact)} (wrong: {_wrong(rule.checks(g, c))})"
    for g in matched:
        if rule.strict(g, c):
            return f"{describe(c)}; the graph has {rule.gold_text(g)} ({compact(g.fact)})"
    return describe(c)


def combine(scores: Iterable[KindScore], label: Callable[[int], str] | None = None) -> KindScore:
    """Several scores of one kind summed (micro-averaged); each list item prefixed by
    ``label(i)`` of the score it came from, when given."""
    scores = list(scores)
    checks: dict[str, tuple[int, int]] = {}
    for s in scores:
        for name, (r, p) in s.checks.items():
            old = checks.get(name, (0, 0))
            checks[name] = (old[0] + r, old[1] + p)

    def items(name: str) -> tuple[str, ...]:
        prefix = label or (lambda i: "")
        return tuple(f"{prefix(i)}{x}" for i, s in enumerate(scores) for x in getattr(s, name))

    return KindScore(
        kind=scores[0].kind,
        gold=sum(s.gold for s in scores),
        proposed=sum(s.proposed for s in scores),
        matched=sum(s.matched for s in scores),
        hedged=sum(s.hedged for s in scores),
        repeats=sum(s.repeats for s in scores),
        checks=checks,
        misses=items("misses"),
        false_positives=items("false_positives"),
        hedged_list=items("hedged_list"),
    )


def overall(articles: Sequence[ArticleScore]) -> dict[str, KindScore]:
    """Each kind's scores summed over articles; list items prefixed by the article's file."""
    kinds = list(articles[0].kinds) if articles else []
    return {
        kind: combine(
            (a.kinds[kind] for a in articles), label=lambda i: f"{articles[i].file[:3]}: "
        )
        for kind in kinds
    }
