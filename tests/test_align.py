"""``govkg align`` on the shipped graph, checked against values computed here from the CSVs.

The reference computation below reads ``data/instruments/*.csv`` with the csv module and applies
the definitions pair by pair; it shares no code with ``govkg.align``.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner

from govkg.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CODES = {"signed": 1, "endorsed": 1, "voted_yes": 1, "abstained": 2, "declined": 3, "voted_no": 3}


def _csv_codes() -> dict[str, dict[str, int]]:
    """Actor code → instrument id → ordinal code (missing kinds left out)."""
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for path in sorted((ROOT / "data" / "instruments").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["stance"] in CODES:
                    actor = row["actor_iso3"] or row["actor_org"]
                    table[actor][row["instrument_id"]] = CODES[row["stance"]]
    return table


TABLE = _csv_codes()


def reference(a: str, b: str) -> dict[str, float | int | None]:
    """n, agreement, S and Cohen's kappa from the definitions, for one pair."""
    common = sorted(set(TABLE[a]) & set(TABLE[b]))
    x = [TABLE[a][i] for i in common]
    y = [TABLE[b][i] for i in common]
    n = len(common)
    if n == 0:
        return {"n": 0, "agreement": None, "s": None, "kappa": None}
    distance = sum(abs(p - q) for p, q in zip(x, y, strict=True))
    observed = sum(p == q for p, q in zip(x, y, strict=True)) / n
    expected = sum((x.count(c) / n) * (y.count(c) / n) for c in (1, 2, 3))
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return {
        "n": n,
        "agreement": 1 - distance / (2 * n),
        "s": 1 - 2 * distance / (n * 2),
        "kappa": kappa,
    }


def run(runner: CliRunner, *args: str):
    return runner.invoke(cli, ["--root", str(ROOT), "align", *args])


def _close(got: object, want: float | int | None) -> bool:
    if want is None:
        return got is None
    return got is not None and abs(float(got) - want) < 5e-5  # type: ignore[arg-type]


