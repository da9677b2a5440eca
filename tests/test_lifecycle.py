"""The status at a date (govkg.lifecycle, ``govkg status``) and lifecycle-aware alignment
(``govkg align --at / --code / --actors-type``, the latest act of a cell), on a small fixture graph
of their own; and a few checks on the shipped project that hold whatever its data."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from paths import ROOT
from rdflib import Graph
from rdflib.namespace import SKOS

from govkg.align.matrix import KIND_CODES, MatrixOptions, StanceMatrix, coding, load_matrix
from govkg.align.report import AlignRequest
from govkg.cli import cli
from govkg.errors import RequestError
from govkg.lifecycle import STATUS_OF_KIND, Span, beginnings, status_at
from govkg.load import parse_files
from govkg.namespaces import DATA_BASE
from govkg.project import Project
from govkg.store import OxigraphStore, Store

PREFIXES = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix instrument: <https://w3id.org/govkg/id/instrument/> .
@prefix state: <https://w3id.org/govkg/id/state/> .
@prefix organisation: <https://w3id.org/govkg/id/org/> .
@prefix stance: <https://w3id.org/govkg/id/stance/> .
@prefix stancekind: <https://w3id.org/govkg/id/stance-kind/> .
@prefix claim: <https://w3id.org/govkg/id/claim/> .
@prefix membership: <https://w3id.org/govkg/id/membership/> .
@prefix lifecyclestep: <https://w3id.org/govkg/id/lifecycle-step/> .
"""

#: (stance, actor, instrument, kind, date Turtle) — dates: an act date, a partial one, an as-of
#: date (``asOf:``) or none.
ACTS = [
    ("t-AAA-s", "state:AAA", "treaty", "signed", '"2024-09-05"^^xsd:date'),
    ("t-AAA-r", "state:AAA", "treaty", "ratified", '"2025-03-01"^^xsd:date'),
    ("t-BBB-s", "state:BBB", "treaty", "signed", '"2024-09-05"^^xsd:date'),
    ("t-BBB-r", "state:BBB", "treaty", "ratified", '"2025-01-10"^^xsd:date'),
    ("t-BBB-w", "state:BBB", "treaty", "withdrew", '"2026-02-01"^^xsd:date'),
    ("t-CCC-s", "state:CCC", "treaty", "signed", '"2025"^^xsd:gYear'),
    ("t-DDD-a", "state:DDD", "treaty", "acceded", 'asOf:"2025-06-30"^^xsd:date'),
    ("t-EEE-s", "state:EEE", "treaty", "signed", ""),
    ("t-GGG-s", "state:GGG", "treaty", "signed", '"2024-09-05"^^xsd:date'),
    ("t-GGG-r", "state:GGG", "treaty", "ratified", 'asOf:"2026-01-01"^^xsd:date'),
    ("t-HHH-r", "state:HHH", "treaty", "ratified", '"2025-03-01"^^xsd:date'),
    ("t-HHH-s", "state:HHH", "treaty", "signed", 'asOf:"2026-07-17"^^xsd:date'),
    ("n-AAA-j", "state:AAA", "network", "joined", '"2024-05-01"^^xsd:date'),
    ("n-AAA-l", "state:AAA", "network", "left", '"2025-05-01"^^xsd:date'),
    ("n-AAA-j2", "state:AAA", "network", "joined", '"2026-01-10"^^xsd:date'),
    ("n-BBB-j", "state:BBB", "network", "joined", '"2024-05-01"^^xsd:date'),
    ("n-CCC-j", "state:CCC", "network", "joined", '"2024-05-01"^^xsd:date'),
    ("n-ACME-j", "organisation:ACME", "network", "joined", '"2024-06-01"^^xsd:date'),
    ("n-LAB-j", "organisation:LAB", "network", "joined", '"2024-06-01"^^xsd:date'),
    ("p-JJJ-s", "state:JJJ", "pact", "signed", '"2025-03-01"^^xsd:date'),
    ("p-JJJ-e", "state:JJJ", "pact", "endorsed", '"2025-03-01"^^xsd:date'),
    ("p-KKK-s", "state:KKK", "pact", "signed", '"2025"^^xsd:gYear'),
    ("p-KKK-w", "state:KKK", "pact", "withdrew", '"2025-06-10"^^xsd:date'),
    ("r-AAA-e", "state:AAA", "recommendation", "endorsed", '"2021-11-23"^^xsd:date'),
    ("r-BBB-e", "state:BBB", "recommendation", "endorsed", '"2021-11-23"^^xsd:date'),
]

