# ruff: noqa: RUF001 (typographic quotes and apostrophes are what articles print)
"""Names in an article resolved to the graph's resources: a gazetteer built from the store (one
flat query per resource type) and from vendored country data (short names, adjectives,
capital-city metonyms: ``data/countries.json``, from the ``world-countries`` package).

Matching is on tokens, accents folded (NFKD, marks dropped) and longest match first.  Names of
one word and codes match case-sensitively ("China", never "china"; "US", never "us"); names of
several words match whatever their case once the first word in the text is capitalised.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from govkg.fixed_queries import fixed_query
from govkg.ingest.model import Mention
from govkg.namespaces import DATA_BASE, Terms
from govkg.store import Store

STATE = Terms(f"{DATA_BASE}state/")
#: The query that lists each type's names (``sparql/NAME.rq``).
QUERIES = {
    "state": "gazetteer-states",
    "organisation": "gazetteer-organisations",
    "instrument": "gazetteer-instruments",
    "event": "gazetteer-events",
    "person": "gazetteer-people",
}
TYPES = tuple(QUERIES)
#: Two-letter codes that are also English words or common abbreviations: never matched as codes.
CODE_WORDS = frozenset(
    [
        "AI",
        "AM",
        "AS",
        "AT",
        "BE",
        "BY",
        "DO",
        "GO",
        "HE",
        "ID",
        "IN",
        "IS",
        "IT",
        "ME",
        "MY",
        "NO",
        "ON",
        "OR",
        "SO",
        "TO",
        "PM",
        "TV",
    ]
)
#: Well-known short names the vendored data does not give.
EXTRA_NAMES = {"Britain": "GBR", "America": "USA", "Holland": "NLD", "Russia": "RUS"}
_TOKEN = re.compile(r"\w+|[^\w\s]")
_NEW_NAME = re.compile(
    r"\b[Tt]he\s+((?:[A-Z][\w’'-]*\s+){1,6}?(?:Declaration|Statement|Summit|Convention|Pact|"
    r"Charter|Accord|Agreement|Principles|Blueprint|Call|Framework|Treaty|Dialogue))\b"
)
_FUZZ_CUTOFF = 90.0


@dataclass(frozen=True)
class Entry:
    """One name of one resource: how it was found (label, code, short, adjective, capital,
    surname) and, for instruments and events, the date that breaks ties between namesakes."""

    type: str
    iri: str
    how: str
    date: str = ""


@dataclass
class Gazetteer:
    """Names (token tuples, lower case and accent-folded) to the resources they name."""

    names: dict[tuple[str, ...], list[tuple[str, Entry]]] = field(default_factory=dict)
    reference_date: str = ""
    longest: int = 1
    #: Each instrument's event, and each event's instruments (gk:adoptedAt).
    adopted_at: dict[str, str] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)
    #: The state of a post each person holds (where the graph records one).
    person_state: dict[str, str] = field(default_factory=dict)
    #: Each instrument's and event's label.
    labels_of: dict[str, str] = field(default_factory=dict)
    #: States that are UN members: preferred where an adjective or capital names several.
    members: set[str] = field(default_factory=set)

    def add(self, name: str, entry: Entry) -> None:
        tokens = tuple(t.lower() for t in tokens_of(fold(name)))
        if not tokens:
            return
        found = self.names.setdefault(tokens, [])
        if all(e != entry for _, e in found):
            found.append((fold(name), entry))
        self.longest = max(self.longest, len(tokens))

    def labels(self, types: Iterable[str]) -> dict[str, Entry]:
        """Each multi-word name of resources of ``types`` (for near matches)."""
        wanted = set(types)
        return {
            name: entry
            for entries in self.names.values()
            for name, entry in entries
            if entry.type in wanted and entry.how == "label" and " " in name
        }


def fold(text: str) -> str:
    """The text with accents dropped, one character for one (offsets are kept)."""
    out = []
    for char in text:
        bare = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(bare if len(bare) == 1 else char)
    return "".join(out)


def tokens_of(text: str) -> list[str]:
    return _TOKEN.findall(text)


@cache
def _countries() -> list[dict[str, object]]:
    path = Path(__file__).parent / "data" / "countries.json"
    data: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def build_gazetteer(store: Store, reference_date: str = "") -> Gazetteer:
    """The gazetteer of the resources the store holds."""
    gazetteer = Gazetteer(reference_date=reference_date)
    for type_ in TYPES:
        for row in store.query(fixed_query(__file__, QUERIES[type_])).records():
            iri, name, how = row.text("resource"), row.text("name"), row.text("how")
            date = (row.text("date") if "date" in row else "") or ""
            if how == "code" and not _usable_code(name):
                continue
            for variant in _variants(type_, name):
                gazetteer.add(variant, Entry(type_, iri, how, date))
            if type_ == "instrument" and "event" in row and row.text("event"):
                gazetteer.adopted_at[iri] = row.text("event")
            if date:
                gazetteer.dates[iri] = date
            if "state" in row and row.text("state"):
                gazetteer.person_state[iri] = row.text("state")
            if type_ in ("instrument", "event") and how == "label":
                gazetteer.labels_of.setdefault(iri, name)
            if "status" in row and row.text("status") == "member":
                gazetteer.members.add(iri)
            if "place" in row and row.text("place"):
                gazetteer.places[iri] = row.text("place")
    _add_people_surnames(gazetteer)
    _add_countries(gazetteer)
    return gazetteer


def _usable_code(code: str) -> bool:
    return code.isupper() and code not in CODE_WORDS


def _variants(type_: str, name: str) -> list[str]:
    """A name and the shorter forms an article uses: an event's label before its comma, with
    and without its year; "AI" spelled out."""
    names = [name]
    if type_ == "state" and ", " in name:  # "Korea, Republic of" → "Republic of Korea"
        head, tail = name.split(", ", 1)
        names.append(f"{tail} {head}".replace(" the ", " ").strip())
        names.append(head)
    if type_ in ("event", "instrument"):
        head = name.split(",")[0].split(" (")[0].strip()
        names += [head, re.sub(r"\s+(19|20)\d\d$", "", head)]
    if type_ == "state" and re.fullmatch(r"[A-Z]{2}", name):
        names.append(".".join(name) + ".")
    names += [n.replace("AI ", "Artificial Intelligence ") for n in names if "AI " in n]
    return [n for n in dict.fromkeys(names) if n]


def _add_people_surnames(gazetteer: Gazetteer) -> None:
    """A person's last name alone, where no other person the graph holds shares it."""
    by_surname: dict[str, set[str]] = {}
    for entries in list(gazetteer.names.values()):
        for name, entry in entries:
            parts = name.split()
            if entry.type == "person" and len(parts) >= 2:
                by_surname.setdefault(parts[-1], set()).add(entry.iri)
    for surname, people in by_surname.items():
        if len(people) == 1 and surname[:1].isupper():
            gazetteer.add(surname, Entry("person", next(iter(people)), "surname"))


