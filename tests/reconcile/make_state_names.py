"""Write ``state-names.csv``: 200 spellings of the graph's states as UN documents and the news
write them, taken from ``country-codes-names.csv`` (see README.md), each with its ISO 3166-1
alpha-3 code, the expected answer.

Only states the graph holds (``gk:State``) count.  Spellings that differ from the graph's own
label once accents, case and spaces are folded come first, column by column: CLDR display names
(the news: "South Korea", "Congo - Kinshasa"), UNTERM short names ("Congo (the)", "Iran (Islamic
Republic of)"), ``official_name_en``, then UNTERM formal names ("the Republic of Albania"), each
column in the file's order; then, if fewer than 200, the spellings equal to a label.  A
spelling is taken once (after folding).  UNTERM's footnote mark (" *") is dropped.

Run ``.venv/bin/python tests/reconcile/make_state_names.py`` after the graph's states or labels
change; ``tests/test_reconcile.py`` checks the file is what this script would write.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from govkg.atomic import write_atomically
from govkg.errors import GovkgError
from govkg.ingest.names import fold
from govkg.load import open_project
from govkg.store import Store

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "country-codes-names.csv"
TARGET = HERE / "state-names.csv"
SIZE = 200
CODE = "ISO3166-1-Alpha-3"
#: The source's columns, in the order their spellings are taken.
COLUMNS = ("CLDR display name", "UNTERM English Short", "official_name_en", "UNTERM English Formal")
FIELDS = ("name", "iso3", "column")


def folded(name: str) -> str:
    """A spelling compared with a label: accents and case folded, spaces collapsed."""
    return " ".join(fold(name).casefold().split())


def state_labels(store: Store) -> dict[str, str]:
    """Each state's ISO 3166-1 alpha-3 code and label, as the graph holds them."""
    query = "SELECT ?code ?label WHERE { ?state a gk:State ; gk:iso3 ?code ; rdfs:label ?label }"
    return {row.text("code"): row.text("label") for row in store.query(query).records()}


def source_rows(path: Path = SOURCE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def spellings(rows: list[dict[str, str]], labels: dict[str, str]) -> list[tuple[str, str, str]]:
    """The batch: (spelling, ISO3, column), the spellings differing from the label first."""
    candidates = [
        (row[column].removesuffix(" *").strip(), row[CODE], column)
        for column in COLUMNS
        for row in rows
        if row[CODE] in labels and row[column].strip()
    ]
    differ = [c for c in candidates if folded(c[0]) != folded(labels[c[1]])]
    same = [c for c in candidates if folded(c[0]) == folded(labels[c[1]])]
    chosen: dict[str, tuple[str, str, str]] = {}
    for candidate in differ + same:
        chosen.setdefault(folded(candidate[0]), candidate)
    return list(chosen.values())[:SIZE]


def as_csv(batch: list[tuple[str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([FIELDS, *batch])
    return out.getvalue()


def main() -> int:
    try:
        _project, store = open_project(HERE.parents[1])
        batch = spellings(source_rows(), state_labels(store))
        if len(batch) < SIZE:
            raise GovkgError(f"{SOURCE}: only {len(batch)} spellings of the graph's states")
        write_atomically([(TARGET, as_csv(batch).encode("utf-8"))])
    except (GovkgError, OSError, KeyError) as problem:
        print(f"make_state_names: {problem}", file=sys.stderr)
        return 2
    print(f"{TARGET}: {len(batch)} spellings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