FIXTURE = (
    PREFIXES
    + """
instrument:treaty a gk:Convention ; rdfs:label "A treaty"@en .
instrument:network a gk:Partnership ; rdfs:label "A network"@en .
instrument:recommendation a gk:Recommendation ; rdfs:label "A recommendation"@en .
instrument:pact a gk:Declaration ; rdfs:label "A pact"@en .
state:JJJ a gk:State ; gk:iso3 "JJJ" ; rdfs:label "Jland"@en .
state:KKK a gk:State ; gk:iso3 "KKK" ; rdfs:label "Kland"@en .
state:AAA a gk:State ; gk:iso3 "AAA" ; rdfs:label "Aland"@en .
state:BBB a gk:State ; gk:iso3 "BBB" ; rdfs:label "Bland"@en .
state:CCC a gk:State ; gk:iso3 "CCC" ; rdfs:label "Cland"@en .
state:DDD a gk:State ; gk:iso3 "DDD" ; rdfs:label "Dland"@en .
state:EEE a gk:State ; gk:iso3 "EEE" ; rdfs:label "Eland"@en .
state:FFF a gk:State ; gk:iso3 "FFF" ; rdfs:label "Fland"@en .
state:GGG a gk:State ; gk:iso3 "GGG" ; rdfs:label "Gland"@en .
state:HHH a gk:State ; gk:iso3 "HHH" ; rdfs:label "Hland"@en .
state:USA a gk:State ; gk:iso3 "USA" ; rdfs:label "United States"@en .
organisation:ACME a gk:Company ; gk:orgId "ACME" ; rdfs:label "Acme"@en .
organisation:LAB a gk:ResearchInstitution ; gk:orgId "LAB" ; rdfs:label "A lab"@en .
organisation:BODY a gk:InternationalOrganisation ; gk:orgId "BODY" ; rdfs:label "The Body"@en .
organisation:BODY-GC org:unitOf organisation:BODY ; rdfs:label "The Body's conference"@en .

claim:r-adopted a gk:LifecycleClaim ; gk:about instrument:recommendation ;
    gk:lifecycleStep lifecyclestep:adopted ; gk:adoptedBy organisation:BODY-GC ;
    dcterms:date "2021-11-23"^^xsd:date .
membership:usa-1 a gk:Membership ; org:member state:USA ; org:organization organisation:BODY ;
    org:memberDuring [ a time:Interval ;
        time:hasEnd [ a time:Instant ; time:inXSDDate "2018-12-31"^^xsd:date ] ] .
membership:usa-2 a gk:Membership ; org:member state:USA ; org:organization organisation:BODY ;
    org:memberDuring [ a time:Interval ;
        time:hasBeginning [ a time:Instant ; time:inXSDgYearMonth "2023-07"^^xsd:gYearMonth ] ;
        time:hasEnd [ a time:Instant ; time:inXSDDate "2026-12-31"^^xsd:date ] ] .
membership:bbb-1 a gk:Membership ; org:member state:BBB ; org:organization organisation:BODY ;
    org:memberDuring [ a time:Interval ;
        time:hasBeginning [ a time:Instant ; time:inXSDgYear "1950"^^xsd:gYear ] ] .
"""
)


def _act(stance: str, actor: str, instrument: str, kind: str, date: str) -> str:
    dated = ""
    if date.startswith("asOf:"):
        dated = f" ; gk:asOf {date.removeprefix('asOf:')}"
    elif date:
        dated = f" ; dcterms:date {date}"
    return (f"stance:{stance} a gk:Stance ; gk:actor {actor} ; gk:instrument "
            f"instrument:{instrument} ; gk:stanceKind stancekind:{kind}{dated} .")  # fmt: skip


TURTLE = FIXTURE + "\n".join(_act(*act) for act in ACTS) + "\n"
INS = DATA_BASE + "instrument/"


