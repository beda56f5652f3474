"""Buy-till-you-die models fitted by exact maximum likelihood: BG/NBD (Fader, Hardie & Lee 2005), MBG/NBD
(Batislam, Denizel & Filiztekin 2007), Pareto/NBD (Schmittlein, Morrison & Colombo 1987, in Fader &
Hardie's 2005 formulation) and Gamma-Gamma spend (Fader, Hardie & Lee 2005, "RFM and CLV").

Every function takes per-customer arrays: ``x`` repeat purchases (purchase days after the first), ``t_x``
the time of the last purchase and ``T`` the customer's age, both from the first purchase, in one time
unit (the caller's; the published CDNOW figures are in weeks). The log-likelihoods are closed forms;
fits run on log-parameters (every parameter is positive) with L-BFGS-B and then a Nelder-Mead polish,
because L-BFGS-B's finite-difference gradient stops short of the third decimal on flat optima.

scipy is imported here and nowhere at the package's top level, so ``custseg --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special
from threadpoolctl import threadpool_limits

from custseg.core.predict_stage import PREDICT_COLUMNS

MODELS = ("bgnbd", "mbgnbd", "pareto_nbd")
PARAM_NAMES = {
    "bgnbd": ("r", "alpha", "a", "b"),
    "mbgnbd": ("r", "alpha", "a", "b"),
    "pareto_nbd": ("r", "alpha", "s", "beta"),
}


@dataclass
class Fit:
    """A fitted model: its parameters by name, the maximised log-likelihood and how the optimiser ended."""

    model: str
    params: dict[str, float]
    log_likelihood: float
    converged: bool
    message: str
    customers: int
    rows: int  # distinct (x, t_x, T) rows the likelihood was summed over
    extra: dict[str, float] = field(default_factory=dict)
    # The dropout parameters ran to their bound (no customer seems to have left in the period) while the
    # purchase rate converged: the rate is estimated, whether a customer is still there is not.
    no_dropout: bool = False

    def values(self) -> tuple[float, ...]:
        return tuple(self.params[n] for n in self.params)


def collapse(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Equal rows of the columns once each, with their counts as weights: on B2B data most customers are
    one-time buyers whose rows differ only by T, so the likelihood is summed over far fewer rows."""
    cols = [np.asarray(c, dtype=float) for c in columns]
    if not len(cols[0]):
        return cols, np.zeros(0)
    # One lexsort of the columns (first column first): np.unique(axis=0) sorts rows 20x slower.
    order = np.lexsort(cols[::-1])
    cols = [c[order] for c in cols]
    new = np.ones(len(order), dtype=bool)
    new[1:] = np.logical_or.reduce([c[1:] != c[:-1] for c in cols])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, len(order))).astype(float)
    return [c[starts] for c in cols], counts


def _log_diff(u1: np.ndarray, u2: np.ndarray) -> np.ndarray:
    """log(exp(u1) - exp(u2)) for u1 >= u2; -inf where they are equal."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return u1 + np.log1p(-np.exp(u2 - u1))


# --- BG/NBD and MBG/NBD ---------------------------------------------------------------------------------


def bgnbd_log_likelihood(
    params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray, T: np.ndarray, modified: bool = False
) -> np.ndarray:
    """Per-row log-likelihood of BG/NBD (FHL 2005, eq. 6) or, with ``modified``, MBG/NBD, where a customer
    may also drop out right after the first purchase, so a one-time buyer is not certainly alive."""
    r, alpha, a, b = params
    x = np.asarray(x, dtype=float)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    k = 1.0 if modified else 0.0
    a2 = special.betaln(a, b + x + k) - special.betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.log(a) - np.log(b + x + k - 1) - (r + x) * np.log(alpha + t_x)
    if not modified:
        a4 = np.where(x > 0, a4, -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


def _bg_dropout_odds(
    params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray, T: np.ndarray, modified: bool
) -> np.ndarray:
    r, alpha, a, b = params
    k = 1.0 if modified else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = a / (b + x + k - 1) * np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + t_x)))
    return odds if modified else np.where(x > 0, odds, 0.0)


def bgnbd_p_alive(
    params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray, T: np.ndarray, modified: bool = False
) -> np.ndarray:
    """P(alive | x, t_x, T) (FHL 2005 eq. 11; BG/NBD gives 1 to every customer with x = 0)."""
    return 1.0 / (1.0 + _bg_dropout_odds(params, x, t_x, T, modified))


def bgnbd_expected(
    params: tuple[float, ...], t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, modified: bool = False
) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` (FHL 2005 eq. 10; Batislam et al. 2007)."""
    r, alpha, a, b = params
    x = np.asarray(x, dtype=float)
    k = 1.0 if modified else 0.0
    z = t / (alpha + T + t)
    head = (a + b + x + k - 1) / (a - 1)
    # ((alpha+T)/(alpha+T+t))^(r+x) * 2F1(...) in logs: both factors can be huge or tiny for large x.
    hyp = special.hyp2f1(r + x, b + x + k, a + b + x + k - 1, z)
    tail = np.exp((r + x) * np.log1p(-z) + np.log(hyp))
    return head * (1.0 - tail) / (1.0 + _bg_dropout_odds(params, x, t_x, T, modified))


