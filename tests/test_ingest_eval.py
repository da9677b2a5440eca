"""Ingest's measured quality: the gold of the five source articles (the facts the graph holds
with each as a source), the scorer on hand-made candidates, and bench/ingest_eval.py on the real
pipeline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from paths import ROOT

from govkg.ingest.gold import Gold, gold_for
from govkg.ingest.model import Candidate, Selector
from govkg.ingest.score import (
    dates_fit,
    overlap,
    role_fits,
    score_article,
    score_kind,
    stance_kind,
    tokens,
)
from govkg.namespaces import data_namespace
from govkg.store import Store

SOURCES = ROOT / "data" / "sources"  # copies of ../shared/sources
ARTICLES = sorted(SOURCES.glob("*.txt"))
STATE = data_namespace("state")
INSTRUMENT = data_namespace("instrument")
EVENT = data_namespace("event")
PERSON = data_namespace("person")
REAIM_2026 = str(INSTRUMENT["reaim-2026-pathways-to-action"])
SIGNED_REAIM_2026 = ("CAN", "DEU", "FRA", "GBR", "KOR", "NLD", "UKR")


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def gold_000(store: Store) -> Gold:
    return gold_for(store, SOURCES / "000_5096008864bef671.txt")


# ------------------------------------------------------------------------------------------ gold


def test_gold_of_000_is_what_the_article_says(gold_000: Gold) -> None:
    """000: the US and China declined REAIM 2026's Pathways to Action, seven named states signed;
    "about 60 countries ... including the US" endorsed the 2023 and 2024 texts; 35 of 85."""
    assert gold_000.source.endswith("/source/news-2026-02-05-us-china-refuse-reaim")
    stances = {(_local(s.actor), _local(s.target), s.kind) for s in gold_000.stance}
    assert stances == {
        ("USA", "reaim-2026-pathways-to-action", "declined"),
        ("CHN", "reaim-2026-pathways-to-action", "declined"),
        *((code, "reaim-2026-pathways-to-action", "signed") for code in SIGNED_REAIM_2026),
        ("USA", "reaim-2023-call-to-action", "endorsed"),
        ("USA", "reaim-2024-blueprint-for-action", "endorsed"),
    }
    counts = {(_local(c.target), c.counted, c.value, c.out_of, c.precision) for c in gold_000.count}
    assert counts == {
        ("reaim-2026-pathways-to-action", "signatories", 35, 85, "exact"),
        ("reaim-2026", "attendees", 85, None, "exact"),
        ("reaim-2023-call-to-action", "signatories", 60, None, "approximate"),
        ("reaim-2024-blueprint-for-action", "signatories", 60, None, "approximate"),
    }
    attended = {_local(a.actor) for a in gold_000.attendance}
    assert attended == {*SIGNED_REAIM_2026, "USA", "CHN", "ESP"}  # Spain hosted
    assert {_local(a.event) for a in gold_000.attendance} == {"reaim-2026"}
    [quote] = gold_000.quote
    assert (_local(quote.speaker), _local(quote.on_behalf_of), quote.date) == (
        "ruben-brekelmans",
        "NLD",
        "2026-02-05",
    )
    assert quote.text.startswith("Russia and China are moving very fast.")
    assert {_local(p.speaker) for p in gold_000.position} == {"ruben-brekelmans", "yasmin-afina"}
    assert gold_000.meeting == ()


def test_gold_of_002_is_what_the_article_says(store: Store) -> None:
    gold = gold_for(store, "002_69807bf796fa8be6.txt")  # a file name is enough
    assert {(_local(s.actor), s.kind) for s in gold.stance} == {
        ("USA", "declined"), ("GBR", "declined"), ("CHN", "signed"), ("EU", "signed"),
    }  # fmt: skip
    assert {_local(s.target) for s in gold.stance} == {"paris-statement-2025"}
    [count] = gold.count  # "over 60 countries"
    assert (count.value, count.out_of, count.precision) == (60, None, "lower-bound")
    assert {(_local(q.speaker), _local(q.on_behalf_of)) for q in gold.quote} == {
        ("jd-vance", "USA"), ("andrew-dudfield", "full-fact"),
    }  # fmt: skip
    assert {_local(a.actor) for a in gold.attendance} == {"FRA", "USA"}


def test_gold_of_004_holds_the_us_china_meetings_and_dialogues(store: Store) -> None:
    gold = gold_for(store, SOURCES / "004_20eb66d04178983a.txt")
    both = (str(STATE["CHN"]), str(STATE["USA"]))
    assert {(_local(m.fact), m.what, m.parties, m.start, m.end, m.place) for m in gold.meeting} == {
        ("trump-xi-beijing-2026", "meeting", both, "2026-05-14", "2026-05-15", "Beijing"),
        ("biden-xi-lima-2024", "meeting", both, "2024-11-16", "2024-11-16", "Lima"),
        ("us-china-ai-2026", "dialogue", both, "2026-05", "2026-05", ""),  # its agreement's date
        ("us-china-ai-2024", "dialogue", both, "2024-05-14", "2024-05-14", ""),  # its meeting's
    }
    assert {(_local(s.actor), _local(s.target), s.kind) for s in gold.stance} == {
        (code, target, "participated")
        for code in ("USA", "CHN")
        for target in ("us-china-ai-dialogue-agreement-2026", "biden-xi-lima-nuclear-ai-2024")
    }
    assert {_local(q.speaker) for q in gold.quote} == {
        "guo-jiakun",
        "scott-bessent",
        "sun-chenghao",
    }
    assert len(gold.quote) == 6
    assert gold.count == () and gold.attendance == ()


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name[:3])
def test_every_gold_quote_is_in_its_article(store: Store, path: Path) -> None:
    """The gold is the article's: each quotation's words are a run of the article's words."""
    gold = gold_for(store, path)
    assert gold.source and gold.quote
    article = " " + " ".join(tokens(path.read_text(encoding="utf-8"))) + " "
    for quote in gold.quote:
        assert " " + " ".join(tokens(quote.text)) + " " in article, quote.fact


