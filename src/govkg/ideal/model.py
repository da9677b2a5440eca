"""A one-dimensional ordinal IRT model (graded response, logit link) fitted by joint MAP.

An actor i has a position x_i; an instrument j a discrimination b_j and two ordered cutpoints
t1_j < t2_j = t1_j + exp(g_j).  With y = 0 (no), 1 (abstain), 2 (yes)::

    P(y >= 1) = logistic(b_j x_i - t1_j)      P(y >= 2) = logistic(b_j x_i - t2_j)

Missing cells are left out of the likelihood.  Priors: x_i ~ N(0, 1), b_j ~ N(0, 2^2),
t1_j ~ N(0, 3^2), g_j ~ N(0, 1.5^2); they keep every parameter finite (an instrument everyone
signed, one with no abstention).  The joint posterior mode is found by L-BFGS over all parameters
at once; the likelihood and its gradient are a few passes over dense arrays and two matrix
products (no loop over cells).

Uncertainty (:func:`standardised_errors`): a Laplace approximation from the joint Fisher
information of positions and instruments' parameters, carried through the convention that
reports positions (:class:`Scale`: mean 0, sd 1, the anchor's sign).  :func:`positions`
re-estimates positions with the instruments' parameters held fixed (how periods are bridged),
with :func:`standard_errors` that take those parameters as known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

PRIOR_SD = {"x": 1.0, "b": 2.0, "t": 3.0, "g": 1.5}
_FLOOR = 1e-300


@dataclass(frozen=True)
class Cells:
    """An actor-by-instrument matrix of ordinal answers as three 0/1 float masks (no, abstain,
    yes; a missing cell is 0 in all three), so that the likelihood and its gradient are a few
    passes over dense arrays and two matrix products."""

    no: np.ndarray
    abstain: np.ndarray
    yes: np.ndarray

    @classmethod
    def of(cls, codes: np.ndarray) -> Cells:
        """From codes 1 yes / 2 abstain / 3 no / 0 missing (``StanceMatrix.codes``)."""
        return cls(*((codes == code).astype(float) for code in (3, 2, 1)))

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.no.shape[0]), int(self.no.shape[1]))

    def counts(self) -> np.ndarray:
        """The number of answers of each actor."""
        return np.asarray((self.no + self.abstain + self.yes).sum(axis=1)).astype(int)


@dataclass(frozen=True)
class Items:
    """The instruments' parameters: discrimination, first cutpoint and log gap to the second."""

    b: np.ndarray
    t1: np.ndarray
    g: np.ndarray


@dataclass(frozen=True)
class Fit:
    """The posterior mode: positions, their standard errors given the instruments' parameters
    (:func:`standard_errors`), those parameters, and whether the optimiser converged."""

    x: np.ndarray
    se: np.ndarray
    items: Items
    converged: bool
    iterations: int


def _softplus(u: np.ndarray) -> np.ndarray:
    """log(1 + exp(u)), stably."""
    return np.asarray(np.maximum(u, 0.0) + np.log1p(np.exp(-np.abs(u))))


def _predictors(x: np.ndarray, items: Items) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """u1 = b x - t1 and u2 = u1 - gap for every cell, and each instrument's gap."""
    gap = np.exp(items.g)
    u1 = np.outer(x, items.b) - items.t1
    return u1, u1 - gap, gap


def _terms(cells: Cells, x: np.ndarray, items: Items) -> tuple[float, np.ndarray, np.ndarray]:
    """The log-likelihood, and the derivatives of each cell's log-likelihood by u1 and u2.

    log P(no) = -softplus(u1); log P(yes) = -softplus(-u2); and as
    P(abstain) = expit(u1) - expit(u2) = expit(u1) expit(-u2) (1 - exp(-gap)),
    log P(abstain) = -softplus(-u1) - softplus(u2) + log(1 - exp(-gap))."""
    u1, u2, gap = _predictors(x, items)
    sp1, sp2 = _softplus(u1), _softplus(u2)
    log_gap = np.log(-np.expm1(-gap))
    ll = (
        -(cells.no * sp1).sum()
        - (cells.yes * (sp2 - u2)).sum()
        - (cells.abstain * (sp1 - u1 + sp2)).sum()
        + cells.abstain.sum(axis=0) @ log_gap
    )
    e1, e2 = special.expit(u1), special.expit(u2)
    d1 = cells.abstain - (cells.no + cells.abstain) * e1
    d2 = cells.yes - (cells.yes + cells.abstain) * e2
    return float(ll), d1, d2


