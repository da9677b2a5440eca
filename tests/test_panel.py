"""``govkg export panel``: the long and dyadic tables validate as a Frictionless Data Package,
read back in pandas as ``govkg align``'s matrix, the dyads are ``govkg align --format csv``'s rows,
and the codebook names every stance kind with its code."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from frictionless import Package, validate
from paths import ROOT

from govkg.align import KIND_CODES, MatrixOptions, load_matrix
from govkg.align.matrix import coding
from govkg.align.report import AlignRequest
from govkg.cli import cli
from govkg.errors import ExportError, RequestError
from govkg.panel import FILES, PANEL_COLUMNS, codebook_blocks, to_html, to_markdown, write_panel
from govkg.panel.codebook import Term
from govkg.store import Store

TYPES = {"string": "string", "integer": "Int64", "number": "Float64"}


@pytest.fixture(scope="module")
def panel_dir(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The panel of the shipped graph with govkg align's defaults, written once."""
    folder = tmp_path_factory.mktemp("panel") / "out"
    assert [p.name for p in write_panel(store, folder)] == list(FILES)
    return folder


def _read(path: Path) -> pd.DataFrame:
    """A table as the codebook says to read it in pandas."""
    dtype = {c.name: TYPES[c.type] for c in PANEL_COLUMNS} if path.name == "panel.csv" else None
    return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=dtype)


def _cli(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["--root", str(ROOT), *args], prog_name="govkg")
    return result.exit_code, result.stdout, result.stderr


# --- the Data Package -------------------------------------------------------------------------


