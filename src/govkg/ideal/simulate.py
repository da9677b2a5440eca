"""Simulated stance matrices with known positions, drawn from the model govkg fits.

Positions are drawn from N(0, 1) and standardised (mean 0, sd 1): the scale and place the
model's convention gives estimates, so estimates and truth are comparable as they stand (up to
the sign, which the convention fixes by an actor).  Instruments' discriminations are drawn from
N(0, 1.5^2) (some separate the actors sharply, some hardly), first cutpoints from N(-0.5, 1),
gaps to the second from 0.2 + Exponential(0.6) (abstentions happen but are rarer than yes or no).
A share ``missing`` of cells is left missing at random.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special


@dataclass(frozen=True)
class Simulation:
    """Known positions and the codes drawn from them (1 yes / 2 abstain / 3 no / 0 missing)."""

    truth: np.ndarray
    codes: np.ndarray


def simulate(n_actors: int, n_items: int, missing: float = 0.3, seed: int = 0) -> Simulation:
    """A matrix of ``n_actors`` by ``n_items`` drawn from the ordinal model."""
    rng = np.random.default_rng(seed)
    truth = rng.standard_normal(n_actors)
    truth = (truth - truth.mean()) / truth.std()
    b = rng.normal(0.0, 1.5, n_items)
    t1 = rng.normal(-0.5, 1.0, n_items)
    t2 = t1 + 0.2 + rng.exponential(0.6, n_items)
    eta = truth[:, None] * b[None, :]
    at_least_1 = special.expit(eta - t1)
    at_least_2 = special.expit(eta - t2)
    draw = rng.random((n_actors, n_items))
    y = (draw < at_least_1).astype(np.int8) + (draw < at_least_2).astype(np.int8)
    codes = (3 - y).astype(np.int8)
    codes[rng.random((n_actors, n_items)) < missing] = 0
    return Simulation(truth, codes)