def test_an_article_the_graph_does_not_hold_has_empty_gold(store: Store) -> None:
    assert gold_for(store, "999_unknown.txt") == Gold(file="999_unknown.txt", source="")


# ---------------------------------------------------------------------------------------- scorer


def _candidate(kind: str, hedged: bool = False, **fields: str) -> Candidate:
    return Candidate(
        id=f"{kind}-{sorted(fields.items())}",
        kind=kind,
        selector=Selector(exact="x", prefix="", suffix="", start=0, end=1),
        fields=fields,
        hedged=hedged,
    )


def _perfect(gold: Gold) -> list[Candidate]:
    """The candidates an ideal extractor would propose for ``gold``."""
    out = [
        _candidate(
            "stance",
            actor=s.actor,
            target=s.target,
            stance_kind=s.kind,
            negated="true" if s.kind in ("declined", "did-not-sign") else "false",
        )
        for s in gold.stance
    ]
    out += [_candidate("attendance", actor=a.actor, event=a.event) for a in gold.attendance]
    out += [
        _candidate(
            "count",
            target=c.target,
            counted=c.counted,
            value=str(c.value),
            out_of="" if c.out_of is None else str(c.out_of),
            precision=c.precision,
        )
        for c in gold.count
    ]
    out += [
        _candidate(
            "quote", speaker=q.speaker, text=q.text, on_behalf_of=q.on_behalf_of, date=q.date,
            role=_stated_role(q.role),
        )
        for q in gold.quote
    ]  # fmt: skip
    out += [
        _candidate(
            "meeting", parties=" ".join(m.parties), what=m.what, date=m.start,
            end="" if m.end == m.start else m.end, place=m.place,
        )
        for m in gold.meeting
    ]  # fmt: skip
    out += [
        _candidate(
            "event", name=e.fact, start=e.start,
            end="" if e.end == e.start else e.end, place=e.place, host=e.host,
        )
        for e in gold.event
    ]  # fmt: skip
    return out