def _unpack(theta: np.ndarray, n_actors: int, n_items: int) -> tuple[np.ndarray, Items]:
    x = theta[:n_actors]
    b, t1, g = theta[n_actors:].reshape(3, n_items)
    return x, Items(b, t1, g)


def _objective(theta: np.ndarray, cells: Cells) -> tuple[float, np.ndarray]:
    """Minus the log posterior and its gradient."""
    x, items = _unpack(theta, *cells.shape)
    ll, d1, d2 = _terms(cells, x, items)
    d_eta = d1 + d2
    gap = np.exp(items.g)
    grad_x = d_eta @ items.b - x / PRIOR_SD["x"] ** 2
    grad_b = x @ d_eta - items.b / PRIOR_SD["b"] ** 2
    grad_t = -d_eta.sum(axis=0) - items.t1 / PRIOR_SD["t"] ** 2
    grad_g = (
        cells.abstain.sum(axis=0) * gap / np.expm1(gap)
        - gap * d2.sum(axis=0)
        - items.g / PRIOR_SD["g"] ** 2
    )
    log_prior = (
        sum(
            float((v**2).sum()) / PRIOR_SD[k] ** 2
            for k, v in (("x", x), ("b", items.b), ("t", items.t1), ("g", items.g))
        )
        / 2
    )
    return -(ll - log_prior), -np.concatenate([grad_x, grad_b, grad_t, grad_g])


def _start(cells: Cells) -> np.ndarray:
    """Starting values: positions from the first principal component of the answers (missing
    cells at the instrument's mean), cutpoints from the instruments' margins, b = 0."""
    n_actors, n_items = cells.shape
    seen = cells.no + cells.abstain + cells.yes
    answer = cells.abstain + 2 * cells.yes
    count = seen.sum(axis=0)
    mean = (answer.sum(axis=0) + 1.0) / (count + 1.0)
    left, _values, _right = np.linalg.svd(seen * (answer - mean), full_matrices=False)
    x = left[:, 0] * np.sqrt(n_actors)
    at_least = [(share.sum(axis=0) + 0.5) / (count + 1.0) for share in (answer >= 1, answer >= 2)]
    t1 = -special.logit(np.clip(at_least[0], 0.01, 0.99))
    t2 = -special.logit(np.clip(at_least[1], 0.01, 0.99))
    g = np.log(np.maximum(t2 - t1, 0.05))
    return np.concatenate([x, np.zeros(n_items), t1, g])


def fit(cells: Cells, max_iterations: int = 3000) -> Fit:
    """The joint posterior mode of positions and instruments' parameters, with the positions'
    Laplace standard errors."""
    result = optimize.minimize(
        _objective,
        _start(cells),
        args=(cells,),
        jac=True,
        method="L-BFGS-B",
        options={
            "maxiter": max_iterations,
            "maxfun": 2 * max_iterations,
            "ftol": 1e-12,
            "gtol": 1e-6,
        },
    )
    x, items = _unpack(result.x, *cells.shape)
    return Fit(x, standard_errors(cells, x, items), items, bool(result.success), int(result.nit))


def _information(x: np.ndarray, items: Items) -> np.ndarray:
    """Each cell's Fisher information about its linear predictor b_j x_i."""
    return _cell_information(x, items)[0]


def standard_errors(cells: Cells, x: np.ndarray, items: Items) -> np.ndarray:
    """The Laplace standard error of each position given the instruments' parameters."""
    seen = cells.no + cells.abstain + cells.yes
    precision = (seen * _information(x, items)) @ items.b**2 + 1 / PRIOR_SD["x"] ** 2
    return np.asarray(1 / np.sqrt(precision))


