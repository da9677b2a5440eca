"""Ideal points on simulated data with known positions: how well ``govkg.ideal`` recovers them
and how long it takes.

For each seed, a matrix of --actors by --instruments with a share --missing of cells missing is
drawn from the ordinal model (``govkg.ideal.simulate``); the model is fitted (joint posterior
mode by L-BFGS, then the full Laplace standard errors) and compared with the truth: the
correlation, the root mean square error, the coverage of the --level intervals, and the
seconds (fit, standard errors, total).  Targets from the issue: correlation >= 0.95 and total
under 30 s at 200 x 5,000 with 30 % missing; coverage near the nominal level.  A table on
stdout, JSON with --json.

    .venv/bin/python bench/ideal_points_bench.py [--actors 200] [--instruments 5000]
        [--missing 0.3] [--seeds 1] [--level 0.95] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np
from benchkit import machine, machine_line
from scipy import stats

from govkg.ideal import Cells, Scale, fit, simulate, standardised_errors

TARGETS = {"correlation": 0.95, "total_s": 30.0}


def one_run(
    actors: int, instruments: int, missing: float, seed: int, level: float
) -> dict[str, Any]:
    sim = simulate(actors, instruments, missing=missing, seed=seed)
    start = time.perf_counter()
    cells = Cells.of(sim.codes)
    fitted = fit(cells)
    fitted_at = time.perf_counter()
    se = standardised_errors(cells, fitted)
    done = time.perf_counter()
    position = Scale.of(fitted.x, int(np.argmax(sim.truth)))(fitted.x)
    z = stats.norm.ppf(0.5 + level / 2)
    return {
        "seed": seed,
        "actors": actors,
        "instruments": instruments,
        "answers": int(cells.counts().sum()),
        "correlation": float(np.corrcoef(position, sim.truth)[0, 1]),
        "rmse": float(np.sqrt(np.mean((position - sim.truth) ** 2))),
        "coverage": float(np.mean(np.abs(position - sim.truth) <= z * se)),
        "median_interval": float(np.median(2 * z * se)),
        "iterations": fitted.iterations,
        "converged": fitted.converged,
        "fit_s": fitted_at - start,
        "se_s": done - fitted_at,
        "total_s": done - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=200)
    parser.add_argument("--instruments", type=int, default=5000)
    parser.add_argument("--missing", type=float, default=0.3)
    parser.add_argument("--seeds", type=int, default=1, help="Runs with seeds 0, 1, …")
    parser.add_argument("--level", type=float, default=0.95)
    parser.add_argument("--json", help="Write the results to this file too.")
    args = parser.parse_args()
    print(machine_line())
    rows = [
        one_run(args.actors, args.instruments, args.missing, seed, args.level)
        for seed in range(args.seeds)
    ]
    print(
        f"{'seed':>4} {'actors':>6} {'instr':>6} {'answers':>8} {'corr':>7} {'rmse':>6} "
        f"{'cover':>6} {'width':>6} {'iter':>5} {'fit_s':>6} {'se_s':>5} {'total_s':>7}"
    )
    for r in rows:
        print(
            f"{r['seed']:>4} {r['actors']:>6} {r['instruments']:>6} {r['answers']:>8} "
            f"{r['correlation']:>7.4f} {r['rmse']:>6.3f} {r['coverage']:>6.3f} "
            f"{r['median_interval']:>6.3f} {r['iterations']:>5} {r['fit_s']:>6.1f} "
            f"{r['se_s']:>5.2f} {r['total_s']:>7.1f}"
        )
    met = all(
        r["correlation"] >= TARGETS["correlation"] and r["total_s"] < TARGETS["total_s"]
        for r in rows
    )
    print(
        f"targets (correlation >= 0.95, total < 30 s): {'met' if met else 'NOT met'}; "
        f"coverage of {args.level:.0%} intervals: {np.mean([r['coverage'] for r in rows]):.3f}"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"machine": machine(), "targets": TARGETS, "runs": rows}, handle, indent=2)


if __name__ == "__main__":
    main()