@pytest.fixture(scope="module")
def fixture_store() -> Store:
    project = Project(ROOT)
    store = OxigraphStore()
    store.load(parse_files(project, project.ontology_files()))
    store.load(ox.parse(TURTLE.encode(), format=ox.RdfFormat.TURTLE))
    return store


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of its own: the shipped ontology and the fixture as its whole graph."""
    root = tmp_path_factory.mktemp("lifecycle")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    (root / "graph").mkdir()
    (root / "graph" / "fixture.ttl").write_text(TURTLE, encoding="utf-8")
    return root


def _status(store: Store, day: str, instrument: str, actor: str) -> dict[str, str]:
    (found,) = status_at(store, day, instrument, [actor])
    return found.row()


# --- the rules, one by one ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "status", "act", "date"),
    [
        ("2024-09-04", "no-record", "", ""),
        ("2024-09-05", "signed-not-ratified", "signed", "2024-09-05"),
        ("2025-02-28", "signed-not-ratified", "signed", "2024-09-05"),
        ("2025-03-01", "ratified", "ratified", "2025-03-01"),
    ],
)
def test_ratified_after_signed(fixture_store: Store, day: str, status: str, act: str,
                               date: str) -> None:  # fmt: skip
    row = _status(fixture_store, day, "treaty", "AAA")
    assert (row["status"], row["act"], row["date"]) == (status, act, date)
    if act:
        assert row["date_kind"] == "act"
        assert row["stance"] == f"{DATA_BASE}stance/t-AAA-{act[0]}"


def test_withdrawn_from_its_date(fixture_store: Store) -> None:
    assert _status(fixture_store, "2026-01-31", "treaty", "BBB")["status"] == "ratified"
    row = _status(fixture_store, "2026-02-01", "treaty", "BBB")
    assert (row["status"], row["act"], row["stance"]) == (
        "withdrawn", "withdrew", f"{DATA_BASE}stance/t-BBB-w")  # fmt: skip


@pytest.mark.parametrize(
    ("day", "status", "date"),
    [("2024-12-01", "member", "2024-05-01"), ("2025-06-01", "left", "2025-05-01"),
     ("2026-03-01", "member", "2026-01-10")],
)  # fmt: skip
def test_joined_left_and_joined_again(fixture_store: Store, day: str, status: str,
                                      date: str) -> None:  # fmt: skip
    row = _status(fixture_store, day, "network", "AAA")
    assert (row["status"], row["date"]) == (status, date)


def test_a_partial_date_is_not_certainly_before_or_after_a_day_within_it(
    fixture_store: Store,
) -> None:
    """Signed in 2025: unknown on 2025-02-11, signed by 2026, not yet in 2024."""
    row = _status(fixture_store, "2025-02-11", "treaty", "CCC")
    assert (row["status"], row["act"], row["date"], row["date_kind"]) == (
        "unknown", "signed", "2025", "act")  # fmt: skip
    assert row["note"] == "signed in 2025 may or may not have happened by 2025-02-11"
    assert _status(fixture_store, "2026-01-01", "treaty", "CCC")["status"] == "signed-not-ratified"
    early = _status(fixture_store, "2024-12-31", "treaty", "CCC")
    assert (early["status"], early["note"]) == ("no-record", "its acts are all later")


def test_an_as_of_date_after_the_day_is_unknown_and_on_or_before_it_counts(
    fixture_store: Store,
) -> None:
    row = _status(fixture_store, "2025-03-01", "treaty", "DDD")
    assert (row["status"], row["act"], row["date"], row["date_kind"]) == (
        "unknown", "acceded", "2025-06-30", "as_of")  # fmt: skip
    assert (
        row["note"] == "acceded (listed by 2025-06-30) may or may not have happened by 2025-03-01"
    )
    row = _status(fixture_store, "2025-06-30", "treaty", "DDD")
    assert (row["status"], row["date_kind"]) == ("ratified", "as_of")


BEGINNINGS = (
    PREFIXES
    + """
@prefix schema: <https://schema.org/> .
@prefix event: <https://w3id.org/govkg/id/event/> .
instrument:later a gk:Declaration ; rdfs:label "A later declaration"@en ;
    dcterms:date "2026-02"^^xsd:gYearMonth .
instrument:opened a gk:Convention ; rdfs:label "A convention"@en ; gk:adoptedAt event:opening .
event:opening schema:startDate "2024-09-05"^^xsd:date .
claim:a1 gk:about instrument:opened ; gk:lifecycleStep lifecyclestep:adopted ;
    dcterms:date "2024-05-17"^^xsd:date .