# --- Pareto/NBD -----------------------------------------------------------------------------------------


def _log_hyp_c_a1(a: float | np.ndarray, b: np.ndarray, z: np.ndarray) -> np.ndarray:
    """log 2F1(a, b; a + 1; z) for 0 <= z < 1, through Euler's transformation
    2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z): with c = a + 1 the right-hand series
    2F1(1, a + 1 - b; a + 1; z) lies between 1 and 1/(1 - z), so it never overflows, where the direct
    series does for frequent buyers (b = r + x large) and z near 1."""
    c = a + 1.0
    return (1.0 - b) * np.log1p(-z) + np.log(special.hyp2f1(1.0, c - b, c, z))


def _pareto_log_a0(params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """log A0 of Fader & Hardie's Pareto/NBD likelihood, on the alpha >= beta or alpha < beta branch."""
    r, alpha, s, beta = params
    rsx = r + s + x
    if alpha >= beta:
        big, second = alpha, np.full_like(x, s + 1.0)
    else:
        big, second = beta, r + x
    d = abs(alpha - beta)
    u1 = _log_hyp_c_a1(rsx, second, d / (big + t_x)) - rsx * np.log(big + t_x)
    u2 = _log_hyp_c_a1(rsx, second, d / (big + T)) - rsx * np.log(big + T)
    return _log_diff(u1, u2)


def pareto_log_likelihood(params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Per-row Pareto/NBD log-likelihood (Fader & Hardie 2005, "A Note on Deriving the Pareto/NBD Model")."""
    r, alpha, s, beta = params
    x = np.asarray(x, dtype=float)
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    dead = np.log(s) - np.log(r + s + x) + _pareto_log_a0(params, x, t_x, T)
    return head + np.logaddexp(alive, dead)


def pareto_p_alive(params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    r, alpha, s, beta = params
    x = np.asarray(x, dtype=float)
    log_odds = (
        np.log(s)
        - np.log(r + s + x)
        + (r + x) * np.log(alpha + T)
        + s * np.log(beta + T)
        + _pareto_log_a0(params, x, t_x, T)
    )
    return 1.0 / (1.0 + np.exp(log_odds))


def pareto_expected(params: tuple[float, ...], t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """E[Y(t) | x, t_x, T] = (r + x)(beta + T) / ((alpha + T)(s - 1)) [1 - ((beta + T)/(beta + T + t))^(s-1)]
    P(alive); at s = 1 the bracket over (s - 1) is its limit log((beta + T + t)/(beta + T))."""
    r, alpha, s, beta = params
    x = np.asarray(x, dtype=float)
    ratio = np.log(beta + T + t) - np.log(beta + T)
    if abs(s - 1.0) < 1e-9:
        bracket = ratio
    else:
        bracket = -np.expm1(-(s - 1.0) * ratio) / (s - 1.0)
    return (r + x) * (beta + T) / (alpha + T) * bracket * pareto_p_alive(params, x, t_x, T)


# --- Gamma-Gamma ----------------------------------------------------------------------------------------


def gamma_gamma_log_likelihood(params: tuple[float, ...], x: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Per-customer Gamma-Gamma log-likelihood of the mean ``mean`` of ``x`` > 0 repeat spends (FHL 2005)."""
    p, q, gamma = params
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(mean)
        + px * np.log(x)
        - (px + q) * np.log(gamma + x * mean)
    )


def gamma_gamma_expected_spend(params: tuple[float, ...], x: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """E[M | x, mean]: the population mean p gamma / (q - 1) shrunk towards the customer's own mean as x grows."""
    p, q, gamma = params
    return p * (gamma + x * mean) / (p * x + q - 1)


# --- fitting --------------------------------------------------------------------------------------------


def _bg_negative(
    theta: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    w: np.ndarray,
    modified: bool,
    distinct_x: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[float, np.ndarray]:
    """Minus the weighted BG/NBD (MBG/NBD) log-likelihood at log-parameters ``theta``, and its gradient in
    them: analytic, so L-BFGS-B needs one evaluation a step instead of five. Every term of x alone is taken
    once per distinct x (``distinct_x``: the values, each row's index into them and their summed
    weights), leaving two logarithms and a few products per row: 100k customers fit in a fraction of a
    second."""
    r, alpha, a, b = np.exp(theta)
    k = 1.0 if modified else 0.0
    ux, at, wx = distinct_x
    log_aT, log_at = np.log(alpha + T), np.log(alpha + t_x)
    with np.errstate(divide="ignore", invalid="ignore"):
        # log of the "dropped out after the last purchase" odds, per distinct x; BG/NBD has none at x = 0
        c = np.log(a) - np.log(b + ux + k - 1)
        inv_bx = 1.0 / (b + ux + k - 1)
    if not modified:
        c = np.where(ux > 0, c, -np.inf)
        inv_bx = np.where(ux > 0, inv_bx, 0.0)
    rx = r + x
    d = c[at] + rx * (log_aT - log_at)  # log of the dropout term over the alive term
    w4 = special.expit(d)
    w3 = 1.0 - w4
    per_x = special.gammaln(r + ux) - special.gammaln(r) + special.betaln(a, b + ux + k) - special.betaln(a, b)
    ll = float(wx @ per_x) + r * np.log(alpha) * wx.sum() + float((w * (np.logaddexp(0.0, d) - rx * log_aT)).sum())
    psi_abx = special.digamma(a + b + ux + k)
    psi_ab = special.digamma(a + b)
    # Weighted sums as multiply-and-sum over rows: a BLAS dot product spins its threads, which on a busy
    # machine cost more than the whole likelihood (the per-x sums are a few hundred long).
    ww4 = w * w4
    d_r = float(wx @ (special.digamma(r + ux) - special.digamma(r))) + np.log(alpha) * wx.sum()
    d_r -= float((w * (w3 * log_aT + w4 * log_at)).sum())
    d_alpha = r / alpha * wx.sum() - float((w * rx * (w3 / (alpha + T) + w4 / (alpha + t_x))).sum())
    w4_by_x = np.bincount(at, weights=ww4, minlength=len(ux))
    d_a = float(wx @ (psi_ab - psi_abx)) + w4_by_x.sum() / a
    d_b = float(wx @ (special.digamma(b + ux + k) - psi_abx - special.digamma(b) + psi_ab)) - float(w4_by_x @ inv_bx)
    return -ll, -np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


def _gg_negative(
    theta: np.ndarray, x: np.ndarray, mean: np.ndarray, distinct_x: tuple[np.ndarray, np.ndarray], logs: np.ndarray
) -> tuple[float, np.ndarray]:
    """Minus the Gamma-Gamma log-likelihood at log-parameters ``theta``, and its gradient in them; the
    special functions once per distinct x, ``logs`` = log(mean) + log(x) once per fit."""
    p, q, gamma = np.exp(theta)
    ux, at = distinct_x
    pu = p * ux
    log_xm = np.log(gamma + x * mean)
    px = p * x
    ll = (special.gammaln(pu + q) - special.gammaln(pu))[at] - special.gammaln(q) + q * np.log(gamma)
    ll = ll + px * logs - np.log(mean) - (px + q) * log_xm
    psi = special.digamma(pu + q)
    d_p = x * ((psi - special.digamma(pu))[at] + logs - log_xm)
    d_q = psi[at] - special.digamma(q) + np.log(gamma) - log_xm
    d_g = q / gamma - (px + q) / (gamma + x * mean)
    return -float(ll.sum()), -np.array([d_p.sum() * p, d_q.sum() * q, d_g.sum() * gamma])


def _maximise(
    negative: Callable[[np.ndarray], Any],
    start: np.ndarray,
    names: tuple[str, ...],
    model: str,
    customers: int,
    rows: int,
    with_gradient: bool,
) -> Fit:
    """Minimise ``negative`` (of log-parameters; returning (value, gradient) when ``with_gradient``) with
    L-BFGS-B, then polish with Nelder-Mead from a small simplex around that point: a large one would wander
    the flat valley these likelihoods have (r against alpha) and cost hundreds of evaluations."""

    def value(theta: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            v = negative(theta)
        v = float(v[0]) if with_gradient else float(v)
        return v if np.isfinite(v) else 1e300

    def both(theta: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(all="ignore"):
            v, g = negative(theta)
        if not (np.isfinite(v) and np.all(np.isfinite(g))):
            return 1e300, np.zeros_like(theta)
        return float(v), g

    bounds = [(-12.0, 12.0)] * len(start)
    # One BLAS thread while optimising (restored after): L-BFGS-B's vector steps are 4 long, and waking
    # BLAS threads for each cost more than the fit itself on a busy machine (1.0 s against 0.4 s for
    # 100k customers).
    with threadpool_limits(limits=1, user_api="blas"):
        return _optimise(value, both, start, bounds, names, model, customers, rows, with_gradient)


def _optimise(
    value: Callable[[np.ndarray], float],
    both: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start: np.ndarray,
    bounds: list[tuple[float, float]],
    names: tuple[str, ...],
    model: str,
    customers: int,
    rows: int,
    with_gradient: bool,
) -> Fit:
    if with_gradient:
        first = optimize.minimize(
            both,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-7},
        )
    else:
        first = optimize.minimize(value, start, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000})
    if with_gradient:  # L-BFGS-B has converged on the exact gradient: the polish checks the neighbourhood
        tight = {
            "xatol": 1e-5,
            "fatol": 1e-6,
            "initial_simplex": np.vstack([first.x, first.x + 1e-4 * np.eye(len(start))]),
        }
    else:  # on finite differences L-BFGS-B stops short of the third decimal: the polish finishes the job
        tight = {"xatol": 1e-8, "fatol": 1e-10}
    polish = optimize.minimize(value, first.x, method="Nelder-Mead", options={"maxiter": 4000, **tight})
    best = polish if polish.fun <= first.fun else first
    converged = bool(polish.success) and np.isfinite(best.fun) and best.fun < 1e299
    hit = np.abs(best.x) >= 11.99
    at_bound = bool(hit.any())
    params = dict(zip(names, (float(v) for v in np.exp(best.x)), strict=True))
    # Only the dropout ran away, towards no dropout at all: the data carry the purchase rate but show
    # nobody leaving (a year of a shop's customers, say), so P(alive) cannot be told from them.
    # Judged on the dropout itself, not on whether a parameter touched the box: a fit can stop just inside
    # it with the dropout as good as zero and every P(alive) a quiet 1.0.
    purchases = model in ("bgnbd", "mbgnbd", "pareto_nbd")  # the spend model has no dropout
    no_dropout = purchases and converged and not hit[:2].any() and _dropout(model, params) < NO_DROPOUT
    message = (
        "no customer seems to have left: the dropout is as good as zero"
        if no_dropout
        else "converged"
        if converged and not at_bound
        else ("a parameter ran to its bound" if at_bound else str(polish.message))
    )
    return Fit(
        model=model,
        params=params,
        log_likelihood=-float(best.fun),
        converged=converged and (not at_bound or no_dropout),
        message=message,
        customers=customers,
        rows=rows,
        extra={"evaluations": float(first.nfev + polish.nfev)},
        no_dropout=no_dropout,
    )


# Below this dropout (per purchase, or per week for Pareto/NBD) the data show nobody leaving.
NO_DROPOUT = 1e-4


def _dropout(model: str, params: dict[str, float]) -> float:
    """How fast customers leave under the fit: the dropout probability a / (a + b) per purchase (BG/NBD,
    MBG/NBD), or the death rate s / beta per week (Pareto/NBD)."""
    if model == "pareto_nbd":
        return params["s"] / params["beta"]
    return params["a"] / (params["a"] + params["b"])


def fit_purchases(model: str, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> Fit:
    """The maximum-likelihood fit of ``model`` (one of :data:`MODELS`) to the customers' (x, t_x, T)."""
    (cx, ctx, cT), w = collapse(x, t_x, T)
    scale = float(np.average(cT, weights=w)) or 1.0
    if model == "pareto_nbd":

        def negative(theta: np.ndarray) -> float:
            return -float((w * pareto_log_likelihood(tuple(np.exp(theta)), cx, ctx, cT)).sum())

        return _maximise(
            negative, np.log([0.5, scale, 0.5, scale]), PARAM_NAMES[model], model, int(w.sum()), len(w), False
        )
    modified = model == "mbgnbd"
    ux, at = np.unique(cx, return_inverse=True)
    distinct_x = (ux, at, np.bincount(at, weights=w, minlength=len(ux)))
    return _maximise(
        lambda theta: _bg_negative(theta, cx, ctx, cT, w, modified, distinct_x),
        np.log([0.5, scale, 1.0, 2.0]),
        PARAM_NAMES[model],
        model,
        int(w.sum()),
        len(w),
        True,
    )


def fit_gamma_gamma(x: np.ndarray, mean: np.ndarray) -> Fit:
    """Gamma-Gamma fitted to customers with x > 0 repeat purchases of positive mean value ``mean``."""
    x = np.asarray(x, dtype=float)
    mean = np.asarray(mean, dtype=float)
    start = np.log([1.0, 2.0, float(np.mean(mean)) or 1.0])
    distinct_x, logs = np.unique(x, return_inverse=True), np.log(mean) + np.log(x)
    return _maximise(
        lambda theta: _gg_negative(theta, x, mean, distinct_x, logs),
        start,
        ("p", "q", "gamma"),
        "gamma_gamma",
        len(x),
        len(x),
        True,
    )


def p_alive(fit: Fit, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    params = fit.values()
    if fit.model == "pareto_nbd":
        return pareto_p_alive(params, x, t_x, T)
    return bgnbd_p_alive(params, x, t_x, T, fit.model == "mbgnbd")


def expected_purchases(fit: Fit, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    params = fit.values()
    if fit.no_dropout:
        # Nobody leaves: the purchase process alone, the gamma-Poisson posterior mean rate times t, which
        # the models tend to as their dropout goes to zero (and which their formulas reach only through
        # hypergeometric terms of extreme arguments).
        r, alpha = params[0], params[1]
        return (r + x) / (alpha + T) * t
    if fit.model == "pareto_nbd":
        return pareto_expected(params, t, x, t_x, T)
    return bgnbd_expected(params, t, x, t_x, T, fit.model == "mbgnbd")


def clv(
    fit: Fit,
    spend: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    months: int = 12,
    month_length: float = 365.25 / 12 / 7,
    monthly_discount: float = 0.0,
) -> np.ndarray:
    """Expected spend × expected purchases over ``months`` months (each ``month_length`` time units), each
    month's purchases discounted by (1 + ``monthly_discount``)^month; with no discount, simply spend ×
    E[Y(months)]."""
    if monthly_discount == 0.0:
        return spend * expected_purchases(fit, months * month_length, x, t_x, T)
    total = np.zeros(len(np.atleast_1d(x)))
    before = np.zeros_like(total)
    for m in range(1, months + 1):
        upto = expected_purchases(fit, m * month_length, x, t_x, T)
        total += (upto - before) / (1.0 + monthly_discount) ** m
        before = upto
    return spend * total


# --- the predict stage ----------------------------------------------------------------------------------

DAYS_PER_UNIT = 7.0  # the models run in weeks, the unit of the published figures, so parameters compare
# Too few repeat buyers and the fits run off to the edge of the parameter space (r or a to 0 or infinity):
# below this the columns stay empty rather than show a made-up number.
MIN_REPEAT_BUYERS = 20
# Gamma-Gamma assumes spend per purchase independent of how often a customer buys; beyond this
# correlation (in either direction) the assumption clearly fails and no value is predicted.
MAX_SPEND_FREQUENCY_CORRELATION = 0.3


@dataclass
class PredictReport:
    """What the predict stage did, for the run info: the model, its fit, the spend fit and the checks."""

    model: str = ""
    fit: Fit | None = None
    spend_fit: Fit | None = None
    spend_frequency_correlation: float | None = None
    customers: int = 0
    repeat_buyers: int = 0
    spend_buyers: int = 0  # repeat buyers with a positive repeat spend: those Gamma-Gamma is fitted on
    reason: str = ""  # why a column is empty, when one is ("" when everything was predicted)
    value_reason: str = ""
    alternatives: dict[str, float] = field(default_factory=dict)  # model -> log-likelihood, when chosen by data


def purchase_histories(lines: pd.DataFrame, rows: np.ndarray, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per customer with a positive order, indexed by customer_id: x (repeat purchase days: distinct days
    with an order that nets to a positive amount, after the first), t_x and T (days from the first such
    day to the last and to the as-of date, in :data:`DAYS_PER_UNIT` units), spend_days and spend_mean
    (the repeat days whose orders net to a positive amount after refunds, and their mean value in the base
    currency). Purchase days, not orders, because the models count purchase occasions: an exporter's
    several invoices on one day are one occasion. The whole history counts, whatever the look-back."""
    from custseg.core.metrics import _order_keys

    at = np.flatnonzero(rows)
    empty = pd.DataFrame(columns=["x", "t_x", "T", "spend_days", "spend_mean"], dtype=float)
    if not len(at):
        return empty
    if "customer_key" in lines:
        keys = lines["customer_key"].to_numpy()[at].astype(np.int64)
    else:
        keys = pd.factorize(lines["customer_id"].to_numpy(dtype=object)[at])[0].astype(np.int64)
    dates = lines["order_date"].to_numpy()[at]
    orders = _order_keys(lines["order_id"], rows, dates)
    amount = lines["amount_base"].to_numpy(dtype=float)[at]
    sale = amount + lines["refunded_base"].to_numpy(dtype=float)[at] if "refunded_base" in lines else amount
    low = int(orders.min())
    width = int(orders.max()) - low + 1
    frame = pd.DataFrame({"co": keys * width + (orders - low), "sale": sale, "net": amount, "day": dates})
    by_order = frame.groupby("co", sort=False).agg(sale=("sale", "sum"), net=("net", "sum"), day=("day", "min"))
    by_order = by_order[by_order["sale"].to_numpy() > 0.005]  # as frequency counts orders
    if by_order.empty:
        return empty
    cust = by_order.index.to_numpy() // width
    day = by_order["day"].to_numpy().astype("datetime64[D]").astype(np.int64)
    d0 = int(day.min())
    span = int(day.max()) - d0 + 1
    cd, inverse = np.unique(cust * span + (day - d0), return_inverse=True)
    net = np.maximum(by_order["net"].to_numpy(), 0.0)
    day_value = np.bincount(inverse.reshape(-1), weights=net, minlength=len(cd))
    c, d = cd // span, cd % span
    first = np.concatenate(([True], c[1:] != c[:-1]))
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(c)))
    first_day = np.repeat(d[starts], counts)
    repeat = ~first
    paid = repeat & (day_value > 0.005)
    customers = c[starts]
    seg = np.repeat(np.arange(len(starts)), counts)
    spend_days = np.bincount(seg[paid], minlength=len(starts))
    spend_sum = np.bincount(seg[paid], weights=day_value[paid], minlength=len(starts))
    last = np.append(starts[1:] - 1, len(c) - 1)
    as_of_day = int(as_of.to_datetime64().astype("datetime64[D]").astype(np.int64)) - d0
    ids = _customer_ids(lines, at, keys, customers)
    out = pd.DataFrame(
        {
            "x": (counts - 1).astype(float),
            "t_x": (d[last] - d[starts]) / DAYS_PER_UNIT,
            "T": (as_of_day - first_day[starts]) / DAYS_PER_UNIT,
            "spend_days": spend_days.astype(float),
            "spend_mean": np.divide(spend_sum, spend_days, out=np.zeros(len(starts)), where=spend_days > 0),
        },
        index=pd.Index(ids, name="customer_id"),
    )
    return out


def _customer_ids(lines: pd.DataFrame, at: np.ndarray, keys: np.ndarray, customers: np.ndarray) -> np.ndarray:
    """The customer_id of each key in ``customers``, read from any one of its lines (``at``: the lines'
    positions, ``keys`` their customer keys)."""
    some_line = np.zeros(int(keys.max()) + 1, dtype=np.int64)
    some_line[keys] = at
    return lines["customer_id"].to_numpy(dtype=object)[some_line[customers]]


def _empty(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for c in PREDICT_COLUMNS[:-1]:
        out[c] = np.nan
    out["prediction_model"] = ""
    return out


def predict(
    table: pd.DataFrame,
    lines: pd.DataFrame,
    rows: np.ndarray,
    as_of: pd.Timestamp,
    model: str = "mbgnbd",
    monthly_discount: float = 0.0,
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
) -> tuple[pd.DataFrame, PredictReport]:
    """The predict stage: ``table`` (indexed by customer_id) with :data:`PREDICT_COLUMNS`, from the
    purchase histories of ``lines[rows]``; ``model`` one of :data:`MODELS` or "auto" (the better fit of
    MBG/NBD and Pareto/NBD, which have as many parameters). Where the data cannot carry a fit, the
    columns stay empty and the report says why; it never raises for the data's sake."""
    report = PredictReport()
    hist = purchase_histories(lines, rows, as_of)
    place = table.index.get_indexer(hist.index)  # every customer with a positive order is in the table
    report.customers = len(hist)
    report.repeat_buyers = int((hist["x"] > 0).sum())
    if report.repeat_buyers < min_repeat_buyers:
        report.reason = "too_few_repeat_buyers"
        return _empty(table), report
    x, t_x, T = (hist[c].to_numpy() for c in ("x", "t_x", "T"))
    if len(collapse(x, t_x, T)[1]) < 3:
        report.reason = "identical_histories"
        return _empty(table), report
    candidates = ["mbgnbd", "pareto_nbd"] if model == "auto" else [model]
    fits = [fit_purchases(m, x, t_x, T) for m in candidates]
    good = [f for f in fits if f.converged]
    if model == "auto":
        report.alternatives = {f.model: f.log_likelihood for f in fits}
    if not good:
        report.fit = fits[0]
        report.reason = "no_convergence"
        return _empty(table), report
    fit = max(good, key=lambda f: f.log_likelihood)
    report.model, report.fit = fit.model, fit
    out = _empty(table)
    at = place
    with np.errstate(all="ignore"):
        alive = np.full(len(x), np.nan) if fit.no_dropout else p_alive(fit, x, t_x, T)
        e90 = expected_purchases(fit, 90 / DAYS_PER_UNIT, x, t_x, T)
        e365 = expected_purchases(fit, 365 / DAYS_PER_UNIT, x, t_x, T)
    out.iloc[at, out.columns.get_loc("p_alive")] = alive
    out.iloc[at, out.columns.get_loc("expected_orders_90d")] = e90
    out.iloc[at, out.columns.get_loc("expected_orders_365d")] = e365
    out.iloc[at, out.columns.get_loc("prediction_model")] = fit.model
    report.spend_buyers = int((hist["spend_days"] > 0).sum())
    value, report.value_reason, report.spend_fit, report.spend_frequency_correlation = _value(
        fit, hist, min_repeat_buyers, monthly_discount
    )
    if value is not None:
        out.iloc[at, out.columns.get_loc("predicted_value_12m")] = value
    return out, report


def _value(
    fit: Fit, hist: pd.DataFrame, minimum: int, monthly_discount: float
) -> tuple[np.ndarray | None, str, Fit | None, float | None]:
    """12 months' predicted value per customer of ``hist`` (or None), why not, the spend fit and the
    spend-frequency correlation among repeat buyers with positive spend."""
    paid = hist["spend_days"].to_numpy() > 0
    xs, means = hist["spend_days"].to_numpy()[paid], hist["spend_mean"].to_numpy()[paid]
    if paid.sum() < minimum:
        return None, "too_few_repeat_buyers", None, None
    with np.errstate(all="ignore"):
        corr = float(np.corrcoef(xs, means)[0, 1]) if np.ptp(xs) > 0 and np.ptp(means) > 0 else float("nan")
    if not np.isfinite(corr):
        return None, "identical_histories", None, None
    if abs(corr) > MAX_SPEND_FREQUENCY_CORRELATION:
        return None, "spend_depends_on_frequency", None, corr
    spend_fit = fit_gamma_gamma(xs, means)
    p, q, _ = spend_fit.values()
    if not spend_fit.converged or q <= 1.0:
        return None, "spend_no_convergence", spend_fit, corr
    with np.errstate(all="ignore"):
        spend = gamma_gamma_expected_spend(
            spend_fit.values(), hist["spend_days"].to_numpy(), hist["spend_mean"].to_numpy()
        )
        x, t_x, T = (hist[c].to_numpy() for c in ("x", "t_x", "T"))
        value = clv(fit, spend, x, t_x, T, 12, 365 / 12 / DAYS_PER_UNIT, monthly_discount)
    return value, "", spend_fit, corr
