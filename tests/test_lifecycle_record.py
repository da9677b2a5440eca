"""The treaty lifecycle in the record: a CSV may give one actor's acts in sequence (signed, then
ratified, then withdrew), each a stance of its own; a second act of the same kind, or acts out of
order, are refused with one line naming the row or the stances."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, XSD

from govkg.cli import cli
from govkg.namespaces import GK, data_namespace

HEADER = (
    "instrument_id,instrument_title,date,actor_name,actor_iso3,actor_org,stance,source_url,note\n"
)
ROW = "new_treaty_2026,A new treaty,{date},France,FRA,,{kind},https://example.org/treaty,\n"
STANCE = data_namespace("stance")
KIND = data_namespace("stance-kind")


def _sheet(folder: Path, *acts: tuple[str, str]) -> Path:
    sheet = folder / "treaty.csv"
    rows = "".join(ROW.format(date=date, kind=kind) for date, kind in acts)
    sheet.write_text(HEADER + rows, encoding="utf-8")
    return sheet


def _import(runner: CliRunner, root: Path, sheet: Path):
    return runner.invoke(cli, ["--root", str(root), "import", "stances", str(sheet)])


def test_acts_in_sequence_are_one_stance_each(runner: CliRunner, project_copy: Path) -> None:
    acts = (("2026-01-10", "signed"), ("2026-06", "ratified"), ("2026-11-30", "withdrew"))
    result = _import(runner, project_copy, _sheet(project_copy, *acts))
    assert result.exit_code == 0, result.output
    graph = Graph().parse(project_copy / "graph" / "instruments" / "new-treaty-2026.ttl")
    found = {
        (s, graph.value(s, GK.stanceKind), graph.value(s, DCTERMS.date))
        for s in graph.subjects(RDF.type, GK.Stance)
    }
    assert found == {
        (STANCE["new-treaty-2026--FRA"], KIND["signed"], Literal("2026-01-10", datatype=XSD.date)),
        (STANCE["new-treaty-2026--FRA--ratified"], KIND["ratified"],
         Literal("2026-06", datatype=XSD.gYearMonth)),
        (STANCE["new-treaty-2026--FRA--withdrew"], KIND["withdrew"],
         Literal("2026-11-30", datatype=XSD.date)),
    }  # fmt: skip
    checked = runner.invoke(cli, ["--root", str(project_copy), "validate"])
    assert checked.exit_code == 0, checked.output


def test_the_same_act_twice_is_one_error(runner: CliRunner, project_copy: Path) -> None:
    acts = (("2026-01-10", "signed"), ("2026-06-01", "ratified"), ("2026-07-01", "ratified"))
    result = _import(runner, project_copy, _sheet(project_copy, *acts))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: {project_copy / 'treaty.csv'}: row 4, column actor_iso3: duplicate actor FRA "
        "ratified for new_treaty_2026 (first at row 3)"
    ]


def test_a_ratification_before_the_signature_does_not_validate(
    runner: CliRunner, project_copy: Path
) -> None:
    """The importer validates before it writes: acts out of order are refused, nothing written."""
    acts = (("2026-05-10", "signed"), ("2026-01", "ratified"))
    result = _import(runner, project_copy, _sheet(project_copy, *acts))
    assert result.exit_code == 2, result.output  # refused: nothing written
    assert 'Stance "ratified" is dated 2026-01, before the act it follows' in result.output
    assert 'signed" on 2026-05-10' in result.output
    assert not (project_copy / "graph" / "instruments" / "new-treaty-2026.ttl").exists()


def test_left_after_joined_validates_and_before_does_not(
    runner: CliRunner, project_copy: Path
) -> None:
    ordered = _import(runner, project_copy,
                      _sheet(project_copy, ("2024-11-20", "joined"), ("2025", "left")))  # fmt: skip
    assert ordered.exit_code == 0, ordered.output
    acts = (("2024-11-20", "joined"), ("2023", "left"))
    reversed_ = _import(runner, project_copy, _sheet(project_copy, *acts))
    assert reversed_.exit_code == 2, reversed_.output
    assert 'Stance "left" is dated 2023, before the act it follows' in reversed_.output
