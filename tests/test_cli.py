"""The command line, in-process: exit codes, the lines a user sees, help and README."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import ROOT

from govkg.cli import cli

COMMANDS = sorted(cli.commands)


def run(runner: CliRunner, *args: str, root: Path = ROOT):
    return runner.invoke(cli, ["--root", str(root), *args])


def test_validate_shipped_graph_conforms(runner: CliRunner) -> None:
    result = run(runner, "validate")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("Conforms: ")


def test_validate_json_reports_counts(runner: CliRunner) -> None:
    result = run(runner, "validate", "--format", "json")
    body = json.loads(result.output)
    assert body["conforms"] is True
    assert body["violations"] == 0
    assert body["triples"] > 1000


def test_validate_names_file_resource_property_and_rule(
    runner: CliRunner, project_copy: Path
) -> None:
    (project_copy / "graph" / "zz-bad.ttl").write_text(
        "@prefix gk: <https://w3id.org/govkg/ontology#> .\n"
        "@prefix stance: <https://w3id.org/govkg/id/stance/> .\n"
        "@prefix state: <https://w3id.org/govkg/id/state/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'stance:bad--USA a gk:Stance ; rdfs:label "bad"@en ; gk:actor state:USA .\n',
        encoding="utf-8",
    )
    result = run(runner, "validate", root=project_copy)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if "stance:bad--USA" in line]
    assert any(
        line.startswith("graph/zz-bad.ttl: Violation: stance:bad--USA gk:instrument: ")
        and line.endswith("[MinCount]")
        for line in lines
    ), result.output
    assert any("prov:wasDerivedFrom" in line for line in lines)
    assert result.output.splitlines()[-1].startswith("Does not conform: ")


def test_validate_syntax_error_exits_2_with_file_and_line(
    runner: CliRunner, project_copy: Path
) -> None:
    (project_copy / "graph" / "zz-broken.ttl").write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8"
    )
    result = run(runner, "validate", root=project_copy)
    assert result.exit_code == 2
    assert result.output.startswith("Error: graph/zz-broken.ttl:2:")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "ndjson"])
def test_query_formats(runner: CliRunner, fmt: str) -> None:
    result = run(runner, "query", "decliners", "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "table":
        assert result.output.splitlines()[0].split() == [
            "instrument",
            "actor",
            "actorLabel",
            "sources",
        ]
        assert "state:CHN" in result.output
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert {r["actor"] for r in rows} == {
            "https://w3id.org/govkg/id/state/CHN",
            "https://w3id.org/govkg/id/state/USA",
        }
    elif fmt == "json":
        rows = json.loads(result.output)["rows"]
        assert {r["actor"].rsplit("/", 1)[1] for r in rows} == {"CHN", "USA"}
    else:  # the rows, then one line with the answer's coverage
        lines = result.output.splitlines()
        assert len(lines) == 3 and all(json.loads(line)["instrument"] for line in lines[:2])
        assert json.loads(lines[2])["govkg:coverage"]["verdict"] == "complete-as-of"


def test_query_param_binds(runner: CliRunner) -> None:
    result = run(
        runner,
        "query",
        "decliners",
        "-p",
        "instrument=instrument:paris-statement-2025",
        "--format",
        "csv",
    )
    actors = {row["actor"].rsplit("/", 1)[1] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert actors == {"USA", "GBR"}


def test_query_from_a_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "count.rq"
    path.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/govkg/ontology#State> }"
    )
    result = run(runner, "query", str(path), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["rows"][0]["n"] >= 10


def test_check_query_exits_0_when_clean(runner: CliRunner) -> None:
    result = run(runner, "query", "checks/unsourced-facts")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "no-such-query"], "Error: no query named 'no-such-query'"),
        (["query", "decliners", "-p", "nope=1"], "Error: decliners: unknown parameter 'nope'"),
        (
            ["query", "decliners", "-p", "instrument"],
            "Error: --param 'instrument': expected NAME=VALUE",
        ),
        (
            ["query", "decliners", "-p", "instrument=a b"],
            "Error: parameter instrument: 'a b' is not an IRI",
        ),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = run(runner, *args)
    assert result.exit_code == 2
    assert result.output.startswith(message), result.output
    assert len(result.output.strip().splitlines()) == 1


def test_sparql_syntax_error_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?x WHERE { ?x ")
    result = run(runner, "query", str(path))
    assert result.exit_code == 2
    assert result.output.startswith("Error: bad: SPARQL syntax error")


def test_queries_lists_the_catalogue(runner: CliRunner) -> None:
    result = run(runner, "queries", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    names = {r["name"] for r in rows}
    assert {"signatories", "decliners", "checks/unsourced-facts"} <= names
    assert (
        next(r for r in rows if r["name"] == "quotes-of-state")["parameters"] == "state=state:USA"
    )


def test_stats(runner: CliRunner) -> None:
    result = run(runner, "stats", "--format", "json")
    body = json.loads(result.output)
    assert body["triples"] == sum(n for _f, n in body["per_file"])
    classes = dict(body["per_class"])
    assert classes["https://w3id.org/govkg/ontology#Stance"] > 10
    assert any(title.startswith("TechCrunch") for _s, title, _n in body["sources"])


def test_no_project_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--root", str(tmp_path), "validate"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ")
    assert "not a govkg project" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_ending_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    lines = [line.strip() for line in result.output.strip().splitlines()]
    example = lines.index("Example:")
    assert lines[example + 1].startswith(f"govkg {command}")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`govkg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")