def positions(cells: Cells, items: Items, steps: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Positions (and standard errors) with the instruments' parameters held fixed: the
    posterior mode of each actor by Fisher scoring, all actors at once (the log posterior is
    concave in each position)."""
    x = np.zeros(cells.shape[0])
    seen = cells.no + cells.abstain + cells.yes
    for _ in range(steps):
        _ll, d1, d2 = _terms(cells, x, items)
        score = (d1 + d2) @ items.b - x / PRIOR_SD["x"] ** 2
        info = (seen * _information(x, items)) @ items.b**2 + 1 / PRIOR_SD["x"] ** 2
        step = np.clip(score / info, -1.0, 1.0)
        x = x + step
        if np.abs(step).max() < 1e-8:
            break
    return x, standard_errors(cells, x, items)


def _cell_information(x: np.ndarray, items: Items) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each cell's Fisher information about (u1, u2 = u1 - gap) as alpha (u1 and u2 moving
    together), beta (the cross term with u2 alone) and gamma (u2 alone):
    dP0 = -f1 v, dP1 = (f1 - f2) v - f2 w, dP2 = f2 (v + w) with v = du1 and w = du2 - du1, and
    the information is sum_k dPk dPk' / Pk."""
    u1, u2, gap = _predictors(x, items)
    e1, e2 = special.expit(u1), special.expit(u2)
    f1, f2 = e1 * (1 - e1), e2 * (1 - e2)
    p1 = np.maximum(e1 * (1 - e2) * -np.expm1(-gap), _FLOOR)
    p2 = np.maximum(e2, _FLOOR)
    alpha = f1**2 / np.maximum(1 - e1, _FLOOR) + (f1 - f2) ** 2 / p1 + f2**2 / p2
    beta = -(f1 - f2) * f2 / p1 + f2**2 / p2
    gamma = f2**2 / p1 + f2**2 / p2
    return alpha, beta, gamma


def standardised_errors(cells: Cells, fit: Fit) -> np.ndarray:
    """Standard errors of the standardised positions (x - mean) / sd from the full Laplace
    approximation: the joint Fisher information of positions and instruments' parameters (plus
    the priors), the instruments' 3 x 3 blocks eliminated (Schur complement), and the delta
    method through the standardisation, which removes the directions of place and scale the
    data cannot fix.  Unlike :func:`standard_errors`, this counts the uncertainty of the
    instruments' parameters."""
    x, items = fit.x, fit.items
    seen = cells.no + cells.abstain + cells.yes
    alpha, beta, gamma = (term * seen for term in _cell_information(x, items))
    gap = np.exp(items.g)
    # x_i with (b_j, t1_j, g_j): alpha b x_i, -alpha b, -beta b gap
    cross = np.stack(
        [alpha * items.b * x[:, None], -alpha * items.b, -beta * items.b * gap], axis=2
    )
    block = np.empty((cells.shape[1], 3, 3))
    block[:, 0, 0] = x**2 @ alpha + 1 / PRIOR_SD["b"] ** 2
    block[:, 0, 1] = block[:, 1, 0] = -(x @ alpha)
    block[:, 0, 2] = block[:, 2, 0] = -gap * (x @ beta)
    block[:, 1, 1] = alpha.sum(axis=0) + 1 / PRIOR_SD["t"] ** 2
    block[:, 1, 2] = block[:, 2, 1] = gap * beta.sum(axis=0)
    block[:, 2, 2] = gap**2 * gamma.sum(axis=0) + 1 / PRIOR_SD["g"] ** 2
    solved = np.einsum("aik,ikl->ail", cross, np.linalg.inv(block))
    n = cells.shape[0]
    schur = np.diag(alpha @ items.b**2 + 1 / PRIOR_SD["x"] ** 2)
    schur -= solved.reshape(n, -1) @ cross.reshape(n, -1).T
    covariance = np.linalg.inv(schur)
    spread = x.std()
    z = (x - x.mean()) / spread
    jacobian = (np.eye(n) - 1 / n - np.outer(z, z) / n) / spread
    variance = np.einsum("ab,bc,ac->a", jacobian, covariance, jacobian)
    return np.asarray(np.sqrt(np.maximum(variance, 0.0)))


@dataclass
class Scale:
    """The convention that makes positions reportable: (x - mean) / sd over the actors
    estimated, times the sign that puts the anchor on the positive side (or at 0)."""

    mean: float
    sd: float
    sign: int

    @classmethod
    def of(cls, x: np.ndarray, anchor: int) -> Scale:
        """The scale of positions ``x`` with the actor of row ``anchor`` on the positive side."""
        mean, sd = float(x.mean()), float(x.std()) or 1.0
        return cls(mean, sd, -1 if x[anchor] < mean else 1)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.sign * (x - self.mean) / self.sd)


@dataclass(frozen=True)
class Estimate:
    """Reported positions and their standard errors (full Laplace, on the reported scale)."""

    position: np.ndarray
    se: np.ndarray
    fit: Fit
    scale: Scale


def estimate(codes: np.ndarray, anchor: int = 0) -> Estimate:
    """Fit codes (1 yes / 2 abstain / 3 no / 0 missing; every row an actor to estimate) and
    report them by the convention, actor ``anchor`` on the positive side."""
    cells = Cells.of(codes)
    fitted = fit(cells)
    scale = Scale.of(fitted.x, anchor)
    return Estimate(scale(fitted.x), standardised_errors(cells, fitted), fitted, scale)
