"""Parameter substitution in query text judged on the W3C SPARQL 1.1 query tests (issue 15):
how many cases pass, are refused, invalid, different or not applicable, and each invalid and
different case in full, refusals grouped by message (tests/w3c-sparql/README.md).

    .venv/bin/python scripts/w3c_sparql_report.py [--substitute FILE]

--substitute FILE judges the ``substitute`` function of another module file (for instance an
older version: ``git show HEAD:src/govkg/store/substitute.py > /tmp/old.py``) instead of
``govkg.store.substitute.substitute``.  Exit 1 when a case is invalid or different, else 0.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import textwrap
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from w3c_sparql import (
    DIFFERENT,
    DOUBT,
    INVALID,
    NOT_APPLICABLE,
    OUTCOMES,
    REFUSED,
    SUITE,
    Outcome,
    Substitute,
    Summary,
    govkg_substitute,
    run_suite,
)


def table(summary: Summary, source: str) -> list[str]:
    """The counts per outcome."""
    counts = summary.counts()
    lines = [
        f"W3C SPARQL 1.1 query tests ({SUITE.name}/): {summary.tests} tests, "
        f"{len(summary.outcomes)} cases (test x variable x value), {summary.seconds:.1f} s",
        f"substitute: {source}",
        "",
        f"{'outcome':<16}{'cases':>7}",
    ]
    lines += [f"{outcome:<16}{counts[outcome]:>7}" for outcome in OUTCOMES]
    return lines


def detail(outcome: Outcome) -> list[str]:
    """One invalid or different case: what was asked, the text sent, both answers."""
    case = outcome.case
    lines = [f"- {case.test}  ?{case.variable} = {case.value}", f"  {outcome.message}"]
    if outcome.substituted is not None:
        lines += ["  substituted:", textwrap.indent(outcome.substituted.strip(), "    | ")]
    if outcome.reference is not None:
        lines.append(f"  reference (pre-binding): {outcome.reference.short()}")
    if outcome.candidate is not None:
        lines.append(f"  candidate (text):        {outcome.candidate.short()}")
    return lines


def grouped(outcomes: list[Outcome]) -> list[str]:
    """Messages with the value and variable written generically, most frequent first, each
    with its count and one case."""
    groups: Counter[str] = Counter()
    example: dict[str, Outcome] = {}
    for outcome in outcomes:
        key = generic(outcome)
        groups[key] += 1
        example.setdefault(key, outcome)
    return [
        f"  {count:>5}  {key}  (e.g. {example[key].case.test} ?{example[key].case.variable})"
        for key, count in groups.most_common()
    ]


def generic(outcome: Outcome) -> str:
    """The message with the case's value written VALUE and its variable ?VAR (a message about
    the whole test, as when Oxigraph fails it, is kept whole, with the test's name)."""
    if outcome.message.startswith(DOUBT):
        return f"{outcome.case.test}: {outcome.message}"
    message = outcome.message.replace(str(outcome.case.value), "VALUE")
    for prefix in "?$":
        message = message.replace(f"{prefix}{outcome.case.variable}", "?VAR")
    return message


def report(summary: Summary, source: str) -> str:
    lines = table(summary, source)
    for outcome in (INVALID, DIFFERENT):
        listed = summary.of(outcome)
        if listed:
            lines += ["", f"{outcome} ({len(listed)}):"]
            for item in listed:
                lines += detail(item)
    for outcome in (REFUSED, NOT_APPLICABLE):
        listed = summary.of(outcome)
        if listed:
            lines += ["", f"{outcome} ({len(listed)}), by message:", *grouped(listed)]
    return "\n".join(lines)


def load_substitute(path: Path) -> Substitute:
    """The ``substitute`` function of a Python file."""
    spec = importlib.util.spec_from_file_location("substitute_under_test", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"Error: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    function: Substitute = module.substitute
    return function


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--substitute", type=Path, help="a file defining substitute(text, map)")
    args = parser.parse_args(argv)
    if args.substitute:
        function, source = load_substitute(args.substitute), str(args.substitute)
    else:
        function, source = govkg_substitute, "govkg.store.substitute.substitute"
    summary = run_suite(function)
    print(report(summary, source))
    counts = summary.counts()
    return 1 if counts[INVALID] or counts[DIFFERENT] else 0


if __name__ == "__main__":
    sys.exit(main())
