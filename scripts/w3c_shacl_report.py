"""The W3C SHACL test suite's verdicts per engine: how many tests pass, are refused, are wrong,
and which are refused or wrong, with the reason (the table in tests/w3c-shacl/README.md).

    .venv/bin/python scripts/w3c_shacl_report.py [--engine sparql --engine pyshacl] [--cli]

--cli runs each test through ``govkg validate --data … --shapes … --format turtle`` (in-process)
instead of the library's ``validate_files``.  Exit 1 when the sparql engine is wrong on a test
(pySHACL, the referee, is wrong on two: see the README), else 0.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from w3c_shacl import (
    ENGINES,
    PASS,
    REFUSED,
    SUITE,
    WRONG,
    Timed,
    cases,
    run,
    run_cli,
    tally,
    timed_suite,
)


def table(runs: dict[str, Timed], total: int, via: str) -> str:
    """The counts per engine, then each engine's refused and wrong tests with their reasons."""
    lines = [
        f"W3C SHACL test suite: {total} tests ({SUITE.name}/: core and sparql), through {via}",
        "",
        f"{'engine':<10}{'pass':>6}{'refused':>9}{'wrong':>7}{'seconds':>9}",
    ]
    for engine, timed in runs.items():
        counts = tally(timed.verdicts)
        lines.append(
            f"{engine:<10}{counts[PASS]:>6}{counts[REFUSED]:>9}{counts[WRONG]:>7}"
            f"{timed.seconds:>9.1f}"
        )
    for engine, timed in runs.items():
        for outcome in (REFUSED, WRONG):
            listed = {i: v for i, v in timed.verdicts.items() if v.outcome == outcome}
            if listed:
                lines += ["", f"{engine}: {outcome} ({len(listed)})"]
                lines += [f"  {test_id}: {v.reason}" for test_id, v in listed.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", action="append", choices=ENGINES, help="default: all")
    parser.add_argument("--cli", action="store_true", help="through the CLI, not the library")
    args = parser.parse_args(argv)
    if args.cli and "pyrudof" in (args.engine or []):
        parser.error("pyrudof is not a govkg engine: run it without --cli")
    # pySHACL logs warnings on some of the suite's shapes (it resets its logger's level each run)
    logging.getLogger("pyshacl-validate").addFilter(lambda record: record.levelno >= logging.ERROR)
    tests = cases()
    via, how = (run_cli, "govkg validate --data") if args.cli else (run, "validate_files")
    engines = args.engine or [e for e in ENGINES if not (args.cli and e == "pyrudof")]
    runs = {engine: timed_suite(engine, tests, via) for engine in engines}
    print(table(runs, len(tests), how))
    return 1 if "sparql" in runs and tally(runs["sparql"].verdicts)[WRONG] else 0


if __name__ == "__main__":
    sys.exit(main())