def test_us_china_pair_matches_the_csvs(runner: CliRunner) -> None:
    result = run(runner, "--actors", "USA,CHN", "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    want = reference(row["actor_a"], row["actor_b"])
    assert {row["actor_a"], row["actor_b"]} == {"USA", "CHN"}
    for name, value in want.items():
        assert _close(row[name], value), (name, row[name], value)
    assert row["n"] == 9


def test_us_china_instrument_table(runner: CliRunner) -> None:
    result = run(runner, "--pair", "USA", "CHN", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = {r["instrument"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert rows["paris-statement-2025"]["USA"] == "no"
    assert rows["paris-statement-2025"]["CHN"] == "yes"
    assert rows["unga-res-78-241"]["CHN"] == "abstain"
    counted = {k for k, r in rows.items() if r["counted"] == "yes"}
    assert counted == {i.replace("_", "-") for i in set(TABLE["USA"]) & set(TABLE["CHN"])}


def test_all_pairs_match_the_csvs(runner: CliRunner) -> None:
    result = run(runner, "--format", "csv", "--min-n", "0")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    actors = {r["actor_a"] for r in rows} | {r["actor_b"] for r in rows}
    assert len(rows) == len(list(combinations(actors, 2)))
    checked = 0
    for row in rows:
        a, b = row["actor_a"], row["actor_b"]
        if a not in TABLE or b not in TABLE:
            continue
        want = reference(a, b)
        assert int(row["n"]) == want["n"], (a, b)
        for name in ("agreement", "s", "kappa"):
            got = row[name] or None
            assert _close(got, want[name]), (a, b, name, got, want[name])
        checked += 1
    assert checked > 15000


def test_pair_by_year(runner: CliRunner) -> None:
    result = run(runner, "--pair", "USA", "CHN", "--by-year", "--format", "json")
    rows = json.loads(result.output)
    assert [r["period"] for r in rows] == ["2023", "2024", "2025", "2026"]
    assert sum(r["n"] for r in rows) == 9
    assert rows[2]["agreement"] == 0.0  # 2025: Paris, where the US declined and China signed
    assert rows[3]["agreement"] == 1.0  # 2026: both declined REAIM, both signed New Delhi


def test_undefined_values_are_empty_with_a_reason(runner: CliRunner) -> None:
    result = run(runner, "--actors", "AUS,CAN", "--format", "json")
    (row,) = json.loads(result.output)
    assert row["agreement"] == 1.0
    assert row["kappa"] is None
    assert "no variance" in row["note"]


def test_absent_as_no_adds_the_complete_lists(runner: CliRunner) -> None:
    missing = json.loads(run(runner, "--actors", "USA,CHN", "--format", "json").output)[0]
    absent_no = json.loads(
        run(runner, "--actors", "USA,CHN", "--absent", "no", "--format", "json").output
    )[0]
    assert absent_no["n"] > missing["n"]


@pytest.mark.parametrize(
    ("args", "instruments"),
    [
        (["--series", "reaim"], {"reaim-2023-call-to-action", "reaim-2024-blueprint-for-action",
                                 "reaim-2026-pathways-to-action",
                                 "us-political-declaration-military-ai"}),
        (["--type", "resolution"], {"unga-res-78-241", "unga-res-79-62", "unga-res-78-265",
                                    "unga-res-78-311"}),
        (["--theme", "human-control"], {"reaim-2026-pathways-to-action",
                                        "biden-xi-lima-nuclear-ai-2024"}),
        (["--from", "2026"], {"new-delhi-declaration-2026", "reaim-2026-pathways-to-action",
                              "us-china-ai-dialogue-agreement-2026"}),
        (["--instruments", "paris_statement_2025,unga-res-79-62"], {"paris-statement-2025",
                                                                    "unga-res-79-62"}),
    ],
)  # fmt: skip
def test_filters(runner: CliRunner, args: list[str], instruments: set[str]) -> None:
    result = run(runner, "--pair", "USA", "CHN", "--format", "csv", *args)
    assert result.exit_code == 0, result.output
    assert {r["instrument"] for r in csv.DictReader(io.StringIO(result.output))} == instruments


def test_blocs_are_reproducible(runner: CliRunner) -> None:
    first = run(runner, "--blocs", "--format", "json")
    second = run(runner, "--blocs", "--format", "json")
    assert first.exit_code == 0
    assert first.output == second.output
    blocs = json.loads(first.output)
    members = [m for b in blocs for m in b["members"].split()]
    assert len(members) == len(set(members)) >= 190
    assert blocs[0]["size"] >= blocs[-1]["size"]


def test_plots_are_written(runner: CliRunner, tmp_path: Path) -> None:
    heat = tmp_path / "heat.png"
    assert run(runner, "--plot", str(heat), "--format", "csv").exit_code == 0
    assert heat.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    line = tmp_path / "line.svg"
    result = run(runner, "--pair", "USA", "CHN", "--by-year", "--plot", str(line))
    assert result.exit_code == 0, result.output
    root = ET.parse(line).getroot()
    assert root.tag.endswith("svg")
    text = line.read_text(encoding="utf-8")
    assert "Alignment of USA and CHN" in text or "Alignment" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pair", "USA", "XYZ"], "Error: unknown actor 'XYZ'"),
        (["--actors", "USA,ZZZ"], "Error: unknown actor 'ZZZ'"),
        (["--series", "no-such-series"], "Error: no instrument matches the filters"),
        (["--from", "2030"], "Error: no instrument matches the filters"),
        (["--instruments", "nope"], "Error: unknown instrument 'nope'"),
        (["--plot", "out.jpg"], "Error: --plot out.jpg: the file must end in .png or .svg"),
        (["--weight", "paris-statement-2025=-1"], "Error: --weight"),
        (["--by-year", "--window", "2"], "Error: give --by-year or --window, not both"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    runner: CliRunner, args: list[str], message: str, tmp_path: Path
) -> None:
    result = run(runner, *args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(message), result.output
    assert len(result.output.strip().splitlines()) == 1


def test_weights_add_the_weighted_s(runner: CliRunner) -> None:
    result = run(runner, "--actors", "USA,CHN", "--weight", "paris-statement-2025=0",
                 "--format", "json")  # fmt: skip
    (row,) = json.loads(result.output)
    # With Paris (the US declined, China signed: distance 2) weighted 0, the weighted S rises.
    assert row["s_weighted"] > row["s"]


def test_matrix_keeps_instruments_whose_type_is_unknown() -> None:
    """Regression: a stance on an instrument with no rdf:type in the store raised KeyError."""
    import pyoxigraph as ox

    from govkg.align import load_matrix
    from govkg.store import OxigraphStore

    gk, data = "https://w3id.org/govkg/ontology#", "https://w3id.org/govkg/id/"
    stance = ox.NamedNode(data + "stance/x--AAA")
    store = OxigraphStore()
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store.load([ox.Quad(stance, rdf_type, ox.NamedNode(gk + "Stance"))])
    store.load(
        ox.Quad(stance, ox.NamedNode(gk + p), ox.NamedNode(data + o))
        for p, o in (("actor", "state/AAA"), ("instrument", "instrument/x"),
                     ("stanceKind", "stance-kind/signed"))
    )  # fmt: skip
    matrix = load_matrix(store)
    assert [i.slug for i in matrix.instruments] == ["x"]
    assert matrix.codes.tolist() == [[1]]
