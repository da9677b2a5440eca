"""Panel data for research: the actor-by-instrument long table and the dyadic table of
``govkg align``, with a Frictionless Data Package and a codebook.

From Python::

    from govkg.align.report import AlignRequest
    from govkg.load import open_project
    from govkg.panel import build_panel, write_panel

    _project, store = open_project()
    paths = write_panel(store, Path("panel"))              # the five files, written at once
    panel = build_panel(store, AlignRequest(actor_types=("state",)))
    panel.rows[0], panel.dyads.columns

The long table's ``vote`` follows Voeten's UN voting data: 1 yes, 2 abstain, 3 no, 8 absent,
9 not a member, empty where nothing is known (:mod:`govkg.panel.schema`).
"""

from govkg.panel.codebook import codebook_blocks, to_html, to_markdown
from govkg.panel.package import package_descriptor
from govkg.panel.schema import DYAD_COLUMNS, PANEL_COLUMNS, VOTE_CODES
from govkg.panel.tables import Panel, build_panel
from govkg.panel.write import FILES, write_panel

__all__ = [
    "DYAD_COLUMNS",
    "FILES",
    "PANEL_COLUMNS",
    "VOTE_CODES",
    "Panel",
    "build_panel",
    "codebook_blocks",
    "package_descriptor",
    "to_html",
    "to_markdown",
    "write_panel",
]