def _add_countries(gazetteer: Gazetteer) -> None:
    shared: dict[str, int] = {}
    for country in _countries():
        for word in list(country["demonyms"]) + list(country["capital"]):  # type: ignore[call-overload]
            shared[word] = shared.get(word, 0) + 1
    for country in _countries():
        iri = str(STATE[str(country["cca3"])])
        names = [str(country["common"])] + [str(a) for a in country["alt"]]  # type: ignore[attr-defined]
        for name in names:
            if name.isupper() and not _usable_code(name):
                continue
            for variant in _variants("state", name):
                gazetteer.add(variant, Entry("state", iri, "short"))
        member = iri in gazetteer.members
        for demonym in country["demonyms"]:  # type: ignore[attr-defined]
            if member or shared[demonym] == 1:
                gazetteer.add(str(demonym), Entry("state", iri, "adjective"))
        for capital in country["capital"]:  # type: ignore[attr-defined]
            if member or shared[capital] == 1:
                gazetteer.add(
                    re.sub(r"\s+D\.C\.$", "", str(capital)), Entry("state", iri, "capital")
                )
    for name, code in EXTRA_NAMES.items():
        gazetteer.add(name, Entry("state", str(STATE[code]), "short"))


def find_mentions(gazetteer: Gazetteer, text: str) -> list[Mention]:
    """The names in ``text``, longest first and never overlapping, each resolved to a resource
    or proposed as a new one."""
    folded = fold(text)
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(folded)]
    words = [folded[s:e] for s, e in spans]
    lower = [w.lower() for w in words]
    mentions: list[Mention] = []
    i = 0
    while i < len(spans):
        found = _longest(gazetteer, words, lower, i)
        if found is None:
            i += 1
            continue
        length, entry = found
        start, end = spans[i][0], spans[i + length - 1][1]
        score = 1.0 if entry.how in ("label", "code", "short") else 0.9
        mentions.append(Mention(text[start:end], start, end, entry.type, entry.iri, score=score))
        i += length
    return sorted(mentions + _near_and_new(gazetteer, text, mentions), key=lambda m: m.start)


