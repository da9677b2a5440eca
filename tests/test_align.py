"""``govkg align`` on the shipped graph, checked against values computed here from the CSVs.

The reference computation below reads ``data/instruments/*.csv`` with the csv module and applies
the definitions pair by pair; it shares no code with ``govkg.align``.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import xml.etree.ElementTree as ET
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import ROOT

from govkg.cli import cli
from govkg.store import Store

#: The README's coding table (Alignment).
CODES = {
    "signed": 1, "endorsed": 1, "voted_yes": 1, "ratified": 1, "acceded": 1,
    "accepted_approved": 1, "joined": 1, "co_sponsored": 1, "lead_sponsored": 1,
    "abstained": 2, "declined": 3, "voted_no": 3, "dissociated": 3, "withdrew": 3, "left": 3,
}  # fmt: skip


def _csv_codes() -> dict[str, dict[str, int]]:
    """Actor code → instrument id → ordinal code (missing kinds left out), for the actors align
    compares by default: states and intergovernmental organisations, not companies."""
    with (ROOT / "data" / "organisations.csv").open(encoding="utf-8", newline="") as handle:
        others = {r["id"] for r in csv.DictReader(handle) if r["type"] != "intergovernmental"}
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for path in sorted((ROOT / "data" / "instruments").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["stance"] in CODES and row["actor_org"] not in others:
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


def _common(a: str, b: str) -> int:
    return len(set(TABLE[a]) & set(TABLE[b]))


def _max_common(actor: str) -> int:
    """The most instruments ``actor`` has a code for in common with any other actor."""
    return max((_common(actor, b) for b in TABLE if b != actor), default=0)


def run(runner: CliRunner, *args: str):
    return runner.invoke(cli, ["--root", str(ROOT), "align", *args])


def _close(got: object, want: float | int | None) -> bool:
    if want is None:
        return got is None
    return got is not None and abs(float(got) - want) < 5e-5  # type: ignore[arg-type]


def test_us_china_pair_matches_the_csvs(runner: CliRunner) -> None:
    result = run(runner, "--actors", "USA,CHN", "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    want = reference(row["actor_a"], row["actor_b"])
    assert {row["actor_a"], row["actor_b"]} == {"USA", "CHN"}
    for name, value in want.items():
        assert _close(row[name], value), (name, row[name], value)
    # China took part in the Seoul Ministerial Statement and did not sign: missing, not a refusal;
    # each sponsored the other's resolution (A/RES/78/265, 78/311): yes and yes
    assert row["n"] == 10


def test_us_china_instrument_table(runner: CliRunner) -> None:
    result = run(runner, "--pair", "USA", "CHN", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = {r["instrument"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["paris-statement-2025"]["USA"] == "no"
    assert rows["paris-statement-2025"]["CHN"] == "yes"
    assert rows["unga-res-78-241"]["CHN"] == "abstain"
    counted = {k for k, r in rows.items() if r["counted"] == "yes"}
    assert counted == {i.replace("_", "-") for i in set(TABLE["USA"]) & set(TABLE["CHN"])}


def test_all_pairs_match_the_csvs(runner: CliRunner) -> None:
    result = run(runner, "--format", "csv", "--min-n", "0")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
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
    rows = json.loads(result.stdout)
    # 2019: the US adhered to the OECD AI Principles, China did not: no instrument in common
    assert [r["period"] for r in rows] == ["2019", "2023", "2024", "2025", "2026"]
    assert sum(r["n"] for r in rows) == 10
    assert rows[3]["agreement"] == 0.0  # 2025: Paris, where the US declined and China signed
    assert rows[4]["agreement"] == 1.0  # 2026: both declined REAIM, both signed New Delhi


def test_undefined_values_are_empty_with_a_reason(runner: CliRunner) -> None:
    result = run(runner, "--actors", "AUS,CAN", "--format", "json")
    (row,) = json.loads(result.stdout)
    assert row["agreement"] == 1.0
    assert row["kappa"] is None
    assert "no variance" in row["note"]


def test_absent_as_no_adds_the_complete_lists(runner: CliRunner) -> None:
    missing = json.loads(run(runner, "--actors", "USA,CHN", "--format", "json").stdout)[0]
    absent_no = json.loads(
        run(runner, "--actors", "USA,CHN", "--absent", "no", "--format", "json").stdout
    )[0]
    assert absent_no["n"] > missing["n"]


@pytest.mark.parametrize(
    ("args", "instruments"),
    [
        (["--series", "reaim"], {"reaim-2023-call-to-action", "reaim-2024-blueprint-for-action",
                                 "reaim-2026-pathways-to-action",
                                 "us-political-declaration-military-ai"}),
        (["--type", "resolution"], {"unga-res-78-241", "unga-res-79-62", "unga-res-78-265",
                                    "unga-res-78-311", "unga-res-79-1-pact-gdc",
                                    "unga-res-80-23"}),
        (["--theme", "human-control"], {"reaim-2026-pathways-to-action",
                                        "biden-xi-lima-nuclear-ai-2024"}),
        (["--from", "2026"], {"new-delhi-declaration-2026", "reaim-2026-pathways-to-action",
                              "us-china-ai-dialogue-agreement-2026",
                              "unga-2026-ai-scientific-panel-appointment",
                              "call-for-control-frontier-ai-2026"}),
        (["--instruments", "paris_statement_2025,unga-res-79-62"], {"paris-statement-2025",
                                                                    "unga-res-79-62"}),
    ],
)  # fmt: skip
def test_filters(runner: CliRunner, args: list[str], instruments: set[str]) -> None:
    result = run(runner, "--pair", "USA", "CHN", "--format", "csv", *args)
    assert result.exit_code == 0, result.output
    assert {r["instrument"] for r in csv.DictReader(io.StringIO(result.stdout))} == instruments


def test_blocs_are_reproducible(runner: CliRunner) -> None:
    first = run(runner, "--blocs", "--format", "json")
    second = run(runner, "--blocs", "--format", "json")
    assert first.exit_code == 0
    assert first.output == second.output
    blocs = json.loads(first.stdout)
    members = [m for b in blocs for m in b["members"].split()]
    # Since the default --min-n 3, blocs hold only the actors with three instruments in common
    # with someone (was: every actor, >= 190, most resting on the two UN votes alone).
    assert len(members) == len(set(members))
    assert set(members) == {a for a in TABLE if _max_common(a) >= 3}
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
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Alignment of USA and CHN" in texts  # the title, as searchable SVG text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pair", "USA", "XYZ"], "Error: actor XYZ: no actor with stances has this ISO code"),
        (["--actors", "USA,ZZZ"], "Error: actor ZZZ: no actor with stances has this ISO code"),
        (["--series", "no-such-series"], "Error: --series: no series no-such-series among"),
        (["--from", "2030"], "Error: no instrument matches the filters"),
        (["--instruments", "nope"], "Error: --instruments: no instrument nope among"),
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
    (row,) = json.loads(result.stdout)
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


def _one_stance_store(kind: str, complete: bool = False) -> Store:
    """Two actors on one instrument: AAA signed, BBB has a stance of ``kind``."""
    import pyoxigraph as ox

    from govkg.store import OxigraphStore

    gk, data = "https://w3id.org/govkg/ontology#", "https://w3id.org/govkg/id/"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store = OxigraphStore()
    instrument = ox.NamedNode(data + "instrument/x")
    if complete:
        store.load([ox.Quad(instrument, ox.NamedNode(gk + "listComplete"), ox.Literal(True))])
    for actor, stance_kind in (("AAA", "signed"), ("BBB", kind)):
        stance = ox.NamedNode(f"{data}stance/x--{actor}")
        store.load([ox.Quad(stance, rdf_type, ox.NamedNode(gk + "Stance"))])
        store.load(
            ox.Quad(stance, ox.NamedNode(gk + p), ox.NamedNode(data + o))
            for p, o in (("actor", f"state/{actor}"), ("instrument", "instrument/x"),
                         ("stanceKind", f"stance-kind/{stance_kind}"))
        )  # fmt: skip
    return store


@pytest.mark.parametrize("complete", [False, True])
def test_took_part_did_not_sign_is_coded_as_an_absence_not_a_refusal(complete: bool) -> None:
    """Took part, did not sign is missing by default and 3 only with absent="no", on a complete
    list or not; "declined" is 3 either way."""
    from govkg.align import load_matrix

    matrix = load_matrix(_one_stance_store("did-not-sign", complete))
    assert matrix.coded("missing").tolist() == [[1], [0]]
    assert matrix.coded("no").tolist() == [[1], [3]]
    declined = load_matrix(_one_stance_store("declined", complete))
    assert declined.coded("missing").tolist() == [[1], [3]]


def test_china_on_the_seoul_ministerial_statement_is_no_refusal(runner: CliRunner) -> None:
    """The shipped record: China took part and did not sign; the pair table leaves it empty
    unless --absent no."""
    for absent, want in (("missing", ""), ("no", "no")):
        result = run(runner, "--pair", "USA", "CHN", "--absent", absent, "--format", "csv")
        assert result.exit_code == 0, result.output
        rows = {r["instrument"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
        assert rows["seoul-ministerial-statement-2024"]["CHN"] == want


# --- evidence: n, notes on kappa and pi, --min-n, the pictures (issue 13, item 5) ---------------


def _svg_texts(path: Path) -> list[str]:
    """The text elements of an SVG written by govkg (text kept as text)."""
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()) for t in root.iter() if t.tag.endswith("text")]


def test_pair_by_year_shows_n_per_period_and_flags_those_under_min_n(runner: CliRunner) -> None:
    result = run(runner, "--pair", "USA", "CHN", "--by-year", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["period"], r["n"]) for r in rows] == [("2019", 0), ("2023", 3), ("2024", 4),
                                                     ("2025", 1), ("2026", 2)]  # fmt: skip
    assert rows[1]["note"] == (
        "USA said yes on all 3 instruments in common: one side never varies, so kappa is 0, "
        "pi at most 0"
    )
    assert rows[3]["note"] == (
        "n = 1 is fewer than --min-n 3; USA said no and CHN said yes on the one instrument in "
        "common: neither varies, so kappa is 0, pi -1"
    )
    assert rows[4]["note"] == "n = 2 is fewer than --min-n 3"
    assert "2026: n = 2 is fewer than --min-n 3\n" in result.stderr


def test_kappa_zero_says_why_in_note_and_footer(runner: CliRunner) -> None:
    """UK and France: France said yes on every instrument the two share, so kappa is 0."""
    why = ("FRA said yes on all 15 instruments in common: one side never varies, so kappa is 0, "
           "pi at most 0")  # fmt: skip
    result = run(runner, "--actors", "GBR,FRA", "--format", "csv")
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO(result.stdout))  # stdout is the CSV alone
    assert (row["n"], row["kappa"], row["note"]) == ("15", "0.0", why)
    footer = result.stderr.splitlines()
    assert footer[:2] == [
        "n: the number of instruments both actors have a code for.",
        "kappa 0, pi at most 0 on 1 pair: one actor gave the same answer on every instrument "
        "in common (see note).",
    ]
    assert footer[2].startswith("coverage: ")  # then what the lists are worth (test_coverage)
    table = run(runner, "--pair", "GBR", "FRA")
    assert f"note           {why}\n" in table.stdout
    assert why in table.stderr.splitlines()


@pytest.mark.parametrize(
    ("codes", "note"),
    [
        ([[1, 1, 1], [1, 3, 1]], "AAA said yes on all 3 instruments in common: one side never "
                                 "varies, so kappa is 0, pi at most 0"),
        ([[2, 2, 2, 0], [2, 2, 2, 1]], "kappa and pi undefined (no variance): AAA and BBB both "
                                       "abstained on all 3 instruments in common"),
        ([[1, 0, 0], [3, 0, 0]], "n = 1 is fewer than --min-n 3; AAA said yes and BBB said no on "
                                 "the one instrument in common: neither varies, so kappa is 0, "
                                 "pi -1"),
        ([[1, 3, 2], [1, 3, 3]], ""),
        ([[1, 0], [0, 1]], "n = 0 is fewer than --min-n 3; no instruments in common"),
    ],
)  # fmt: skip
def test_pair_notes(codes: list[list[int]], note: str) -> None:
    import numpy as np

    from govkg.align import StanceMatrix, measure, pair_row

    array = np.array(codes, dtype=np.int8)
    matrix = StanceMatrix(actors=("a", "b"), codes_of=("AAA", "BBB"), labels=("A", "B"),
                          instruments=(), codes=array, absent=array < 0)  # fmt: skip
    assert pair_row(matrix, measure(matrix, "missing"), 0, 1, min_n=3)["note"] == note


def test_all_pairs_leave_out_pairs_under_three_instruments_by_default(runner: CliRunner) -> None:
    every = run(runner, "--format", "csv", "--min-n", "0")
    result = run(runner, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    pairs = {frozenset((r["actor_a"], r["actor_b"])) for r in rows}
    assert min(int(r["n"]) for r in rows) == 3
    assert pairs == {frozenset((a, b)) for a, b in combinations(TABLE, 2) if _common(a, b) >= 3}
    total = len(every.stdout.splitlines()) - 1
    assert (f"{total - len(rows)} of {total} pairs rest on fewer than 3 instruments (--min-n) "
            "and are left out.") in result.stderr.splitlines()  # fmt: skip


def test_pair_under_min_n_is_shown_with_a_note(runner: CliRunner) -> None:
    a, b = next((a, b) for a, b in combinations(sorted(TABLE), 2) if _common(a, b) == 2)
    result = run(runner, "--pair", a, b)
    assert result.exit_code == 0, result.output
    assert "n              2\n" in result.stdout
    assert "n = 2 is fewer than --min-n 3" in result.stderr.splitlines()


def test_blocs_table_shows_n_within_each_bloc(runner: CliRunner) -> None:
    result = run(runner, "--blocs", "--format", "json")
    blocs = json.loads(result.stdout)
    for bloc in blocs:
        members = bloc["members"].split()
        inner = [_common(a, b) for a, b in combinations(members, 2)]
        if inner:
            want = (min(inner), statistics.median(inner), max(inner))
            assert (bloc["n_min"], bloc["n_median"], bloc["n_max"]) == want, bloc["bloc"]


def test_heatmap_leaves_out_actors_under_min_n(store: Store, tmp_path: Path) -> None:
    """What the heatmap receives: only actors with >= 3 instruments in common with someone;
    the SVG labels every one of them, and its caption explains grey cells and who is left out."""
    from govkg.align.report import AlignRequest, run_align, write_plot

    under = sorted(a for a in TABLE if 1 <= _max_common(a) < 3)
    report = run_align(store, AlignRequest(show_blocs=True))
    shown = report.matrix.codes_of
    assert under and not set(under) & set(shown)
    assert set(under) <= set(report.left_out)
    assert set(shown) == {a for a in TABLE if _max_common(a) >= 3}
    assert report.heat is not None and report.heat.shape == (len(shown), len(shown))
    assert report.heat_n is not None
    assert sorted(i for g in report.groups for i in g) == list(range(len(shown)))
    assert under[0] in run_align(store, AlignRequest(show_blocs=True, min_n=1)).matrix.codes_of
    svg = tmp_path / "heat.svg"
    write_plot(report, svg)
    texts = _svg_texts(svg)
    assert set(shown) <= set(texts)
    assert under[0] not in texts  # no tick label; named only inside the caption
    caption = " ".join(texts)
    assert "Grey cell: the pair has fewer than 3 instruments in" in caption
    assert (f"Left out, with fewer than 3 instruments in common with every other actor: "
            f"{len(report.left_out)} actors, {' '.join(report.left_out)}.") in caption  # fmt: skip
    assert "bloc 1" in texts


def test_line_chart_labels_each_period_with_its_n(runner: CliRunner, tmp_path: Path) -> None:
    svg = tmp_path / "line.svg"
    result = run(runner, "--pair", "USA", "CHN", "--by-year", "--plot", str(svg))
    assert result.exit_code == 0, result.output
    texts = _svg_texts(svg)
    assert [t for t in texts if t.startswith("n = ") and len(t) < 8] == [
        "n = 0", "n = 3", "n = 4", "n = 1", "n = 2"]  # fmt: skip
    assert "n < 3 (--min-n)" in texts
    assert "period under --min-n" in texts
    assert "rest on fewer than --min-n 3 instruments" in " ".join(texts)


def test_weight_with_by_year_is_checked_once_not_per_period(runner: CliRunner) -> None:
    """Regression: a --weight on an instrument of one year was refused in every other year."""
    result = run(runner, "--pair", "USA", "CHN", "--by-year", "--weight",
                 "paris-statement-2025=2", "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["period"] for row in rows] == ["2019", "2023", "2024", "2025", "2026"]
    assert all(row["s_weighted"] != "" or row["n"] == "0" for row in rows)
    unknown = run(runner, "--pair", "USA", "CHN", "--by-year", "--weight", "nosuch=2")
    assert unknown.exit_code == 2
    assert unknown.output.startswith("Error: --weight: no instrument nosuch")
