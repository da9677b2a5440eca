"""The columns of the panel's two tables, said once: the Data Package's schemas and the codebook
are both written from them.

``vote`` follows Voeten's UN General Assembly voting data where its codes apply: 1 yes, 2
abstain, 3 no, 8 absent, 9 not a member; empty where nothing is known.  Missing values are
written as empty cells, declared in each schema's ``missingValues``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govkg.align.analysis import SHOWN
from govkg.align.matrix import ACTOR_TYPES, KIND_CODES

#: How a missing value is written (declared in each schema's ``missingValues``).
MISSING = ""
#: Several values in one cell are joined by this.
JOIN = "|"
#: The values of ``vote`` and what they mean.
VOTE_CODES: dict[int, str] = {
    1: "yes: signed, endorsed, voted yes, ratified, acceded, accepted or approved, joined, "
    "co-sponsored or lead-sponsored (the stance kinds coded 1)",
    2: "abstain: abstained in a recorded vote",
    3: "no: declined on record, voted no, dissociated, withdrew or left (with --absent no, "
    "also an absence from a complete list)",
    8: "absent: took part and cast no vote or signature (did not vote, did not sign), or has "
    "no record on an instrument whose list of stances is complete",
    9: "not a member: a UN vote (a resolution) and the actor is not a UN member state and has "
    "no stance on it (it could not vote)",
}
DATE_KINDS: dict[str, str] = {
    "act": "date_of_act is the date of the act (dcterms:date)",
    "as_of": "date_of_act is the date a source listed the actor by (gk:asOf): the act was "
    "done on or before it",
    "unknown": "the stance has no date",
}
COVERAGE: dict[str, str] = {
    "complete": "the list of stances on the instrument is complete: every actor that "
    "signed (or voted) is in it",
    "complete-as-of": "complete as of a date; later signatures may be missing",
    "partial": "partial: more actors took this stance than are named",
    "unknown": "completeness not recorded",
}
_DATE_PATTERN = "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
_SLUG = "[A-Za-z0-9._~-]+"


def _joined(pattern: str) -> str:
    return f"({pattern})(\\{JOIN}({pattern}))*"


@dataclass(frozen=True)
class Column:
    """One column: its name, Table Schema type, meaning and (for the codebook) its values."""

    name: str
    type: str
    description: str
    values: str = ""
    constraints: dict[str, Any] = field(default_factory=dict)
    missing: str = "never missing"

    def field(self) -> dict[str, Any]:
        """The Table Schema field descriptor."""
        found: dict[str, Any] = {"name": self.name, "type": self.type}
        found["description"] = f"{self.description} {self.values}".strip()
        if self.constraints:
            found["constraints"] = self.constraints
        return found


_KINDS = "|".join(sorted(KIND_CODES, key=len, reverse=True))
PANEL_COLUMNS: tuple[Column, ...] = (
    Column("actor", "string", "The actor: ISO 3166-1 alpha-3 code of a state (USA), id of an "
           "organisation (EU), else the last segment of its IRI.", constraints={"required": True}),
    Column("actor_iri", "string", "The actor's IRI in the govkg graph: open it for its page "
           "and sources.", constraints={"required": True}),
    Column("actor_label", "string", "The actor's name in English.",
           constraints={"required": True}),
    Column("actor_type", "string", "The actor's type.",
           values="state, organisation (intergovernmental), company or research-institution.",
           constraints={"enum": list(ACTOR_TYPES)}, missing="empty: type not recorded"),
    Column("instrument", "string", "The instrument's id (the last segment of its IRI).",
           constraints={"required": True, "pattern": _SLUG}),
    Column("instrument_iri", "string", "The instrument's IRI in the govkg graph.",
           constraints={"required": True}),
    Column("instrument_label", "string", "The instrument's title.",
           constraints={"required": True}),
    Column("instrument_type", "string", "The instrument's types, joined by |.",
           values="declaration, resolution, convention, jointstatement, actionplan, "
           "bilateralagreement, recommendation, voluntarycommitment, partnership (the classes "
           "of instrument below).", constraints={"pattern": _joined("[a-z]+")},
           missing="empty: no type more precise than instrument"),
    Column("series", "string", "The ids of the summit series the instrument was adopted "
           "in, joined by |.", constraints={"pattern": _joined(_SLUG)},
           missing="empty: adopted in no series"),
    Column("date", "string", "The instrument's date: its own, else its event's, else its "
           "earliest stance's; a year, a month or a day.", values="2025, 2025-02 or 2025-02-11.",
           constraints={"pattern": _DATE_PATTERN}, missing="empty: no date known"),
    Column("vote", "integer", "The actor's position, coded as Voeten's UN voting data.",
           values="1 yes, 2 abstain, 3 no, 8 absent, 9 not a member (the vote codes below).",
           constraints={"enum": list(VOTE_CODES)},
           missing="empty: no position known (no record on a list that is not complete, or a "
           "stance coded missing: participated, or a kind recoded with --code KIND=missing)"),
    Column("stance_kind", "string", "The kinds of the actor's stances on the instrument, "
           "oldest first, joined by |.", values="The stance kinds below.",
           constraints={"pattern": _joined(_KINDS)}, missing="empty: no stance recorded"),
    Column("date_of_act", "string", "The date of the act that gives the code (the latest "
           "act).", values="2025, 2025-02 or 2025-02-11.", constraints={"pattern": _DATE_PATTERN},
           missing="empty: no stance, or a stance without a date"),
    Column("date_kind", "string", "What date_of_act is.", values="act, as_of or unknown.",
           constraints={"enum": list(DATE_KINDS)}, missing="empty: no stance recorded"),
    Column("coverage", "string", "How complete the instrument's list of stances is.",
           values="complete, complete-as-of, partial or unknown.",
           constraints={"required": True, "enum": list(COVERAGE)}),
    Column("source_count", "integer", "How many distinct sources the cell's stances were "
           "derived from (0 with no stance).", constraints={"required": True, "minimum": 0}),
    Column("stances", "string", "The IRIs of the cell's stances, oldest first, joined by |: "
           "each links to its sources.", missing="empty: no stance recorded"),
)  # fmt: skip

_MEASURE_TEXT = {
    "agreement": "1 - sum|x-y| / (2n): abstaining against yes or no is half a disagreement.",
    "s": "Signorino and Ritter's S with d_max = 2: 1 - 2 sum|x-y| / (n d_max).",
    "s_squared": "S with squared distances: 1 - 2 sum(x-y)^2 / (n d_max^2).",
    "pi": "Scott's pi (pooled marginals), nominal.",
    "kappa": "Cohen's kappa (each actor's own marginals), nominal.",
    "kappa_squared": "Cohen's kappa weighted by ((i-j)/2)^2.",
    "kappa_linear": "Cohen's kappa weighted by |i-j|/2.",
    "pi_squared": "Scott's pi weighted by ((i-j)/2)^2.",
    "jaccard": "Jaccard index of the sets of instruments each actor signed (coded 1).",
}
DYAD_COLUMNS: tuple[Column, ...] = (
    Column("actor_a", "string", "The first actor (its code, as actor in panel.csv).",
           constraints={"required": True}),
    Column("actor_b", "string", "The second actor.", constraints={"required": True}),
    Column("n", "integer", "The number of instruments both actors have a code (1, 2 or 3) "
           "for: every measure rests on them.", constraints={"required": True, "minimum": 0}),
    *(Column(name, "number", _MEASURE_TEXT[name],
             missing="empty: undefined (no instrument in common, or no variance; see note)")
      for name in SHOWN),
    Column("note", "string", "Why a measure is empty, or a kappa 0 (one side never varies).",
           missing="empty: nothing to note"),
)  # fmt: skip


def table_schema(columns: tuple[Column, ...], key: list[str]) -> dict[str, Any]:
    """A Table Schema for these columns with ``key`` as primary key."""
    return {
        "fields": [column.field() for column in columns],
        "missingValues": [MISSING],
        "primaryKey": key,
    }