def test_the_panel_validates_with_frictionless(panel_dir: Path) -> None:
    report = validate(panel_dir / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    assert [task.stats["rows"] for task in report.tasks] == [198 * 29, 5818]
    package = Package(panel_dir / "datapackage.json")
    assert package.profile == "tabular-data-package"
    assert package.licenses[0]["name"] == "CC-BY-4.0"
    panel = package.get_resource("panel")
    assert panel.schema.primary_key == ["actor", "instrument"]
    assert panel.schema.missing_values == [""]
    assert panel.schema.get_field("vote").constraints["enum"] == [1, 2, 3, 8, 9]


def test_frictionless_catches_a_bad_count_and_a_pair_of_unknown_actors(
    panel_dir: Path, tmp_path: Path
) -> None:
    for name in FILES[:3]:
        (tmp_path / name).write_bytes((panel_dir / name).read_bytes())
    lines = (tmp_path / "panel.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",partial,0,", ",partial,-1,")
    (tmp_path / "panel.csv").write_text("".join(lines), encoding="utf-8")
    dyads = (tmp_path / "dyads.csv").read_text(encoding="utf-8")
    (tmp_path / "dyads.csv").write_text(dyads.replace("\nEU,", "\nXXX,", 1), encoding="utf-8")
    errors = validate(tmp_path / "datapackage.json").flatten(["rowNumber", "fieldName", "type"])
    assert errors == [[2, "source_count", "constraint-error"], [2, None, "foreign-key"]]


# --- the long table is govkg align's matrix ---------------------------------------------------


def test_the_panel_reads_back_in_pandas_as_the_matrix(store: Store, panel_dir: Path) -> None:
    matrix = load_matrix(store)
    panel = _read(panel_dir / "panel.csv")
    assert list(panel.columns) == [c.name for c in PANEL_COLUMNS]
    assert len(panel) == len(matrix.actors) * len(matrix.instruments)
    votes = panel.pivot(index="actor", columns="instrument", values="vote")
    votes = votes.loc[list(matrix.codes_of), [i.slug for i in matrix.instruments]]
    found = votes.to_numpy(dtype=float, na_value=np.nan)
    coded = matrix.codes > 0
    assert (found[coded] == matrix.codes[coded]).all()  # 1, 2, 3 where the matrix has a code
    assert set(np.unique(found[~coded][~np.isnan(found[~coded])])) == {8, 9}
    assert set(found[matrix.absent]) <= {8, 9}  # absent from a complete list: 8 (9 a UN vote)
    nine = panel[panel["vote"] == 9]
    assert nine["instrument_type"].str.contains("resolution").all()
    assert nine["stance_kind"].isna().all()


def test_absent_no_codes_absences_3_as_the_matrix_does(store: Store, tmp_path: Path) -> None:
    request = AlignRequest(absent="no", actor_types=("state",))
    write_panel(store, tmp_path, request)
    matrix = load_matrix(store, MatrixOptions(coding({}), "", ("state",)))
    panel = _read(tmp_path / "panel.csv")
    votes = panel.pivot(index="actor", columns="instrument", values="vote")
    found = votes.loc[list(matrix.codes_of), [i.slug for i in matrix.instruments]]
    coded = matrix.coded("no")
    assert (found.to_numpy(dtype=float, na_value=0)[coded > 0] == coded[coded > 0]).all()
    assert set(panel["actor_type"]) == {"state"}


#: Cells checked by hand against the graph's stances: (actor, instrument) → columns.
CELLS = {
    ("CHN", "unga-res-78-241"): (2, "abstained", "2023-12-22", "act", "complete", 1),
    ("USA", "unga-res-78-265"): (1, "lead-sponsored", "2024-03-21", "act", "partial", 1),
    ("AFG", "unga-res-78-241"): (8, "did-not-vote", "2023-12-22", "act", "complete", 1),
    ("AUC", "unga-res-78-241"): (9, None, None, None, "complete", 0),  # no UN member: no vote
    ("EU", "coe-cets-225"): (1, "signed|accepted-approved", "2026-05-15", "act",
                             "complete-as-of", 2),  # the latest act gives the date
}  # fmt: skip


def test_cells_checked_by_hand(panel_dir: Path) -> None:
    panel = _read(panel_dir / "panel.csv").set_index(["actor", "instrument"])
    columns = ["vote", "stance_kind", "date_of_act", "date_kind", "coverage", "source_count"]
    for cell, expected in CELLS.items():
        row = panel.loc[cell, columns]
        assert [None if pd.isna(v) else v for v in row] == list(expected), cell
    eu = panel.loc[("EU", "coe-cets-225")]
    assert eu["stances"].split("|")[0].startswith("https://w3id.org/govkg/id/stance/")
    assert (eu["actor_type"], eu["instrument_type"]) == ("organisation", "convention")


# --- the dyadic table is govkg align's -----------------------------------------------------------


@pytest.mark.parametrize(
    "options", [[], ["--actors-type", "state", "--min-n", "1", "--series", "reaim"]]
)
def test_dyads_are_the_rows_of_govkg_align(runner: CliRunner, tmp_path: Path,
                                           options: list[str]) -> None:  # fmt: skip
    code, _out, err = _cli(runner, "export", "panel", "--out", str(tmp_path / "p"), *options)
    assert code == 0, err
    assert err.splitlines() == [f"wrote {tmp_path / 'p' / name}" for name in FILES]
    code, aligned, _err = _cli(runner, "align", "--format", "csv", *options)
    assert code == 0
    assert (tmp_path / "p" / "dyads.csv").read_text(encoding="utf-8") == aligned


# --- the codebook ------------------------------------------------------------------------------


def test_the_codebook_lists_every_stance_kind_with_its_code(panel_dir: Path) -> None:
    text = (panel_dir / "codebook.md").read_text(encoding="utf-8")
    words = {1: "1 (yes)", 2: "2 (abstain)", 3: "3 (no)"}
    for kind, code in KIND_CODES.items():
        expected = words.get(code, "8 (absent)" if kind.startswith("did-not") else "missing")
        line = next(line for line in text.splitlines() if line.startswith(f"| `{kind}` |"))
        assert line.endswith(f"| {expected} |"), line
    for heading in ("## How to cite", "## Reading the panel in R (readr) and pandas"):
        assert heading in text
    for column in PANEL_COLUMNS:
        assert f"| `{column.name}` | {column.type} |" in text
    assert "vote = col_integer()" in text and '"vote": "Int64"' in text
    assert "| 9 | not a member:" in text


def test_a_recoded_kind_is_coded_so_in_the_codebook(store: Store, tmp_path: Path) -> None:
    write_panel(store, tmp_path, AlignRequest(codes={"withdrew": "missing", "signed": "no"}))
    text = (tmp_path / "codebook.md").read_text(encoding="utf-8")
    assert "--code signed=no --code withdrew=missing" in text
    lines = {line.split(" |")[0]: line for line in text.splitlines() if line.startswith("| `")}
    assert lines["| `withdrew`"].endswith("| missing |")
    assert lines["| `signed`"].endswith("| 3 (no) |")


def test_the_html_codebook_is_escaped_and_standalone(panel_dir: Path) -> None:
    page = (panel_dir / "codebook.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert "<td><code>did-not-vote</code></td>" in page
    evil = Term("did-not-vote", "<b>x</b>", 'say "no" & <script>alert(1)</script>')
    blocks = codebook_blocks({"stance-kind": [evil]}, AlignRequest(), "2026-01-01T00:00:00Z",
                             KIND_CODES, (1, 1))  # fmt: skip
    shown = to_html(blocks)
    assert "<script>" not in shown and "<b>x</b>" not in shown
    assert "&lt;b&gt;x&lt;/b&gt;" in shown and "say &quot;no&quot; &amp; &lt;script&gt;" in shown
    assert "| `did-not-vote` | <b>x</b> |" in to_markdown(blocks)


# --- writing: atomic, refusals -------------------------------------------------------------------


def test_the_package_names_licence_sources_and_version(panel_dir: Path) -> None:
    package = json.loads((panel_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["sources"][0]["path"] == "https://w3id.org/govkg/"
    assert package["version"] == "0.1.0" and package["created"].endswith("Z")
    assert [r["path"] for r in package["resources"]] == ["panel.csv", "dyads.csv"]


def test_a_new_panel_replaces_the_old_files(store: Store, tmp_path: Path) -> None:
    for name in FILES:
        (tmp_path / name).write_text("old", encoding="utf-8")
    write_panel(store, tmp_path, AlignRequest(actors=("USA", "CHN", "FRA")))
    panel = _read(tmp_path / "panel.csv")
    assert set(panel["actor"]) == {"USA", "CHN", "FRA"}
    assert all((tmp_path / name).read_text(encoding="utf-8") != "old" for name in FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)  # no temporary left


def test_a_target_that_is_a_folder_leaves_every_file_as_it_was(store: Store,
                                                               tmp_path: Path) -> None:  # fmt: skip
    (tmp_path / "codebook.md").mkdir()
    (tmp_path / "panel.csv").write_text("old", encoding="utf-8")
    with pytest.raises(ExportError, match=r"codebook\.md: it is a folder; nothing was written"):
        write_panel(store, tmp_path)
    assert (tmp_path / "panel.csv").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codebook.md", "panel.csv"]


def test_the_library_refuses_what_the_panel_cannot_be(store: Store, tmp_path: Path) -> None:
    with pytest.raises(RequestError, match="does not apply to the panel"):
        write_panel(store, tmp_path / "p", AlignRequest(window=1))
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--out", "{tmp}/file"], "Error: --out {tmp}/file: is a file, not a folder"),
        (["--out", "{tmp}/no/p"], "Error: --out {tmp}/no/p: its parent folder does not exist"),
        ([], "Error: export panel writes five files: give --out FOLDER"),
        (["--out", "{tmp}/p", "--view", "stances"], "Error: --view does not apply to export panel"),
        (["--out", "{tmp}/p", "--at", "2025-13-01"],
         "Error: --at '2025-13-01': expected a day like 2025-02-11"),
        (["--out", "{tmp}/p", "--type", "poem"],
         "Error: --type: no type poem among the types of instruments with stances; expected one "
         "of: actionplan, bilateralagreement, convention, declaration, instrument, "
         "jointstatement, partnership, recommendation, resolution"),
    ],
)  # fmt: skip
def test_bad_panel_requests_exit_2_with_one_line_and_write_nothing(
    runner: CliRunner, tmp_path: Path, args: list[str], line: str
) -> None:
    (tmp_path / "file").write_text("keep", encoding="utf-8")
    given = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = _cli(runner, "export", "panel", *given)
    assert (code, out, err) == (2, "", line.replace("{tmp}", str(tmp_path)) + "\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_other_formats_refuse_panel_options_and_still_need_a_view(runner: CliRunner) -> None:
    code, _out, err = _cli(runner, "export", "gexf", "--view", "stances", "--actors", "USA")
    assert (code, err) == (2, "Error: --actors applies to export panel only\n")
    code, _out, err = _cli(runner, "export", "gexf")
    assert (code, err) == (2, "Error: Missing option '--view'. (see 'govkg export --help')\n")
