"""bench/serve_bench.py measures govkg's three server modes (``govkg serve`` with its pages, with
them on demand, and ``govkg serve --sparql-only``) against Oxigraph's server, and bench/run.py
turns its summary into one lookup target row per mode: the summary's keys, the skipped page
kinds, the verdicts."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from typing import Any

import pytest
from paths import ROOT

BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import serve_bench  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
assert _spec and _spec.loader
# bench/run.py under a name of its own ("run" is too common a module name to import as is)
bench_run = sys.modules["bench_run"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_run)


def result(rps: float, pss_mb: float, errors: int = 0) -> dict[str, Any]:
    """One load's numbers, as serve_bench.load returns them."""
    return {
        "rps": rps,
        "p50_ms": 1000 * 16 / rps,
        "p99_ms": 2000 * 16 / rps,
        "server_cpu_ms_per_request": 1000 / rps,
        "rss_mb": pss_mb * 1.5,
        "pss_mb": pss_mb,
        "processes": 2,
        "errors": errors,
        "load_generator": "ab -n 3000 -c 16",
    }


def three_servers(govkg: float, endpoint: float, oxigraph: float) -> list[dict[str, Any]]:
    """Two rounds of lookup and page loads: lookup req/s as given (the second round 10 more;
    govkg with its pages on demand as the endpoint alone), PSS 200 MB (govkg), 80 MB (pages on
    demand), 60 MB (endpoint), 20 MB (oxigraph); pages on govkg only."""
    rounds = []
    for more in (0, 10):
        rounds.append(
            {
                "govkg": {
                    "lookup": result(govkg + more, 200),
                    "page": result(100 + more, 220),
                    "peak_mb": 300.0,
                },
                "govkg-on-demand": {"lookup": result(endpoint + more, 80), "peak_mb": 90.0},
                "govkg-endpoint": {"lookup": result(endpoint + more, 60), "peak_mb": 80.0},
                "oxigraph": {"lookup": result(oxigraph + more, 20), "peak_mb": 30.0},
            }
        )
    return rounds


def test_servers_are_chosen_by_name_in_a_fixed_order() -> None:
    assert serve_bench.server_names("oxigraph, govkg-endpoint") == ["govkg-endpoint", "oxigraph"]
    assert serve_bench.server_names("govkg,govkg-endpoint,oxigraph") == [
        "govkg",
        "govkg-endpoint",
        "oxigraph",
    ]
    every = "oxigraph,govkg-endpoint,govkg-on-demand,govkg"
    assert serve_bench.server_names(every) == list(serve_bench.SERVERS)
    with pytest.raises(argparse.ArgumentTypeError, match="virtuoso"):
        serve_bench.server_names("govkg,virtuoso")
    with pytest.raises(argparse.ArgumentTypeError):
        serve_bench.server_names(",")


def test_only_the_full_server_is_given_the_page_kinds() -> None:
    kinds = ["lookup", "page", "ask", "listing"]
    assert serve_bench.skipped(list(serve_bench.SERVERS), kinds) == {
        "govkg-on-demand": ["page", "listing"],  # measured before a page starts its pages
        "govkg-endpoint": ["page", "listing"],
        "oxigraph": ["page", "listing"],
    }
    assert serve_bench.skipped(["govkg"], kinds) == {}
    assert [k for k in kinds if serve_bench.answers("govkg-endpoint", k)] == ["lookup", "ask"]


def test_the_summary_keeps_the_full_servers_keys_and_adds_the_endpoints() -> None:
    answers = {"govkg": {"lookup": "54 rows"}, "govkg-endpoint": {"lookup": "54 rows"}}
    summary = serve_bench.summarise(
        three_servers(400, 900, 1000), ["lookup", "page"], answers, serve_bench.SERVERS
    )
    lookup = summary["lookup"]
    assert lookup["govkg"]["rps"] == 405 and lookup["govkg-endpoint"]["rps"] == 905
    assert lookup["govkg-endpoint"]["answer"] == "54 rows"
    assert lookup["ratio"] == pytest.approx(1005 / 405)
    assert lookup["memory_ratio"] == pytest.approx(10.0)
    assert lookup["rss_ratio"] == pytest.approx(10.0)
    assert lookup["endpoint_ratio"] == pytest.approx(1005 / 905)
    assert lookup["endpoint_memory_ratio"] == pytest.approx(3.0)
    assert lookup["endpoint_rss_ratio"] == pytest.approx(3.0)
    # pages: the full server alone, so no ratio at all
    assert set(summary["page"]) == {"govkg"}


def test_without_the_endpoint_the_summary_is_as_before() -> None:
    modes = ("govkg-endpoint", "govkg-on-demand")
    rounds = [{k: v for k, v in r.items() if k not in modes} for r in three_servers(1, 2, 3)]
    summary = serve_bench.summarise(rounds, ["lookup"], {}, ["govkg", "oxigraph"])
    assert set(summary["lookup"]) == {"govkg", "oxigraph", "ratio", "memory_ratio", "rss_ratio"}


def serve_step(govkg: float, endpoint: float, oxigraph: float) -> dict[str, Any]:
    """run.py's record of a serve step at 100x1000 whose summary is serve_bench's."""
    kinds = ["lookup", "page"]
    rounds = three_servers(govkg, endpoint, oxigraph)
    row = {
        "actors": 100,
        "instruments": 1000,
        "summary": serve_bench.summarise(rounds, kinds, {}, serve_bench.SERVERS),
        "load_generator": "ab -n 3000 -c 16",
    }
    return {"serve": {"exit": 0, "seconds": 60.0, "results": {"graphs": [row]}}}


