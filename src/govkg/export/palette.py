"""The one palette of every export: node colours by type, edge colours by stance kind or link.

Keys are class local names (``State``, ``Declaration``) for nodes, stance-kind slugs (``signed``,
``voted-no``) and ``member`` (a membership) for the edges of the stances view, and link kinds
(``dialogue``, ``meeting``, ``agreement``) for the edges of the dialogues view.  A node takes the
colour of the first entry, in this order, that names one of its types; a node none names is
``other``.  The README lists the same table.
"""

from __future__ import annotations

from collections.abc import Iterable

PALETTE: dict[str, str] = {
    # actors
    "State": "#4e79a7",
    "InternationalOrganisation": "#76b7b2",
    "Company": "#9c755f",
    "ResearchInstitution": "#b07aa1",
    "CivilSocietyOrganisation": "#ff9da7",
    # instruments (the more specific types first)
    "Declaration": "#f28e2b",
    "JointStatement": "#edc948",
    "Resolution": "#b6992d",
    "Convention": "#d37295",
    "ActionPlan": "#fabfd2",
    "BilateralAgreement": "#e377c2",
    "Instrument": "#bab0ac",
    # other resources of the full view
    "Stance": "#c5b0d5",
    "Summit": "#17becf",
    "BilateralMeeting": "#9467bd",
    "BilateralDialogue": "#1f77b4",
    "Person": "#8c564b",
    "Article": "#dbdb8d",
    "Document": "#dbdb8d",
    "Concept": "#aec7e8",
    # stance kinds (edges of the stances view)
    "signed": "#2ca02c",
    "endorsed": "#98df8a",
    "voted-yes": "#1b7837",
    "abstained": "#ffbf00",
    "declined": "#d62728",
    "did-not-sign": "#fdd0a2",
    "voted-no": "#8b0000",
    "did-not-vote": "#c7c7c7",
    "participated": "#9edae5",
    "ratified": "#00441b",
    "acceded": "#006d2c",
    "accepted-approved": "#238b45",
    "joined": "#17becf",
    "co-sponsored": "#6baed6",
    "lead-sponsored": "#2171b5",
    "withdrew": "#67000d",
    "left": "#a50f15",
    "dissociated": "#e7298a",
    # memberships (edges of the stances view, member → organisation)
    "member": "#5254a3",
    # links of the dialogues view
    "dialogue": "#1f77b4",
    "meeting": "#9467bd",
    "agreement": "#e377c2",
    # anything else
    "other": "#999999",
}


def colour_for(names: Iterable[str]) -> str:
    """The palette colour of the first palette entry among ``names`` (types or a kind)."""
    wanted = set(names)
    for key, colour in PALETTE.items():
        if key in wanted:
            return colour
    return PALETTE["other"]


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three integers."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
