"""``govkg ingest``'s proposals scored against the facts the graph already holds about an article.

For each article (by default the five in ``data/sources/``), the candidates proposed by
``govkg.ingest.pipeline.propose`` on the shipped graph are scored against the gold: the stances,
attendance, count claims, quotations, reported positions, bilateral meetings or dialogues and
events (summits; bilateral meetings are meetings) whose source record has the article's file name
as ``gk:sourceFile`` (``govkg.ingest.gold``; matching rules in ``govkg.ingest.score``).  A table
per article and overall per kind: gold, proposed, matched, recall, precision, and how many of the
paired proposals have the actor, target, kind and negation right; then the misses and false
positives for a curator to read.  Targets from issue 20: recall >= 0.9 of stances and quotes,
>= 0.8 of counts and meetings; precision >= 0.8 (attendance and events have none).  Always exits
0 (a benchmark reports; tests/test_ingest_eval.py asserts).

    .venv/bin/python bench/ingest_eval.py [ARTICLE ...] [--brief] [--json FILE|-]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from govkg.ingest.gold import gold_for
from govkg.ingest.pipeline import propose
from govkg.ingest.score import (
    CHECKS,
    SCORED,
    TARGETS,
    ArticleScore,
    KindScore,
    overall,
    score_article,
)
from govkg.load import open_project
from govkg.namespaces import compact
from govkg.store import Store

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "data" / "sources"  # copies of ../shared/sources
SHOWN = (*SCORED, "position")


def evaluate(store: Store, paths: list[Path]) -> tuple[list[ArticleScore], list[str]]:
    """Each article's scores, and a line for each article the pipeline failed on."""
    scores, errors = [], []
    for path in paths:
        try:
            _, candidates = propose(store, path)
        except Exception as error:  # a benchmark reports a failure and goes on
            last = traceback.format_exception_only(error)[-1].strip()
            errors.append(f"{path.name}: propose failed: {last}")
            continue
        scores.append(score_article(gold_for(store, path), candidates))
    return scores, errors


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _check(score: KindScore, name: str) -> str:
    right, paired = score.checks.get(name, (0, 0))
    return f"{right}/{paired}" if paired else "-"


def _verdict(score: KindScore) -> str:
    met = score.meets()
    if met is None:
        return "-" if score.kind in TARGETS else "(no target)"
    recall, precision = TARGETS[score.kind]
    return "met" if met else f"NOT MET (recall >= {recall}, precision >= {precision})"


def table(scores: dict[str, KindScore]) -> list[str]:
    header = f"  {'kind':<11}{'gold':>5}{'prop':>6}{'match':>7}{'recall':>8}{'prec':>6}"
    header += "".join(f"{name:>10}" for name in CHECKS) + f"{'hedged':>8}  target"
    lines = [header]
    for kind in SHOWN:
        s = scores[kind]
        line = f"  {kind:<11}{s.gold:>5}{s.proposed:>6}{s.matched:>7}"
        line += f"{_ratio(s.recall):>8}{_ratio(s.precision):>6}"
        line += "".join(f"{_check(s, name):>10}" for name in CHECKS)
        other = ", ".join(f"{n} {_check(s, n)}" for n in s.checks if n not in CHECKS)
        lines.append(line + f"{s.hedged:>8}  {_verdict(s)}" + (f"  [{other}]" if other else ""))
    return lines


def lists(scores: dict[str, KindScore]) -> list[str]:
    lines = []
    for title, name in (
        ("misses", "misses"),
        ("false positives", "false_positives"),
        ("hedged", "hedged_list"),
    ):
        items = [(k, x) for k in SHOWN for x in getattr(scores[k], name)]
        if items:
            lines.append(f"  {title}:")
            lines += [f"    {kind}: {item}" for kind, item in items]
    return lines


LEGEND = (
    "columns actor .. negation: right/paired over the proposals paired with a gold fact (matched "
    "or near);\n  actor: a stance's or attendance's actor, a quote's speaker, a meeting's parties; "
    "target: the instrument or event,\n  a quote's on-behalf-of; kind: a stance's kind, what a "
    "count counts, meeting or dialogue; negation: a stance's\n  negation flag; [other checks]: a "
    "count's out-of and precision, a quote's date and role as stated,\n  a meeting's date and "
    "place, an event's dates, place and host"
)


def report(articles: list[ArticleScore], brief: bool) -> None:
    print(LEGEND)
    for article in articles:
        source = compact(article.source) if article.source else "no source record in the graph"
        print(f"\n{article.file} ({source})")
        print("\n".join(table(article.kinds)))
        if article.unscored:
            print(
                "  unscored candidates: "
                + ", ".join(f"{k} {n}" for k, n in article.unscored.items())
            )
        if not brief:
            print("\n".join(lists(article.kinds)))
    if articles:
        print(f"\noverall ({len(articles)} articles)")
        print("\n".join(table(overall(articles))))


def as_json(articles: list[ArticleScore], errors: list[str]) -> dict[str, Any]:
    return {
        "targets": {kind: {"recall": r, "precision": p} for kind, (r, p) in TARGETS.items()},
        "articles": [
            {
                "file": a.file,
                "source": a.source,
                "unscored": a.unscored,
                "kinds": {k: s.as_dict() for k, s in a.kinds.items()},
            }
            for a in articles
        ],
        "overall": {k: s.as_dict() for k, s in overall(articles).items()} if articles else {},
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="*", type=Path, help="default: data/sources/*.txt")
    parser.add_argument("--brief", action="store_true", help="tables only, no lists")
    parser.add_argument("--json", help="write the scores as JSON to FILE ('-': stdout)")
    args = parser.parse_args(argv)
    paths = args.articles or sorted(SOURCES.glob("*.txt"))
    started = time.perf_counter()
    _, store = open_project(ROOT)
    articles, errors = evaluate(store, paths)
    if args.json == "-":
        print(json.dumps(as_json(articles, errors), indent=2))
        return 0
    report(articles, args.brief)
    for error in errors:
        print(f"\nerror: {error}")
    if args.json:
        Path(args.json).write_text(json.dumps(as_json(articles, errors), indent=2) + "\n")
    print(f"\n{len(paths)} articles in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