def _stated_role(label: str) -> str:
    """The role an article would state for a role holding labelled "Name, post"."""
    post = label.split(",", 1)[-1].strip()
    return "" if "title not given" in post else post


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name[:3])
def test_perfect_candidates_score_one(store: Store, path: Path) -> None:
    gold = gold_for(store, path)
    score = score_article(gold, _perfect(gold))
    for kind in ("stance", "attendance", "count", "quote", "meeting", "event"):
        s = score.kinds[kind]
        assert (s.matched, s.proposed, s.misses, s.false_positives) == (s.gold, s.gold, (), ())
        assert s.recall == (1.0 if s.gold else None) and s.precision == s.recall
        assert all(right == paired for right, paired in s.checks.values()), (kind, s.checks)
        assert s.meets() in (True, None)
    assert score.kinds["position"].gold == len(gold.position)


def test_a_wrong_kind_matches_with_the_kind_wrong(gold_000: Gold) -> None:
    candidates = [
        _candidate("stance", actor=str(STATE["CHN"]), target=REAIM_2026, stance_kind="signed"),
        _candidate(
            "stance",
            actor=str(STATE["USA"]),
            target=REAIM_2026,
            stance_kind="declined",
            negated="true",
        ),
    ]
    s = score_kind("stance", gold_000.stance, candidates)
    assert (s.matched, s.proposed, s.recall, s.precision) == (2, 2, 2 / 11, 1.0)
    assert s.checks["kind"] == (1, 2) and s.checks["negation"] == (1, 2)
    assert s.checks["actor"] == (2, 2) and s.checks["target"] == (2, 2)


def test_negation_is_read_did_not_sign_is_not_declined(gold_000: Gold) -> None:
    usa = str(STATE["USA"])
    negated_signed = _candidate(
        "stance", actor=usa, target=REAIM_2026, stance_kind="signed", negated="true"
    )
    assert stance_kind(negated_signed) == "did-not-sign"
    s = score_kind("stance", gold_000.stance, [negated_signed])
    assert s.matched == 1 and s.checks["kind"] == (0, 1) and s.checks["negation"] == (1, 1)


def test_a_hedged_candidate_is_not_a_proposal(gold_000: Gold) -> None:
    perfect = [c for c in _perfect(gold_000) if c.kind == "stance"]
    hedged = _candidate(
        "stance", hedged=True, actor=str(STATE["RUS"]), target=REAIM_2026, stance_kind="signed"
    )
    s = score_kind("stance", gold_000.stance, [*perfect, hedged])
    assert (s.proposed, s.matched, s.precision, s.hedged, s.false_positives) == (11, 11, 1.0, 1, ())
    assert len(s.hedged_list) == 1 and "actor=state:RUS" in s.hedged_list[0]


def test_a_false_positive_lowers_precision_and_is_listed(gold_000: Gold) -> None:
    perfect = [c for c in _perfect(gold_000) if c.kind == "stance"]
    wrong = _candidate("stance", actor=str(STATE["RUS"]), target=REAIM_2026, stance_kind="signed")
    s = score_kind("stance", gold_000.stance, [*perfect, perfect[0], wrong])  # and a repeat
    assert (s.proposed, s.matched, s.repeats, s.recall) == (12, 11, 1, 1.0)
    assert s.precision == 11 / 12 and s.meets() is True
    [listed] = s.false_positives
    assert listed.startswith("stance actor=state:RUS; target=instrument:reaim-2026-pathways-to-")


def test_a_near_miss_tells_which_part_is_wrong(gold_000: Gold) -> None:
    """The US "endorsed" REAIM 2026 (it endorsed the 2024 Blueprint): actor right, target wrong."""
    only = _candidate("stance", actor=str(STATE["USA"]), target=REAIM_2026, stance_kind="endorsed")
    s = score_kind("stance", [g for g in gold_000.stance if "2024" in g.target], [only])
    assert (s.matched, s.checks["actor"], s.checks["target"]) == (0, (1, 1), (0, 1))
    assert s.misses[0].endswith("(wrong: target)")


