"""What ``govkg ingest`` proposes: an article's text and the candidate facts found in it, each
anchored to the words it comes from by a W3C Web Annotation selector.

The shapes here are the contract between the parts of the ingest pipeline: reading the article
(:mod:`govkg.ingest.text`), resolving names to the graph's resources
(:mod:`govkg.ingest.names`), proposing candidates (:mod:`govkg.ingest.extract`), scoring them
against the facts the graph already holds (``bench/ingest_eval.py``) and writing the review file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The kinds of candidate facts.
KINDS = ("stance", "attendance", "count", "quote", "meeting", "event")


@dataclass(frozen=True)
class Article:
    """An article's plain text (the stored text every selector points into), its SHA-256 and
    what is known of it; empty strings where the file does not say and no option gave it."""

    text: str
    sha256: str
    path: str = ""
    title: str = ""
    url: str = ""
    outlet: str = ""
    published: str = ""  # an ISO date (YYYY-MM-DD), or "" when not known


@dataclass(frozen=True)
class Selector:
    """Where a candidate's evidence is: a TextQuoteSelector (``exact`` with up to 32 characters
    of ``prefix`` and ``suffix``) and a TextPositionSelector (``start``, ``end``: character
    offsets into :attr:`Article.text`, end exclusive); ``text[start:end] == exact``."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """A name in the text (``text`` at ``start``-``end``) and the graph resource it resolves to
    (``iri``), or ``None`` with a ``proposed`` label when no resource fits (a new one is
    proposed); ``type`` is state, organisation, instrument, event or person."""

    text: str
    start: int
    end: int
    type: str
    iri: str | None
    proposed: str = ""
    score: float = 1.0  # how well the name matched (1.0: exactly one of the resource's names)


@dataclass(frozen=True)
class Candidate:
    """One proposed fact.  ``fields`` by kind (values are IRIs, literals as text, or ""):

    - stance: ``actor``, ``target`` (instrument or event), ``stance_kind`` (a stance-kind slug:
      signed, endorsed, declined …), ``negated`` ("true"/"false": "did not sign" is negated
      signed and proposed as declined or did-not-sign as the words say)
    - attendance: ``actor``, ``event`` (inferred ones, from the host, a signing or refusal the
      words place at the event, signatories counted among those that took part or a speech at
      the event, say why in ``notes``)
    - count: ``target``, ``counted`` (signatories, participants …), ``value``, ``out_of``,
      ``precision`` (exact, approximate, lower-bound), ``as_of``
    - quote: ``speaker``, ``role`` (as stated), ``on_behalf_of``, ``text`` (the quoted words),
      ``date``
    - meeting: ``parties`` (IRIs joined by a space), ``what`` ("meeting" or "dialogue"),
      ``date`` (its start), ``end`` ("" unless the words give a range: "May 14-15", "last
      week"), ``place``
    - event: ``name`` (the graph event's IRI when the name resolves, else the name as stated),
      ``start``, ``end``, ``place``, ``host``

    ``hedged`` marks words that are not facts ("is expected to sign", "may join"): listed, never
    accepted as they are.  ``id`` is stable across runs (a hash of the kind, the selector and the
    fields), so a rejected candidate is known again when the article is ingested again."""

    id: str
    kind: str
    selector: Selector
    fields: dict[str, str]
    mentions: tuple[Mention, ...] = ()
    hedged: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