claim:a2 gk:about instrument:opened ; gk:lifecycleStep lifecyclestep:entered-into-force ;
    dcterms:date "2020-01-01"^^xsd:date .
state:AAA a gk:State ; gk:iso3 "AAA" ; rdfs:label "Aland"@en .
state:BBB a gk:State ; gk:iso3 "BBB" ; rdfs:label "Bland"@en .
"""
    + "\n".join(_act(*act) for act in [
        ("l-AAA", "state:AAA", "later", "signed", 'asOf:"2026-07-17"^^xsd:date'),
        ("l-BBB", "state:BBB", "later", "signed", ""),
        ("o-AAA", "state:AAA", "opened", "signed", '"2023-12-01"^^xsd:date'),
        ("o-BBB", "state:BBB", "opened", "ratified", 'asOf:"2025-01-01"^^xsd:date'),
    ])
)  # fmt: skip


@pytest.fixture(scope="module")
def beginnings_store() -> Store:
    store = OxigraphStore()
    store.load(ox.parse(BEGINNINGS.encode(), format=ox.RdfFormat.TURTLE))
    return store


def test_an_instrument_begins_on_its_earliest_date(beginnings_store: Store) -> None:
    """Its own date (a month: its first day), its event's start, a claimed adoption; not its
    entry into force."""
    found = beginnings(beginnings_store, [INS + "later", INS + "opened", INS + "none"])
    assert found == {INS + "later": "2026-02-01", INS + "opened": "2024-05-17"}


def test_nothing_is_done_on_an_instrument_before_it_begins(beginnings_store: Store) -> None:
    """Listed by 2026-07-17, or not dated: on 2025-06-01, before the declaration began, not done
    (no record, with the reason), rather than unknown."""
    for actor in ("AAA", "BBB"):
        row = _status(beginnings_store, "2025-06-01", "later", actor)
        note = "the instrument begins on 2026-02-01: its acts are all later"
        assert (row["status"], row["act"], row["note"]) == ("no-record", "", note)
    row = _status(beginnings_store, "2026-03-01", "later", "AAA")
    assert (row["status"], row["act"]) == ("unknown", "signed")  # it may have been by then
    # an act dated before the beginning keeps its date: the record says so
    row = _status(beginnings_store, "2024-01-01", "opened", "AAA")
    assert (row["status"], row["date"]) == ("signed-not-ratified", "2023-12-01")
    row = _status(beginnings_store, "2024-05-01", "opened", "BBB")
    assert (row["status"], row["note"]) == (
        "no-record", "the instrument begins on 2024-05-17: its acts are all later")  # fmt: skip
    matrix = load_matrix(beginnings_store, MatrixOptions(at="2025-06-01"))
    assert [i.slug for i in matrix.instruments] == ["opened"]  # later: no act done by then
    assert not matrix.undetermined  # BBB's ratification is listed by 2025-01-01: done


def test_the_shipped_graph_has_nothing_on_new_delhi_before_2026(store: Store) -> None:
    (row,) = status_at(store, "2025-06-01", "new-delhi-declaration-2026", ["USA"])
    assert (row.status, row.note) == (
        "no-record", "the instrument begins on 2026-02-01: its acts are all later")  # fmt: skip
    assert row.before_instrument


def test_an_undated_act_is_unknown_on_any_day(fixture_store: Store) -> None:
    for day in ("1990-01-01", "2100-01-01"):
        row = _status(fixture_store, day, "treaty", "EEE")
        assert (row["status"], row["date_kind"]) == ("unknown", "unknown")


def test_a_later_act_that_may_have_happened_makes_the_status_unknown(fixture_store: Store) -> None:
    """Signed in 2024, ratified by 2026 (as of): on 2025-06-01 the ratification may have been."""
    row = _status(fixture_store, "2025-06-01", "treaty", "GGG")
    assert (row["status"], row["act"]) == ("unknown", "ratified")
    assert row["note"] == ("ratified (listed by 2026-01-01) may or may not have happened by "
                           "2025-06-01; before it: signed on 2024-09-05")  # fmt: skip


def test_an_uncertain_act_earlier_in_the_lifecycle_does_not_hide_the_status(
    fixture_store: Store,
) -> None:
    """Ratified in 2025 and listed as a signatory only in 2026: the signature came first."""
    row = _status(fixture_store, "2025-06-01", "treaty", "HHH")
    assert (row["status"], row["act"], row["note"]) == ("ratified", "ratified", "")


def test_one_act_recorded_with_two_words_says_so(fixture_store: Store) -> None:
    """Signed and endorsed on the same day (two sources): the later word in the lifecycle, and
    the other named."""
    row = _status(fixture_store, "2025-03-01", "pact", "JJJ")
    assert (row["status"], row["note"]) == ("signed", "also recorded as endorsed on 2025-03-01")


def test_acts_whose_order_the_dates_cannot_settle_say_so(fixture_store: Store) -> None:
    """Signed in 2025, withdrew on 2025-06-10: the withdrawal is taken as the later."""
    row = _status(fixture_store, "2026-01-01", "pact", "KKK")
    assert (row["status"], row["act"]) == ("withdrawn", "withdrew")
    assert row["note"] == "order with signed in 2025 not certain: the later in the lifecycle taken"


def test_not_a_party_when_not_a_member_of_the_adopting_body(fixture_store: Store) -> None:
    """USA had left the body (by its membership) when the body's conference adopted the text."""
    (usa,) = status_at(fixture_store, "2024-01-01", "recommendation", ["USA"])
    assert (usa.status, usa.act) == ("not-a-party", None)
    assert usa.note == ("not a member of organisation:BODY-GC when it adopted the instrument "
                        "(2021-11-23)")  # fmt: skip
    assert usa.evidence == (f"{DATA_BASE}claim/r-adopted", f"{DATA_BASE}membership/usa-1",
                            f"{DATA_BASE}membership/usa-2")  # fmt: skip
    before = _status(fixture_store, "2021-01-01", "recommendation", "USA")
    assert before["status"] == "no-record"  # not adopted yet