def test_a_quote_matches_on_speaker_and_most_of_its_words(gold_000: Gold) -> None:
    [gold] = gold_000.quote
    longer = gold.text + " Brekelmans said"  # a boundary one word off each way still matches
    mine = _candidate("quote", speaker=gold.speaker, text=longer, date="2026-02-05")
    other = _candidate("quote", speaker=str(PERSON["yasmin-afina"]), text=gold.text)
    assert score_kind("quote", gold_000.quote, [mine]).matched == 1
    s = score_kind("quote", gold_000.quote, [other])
    assert (s.matched, s.checks["actor"], s.precision) == (0, (0, 1), 0.0)
    half = _candidate("quote", speaker=gold.speaker, text=gold.text[: len(gold.text) // 2])
    assert score_kind("quote", gold_000.quote, [half]).matched == 0


def test_a_count_matches_on_target_and_value_and_checks_the_rest(gold_000: Gold) -> None:
    loose = _candidate("count", target=REAIM_2026, counted="signatories", value="35",
                       precision="approximate")  # fmt: skip
    s = score_kind("count", gold_000.count, [loose])
    assert s.matched == 1 and s.checks["out_of"] == (0, 1) and s.checks["precision"] == (0, 1)
    assert s.checks["kind"] == (1, 1)


def test_a_meeting_matches_on_parties_and_a_compatible_date(store: Store) -> None:
    gold = gold_for(store, SOURCES / "004_20eb66d04178983a.txt")
    parties = f"{STATE['USA']} {STATE['CHN']}"
    dated = _candidate("meeting", parties=parties, date="2026-05-15", place="Beijing")
    undated = _candidate("meeting", parties=parties, date="", place="Beijing")
    s = score_kind("meeting", gold.meeting, [dated])
    assert (s.matched, s.checks["place"], s.checks["date"]) == (1, (1, 1), (1, 1))
    s = score_kind("meeting", gold.meeting, [undated])
    assert (s.matched, s.proposed, s.checks["date"]) == (0, 1, (0, 1))


def test_dates_fit_to_the_less_precise_and_overlap_is_symmetric() -> None:
    assert dates_fit("2026-05", "2026-05-14", "2026-05-15")
    assert dates_fit("2026-05-15", "2026-05-14", "2026-05-15")
    assert not dates_fit("2026-05-19", "2026-05-14", "2026-05-15")
    assert dates_fit("2025-02-11", "2025-02") and not dates_fit("", "2025-02")
    assert overlap("We need these rules,", "“We need these rules”") == 1.0
    assert overlap("a b c d", "a b c d e") == 0.8 == overlap("a b c d e", "a b c d")


def test_gold_events_are_the_summits_an_article_is_a_source_of(store: Store) -> None:
    """Events derived from the article's source record; bilateral meetings are meetings."""
    gold = gold_for(store, "002_69807bf796fa8be6.txt")
    [event] = gold.event
    assert (_local(event.fact), event.start, event.end, event.place, _local(event.host)) == (
        "paris-ai-action-summit-2025", "2025-02-10", "2025-02-11", "Paris", "FRA",
    )  # fmt: skip
    assert gold_for(store, "004_20eb66d04178983a.txt").event == ()
    reaim = {_local(e.fact) for e in gold_for(store, "000_5096008864bef671.txt").event}
    assert reaim == {"reaim-2023", "reaim-2024", "reaim-2026"}


def test_an_event_matches_on_its_iri_and_checks_dates_place_and_host(store: Store) -> None:
    gold = gold_for(store, "002_69807bf796fa8be6.txt").event
    paris = str(EVENT["paris-ai-action-summit-2025"])
    right = _candidate("event", name=paris, start="2025-02-11",
                       place="Paris", host=str(STATE["FRA"]))  # fmt: skip
    s = score_kind("event", gold, [right])
    assert (s.matched, s.precision, s.checks["date"], s.checks["host"]) == (1, 1.0, (1, 1), (1, 1))
    wrong = _candidate("event", name=paris, start="2025-03-01", place="")
    s = score_kind("event", gold, [wrong])
    assert (s.matched, s.checks["date"], s.checks["place"]) == (1, (0, 1), (0, 1))
    new = _candidate("event", name="AI Action Summit", start="2025-02-10")
    s = score_kind("event", gold, [new])  # a new event named as the graph's is: near, not matched
    assert (s.matched, s.proposed, s.checks["target"]) == (0, 1, (0, 1))


def test_a_meeting_range_fits_when_it_overlaps_and_what_is_its_kind(store: Store) -> None:
    gold = gold_for(store, SOURCES / "004_20eb66d04178983a.txt")
    parties = f"{STATE['USA']} {STATE['CHN']}"
    week = _candidate("meeting", parties=parties, what="meeting", date="2026-05-11",
                      end="2026-05-17", place="Beijing")  # fmt: skip
    s = score_kind("meeting", gold.meeting, [week])
    assert (s.matched, s.checks["kind"], s.checks["place"]) == (1, (1, 1), (1, 1))
    later = _candidate("meeting", parties=parties, what="meeting", date="2026-05-16",
                       end="2026-05-17", place="Beijing")  # fmt: skip
    s = score_kind("meeting", gold.meeting, [later])  # fits the dialogue's "2026-05" only
    assert (s.matched, s.checks["kind"]) == (1, (0, 1))
    assert dates_fit("2026-05-11", "2026-05-14", "2026-05-15", "2026-05-17")
    assert not dates_fit("2026-05-16", "2026-05-14", "2026-05-15", "2026-05-17")
    assert dates_fit("2024", "2024-11-16") and not dates_fit("2023-11", "2024-11-16")


def test_a_role_as_stated_fits_the_role_holding_label() -> None:
    label = "Pat Example, Minister of Defence of the Netherlands"
    assert role_fits(label, "Dutch Defense Minister") is True
    assert role_fits(label, "Dutch") is False and role_fits(label, "") is False
    assert role_fits("", "Minister") is None
    assert role_fits("Sam Example, Examplecorp (title not given)", "") is True
    assert role_fits("Sam Example, Examplecorp (title not given)", "chief executive") is False


# ------------------------------------------------------------------------- the real pipeline


def test_the_benchmark_scores_the_real_pipeline_on_the_five_articles(tmp_path: Path) -> None:
    """bench/ingest_eval.py on the five articles, as measured on 4 Dec 2026: stances, quotes,
    counts and meetings meet the issue's targets (meetings: all four gold meetings and dialogues
    matched by four proposals, dates and meeting/dialogue right; counts: all eleven); events (no
    target) 8 of 10, with no false positive; attendance (no target; stated or inferred from hosts,
    acts placed at the event, signatories counted among attendees and speeches there) 24 of 25
    with one false positive (the UK, which 002 says refused to sign "at the Paris summit", an
    attendance the graph does not draw from 002).  Floors, so an improvement passes."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import ingest_eval
    finally:
        sys.path.remove(str(ROOT / "bench"))
    out = tmp_path / "scores.json"
    assert ingest_eval.main(["--brief", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["errors"] == [] and len(data["articles"]) == 5
    overall = data["overall"]
    gold = {kind: overall[kind]["gold"] for kind in overall}
    assert gold == {"stance": 37, "attendance": 25, "count": 11, "quote": 22, "meeting": 4,
                    "event": 10, "position": 12}  # fmt: skip
    floors = {  # kind: (matched, recall, precision) today
        "stance": (37, 1.0, 0.94),  # target 0.9 / 0.8: met
        "quote": (22, 1.0, 1.0),  # target 0.9 / 0.8: met
        "count": (11, 1.0, 1.0),  # target 0.8 / 0.8: met (attendees counted of the event)
        "meeting": (4, 1.0, 1.0),  # target 0.8 / 0.8: met
        "event": (8, 0.8, 1.0),  # no target
        "attendance": (24, 0.96, 0.96),  # no target; precision matters more than recall
    }
    for kind, (matched, recall, precision) in floors.items():
        s = overall[kind]
        assert s["matched"] >= matched, kind
        assert s["recall"] >= recall and s["precision"] >= precision, (kind, s)
    for kind in ("stance", "quote", "count", "meeting"):
        assert overall[kind]["target_met"] is True, kind
    assert overall["event"]["target_met"] is None
    assert overall["attendance"]["target_met"] is None
    for article in data["articles"]:  # each article's too (002 lowest: 2 of 3)
        precision = article["kinds"]["attendance"]["precision"]
        assert precision is None or precision >= 0.6, article["file"]
    checks = overall["meeting"]["checks"]  # each matched meeting's date and kind right
    assert checks["date"] == [4, 4] and checks["kind"] == [4, 4]
    right, paired = overall["quote"]["checks"]["role"]
    assert (right, paired) == (22, 22)
    right, paired = overall["quote"]["checks"]["date"]
    assert paired == 22 and right >= 20