def _longest(
    gazetteer: Gazetteer, words: list[str], lower: list[str], i: int
) -> tuple[int, Entry] | None:
    for length in range(min(gazetteer.longest, len(words) - i), 0, -1):
        entries = gazetteer.names.get(tuple(lower[i : i + length]))
        if not entries:
            continue
        matched = " ".join(words[i : i + length])
        fitting = [e for name, e in entries if _case_fits(name, words[i : i + length], matched)]
        if fitting:
            return length, _choose(gazetteer, fitting)
    return None


def _case_fits(name: str, words: list[str], matched: str) -> bool:
    if not words[0][:1].isupper():
        return False
    if len(words) == 1 or name.isupper() or len([w for w in words if w.isalnum()]) == 1:
        return words == tokens_of(name)
    return True


def _choose(gazetteer: Gazetteer, entries: list[Entry]) -> Entry:
    """Among namesakes, the one dated nearest the article; a label before a metonym."""
    order = {"label": 0, "short": 1, "code": 2, "surname": 3, "adjective": 4, "capital": 5}
    year = gazetteer.reference_date[:4]

    def key(entry: Entry) -> tuple[int, int]:
        distance = abs(int(entry.date[:4]) - int(year)) if year and entry.date[:4].isdigit() else 99
        return (distance, order.get(entry.how, 9))

    return min(entries, key=key)


def how_named(gazetteer: Gazetteer, mention: Mention) -> str:
    """How the mention names its resource: label, short, code, surname, adjective, capital."""
    tokens = tuple(t.lower() for t in tokens_of(fold(mention.text)))
    hows = [e.how for _, e in gazetteer.names.get(tokens, []) if e.iri == mention.iri]
    return hows[0] if hows else "near"


def _in_headline(text: str, offset: int) -> bool:
    """Whether the line at ``offset`` is a headline (title case, no full stop): its capitals
    tell no names."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start : line_end if line_end >= 0 else None].strip()
    if line.endswith((".", "!", "?", ":")):
        return False
    words = re.findall(r"[A-Za-z][\w’'-]*", line)
    small = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "as", "by", "with"}
    content = [w for w in words if w not in small]
    return len(content) >= 4 and sum(w[0].isupper() for w in content) / len(content) > 0.8


def _near_and_new(gazetteer: Gazetteer, text: str, known: list[Mention]) -> list[Mention]:
    """Capitalised names of instruments and events the gazetteer does not hold exactly: a
    near match (rapidfuzz) with its score, else a proposed new resource."""
    taken = [(m.start, m.end) for m in known]
    from rapidfuzz import fuzz, process  # imported on first use: a server answers pages without it

    labels = gazetteer.labels(("instrument", "event"))
    out: list[Mention] = []
    for match in _NEW_NAME.finditer(text):
        start, end = match.start(1), match.end(1)
        if any(s < end and start < e for s, e in taken) or _in_headline(text, start):
            continue
        name = match[1]
        kind = "event" if re.search(r"(Summit|Dialogue)$", name) else "instrument"
        best = process.extractOne(fold(name), list(labels), scorer=fuzz.token_sort_ratio)
        if best and best[1] >= _FUZZ_CUTOFF:
            entry = labels[best[0]]
            out.append(
                Mention(name, start, end, entry.type, entry.iri, score=round(best[1] / 100, 2))
            )
        else:
            out.append(Mention(name, start, end, kind, None, proposed=name, score=0.0))
        taken.append((start, end))
    return out