def test_no_record_without_membership_data_or_as_a_member(fixture_store: Store) -> None:
    """FFF has no membership data; BBB was a member since 1950 and has an act."""
    assert _status(fixture_store, "2024-01-01", "recommendation", "FFF")["status"] == "no-record"
    statuses = {s.actor_code: s.status for s in status_at(fixture_store, "2024-01-01",
                                                          "recommendation")}  # fmt: skip
    assert statuses == {"AAA": "endorsed", "BBB": "endorsed", "USA": "not-a-party"}


def test_every_actor_and_instrument_without_restriction(fixture_store: Store) -> None:
    found = status_at(fixture_store, "2026-03-01")
    assert [(s.instrument.removeprefix(INS), s.actor_code, s.status) for s in found] == [
        ("network", "AAA", "member"), ("network", "ACME", "member"), ("network", "BBB", "member"),
        ("network", "CCC", "member"), ("network", "LAB", "member"),
        ("pact", "JJJ", "signed"), ("pact", "KKK", "withdrawn"),
        ("recommendation", "AAA", "endorsed"), ("recommendation", "BBB", "endorsed"),
        ("recommendation", "USA", "not-a-party"),
        ("treaty", "AAA", "ratified"), ("treaty", "BBB", "withdrawn"),
        ("treaty", "CCC", "signed-not-ratified"), ("treaty", "DDD", "ratified"),
        ("treaty", "EEE", "unknown"), ("treaty", "GGG", "ratified"), ("treaty", "HHH", "ratified"),
    ]  # fmt: skip


def test_spans_compare_partial_dates_on_the_precision_both_have() -> None:
    year, day = Span.of("2025"), Span.of("2025-02-11")
    assert not year.before(day) and not day.before(year)
    assert Span.of("2024-12").before(day) and not Span.of("2024-12").after("2024-12-31")
    assert Span.of("2024-02").last == "2024-02-29"
    assert Span.of("2026-01-01", as_of=True).first == ""  # the act may be any day up to it


def test_every_stance_kind_has_a_status(ontology: Graph) -> None:
    assert set(STATUS_OF_KIND) == _scheme_kinds(ontology)


