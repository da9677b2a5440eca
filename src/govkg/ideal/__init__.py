"""Ideal points: each actor's position on one latent dimension, estimated from all its stances.

An ordinal item-response model (yes / abstain / no, missing left out) fitted in numpy/scipy
(:mod:`govkg.ideal.model`), checked on simulated data with known positions
(:mod:`govkg.ideal.simulate`), reported with the filters of ``govkg align``
(:mod:`govkg.ideal.report`).  From Python::

    from govkg.ideal import Cells, fit, simulate

    sim = simulate(60, 400, missing=0.3, seed=1)
    result = fit(Cells.of(sim.codes))    # result.x: positions, result.se: standard errors
"""

from govkg.ideal.model import (
    Cells,
    Estimate,
    Fit,
    Items,
    Scale,
    estimate,
    fit,
    positions,
    standardised_errors,
)
from govkg.ideal.simulate import Simulation, simulate

__all__ = [
    "Cells",
    "Estimate",
    "Fit",
    "Items",
    "Scale",
    "Simulation",
    "estimate",
    "fit",
    "positions",
    "simulate",
    "standardised_errors",
]
