"""``govkg stance-list``: an instrument's stance list back as the importer's CSV, and the round
trip CSV → import → stance list → import that gives the same graph files byte for byte."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import ROOT

from govkg.cli import cli
from govkg.load import open_project
from govkg.stance_list import COLUMNS, stance_rows, to_csv
from govkg.store import Store

DATA = ROOT / "data" / "instruments"


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.ttl"))
    }


def _ids(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return sorted({row["instrument_id"] for row in csv.DictReader(handle)})


def _import(root: Path, *files: Path) -> None:
    args = ["--root", str(root), "import", "stances", *map(str, files)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output


def test_every_imported_list_round_trips(project_copy: Path, tmp_path: Path, store: Store) -> None:
    """Every shipped stance list, written back as CSV and imported again: the same files."""
    before = _digest(project_copy / "graph")
    sheets = []
    for source in sorted(DATA.glob("*.csv")):
        rows = [row for i in _ids(source) for row in stance_rows(store, i)]
        with source.open(encoding="utf-8") as handle:
            assert len(rows) == sum(1 for _ in csv.DictReader(handle))
        sheet = tmp_path / "lists" / source.name
        sheet.parent.mkdir(exist_ok=True)
        sheet.write_text(to_csv(rows), encoding="utf-8")
        sheets.append(sheet)
    _import(project_copy, *sheets)
    assert _digest(project_copy / "graph") == before


def test_cli_writes_the_list_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["--root", str(ROOT), "stance-list", "paris_statement_2025"])
    assert shown.exit_code == 0, shown.output
    rows = list(csv.DictReader(io.StringIO(shown.stdout)))
    with (DATA / "paris_statement_2025.csv").open(encoding="utf-8") as handle:
        expected = {(r["actor_iso3"], r["actor_org"], r["stance"]) for r in csv.DictReader(handle)}
    assert {(r["actor_iso3"], r["actor_org"], r["stance"]) for r in rows} == expected
    out = tmp_path / "paris.csv"
    args = ["--root", str(ROOT), "stance-list", "paris_statement_2025", "--out", str(out)]
    written = runner.invoke(cli, args)
    assert written.exit_code == 0
    assert out.read_text(encoding="utf-8") == shown.stdout
    assert written.stderr.strip() == f"wrote {len(rows)} row(s) to {out}"


def test_unknown_instrument_is_one_line_and_exit_2() -> None:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "stance-list", "no_such_thing"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: no imported stance list for instrument no_such_thing; expected an instrument with"
        " an imported list, such as instrument:biden-xi-lima-nuclear-ai-2024"
        " (or its id biden_xi_lima_nuclear_ai_2024)"
    )


# --- random stance tables --------------------------------------------------------------------

STATES = ["FRA", "JPN", "KEN", "BRA", "IND", "USA", "CHN", "DEU"]
URLS = ["https://example.org/list", "https://www.example.com/a?b=1", "http://example.net/x"]
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029"),
    max_size=30,
).map(str.strip)
dates = st.one_of(
    st.just(""),
    st.dates().map(lambda d: d.isoformat()).filter(lambda d: len(d) == 10),
    st.integers(1990, 2030).map(str),
    st.tuples(st.integers(1990, 2030), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
)


@st.composite
def stance_tables(draw: st.DrawFn) -> list[dict[str, str]]:
    instrument = draw(st.from_regex(r"[a-z]{3,8}_20[0-9]{2}", fullmatch=True))
    title = draw(text.filter(bool))
    actors = draw(st.lists(st.sampled_from(STATES), min_size=1, max_size=5, unique=True))
    return [
        {
            "instrument_id": instrument,
            "instrument_title": title,
            "date": (day := draw(dates)),
            "actor_name": draw(text),
            "actor_iso3": code,
            "actor_org": "",
            "stance": draw(st.sampled_from(["signed", "endorsed", "declined", "voted_no"])),
            "source_url": draw(st.sampled_from(URLS)),
            "note": draw(st.one_of(st.just(""), text, st.just("as of " + day + " " + URLS[0]))),
            "date_type": draw(st.sampled_from(["", "act", "as_of"]) if day else st.just("")),
        }
        for code in actors
    ]


@pytest.fixture(scope="module")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ontology and the reference lists only: imports validate in about a second."""
    root = tmp_path_factory.mktemp("small")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "graph" / "reference", root / "graph" / "reference")
    return root


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(stance_tables())
def test_random_tables_round_trip(small_project: Path, table: list[dict[str, str]]) -> None:
    sheet = small_project / "sheet.csv"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    instruments = small_project / "graph" / "instruments"
    shutil.rmtree(instruments, ignore_errors=True)
    _import(small_project, sheet)
    first = _digest(instruments)
    rows = stance_rows(open_project(small_project)[1], table[0]["instrument_id"])
    assert len(rows) == len(table)
    sheet.write_text(to_csv(rows), encoding="utf-8")
    _import(small_project, sheet)
    assert _digest(instruments) == first