@pytest.mark.parametrize(
    ("call", "parameter", "message"),
    [
        (lambda s: status_at(s, "2025-02"), "at", "at '2025-02': expected a day like 2025-02-11"),
        (lambda s: status_at(s, "2025-02-30"), "at",
         "at '2025-02-30': expected a day like 2025-02-11"),
        (lambda s: status_at(s, "2025-01-01", "treat"), "instrument",
         "instrument 'treat': no instrument instrument:treat in the graph; did you mean "
         "instrument:treaty?"),
        (lambda s: status_at(s, "2025-01-01", "state:AAA"), "instrument",
         "instrument 'state:AAA': state:AAA is not an instrument; expected an instrument id "
         "such as instrument:network (all are listed on /instruments.html of govkg serve)"),
        (lambda s: status_at(s, "2025-01-01", actors=["AAB"]), "actor",
         "actor 'AAB': no state or organisation with this code in the graph; did you mean LAB or "
         "AAA?"),
    ],
)  # fmt: skip
def test_bad_requests_name_their_parameter(fixture_store: Store, call: object, parameter: str,
                                           message: str) -> None:  # fmt: skip
    with pytest.raises(RequestError) as error:
        call(fixture_store)  # type: ignore[operator]
    assert (error.value.parameter, str(error.value)) == (parameter, message)


# --- govkg status ------------------------------------------------------------------------------


def test_status_command_gives_status_act_date_and_its_kind(fixture_root: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(fixture_root), "status", "--at", "2025-06-01",
                                      "--instrument", "treaty", "--actor", "AAA", "--actor",
                                      "DDD", "--format", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "instrument,actor,status,act,date,date_kind,stance,note",
        f"{INS}treaty,AAA,ratified,ratified,2025-03-01,act,{DATA_BASE}stance/t-AAA-r,",
        f"{INS}treaty,DDD,unknown,acceded,2025-06-30,as_of,{DATA_BASE}stance/t-DDD-a,acceded "
        "(listed by 2025-06-30) may or may not have happened by 2025-06-01",
    ]


def test_status_command_as_json(fixture_root: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(fixture_root), "status", "--at", "2026-03-01",
                                      "--instrument", "instrument:network", "--actor", "AAA",
                                      "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{
        "instrument": f"{INS}network", "actor": "AAA", "status": "member", "act": "joined",
        "date": "2026-01-10", "date_kind": "act", "stance": f"{DATA_BASE}stance/n-AAA-j2",
        "note": "",
    }]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--at", "2025-13-01"], "Error: --at '2025-13-01': expected a day like 2025-02-11"),
        (["--at", "2025-01-01", "--instrument", "treat"],
         "Error: --instrument 'treat': no instrument instrument:treat in the graph; did you mean "
         "instrument:treaty?"),
        (["--at", "2025-01-01", "--actor", "ACMA"],
         "Error: --actor 'ACMA': no state or organisation with this code in the graph; did you "
         "mean ACME?"),
        ([], "Error: Missing option '--at'. (see 'govkg status --help')"),
    ],
)  # fmt: skip
def test_status_command_errors_are_one_line(fixture_root: Path, args: list[str],
                                            line: str) -> None:  # fmt: skip
    result = CliRunner().invoke(
        cli, ["--root", str(fixture_root), "status", *args], prog_name="govkg"
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == line


# --- alignment ---------------------------------------------------------------------------------


def _code(matrix: StanceMatrix, actor: str, instrument: str) -> int:
    k = [i.slug for i in matrix.instruments].index(instrument)
    return int(matrix.codes[matrix.codes_of.index(actor), k])


def test_the_latest_act_wins_not_the_highest_code(fixture_store: Store) -> None:
    """Joined, left, joined again: yes (the highest code, left, would say no); signed, ratified,
    withdrew: no."""
    matrix = load_matrix(fixture_store)
    assert _code(matrix, "AAA", "network") == 1
    assert _code(matrix, "BBB", "treaty") == 3
    assert _code(matrix, "AAA", "treaty") == 1


def test_align_at_a_day_drops_later_acts_and_counts_the_undetermined(fixture_store: Store) -> None:
    matrix = load_matrix(fixture_store, MatrixOptions(at="2025-06-01"))
    assert _code(matrix, "AAA", "network") == 3  # left on 2025-05-01
    assert _code(matrix, "BBB", "treaty") == 1  # withdrew only in 2026
    assert "EEE" not in matrix.codes_of  # its one act is undated
    gone = {(a.rsplit("/", 1)[1], i.rsplit("/", 1)[1]) for a, i in matrix.undetermined}
    assert gone == {("CCC", "treaty"), ("DDD", "treaty"), ("EEE", "treaty"), ("GGG", "treaty"),
                    ("HHH", "treaty"), ("KKK", "pact")}  # fmt: skip
    early = load_matrix(fixture_store, MatrixOptions(at="2021-12-31"))
    assert [i.slug for i in early.instruments] == ["recommendation"]


def test_codes_can_be_configured(fixture_store: Store) -> None:
    matrix = load_matrix(fixture_store, MatrixOptions(codes=coding({"withdrew": "missing"})))
    assert _code(matrix, "BBB", "treaty") == 0
    assert coding({"ratified": "abstain"})["ratified"] == 2
    with pytest.raises(RequestError, match=r"^codes 'voted': no such stance kind; choose abst"):
        coding({"voted": "yes"})
    with pytest.raises(RequestError) as error:
        AlignRequest(codes={"left": "maybe"})
    assert str(error.value) == "codes left='maybe': choose a code of yes, abstain, no, missing"


def test_actor_types_choose_the_actors(fixture_store: Store) -> None:
    assert "ACME" not in load_matrix(fixture_store).codes_of  # states and organisations
    companies = load_matrix(fixture_store, MatrixOptions(actor_types=("company",)))
    assert companies.codes_of == ("ACME",)
    both = load_matrix(
        fixture_store, MatrixOptions(actor_types=("company", "research-institution"))
    )
    assert both.codes_of == ("ACME", "LAB")
    with pytest.raises(RequestError) as error:
        AlignRequest(actor_types=("firm",))
    assert str(error.value) == ("actor_types 'firm': choose state, organisation, company, "
                                "research-institution")  # fmt: skip


def _align(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(root), "align", *args])