def lookup_rows(steps: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        name: (text, verdict)
        for name, size, text, verdict in bench_run.target_table(steps)
        if name.startswith("/sparql lookup") and size == "100x1000"
    }


def test_each_mode_has_its_lookup_target_row() -> None:
    rows = lookup_rows(serve_step(400, 900, 1000))
    assert rows == {
        "/sparql lookup within 1.25x, memory 4x (govkg serve, with pages)": (
            "2.48x oxigraph serve's req/s, 10.0x its memory (PSS)",
            "NOT MET",
        ),
        "/sparql lookup within 1.25x, memory 4x (govkg serve --pages-on-demand)": (
            "1.11x oxigraph serve's req/s, 4.0x its memory (PSS)",
            "met",
        ),
        "/sparql lookup within 1.25x, memory 4x (govkg serve --sparql-only)": (
            "1.11x oxigraph serve's req/s, 3.0x its memory (PSS)",
            "met",
        ),
    }


def test_a_mode_meets_its_target_only_when_both_ratios_are_within_it() -> None:
    # the endpoint's throughput is out (1005/705 = 1.43x) while its memory (3x) is in
    rows = lookup_rows(serve_step(400, 700, 1000))
    assert rows["/sparql lookup within 1.25x, memory 4x (govkg serve --sparql-only)"][1] == (
        "NOT MET"
    )


def test_a_run_without_the_endpoint_says_so_in_its_row() -> None:
    steps = serve_step(400, 900, 1000)
    summary = steps["serve"]["results"]["graphs"][0]["summary"]["lookup"]
    for key in ("govkg-endpoint", "endpoint_ratio", "endpoint_memory_ratio", "endpoint_rss_ratio"):
        del summary[key]
    rows = lookup_rows(steps)
    text, verdict = rows["/sparql lookup within 1.25x, memory 4x (govkg serve --sparql-only)"]
    assert text.startswith("no result") and verdict == "NOT MET"
    assert rows["/sparql lookup within 1.25x, memory 4x (govkg serve, with pages)"][1] == "NOT MET"


def test_the_summary_lines_name_both_modes() -> None:
    row = serve_step(400, 900, 1000)["serve"]["results"]["graphs"][0]
    lines = bench_run.serve_lines(row)
    assert lines["serve lookup"].endswith("(2.48x its req/s, 10.0x memory)")
    assert lines["serve lookup, --sparql-only"].startswith("905 req/s")
    assert lines["serve lookup, --sparql-only"].endswith("(1.11x its req/s, 3.0x memory)")
    assert "serve page, --sparql-only" not in lines and "serve page" in lines


def table(out: str) -> dict[tuple[str, str], list[str]]:
    """print_graph's table: (kind, server) → the words of its line from the server's name on (a
    kind is named on its first line only)."""
    rows, kind = {}, ""
    for line in out.splitlines():
        words = line.split()
        if not line.startswith("  ") or not words or words[0] == "query" or "skipped" in words:
            continue
        if words[0] not in serve_bench.SERVERS:
            kind, words = words[0], words[1:]
        rows[kind, words[0]] = words
    return rows


def test_the_table_prints_each_mode_against_oxigraph(capsys: pytest.CaptureFixture[str]) -> None:
    row = serve_step(400, 900, 1000)["serve"]["results"]["graphs"][0]
    row |= {
        "quads": 425_000,
        "pin": {"server_cpus": "0", "load_cpus": "1"},
        "peak_mb": {"govkg": 300.0, "govkg-endpoint": 80.0, "oxigraph": 30.0},
        "skipped": {"govkg-endpoint": ["page"], "oxigraph": ["page"]},
    }
    serve_bench.print_graph(row, 16)
    out = capsys.readouterr().out
    assert "govkg-endpoint 80 MB" in out and "govkg-endpoint skipped page" in out
    rows = table(out)
    assert set(rows) == {
        ("lookup", "govkg"),
        ("lookup", "govkg-on-demand"),
        ("lookup", "govkg-endpoint"),
        ("lookup", "oxigraph"),
        ("page", "govkg"),
    }
    full, endpoint = rows["lookup", "govkg"], rows["lookup", "govkg-endpoint"]
    assert full[1] == "405" and full[7:9] == ["2.48x", "10.0x"] and "(not" in full
    assert endpoint[1] == "905" and endpoint[7:9] == ["1.11x", "3.0x"]
    assert endpoint[-3:] == ["(met:", "1.25x,", "4x)"]
    assert rows["lookup", "oxigraph"][7:9] == ["-", "-"]


WRK_OUT = """Running 10s test @ http://127.0.0.1:1/sparql
  1 threads and 16 connections
  8477 requests in 10.00s, 188.46MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    847.70
"""


def test_wrk_errors_are_kept_by_kind() -> None:
    assert serve_bench.wrk_errors(WRK_OUT) == {"non_2xx": 3, "read": 1, "timeout": 2}
    assert serve_bench.wrk_errors("Requests/sec: 10.0\n") == {}
    shown = serve_bench._kinds({"error_kinds": serve_bench.wrk_errors(WRK_OUT)})
    assert shown == " (non_2xx 3, read 1, timeout 2)"
