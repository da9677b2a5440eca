"""Unknown names are errors (issue 13, item 3): every parameter that names a resource is checked
against the graph, and an unknown one is exit 2 on the command line or 400 on the server, naming
the parameter and the value, with the closest known ids."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from paths import ROOT

from govkg.cli import cli
from govkg.errors import ParameterError
from govkg.resolve import Candidate, candidates, check_known, closest, suggest, unknown_iris
from govkg.store import OxigraphStore, RemoteStore, Store

ID = "https://w3id.org/govkg/id/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
INSTRUMENT = ox.NamedNode("https://w3id.org/govkg/ontology#Instrument")
REAIM_2026 = (
    "Error: parameter instrument: no instrument instrument:reaim-2026-pathway in the graph; "
    "did you mean instrument:reaim-2026-pathways-to-action or instrument:reaim-2023-call-to-action?"
)
NO_SUCH = (
    "parameter instrument: no instrument instrument:nosuch in the graph; expected an instrument "
    "id such as instrument:reaim-2026-pathways-to-action "
    "(all are listed on /instruments.html of govkg serve)"
)


def _govkg(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), *args])
    return result.exit_code, result.stdout, result.stderr


# --- the lookup ------------------------------------------------------------------------------


def test_closest_matches_ids_labels_words_and_parts() -> None:
    known = [
        Candidate("instrument:reaim-2026-pathways-to-action", ("REAIM 2026 Pathways to Action",)),
        Candidate("instrument:bletchley-declaration-2023", ("The Bletchley Declaration",)),
        Candidate("state:FRA", ("France",)),
    ]
    assert closest("instrument:reaim-2026-pathway", known) == [known[0].name]  # a typo'd id
    assert closest("bletchly", known) == [known[1].name]  # close to a word of the id
    assert closest("pathways", known) == [known[0].name]  # part of the id
    assert closest("Frnace", known) == ["state:FRA"]  # close to the label
    assert closest("instrument:nosuch", known) == []  # nothing close: no guess


def test_known_resources_of_every_kind_pass(store: Store) -> None:
    named = {
        "a": "instrument:reaim-2026-pathways-to-action",
        "b": "stancekind:signed",
        "c": "series:reaim",
        "d": "theme:human-control",
        "e": "organisation:EU",
        "f": f"{ID}state/USA",
        "g": "position:favours-innovation",
    }
    check_known(store, named)  # no error
    assert unknown_iris(store, [f"{ID}state/USA", f"{ID}state/XYZ"]) == {f"{ID}state/XYZ"}


def test_an_unknown_one_names_the_parameter_and_suggests(store: Store) -> None:
    with pytest.raises(ParameterError) as caught:
        check_known(store, {"first": "state:USA", "second": "state:Frnace"})
    assert str(caught.value) == (
        "parameter second: no state state:Frnace in the graph; did you mean state:FRA?"
    )


def test_without_a_known_kind_it_says_what_is_expected(store: Store) -> None:
    with pytest.raises(ParameterError) as caught:
        check_known(store, {"x": "http://example.org/x"})
    assert str(caught.value) == (
        "parameter x: no resource http://example.org/x in the graph; "
        "expected the IRI or prefixed name of a resource in the graph"
    )


def _small(store: Store) -> Store:
    """Two instruments, one with a label, as quads in named graphs."""
    graph = ox.NamedNode("https://w3id.org/govkg/graph/x.ttl")
    reaim = ox.NamedNode(f"{ID}instrument/reaim-2026-pathways-to-action")
    paris = ox.NamedNode(f"{ID}instrument/paris-statement-2025")
    store.load(
        [
            ox.Quad(reaim, TYPE, INSTRUMENT, graph),
            ox.Quad(
                reaim, LABEL, ox.Literal("REAIM 2026 Pathways to Action", language="en"), graph
            ),
            ox.Quad(paris, TYPE, INSTRUMENT, graph),
        ]
    )
    return store


def _lookups(store: Store) -> tuple[set[str], list[str], list[str], list[Candidate]]:
    reaim = f"{ID}instrument/reaim-2026-pathways-to-action"
    return (
        unknown_iris(store, [reaim, f"{ID}instrument/nosuch"]),
        suggest(store, "instrument:pathways", "instrument"),
        suggest(store, "paris-statment", "instrument"),
        candidates(store, "instrument", like=reaim),
    )


EXPECTED_LOOKUPS = (
    {f"{ID}instrument/nosuch"},
    ["instrument:reaim-2026-pathways-to-action"],
    ["instrument:paris-statement-2025"],
    [
        Candidate("instrument:paris-statement-2025"),
        Candidate("instrument:reaim-2026-pathways-to-action", ("REAIM 2026 Pathways to Action",)),
    ],
)


def test_lookups_on_memory_and_disk_stores(tmp_path: Path) -> None:
    assert _lookups(_small(OxigraphStore())) == EXPECTED_LOOKUPS
    assert _lookups(_small(OxigraphStore(tmp_path / "disk"))) == EXPECTED_LOOKUPS


@pytest.fixture(scope="module")
def remote(oxigraph_server: str) -> str:
    """A real ``oxigraph serve`` on loopback (conftest)."""
    return oxigraph_server


def test_lookups_on_a_remote_store(remote: str) -> None:
    store = RemoteStore.from_spec(remote)
    store.clear()
    assert _lookups(_small(store)) == EXPECTED_LOOKUPS


# --- govkg query -p --------------------------------------------------------------------------


def test_query_with_an_unknown_instrument_is_exit_2_with_a_suggestion() -> None:
    code, out, err = _govkg(
        "query", "signatories", "-p", "instrument=instrument:reaim-2026-pathway"
    )
    assert (code, out, err) == (2, "", REAIM_2026 + "\n")


def test_query_with_a_full_iri_nothing_close_says_what_is_expected() -> None:
    code, out, err = _govkg("query", "signatories", "-p", f"instrument={ID}instrument/nosuch")
    assert (code, out, err) == (2, "", f"Error: {NO_SUCH}\n")


def test_query_with_a_resource_of_another_kind_is_exit_2() -> None:
    """A state where an instrument is expected would answer an empty table: refused."""
    code, out, err = _govkg("query", "signatories", "-p", "instrument=state:USA")
    assert (code, out) == (2, "")
    assert err == (
        "Error: parameter instrument: state:USA is a state, not an instrument; expected an "
        "instrument id such as instrument:reaim-2026-pathways-to-action (all are listed on "
        "/instruments.html of govkg serve)\n"
    )


def test_query_takes_an_organisation_where_a_state_is_the_default() -> None:
    code, _out, err = _govkg("query", "us-china-timeline", "-p", "first=organisation:EU")
    assert code == 0, err


def test_query_with_known_values_still_answers() -> None:
    code, out, _err = _govkg(
        "query", "signed-whole-series", "-p", "series=series:reaim", "--format", "csv"
    )
    assert code == 0 and out.startswith("series,state,stateLabel\n")


def test_query_refuses_an_unknown_instrument_on_disk_and_remote_stores(
    remote: str, tmp_path: Path
) -> None:
    from govkg.load import build
    from govkg.project import Project

    build(Project(ROOT), RemoteStore.from_spec(remote))
    disk = str(tmp_path / "disk")
    assert _govkg("--store", disk, "load")[0] == 0
    for spec in (disk, remote):
        args = ("query", "signatories", "-p", "instrument=instrument:reaim-2026-pathway")
        assert _govkg("--store", spec, *args) == (2, "", REAIM_2026 + "\n"), spec


# --- the server's /queries/NAME?x= ------------------------------------------------------------


@pytest.mark.parametrize("ext", ["csv", "json", "html"])
def test_server_answers_400_with_the_suggestion(shipped_client: httpx.Client, ext: str) -> None:
    response = shipped_client.get(f"/queries/signatories.{ext}?instrument=instrument:nosuch")
    assert response.status_code == 400
    if ext == "html":
        assert "instrument:reaim-2026-pathways-to-action" in response.text
    else:
        assert response.text == NO_SUCH + "\n"


def test_server_suggests_the_closest(shipped_client: httpx.Client) -> None:
    response = shipped_client.get(
        "/queries/signatories.csv", params={"instrument": "instrument:paris"}
    )
    assert response.status_code == 400
    assert response.text == (
        "parameter instrument: no instrument instrument:paris in the graph; "
        "did you mean instrument:current-ai-partnership-2025, instrument:paris-climate-agreement "
        "or instrument:paris-statement-2025?\n"
    )
    known = shipped_client.get(
        "/queries/signatories.csv?instrument=instrument:paris-statement-2025"
    )
    assert known.status_code == 200


# --- govkg align -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--pair", "USA", "Frnace"],
         "actor Frnace: no actor with stances has this ISO code, id or IRI; "
         "did you mean FRA (France)?"),
        (["--actors", "USA,ZZZ"],
         "actor ZZZ: no actor with stances has this ISO code, id or IRI; "
         "give an ISO code (USA), an organisation id (EU) or an IRI (state:USA)"),
        (["--instruments", "bletchly"],
         "--instruments: no instrument bletchly among the instruments with stances; "
         "did you mean instrument:bletchley-declaration-2023?"),
        (["--series", "reiam"],
         "--series: no series reiam among the series of instruments with stances; "
         "did you mean series:reaim?"),
        (["--theme", "human"],
         "--theme: no theme human among the themes of instruments with stances; "
         "did you mean theme:human-control?"),
        (["--type", "declaraton"],
         "--type: no type declaraton among the types of instruments with stances; "
         "did you mean declaration?"),
        (["--weight", "paris=2"],
         "--weight: no instrument paris among the instruments of the analysis; "
         "did you mean instrument:current-ai-partnership-2025 or "
         "instrument:paris-statement-2025?"),
    ],
)  # fmt: skip
def test_align_unknown_names_are_exit_2_with_a_suggestion(args: list[str], line: str) -> None:
    assert _govkg("align", *args) == (2, "", f"Error: {line}\n")


def test_align_takes_every_form_of_a_known_actor() -> None:
    forms = ("USA", "state:USA", f"{ID}state/USA")
    answers = {_govkg("align", "--pair", a, "CHN", "--format", "json") for a in forms}
    assert len(answers) == 1
    code, out, _err = answers.pop()
    assert code == 0 and '"USA"' in out
    code, out, _err = _govkg("align", "--pair", "USA", "EU", "--format", "json")  # an org id
    assert code == 0 and '"EU"' in out


# --- govkg export ----------------------------------------------------------------------------


def test_export_unknown_series_and_instrument(tmp_path: Path) -> None:
    out = str(tmp_path / "x.gexf")
    assert _govkg("export", "gexf", "--view", "stances", "--series", "reiam", "--out", out) == (
        2,
        "",
        "Error: --series: no series reiam in the graph; did you mean series:reaim?\n",
    )
    args = ("export", "gexf", "--view", "stances", "--instruments", "paris_statment_2025")
    assert _govkg(*args, "--out", out) == (
        2,
        "",
        "Error: --instruments: no instrument paris_statment_2025 among the instruments with "
        "stances; did you mean instrument:paris-statement-2025?\n",
    )
    assert not Path(out).exists()


# --- govkg stance-list -----------------------------------------------------------------------


def test_stance_list_takes_the_instrument_id_of_every_command() -> None:
    forms = (
        "reaim_2026_pathways_to_action",
        "instrument:reaim-2026-pathways-to-action",
        f"{ID}instrument/reaim-2026-pathways-to-action",
    )
    answers = [_govkg("stance-list", form) for form in forms]
    assert all(code == 0 for code, _out, _err in answers)
    assert len({out for _code, out, _err in answers}) == 1
    assert answers[0][1].splitlines()[1].startswith("reaim_2026_pathways_to_action,")


@pytest.mark.parametrize(
    ("given", "line"),
    [
        ("instrument:reaim-2026",
         "no imported stance list for instrument instrument:reaim-2026; "
         "did you mean instrument:reaim-2026-pathways-to-action?"),
        ("bletchley_declaration",
         "no imported stance list for instrument bletchley_declaration; "
         "did you mean instrument:bletchley-declaration-2023 or "
         "instrument:seoul-declaration-2024?"),
        ("instrument:paris-climate-agreement",
         "instrument instrument:paris-climate-agreement has no imported stance list; "
         "did you mean instrument:paris-statement-2025?"),
    ],
)  # fmt: skip
def test_stance_list_unknown_instrument_suggests(given: str, line: str) -> None:
    assert _govkg("stance-list", given) == (2, "", f"Error: {line}\n")