def test_align_at_in_the_command_line(fixture_root: Path) -> None:
    result = _align(fixture_root, "--pair", "AAA", "BBB", "--at", "2025-06-01", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = {r["instrument"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert (rows["network"]["AAA"], rows["network"]["BBB"]) == ("no", "yes")
    assert (rows["treaty"]["AAA"], rows["treaty"]["BBB"]) == ("yes", "yes")
    assert ("As of 2025-06-01: acts after it are left out, and so are 0 act(s) that may fall "
            "either side of it (no date, a partial date around it, listed only later); 6 more on "
            "other actors or instruments.") in result.stderr.splitlines()  # fmt: skip


def test_align_code_and_actors_type_in_the_command_line(fixture_root: Path) -> None:
    result = _align(fixture_root, "--pair", "AAA", "BBB", "--code", "withdrew=abstain",
                    "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {r["instrument"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["treaty"]["BBB"] == "abstain"
    result = _align(fixture_root, "--actors-type", "company", "--actors-type",
                    "research-institution", "--min-n", "1", "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (row["actor_a"], row["actor_b"], row["n"]) == ("ACME", "LAB", "1")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--code", "withdrawn=no"], "Error: --code 'withdrawn': no such stance kind; choose "
         "abstained, acceded, accepted-approved, co-sponsored, declined, did-not-sign, "
         "did-not-vote, dissociated, endorsed, joined, lead-sponsored, left, participated, "
         "ratified, signed, voted-no, voted-yes, withdrew"),
        (["--code", "left=maybe"],
         "Error: --code left='maybe': choose a code of yes, abstain, no, missing"),
        (["--code", "left"],
         "Error: --code 'left': expected KIND=CODE, CODE one of yes, abstain, no or missing"),
        (["--at", "2025"], "Error: --at '2025': expected a day like 2025-02-11"),
        (["--at", "1990-01-01"], "Error: --at 1990-01-01: no act is certainly done by then"),
    ],
)  # fmt: skip
def test_align_new_options_errors_are_one_line(fixture_root: Path, args: list[str],
                                               line: str) -> None:  # fmt: skip
    result = _align(fixture_root, *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == line


# --- the shipped project, whatever its data ----------------------------------------------------


def _scheme_kinds(ontology: Graph) -> set[str]:
    scheme = f"{DATA_BASE}scheme/stance-kind"
    return {str(c).rsplit("/", 1)[1] for c in ontology.subjects(SKOS.inScheme, None)
            if str(ontology.value(c, SKOS.inScheme)) == scheme}  # fmt: skip


def test_the_readme_coding_table_lists_every_kind_with_its_code(ontology: Graph) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Alignment") : text.index("**Measures**")]
    words = {"yes": 1, "abstain": 2, "no": 3}
    table = {kind: words.get(code.split()[-1], 0) for kind, code in
             re.findall(r"^\| `([a-z-]+)` \| ([^|]+?) \|", section, re.MULTILINE)}  # fmt: skip
    kinds = _scheme_kinds(ontology)
    assert set(table) == kinds == set(KIND_CODES)
    assert table == {kind: KIND_CODES[kind] for kind in kinds}


def test_shipped_statuses_rest_on_acts_done_by_the_day(store: Store) -> None:
    """Every status that names a certain act names one dated (or listed) on or before the day,
    and a stance of that actor on that instrument."""
    day = "2025-06-01"
    found = status_at(store, day)
    assert found
    known = set(STATUS_OF_KIND.values()) | {"signed-not-ratified", "unknown", "no-record",
                                            "not-a-party"}  # fmt: skip
    for status in found:
        assert status.status in known
        act = status.act
        if act is None or status.status == "unknown":
            continue
        assert act.date and Span.of(act.date, act.as_of).by(day), status
        assert status.evidence[0] == act.stance


def test_shipped_nothing_is_done_before_any_act(store: Store) -> None:
    assert {s.status for s in status_at(store, "1900-01-01")} <= {"no-record", "unknown",
                                                                 "not-a-party"}  # fmt: skip


def test_shipped_align_unchanged_by_default_codes_and_types(runner: CliRunner) -> None:
    """Recoding a kind as its default, or naming the default types, changes nothing."""
    base = ["--root", str(ROOT), "align", "--actors", "USA,CHN,GBR,FRA", "--format", "csv"]
    plain = runner.invoke(cli, base)
    same = runner.invoke(cli, [*base, "--code", "signed=yes", "--code", "did-not-vote=missing",
                               "--actors-type", "state", "--actors-type",
                               "organisation"])  # fmt: skip
    assert plain.exit_code == same.exit_code == 0, plain.output
    assert plain.stdout == same.stdout


# --- the same answers from Virtuoso ------------------------------------------------------------


@pytest.mark.parametrize("day", ["2025-02-11", "2026-03-01"])
def test_virtuoso_gives_the_same_statuses_and_matrix(fixture_root: Path, virtuoso_server: str,
                                                     day: str) -> None:  # fmt: skip
    runner = CliRunner()
    loaded = runner.invoke(cli, ["--root", str(fixture_root), "--store", virtuoso_server, "load"])
    assert loaded.exit_code == 0, loaded.output
    for args in (["status", "--at", day, "--format", "csv"],
                 ["align", "--pair", "AAA", "BBB", "--at", day, "--format", "csv"],
                 ["align", "--actors-type", "company", "--actors-type", "research-institution",
                  "--min-n", "1", "--format", "csv"]):  # fmt: skip
        here = runner.invoke(cli, ["--root", str(fixture_root), *args])
        there = runner.invoke(cli, ["--root", str(fixture_root), "--store", virtuoso_server, *args])
        assert here.exit_code == 0, here.output
        assert (there.exit_code, there.stdout) == (0, here.stdout), args
        assert here.stdout.count("\n") > 1


def test_virtuoso_gives_the_same_beginnings(tmp_path: Path, virtuoso_server: str) -> None:
    """The instruments' beginnings (own date, event start, claimed adoption) read there too."""
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "fixture.ttl").write_text(BEGINNINGS, encoding="utf-8")
    runner = CliRunner()
    root = ["--root", str(tmp_path)]
    loaded = runner.invoke(cli, [*root, "--store", virtuoso_server, "load"])
    assert loaded.exit_code == 0, loaded.output
    answers = {}
    for day in ("2024-05-01", "2025-06-01", "2026-03-01"):
        args = ["status", "--at", day, "--format", "csv"]
        here = runner.invoke(cli, [*root, *args])
        there = runner.invoke(cli, [*root, "--store", virtuoso_server, *args])
        assert here.exit_code == 0, here.output
        assert (there.exit_code, there.stdout) == (0, here.stdout), day
        answers[day] = here.stdout
    assert answers["2025-06-01"].count("the instrument begins on 2026-02-01") == 2
    assert "the instrument begins on 2024-05-17" in answers["2024-05-01"]
    assert "begins on" not in answers["2026-03-01"]
