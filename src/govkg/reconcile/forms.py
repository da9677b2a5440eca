"""A state's name apart from its form of state: "the Republic of Albania" is Albania as a
republic, "Iran (Islamic Republic of)" is Iran, "the French Republic" is France by its adjective.

A form is a run of form words ("Islamic", "People's", "Federal" …) holding a form noun
("Republic", "Kingdom", "State" …), written before the name with "of" ("the Kingdom of the
Netherlands"), after it with "of", as UN short names and ISO lists invert it ("Netherlands
(Kingdom of the)", "Korea, Republic of"), or after an adjective ("the Swiss Confederation",
"the United Mexican States").  A name may also carry a qualifier, after a spaced dash or in
brackets, telling namesakes apart ("Congo - Kinshasa", "Myanmar (Burma)").  Everything here works
on names normalised by :func:`govkg.reconcile.names.normalise` (folded, "the" and punctuation
dropped), except :func:`qualified`, which reads the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: The nouns of a form of state.
FORM_NOUNS = frozenset(
    ["republic", "kingdom", "state", "states", "principality", "duchy", "commonwealth", "union",
     "sultanate", "emirate", "emirates", "confederation", "federation"]
)  # fmt: skip
#: Every word a form is made of: its nouns and the words that qualify them.
FORM_WORDS = FORM_NOUNS | frozenset(
    ["islamic", "peoples", "democratic", "federal", "federative", "federated", "socialist", "arab",
     "united", "independent", "plurinational", "bolivarian", "co", "operative", "cooperative",
     "eastern", "oriental", "hashemite", "grand", "popular"]
)  # fmt: skip
#: Forms the parts of a federation take too ("the State of Georgia", "the State of Mexico", "the
#: Federation of Bosnia and Herzegovina"): alone, they do not say a sovereign state is meant.
SHARED_FORMS = frozenset(["state", "federation"])
#: "Name - Qualifier" (a spaced dash) or "Name (Qualifier)".
_DASHED = re.compile(r"\s*(\S.*?)\s+[-\u2013\u2014]\s+(\S.*?)\s*")
_BRACKETED = re.compile(r"\s*(\S.*?)\s*\(([^()]+)\)\s*")


@dataclass(frozen=True)
class Formal:
    """A normalised name split into its form's words (none: the name has no form) and the rest,
    its core; ``adjective`` when the core is an adjective before the form ("french republic")."""

    form: frozenset[str]
    core: str
    adjective: bool = False


@lru_cache(maxsize=16384)  # the index's names, compared again for every query
def split_form(key: str) -> Formal:
    """``key``'s form and core: ``"islamic republic of iran"`` and ``"iran islamic republic
    of"`` give ({islamic, republic}, ``"iran"``), ``"french republic"`` gives ({republic},
    ``"french"``, an adjective); a name that is all form ("united kingdom") or has none is its
    own core."""
    words = key.split()
    form: list[str] = []
    while (end := _leading(words)) is not None:  # "republic of union of myanmar"
        form += words[:end]
        words = words[end + 1 :]
    start = _trailing(words)
    if start is not None:
        form += words[start:-1]
        words = words[:start]
    if not form and words and words[-1] in FORM_NOUNS:
        return _adjectival(key, words)
    if not form or not words:
        return Formal(frozenset(), key)
    return Formal(frozenset(form), " ".join(words))


def _adjectival(key: str, words: list[str]) -> Formal:
    """A name ending in a form noun: the words between the form's words are an adjective
    ("swiss confederation", "united mexican states")."""
    kept = [i for i, word in enumerate(words) if word not in FORM_WORDS]
    if not kept:
        return Formal(frozenset(), key)
    first, last = kept[0], kept[-1]
    form = frozenset(words[:first] + words[last + 1 :])
    return Formal(form, " ".join(words[first : last + 1]), adjective=True)


def _leading(words: list[str]) -> int | None:
    """Where the "of" after a leading form is ("kingdom of …"), or None."""
    i = 0
    while i < len(words) and words[i] in FORM_WORDS:
        i += 1
    leads = 0 < i < len(words) - 1 and words[i] == "of"
    return i if leads and any(w in FORM_NOUNS for w in words[:i]) else None


def _trailing(words: list[str]) -> int | None:
    """Where a form inverted to the end begins ("korea republic of"), or None."""
    if len(words) < 3 or words[-1] != "of":
        return None
    start = len(words) - 1
    while start > 0 and words[start - 1] in FORM_WORDS:
        start -= 1
    trails = 0 < start < len(words) - 1
    return start if trails and any(w in FORM_NOUNS for w in words[start:-1]) else None


def qualified(text: str) -> tuple[str, str] | None:
    """A raw name's name and qualifier (``"Congo - Kinshasa"`` → ``("Congo", "Kinshasa")``),
    or None when it has none.  A bracketed form ("Iran (Islamic Republic of)") comes back too:
    :func:`is_form` tells it from a qualifier."""
    for pattern in (_DASHED, _BRACKETED):
        found = pattern.fullmatch(text)
        if found:
            return found[1], found[2]
    return None


def names_a_state(formal: Formal) -> bool:
    """Whether a formal name's form says a state is meant: it has a form, and not only one that
    parts of a federation share ("State of Georgia" may be the US state)."""
    return bool(formal.form) and not formal.form <= SHARED_FORMS


def is_form(key: str) -> bool:
    """Whether a normalised text is a form alone ("islamic republic of"), or nothing."""
    return all(w in FORM_WORDS or w == "of" for w in key.split())
