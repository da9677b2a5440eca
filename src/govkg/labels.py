"""Readable labels the importer gives stances and web sources.

A stance's label is a sentence: the actor's name as the reference data gives it, in running order
("Korea, Republic of" reads "Republic of Korea"), a verb for the stance kind and the instrument's
short title ("Republic of Korea endorsed the REAIM 2023 Call to Action").  The short title is the
instrument's ``dcterms:alternative`` where the graph gives one (a run of words of its title,
curated in graph/instrument-records.ttl), else its title without trailing parentheses or a
trailing " - ..." part ("REAIM 2026 Pathways to Action (A Coruna, Spain) - 20 principles" reads
"REAIM 2026 Pathways to Action").

A web source's label says what its address does, and nothing more: the repository and file of a
GitHub file, else the host and, where the last part of the path is words joined by hyphens (three
of them at least made of letters alone), that part as the address spells it.  Titles, publishers
and dates are not guessed from a URL.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

#: Stance-kind slug → the verb phrase of a stance's label.
KIND_VERBS = {
    "signed": "signed",
    "endorsed": "endorsed",
    "declined": "declined",
    "did-not-sign": "took part but did not sign",
    "voted-yes": "voted yes on",
    "voted-no": "voted no on",
    "abstained": "abstained on",
    "did-not-vote": "did not vote on",
    "participated": "took part in",
    "ratified": "ratified",
    "acceded": "acceded to",
    "accepted-approved": "accepted or approved",
    "withdrew": "withdrew from",
    "joined": "joined",
    "left": "left",
    "dissociated": "dissociated from the consensus on",
    "co-sponsored": "co-sponsored",
    "lead-sponsored": "led",
}

_INVERTED = re.compile(r"^(?P<name>[^,]+), (?P<form>[^,]+ of(?: the)?)$")
_TRAILER = re.compile(r"\s+(?:\([^()]*\)|-\s[^()]*)$")
_GITHUB_FILE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/blob/(?P<commit>[^/]+)/(?P<path>.+)$")
_WORDY = re.compile(r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+$")


def running_name(name: str) -> str:
    """An ISO-style inverted name in running order: "Netherlands, Kingdom of the" → "Kingdom of
    the Netherlands"; any other name as it is ("Taiwan, Province of China")."""
    match = _INVERTED.match(name)
    return f"{match['form']} {match['name']}" if match else name


def short_title(title: str) -> str:
    """A title without its trailing parenthesised parts and trailing " - ..." part."""
    shorter = _TRAILER.sub("", title)
    return title if shorter == title else short_title(shorter)


def stance_label(actor: str, kind: str, title: str) -> str:
    """A sentence: "United States of America declined the REAIM 2026 Pathways to Action"."""
    the = "" if title.lower().startswith(("the ", "a ", "an ")) else "the "
    return f"{running_name(actor)} {KIND_VERBS[kind]} {the}{title}"


def source_label(url: str) -> str:
    """What a web address says of the page: "wrobinson127/machine-politics: site/votes.html
    (GitHub, commit 06743df)", "khaleejtimes.com: sixty-countries-endorse-…", "gov.uk"."""
    parts = urlsplit(url)
    host = (parts.hostname or url).removeprefix("www.")
    github = _GITHUB_FILE.match(parts.path) if host == "github.com" else None
    if github:
        path = unquote(github["path"])
        return f"{github['repo']}: {path} (GitHub, commit {github['commit'][:7]})"
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    words = re.split(r"[-_]", last)
    wordy = _WORDY.match(last) and sum(w.isalpha() for w in words) >= 3
    return f"{host}: {last}" if wordy else host
