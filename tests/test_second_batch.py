"""The second batch of sourced lists (issue 18): one stance per CSV row, each list's coverage, the
recoded rows, and the curated records the lists cannot carry (UNESCO's Recommendation on the Ethics
of AI, the United States in UNESCO, the conflict about CETS 225's entry into force)."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest
from click.testing import CliRunner
from paths import ROOT

from govkg.cli import cli
from govkg.namespaces import data_namespace
from govkg.store import Store

INSTRUMENTS = ROOT / "data" / "instruments"
SECOND_BATCH = (
    "call_for_control_frontier_ai_2026",
    "current_ai_partnership_2025",
    "frontier_ai_safety_commitments_2024",
    "g7_hiroshima_principles_code_2023",
    "haip_reporting_framework",
    "intl_network_ai_safety_institutes",
    "oecd_ai_recommendation",
    "unga_2026_ai_scientific_panel_appointment",
    "unga_79_pact_no_action_motion_2024",
    "unga_c1_80_l56_first_committee_vote",
    "unga_res_79_1_pact_gdc",
    "unga_res_80_23",
)
STATE = data_namespace("state")
ORGANISATION = data_namespace("org")
INSTRUMENT = data_namespace("instrument")
KIND = data_namespace("stance-kind")
SOURCES_DOC = str(data_namespace("source")["sources-2026-12"])
FIXPLANET = (
    "https://github.com/asix449-design/Fixplanet/blob/eb746eded3ad67ca1ae4c8e3ce12b1cafe24e636/"
    "src/i18n/law-ai-pack.ts"
)
#: instrument → (gk:listComplete, gk:listCompleteAsOf) as SOURCES-2026-12.md's verdicts give them;
#: None where the sources leave it open (complete for the originals only; "probably complete").
COVERAGE = {
    "oecd-ai-recommendation": ("true", "2026-09-29"),
    "intl-network-ai-safety-institutes": ("true", None),
    "g7-hiroshima-principles-code-2023": ("true", None),
    "haip-reporting-framework": ("false", None),
    "unga-2026-ai-scientific-panel-appointment": ("false", None),
    "unga-79-pact-no-action-motion-2024": ("false", None),
    "unga-c1-80-l56-first-committee-vote": ("false", None),
    "unga-res-79-1-pact-gdc": ("false", None),
    "unga-res-80-23": ("false", None),
    "call-for-control-frontier-ai-2026": ("false", None),
    "frontier-ai-safety-commitments-2024": (None, None),
    "current-ai-partnership-2025": (None, None),
}


def _rows(name: str) -> list[dict[str, str]]:
    with (INSTRUMENTS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _value(term: object) -> str | None:
    return None if term is None else str(getattr(term, "value", term))


def _stances(store: Store, slug: str) -> Counter[tuple[str | None, ...]]:
    """(actor, kind, act date, as-of date) of every imported stance on an instrument."""
    rows = store.query(
        "SELECT ?s ?actor ?kind ?date ?asOf WHERE { GRAPH ?g { ?s a gk:Stance ; "
        f"gk:instrument <{INSTRUMENT[slug]}> ; gk:actor ?actor ; gk:stanceKind ?kind . "
        "OPTIONAL { ?s dcterms:date ?date } OPTIONAL { ?s gk:asOf ?asOf } } "
        "FILTER(CONTAINS(STR(?g), '/graph/instruments/')) }"
    ).rows
    return Counter(tuple(_value(term) for term in row[1:]) for row in rows)


def _expected(row: dict[str, str]) -> tuple[str | None, ...]:
    actor = STATE[row["actor_iso3"]] if row["actor_iso3"] else ORGANISATION[row["actor_org"]]
    kind = KIND[row["stance"].replace("_", "-")]
    date = row["date"] or None
    as_of = row.get("date_type") == "as_of"
    return (str(actor), str(kind), None if as_of else date, date if as_of else None)


@pytest.mark.parametrize("name", SECOND_BATCH)
def test_every_row_is_one_stance_with_its_actor_kind_and_date(store: Store, name: str) -> None:
    rows = _rows(name)
    (instrument_id,) = {row["instrument_id"] for row in rows}
    found = _stances(store, instrument_id.replace("_", "-"))
    assert sum(found.values()) == len(rows)
    assert found == Counter(_expected(row) for row in rows)


def test_each_list_records_its_coverage(store: Store) -> None:
    found = {}
    for slug in COVERAGE:
        rows = store.query(
            f"SELECT ?complete ?asOf WHERE {{ OPTIONAL {{ <{INSTRUMENT[slug]}> gk:listComplete "
            f"?complete }} OPTIONAL {{ <{INSTRUMENT[slug]}> gk:listCompleteAsOf ?asOf }} }}"
        ).rows
        assert len(rows) == 1, slug
        found[slug] = (_value(rows[0][0]), _value(rows[0][1]))
    assert found == COVERAGE


def test_the_recoded_rows_say_what_their_notes_say(store: Store) -> None:
    def kinds(slug: str) -> dict[str, str]:
        rows = store.query(
            f"SELECT ?actor ?kind WHERE {{ ?s a gk:Stance ; gk:instrument <{INSTRUMENT[slug]}> ; "
            "gk:actor ?actor ; gk:stanceKind ?kind }"
        ).rows
        return {str(r[0].value).rsplit("/", 1)[1]: str(r[1].value).rsplit("/", 1)[1] for r in rows}

    assert set(kinds("intl-network-ai-safety-institutes").values()) == {"joined"}
    assert set(kinds("current-ai-partnership-2025").values()) == {"joined"}
    assert kinds("unga-res-79-1-pact-gdc") == {"RUS": "dissociated", "ARG": "dissociated"}
    assert set(kinds("unga-res-80-23").values()) == {"lead-sponsored"}
    assert kinds("unga-res-78-265") == {"USA": "lead-sponsored", "CHN": "co-sponsored"}
    res_78_311 = kinds("unga-res-78-311")
    assert res_78_311.pop("CHN") == "lead-sponsored"
    assert set(res_78_311.values()) == {"co-sponsored"} and len(res_78_311) == 19


def test_recoded_rows_keep_their_notes(store: Store) -> None:
    rows = _rows("unga_res_79_1_pact_gdc")
    comments = {
        r[0].value
        for r in store.query(
            "SELECT ?c WHERE { ?s gk:instrument instrument:unga-res-79-1-pact-gdc ; "
            "rdfs:comment ?c }"
        ).rows
    }
    assert comments == {row["note"] for row in rows}
    assert all("'declined' = dissociat" in row["note"] for row in rows)


def test_egypt_and_the_call_for_control_have_as_of_dates(store: Store) -> None:
    def dates(slug: str, actor: str) -> tuple[str | None, str | None]:
        (row,) = store.query(
            f"SELECT ?date ?asOf WHERE {{ ?s gk:instrument <{INSTRUMENT[slug]}> ; "
            f"gk:actor <{actor}> OPTIONAL {{ ?s dcterms:date ?date }} "
            "OPTIONAL { ?s gk:asOf ?asOf } }"
        ).rows
        return _value(row[0]), _value(row[1])

    assert dates("oecd-ai-recommendation", STATE["EGY"]) == (None, "2021-05")
    assert dates("oecd-ai-recommendation", STATE["KHM"]) == ("2026-05-15", None)
    assert dates("call-for-control-frontier-ai-2026", STATE["FIN"]) == (None, "2026-10-01")


def _claims(store: Store, about: str) -> list[tuple[str | None, ...]]:
    """(step, method, body, act date, as-of date, sources) of the lifecycle claims about one
    instrument, sorted; sources as a sorted '|'-joined list of their addresses or IRIs."""
    rows = store.query(
        "SELECT ?step ?method ?body ?date ?asOf "
        "(GROUP_CONCAT(DISTINCT COALESCE(STR(?url), STR(?src)); separator='|') AS ?sources) "
        f"WHERE {{ ?c a gk:LifecycleClaim ; gk:about <{INSTRUMENT[about]}> ; "
        "gk:lifecycleStep ?step ; prov:wasDerivedFrom ?src . "
        "OPTIONAL { ?c gk:adoptionMethod ?method } OPTIONAL { ?c gk:adoptedBy ?body } "
        "OPTIONAL { ?c dcterms:date ?date } OPTIONAL { ?c gk:asOf ?asOf } "
        "OPTIONAL { ?src schema:url ?url } } "
        "GROUP BY ?c ?step ?method ?body ?date ?asOf"
    ).rows
    found = []
    for row in rows:
        step, method, body, date, as_of, sources = (_value(term) for term in row)
        names = tuple(v.rsplit("/", 1)[1] if v else None for v in (step, method, body))
        found.append((*names, date, as_of, "|".join(sorted((sources or "").split("|")))))
    return sorted(found, key=str)


def test_unesco_recommendation_adopted_by_consensus_on_two_reported_days(store: Store) -> None:
    kind = store.query(
        "SELECT ?k WHERE { instrument:unesco-recommendation-ethics-ai-2021 a ?k }"
    ).rows
    assert {r[0].value.rsplit("#", 1)[1] for r in kind} >= {"Recommendation"}
    ifacca = (
        "https://www.ifacca.org/news/2025/08/04/reflections-ethical-use-artificial-intelligence/"
    )
    assert _claims(store, "unesco-recommendation-ethics-ai-2021") == [
        ("adopted", "consensus", "UNESCO-general-conference", "2021-11-24", None,
         f"https://ai-regulation.com/2021/12/10/|{ifacca}"),
        ("adopted", "consensus", "UNESCO-general-conference", "2021-11-25", None,
         "https://analyticsindiamag.com/ethics-of-ai-193-members-of-unesco-adopt-recommendations/"
         f"|{ifacca}"),
    ]  # fmt: skip
    unit = store.query(
        "SELECT ?o WHERE { organisation:UNESCO-general-conference org:unitOf ?o . "
        "?o a gk:InternationalOrganisation }"
    ).rows
    assert [r[0].value for r in unit] == [str(ORGANISATION["UNESCO"])]


def test_the_united_states_in_unesco_is_two_memberships(store: Store) -> None:
    rows = store.query(
        "SELECT ?m ?begin ?end ?comment WHERE { ?m a gk:Membership ; org:member state:USA ; "
        "org:organization organisation:UNESCO ; org:memberDuring ?i ; rdfs:comment ?comment ; "
        "prov:wasDerivedFrom ?src . "
        "OPTIONAL { ?i time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth) ?begin } "
        "OPTIONAL { ?i time:hasEnd/time:inXSDDate ?end } } "
        "GROUP BY ?m ?begin ?end ?comment ORDER BY ?end"
    ).rows
    found = [(r[0].value.rsplit("/", 1)[1], _value(r[1]), _value(r[2])) for r in rows]
    assert found == [
        ("usa-unesco-until-2018", None, "2018-12-31"),
        ("usa-unesco-2023", "2023-07", "2026-12-31"),
    ]
    assert "notified on 22 Jul 2025" in rows[1][3].value


def test_cets_225_entry_into_force_conflict_keeps_both_claims(store: Store) -> None:
    assert _claims(store, "coe-cets-225") == [
        ("entered-into-force", None, None, "2025-11-01", None, SOURCES_DOC),
        ("not-in-force", None, None, None, "2026-09-29", FIXPLANET),
    ]


def test_the_eu_signed_cets_225_and_then_approved_it(store: Store) -> None:
    rows = store.query(
        "SELECT ?kind ?date WHERE { ?s gk:instrument instrument:coe-cets-225 ; "
        "gk:actor organisation:EU ; gk:stanceKind ?kind ; dcterms:date ?date } ORDER BY ?date"
    ).rows
    assert [(r[0].value.rsplit("/", 1)[1], r[1].value) for r in rows] == [
        ("signed", "2024-09-05"),
        ("accepted-approved", "2026-05-15"),
    ]


def test_reported_counts_that_conflict_are_all_kept(store: Store) -> None:
    rows = store.query(
        "SELECT ?about ?counts ?value WHERE { ?c a gk:CountClaim ; gk:about ?about ; "
        "gk:counts ?counts ; gk:value ?value . FILTER(?about IN ("
        "instrument:oecd-ai-recommendation, instrument:current-ai-partnership-2025, "
        "instrument:frontier-ai-safety-commitments-2024)) }"
    ).rows
    found = sorted(
        (r[0].value.rsplit("/", 1)[1], r[1].value.rsplit("/", 1)[1], int(r[2].value)) for r in rows
    )
    assert found == [
        ("current-ai-partnership-2025", "members", 9),
        ("current-ai-partnership-2025", "members", 10),
        ("frontier-ai-safety-commitments-2024", "signatories", 16),
        ("oecd-ai-recommendation", "signatories", 42),
        ("oecd-ai-recommendation", "signatories", 46),
        ("oecd-ai-recommendation", "signatories", 47),
        ("oecd-ai-recommendation", "signatories", 51),
    ]


def test_the_shipped_project_validates_without_warnings(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--root", str(ROOT), "validate"])
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    assert re.fullmatch(r"Conforms: \d+ triples, 0 violation\(s\), 0 warning\(s\)", last), last


def test_the_sources_of_the_second_batch_are_in_data() -> None:
    """The curated records cite data/SOURCES-2026-12.md (gk:sourceFile): it is shipped."""
    text = (ROOT / "data" / "SOURCES-2026-12.md").read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("# Sources of the second batch of lists")
    assert all(f"{name}.csv" in text for name in SECOND_BATCH)
