"""The panel's codebook, in Markdown and in standalone HTML, written from the ontology's classes,
the stance-kind scheme, the coding table and the columns of both tables (:mod:`govkg.panel.schema`).

The codebook is a list of blocks (headings, paragraphs, tables, code) rendered twice; every text in
the HTML is escaped, and the page needs nothing from the network.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from govkg import __version__
from govkg.align.report import AlignRequest
from govkg.fixed_queries import fixed_query
from govkg.namespaces import GK
from govkg.panel.package import (
    CODEBOOK_HTML,
    CODEBOOK_MD,
    DYADS_FILE,
    LICENSE,
    PACKAGE_FILE,
    PANEL_FILE,
    describe,
)
from govkg.panel.schema import (
    COVERAGE,
    DATE_KINDS,
    DYAD_COLUMNS,
    JOIN,
    MISSING,
    PANEL_COLUMNS,
    VOTE_CODES,
    Column,
)
from govkg.panel.tables import ABSENT_KINDS, KIND_BASE
from govkg.site.metadata import W3ID_BASE
from govkg.store import Store

TERMS = fixed_query(__file__, "panel-terms")
#: The classes a reader of the panel meets, in the codebook's order.
CLASSES = ("Stance", "State", "InternationalOrganisation", "Company", "ResearchInstitution",
           "Instrument", "SummitSeries")  # fmt: skip
_R_TYPES = {"string": "col_character()", "integer": "col_integer()", "number": "col_double()"}
_PANDAS_TYPES = {"string": '"string"', "integer": '"Int64"', "number": '"Float64"'}
_CODE_WORDS = {1: "1 (yes)", 2: "2 (abstain)", 3: "3 (no)"}


@dataclass(frozen=True)
class Term:
    """A class or concept: its local name, label and definition."""

    name: str
    label: str
    definition: str


@dataclass(frozen=True)
class Block:
    """A heading (``level`` 1-3), a paragraph, a table (``rows``, the first the header) or code
    (in ``language``)."""

    kind: str  # "heading", "paragraph", "table", "code"
    text: str = ""
    level: int = 0
    rows: tuple[tuple[str, ...], ...] = ()
    language: str = ""


def _heading(text: str, level: int = 2) -> Block:
    return Block("heading", text, level)


def _paragraph(text: str) -> Block:
    return Block("paragraph", text)


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> Block:
    return Block("table", rows=(tuple(header), *(tuple(str(c) for c in row) for row in rows)))


def load_terms(store: Store) -> dict[str, list[Term]]:
    """The classes, instrument types and stance kinds by ``kind``, each sorted by name."""
    found: dict[str, list[Term]] = {}
    for r in store.query(TERMS).records():
        iri = r.text("term")
        name = iri.removeprefix(KIND_BASE).removeprefix(str(GK))
        found.setdefault(r.text("kind"), []).append(
            Term(name, r.text("label") or name, r.text("definition"))
        )
    return {kind: sorted(terms, key=lambda t: t.name) for kind, terms in found.items()}


def _coded(kind: str, codes: Mapping[str, int]) -> str:
    code = codes.get(kind, 0)
    if code:
        return _CODE_WORDS[code]
    return "8 (absent)" if kind in ABSENT_KINDS else "missing"


def _column_rows(columns: Sequence[Column]) -> list[list[str]]:
    return [[f"`{c.name}`", c.type, c.description, c.values, c.missing] for c in columns]


def _r_snippet() -> str:
    def types(columns: Sequence[Column]) -> str:
        return ",\n  ".join(f"{c.name} = {_R_TYPES[c.type]}" for c in columns)

    return (
        "library(readr)\n"
        f'panel <- read_csv("{PANEL_FILE}", na = "", col_types = cols(\n'
        f"  {types(PANEL_COLUMNS)}\n))\n"
        f'dyads <- read_csv("{DYADS_FILE}", na = "", col_types = cols(\n'
        f"  {types(DYAD_COLUMNS)}\n))\n"
        'table(panel$vote, useNA = "ifany")'
    )


def _pandas_snippet() -> str:
    def types(columns: Sequence[Column]) -> str:
        return ", ".join(f'"{c.name}": {_PANDAS_TYPES[c.type]}' for c in columns)

    return (
        "import pandas as pd\n\n"
        f'panel = pd.read_csv("{PANEL_FILE}", keep_default_na=False, na_values=[""],\n'
        f"                    dtype={{{types(PANEL_COLUMNS)}}})\n"
        f'dyads = pd.read_csv("{DYADS_FILE}", keep_default_na=False, na_values=[""],\n'
        f"                    dtype={{{types(DYAD_COLUMNS)}}})\n"
        'panel.pivot(index="actor", columns="instrument", values="vote")'
    )


def citation(created: str) -> str:
    """How to cite the panel."""
    return (f"govkg contributors ({created[:4]}). govkg panel: who signed, abstained or declined "
            f"AI-governance instruments, version {__version__} (made {created[:10]}) [data set]. "
            f"{W3ID_BASE}. Licence {LICENSE['title']} ({LICENSE['name']}).")  # fmt: skip


def codebook_blocks(terms: Mapping[str, list[Term]], request: AlignRequest, created: str,
                    codes: Mapping[str, int], counts: tuple[int, int]) -> list[Block]:  # fmt: skip
    """The codebook, block by block (``counts``: the rows of the two tables)."""
    return [
        *_intro(request, created, counts),
        *_observed(terms),
        *_panel_columns(terms, codes),
        *_dyad_columns(request),
        *_reading(),
    ]


def _intro(request: AlignRequest, created: str, counts: tuple[int, int]) -> list[Block]:
    files: list[list[object]] = [
        [PANEL_FILE, "one row per actor and instrument (the long table)", counts[0]],
        [DYADS_FILE, "one row per pair of actors with alignment measures", counts[1]],
        [PACKAGE_FILE, "Frictionless Data Package: both schemas, licence, sources", ""],
        [f"{CODEBOOK_MD}, {CODEBOOK_HTML}", "this codebook", ""],
    ]
    return [
        Block("heading", "govkg panel: codebook", 1),
        _paragraph(f"Version {__version__}, made {created} by `{describe(request)}`. "
                   f"Data licence: {LICENSE['title']} ({LICENSE['name']}, {LICENSE['path']})."),
        _heading("How to cite"),
        _paragraph(citation(created)),
        _heading("The files"),
        _table(["file", "what", "rows"], files),
        _paragraph("Every row of the long table is one cell of the matrix `govkg align` "
                   "analyses: every actor with a stance (by default states, intergovernmental "
                   "organisations and actors of no recorded type) by every instrument with a "
                   "stance. Missing values are empty cells (declared as `missingValues` in "
                   f"{PACKAGE_FILE}); several values in one cell are joined by `{JOIN}`."),
    ]  # fmt: skip


def _observed(terms: Mapping[str, list[Term]]) -> list[Block]:
    classes = {t.name: t for t in terms.get("class", [])}
    rows = [[n, classes[n].label, classes[n].definition] for n in CLASSES if n in classes]
    return [_heading("What is observed"), _table(["term", "label", "definition"], rows)]


def _panel_columns(terms: Mapping[str, list[Term]], codes: Mapping[str, int]) -> list[Block]:
    kinds = [[f"`{t.name}`", t.label, t.definition, _coded(t.name, codes)]
             for t in terms.get("stance-kind", [])]  # fmt: skip
    types = [[f"`{t.name.lower()}`", t.label, t.definition]
             for t in terms.get("instrument-type", [])]  # fmt: skip
    return [
        _heading(f"Columns of {PANEL_FILE}"),
        _table(["column", "type", "meaning", "values", "missing"], _column_rows(PANEL_COLUMNS)),
        _heading("Vote codes (column `vote`)", 3),
        _paragraph("As in Voeten's United Nations General Assembly voting data, where its "
                   "codes apply. An actor with several acts on an instrument is coded by its "
                   "latest (signed, then withdrew: 3)."),
        _table(["code", "meaning"], [[code, text] for code, text in VOTE_CODES.items()]),
        _heading("Stance kinds (column `stance_kind`)", 3),
        _table(["kind", "label", "definition", "vote"], kinds),
        _heading("Instrument types (column `instrument_type`)", 3),
        _table(["type", "label", "definition"], types),
        _heading("Coverage (column `coverage`)", 3),
        _table(["value", "meaning"], list(COVERAGE.items())),
        _heading("Date kinds (column `date_kind`)", 3),
        _table(["value", "meaning"], list(DATE_KINDS.items())),
    ]  # fmt: skip


def _dyad_columns(request: AlignRequest) -> list[Block]:
    return [
        _heading(f"Columns of {DYADS_FILE}"),
        _paragraph("The rows `govkg align --format csv` prints for the same options: every pair "
                   f"with at least {request.min_n} instruments in common (--min-n), over the "
                   "instruments both have a code 1, 2 or 3 for (8 and 9 are missing here)."),
        _table(["column", "type", "meaning", "values", "missing"], _column_rows(DYAD_COLUMNS)),
    ]  # fmt: skip


def _reading() -> list[Block]:
    return [
        _heading("Reading the panel in R (readr) and pandas"),
        Block("code", _r_snippet(), language="r"),
        Block("code", _pandas_snippet(), language="python"),
        _paragraph(f"Missing values are empty cells: read them as NA with `na = \"{MISSING}\"` "
                   "(R) or `keep_default_na=False, na_values=[\"\"]` (pandas), so that no code "
                   "such as `NA` is taken for a missing value."),
    ]  # fmt: skip


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block]) -> str:
    """The codebook as Markdown."""
    parts = []
    for block in blocks:
        if block.kind == "heading":
            parts.append(f"{'#' * block.level} {block.text}")
        elif block.kind == "paragraph":
            parts.append(block.text)
        elif block.kind == "code":
            parts.append(f"```{block.language}\n{block.text}\n```")
        else:
            header, *rows = block.rows
            lines = ["| " + " | ".join(_md_cell(c) for c in header) + " |",
                     "|" + "---|" * len(header)]  # fmt: skip
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


_STYLE = """body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;
color:#222}table{border-collapse:collapse;margin:1rem 0;width:100%}th,td{border:1px solid #ccc;
padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}code,pre{
font-family:ui-monospace,monospace;background:#f6f6f6}pre{padding:.8rem;overflow-x:auto}"""


def _html_inline(text: str) -> str:
    """Escaped text, with `code` spans as <code>."""
    pieces = html.escape(text, quote=True).split("`")
    return "".join(f"<code>{p}</code>" if k % 2 else p for k, p in enumerate(pieces))


def _html_block(block: Block) -> str:
    if block.kind == "heading":
        return f"<h{block.level}>{_html_inline(block.text)}</h{block.level}>"
    if block.kind == "paragraph":
        return f"<p>{_html_inline(block.text)}</p>"
    if block.kind == "code":
        language = html.escape(block.language, quote=True)
        return f'<pre><code class="language-{language}">{html.escape(block.text)}</code></pre>'
    header, *rows = block.rows
    head = "".join(f"<th>{_html_inline(c)}</th>" for c in header)
    body = "".join("<tr>" + "".join(f"<td>{_html_inline(c)}</td>" for c in row) + "</tr>"
                   for row in rows)  # fmt: skip
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(blocks: Sequence[Block]) -> str:
    """The codebook as one standalone HTML page (inline CSS, nothing fetched)."""
    title = html.escape(blocks[0].text if blocks else "codebook")
    body = "\n".join(_html_block(b) for b in blocks)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n"
            "</body>\n</html>\n")  # fmt: skip
