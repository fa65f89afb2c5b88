#!/usr/bin/env python3
"""The NumPy/SciPy yardstick of `fpk bench physics`: the same problems, the same scheme and grid,
written as a Python user would (vectorised NumPy, SciPy's LAPACK tridiagonal LU), printing one JSON
object per line with the same names and units as `fpk bench physics --json`.

  fp-ou-1d   OU transient (mu = -0.02 w, D = 1e-3, start N(1, 0.1^2)) on 400 cells over [-1, 1.6],
             300 steps of TR-BDF2 with one substep each: l1 against the exact Gaussian, millis.
  fp-batch   4,096 entries x 256 cells, one implicit step of backward Euler or TR-BDF2, with the
             fields unchanged (LU factors reused) or new every step: cellUpdatesPerSecond, millis.
  km-binned  10^6 increments into 300 bins on [-1, 1] (count, mean and central moments 2-4 of
             dW/dt per bin, and the OU least-squares line): incrementsPerSecond, millis.

Scheme (as services/physics FpKernels): finite volumes, zero-flux walls, Scharfetter-Gummel
face fluxes J = (D/h) (B(-x) p_i - B(x) p_{i+1}), x = A h / D, A = mu - dD/dw (face mu by the
(-1, 13, 13, -1)/24 rule, plain average next to the walls); M = I - c L; TR-BDF2 solves
M p* = (2I - M) p, then M p' = W1 p* - W0 p, c = (1 - 1/sqrt 2) tau. Units: time in optimiser
steps, w in weight units, mu per step, D in weight units^2 per step (dW = mu dt + sqrt(2D) dB).

Each figure is the median of 15 runs after at least 0.4 s of warm-up, on one thread
(OMP/OpenBLAS threads are pinned to 1 before NumPy loads, as the Java benchmark runs on one core).
Usage: python3 physics_yardstick.py
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import json  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy.linalg import lapack  # noqa: E402
from scipy.special import ndtr  # noqa: E402

GAMMA = 2 - math.sqrt(2)
ALPHA = 1 - 1 / math.sqrt(2)
W1 = 1 / (GAMMA * (2 - GAMMA))
W0 = (1 - GAMMA) ** 2 / (GAMMA * (2 - GAMMA))
RUNS = 15
WARMUP_SECONDS = 0.4


def median_seconds(f):
    start = time.perf_counter()
    n = 0
    while n < 5 or time.perf_counter() - start < WARMUP_SECONDS:
        f()
        n += 1
    t = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        f()
        t.append(time.perf_counter() - t0)
    return sorted(t)[RUNS // 2]


def bern(x):
    """B(x) = x / (e^x - 1), B(0) = 1; series for |x| < 1/2 as in FpKernels."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 0.5
    x2 = x * x
    series = 1 - 0.5 * x + x2 * (1 / 12 + x2 * (-1 / 720 + x2 * (1 / 30240 + x2 * (-1 / 1209600))))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        big = x / np.expm1(x)
    out = np.where(small, series, big)
    return np.where(x > 745, 0.0, out)


def faces(mu, d, h):
    """Face coefficients a, b (shape [..., n - 1]) from drift and diffusion at the centres."""
    m0, m1 = mu[..., :-1], mu[..., 1:]
    muf = 0.5 * (m0 + m1)
    muf[..., 1:-1] = (13 * (m0[..., 1:-1] + m1[..., 1:-1]) - mu[..., :-3] - mu[..., 3:]) / 24
    d0, d1 = d[..., :-1], d[..., 1:]
    df = 0.5 * (d0 + d1)
    af = muf - (d1 - d0) / h
    k = df / h
    x = af / k
    b = k * bern(x)
    a = b + af
    a = np.where(a < 0, k * bern(-x), a)
    return a, b


def tridiagonal(a, b, c, h):
    """Sub, main and super diagonals of M = I - c L for lines of faces a, b (shape [E, n - 1]), flattened."""
    e, f = a.shape
    n = f + 1
    ch = c / h
    main = np.ones((e, n))
    main[:, :-1] += ch * a
    main[:, 1:] += ch * b
    lower = np.zeros((e, n))  # lower[:, i] multiplies p_i in row i + 1
    upper = np.zeros((e, n))  # upper[:, i] multiplies p_{i+1} in row i
    lower[:, :-1] = -ch * a
    upper[:, :-1] = -ch * b
    # entries are independent: no coupling across the block boundaries
    return lower.ravel()[:-1], main.ravel(), upper.ravel()[:-1]


class Implicit:
    """LU factors of M (LAPACK gttrf) and its stages; several independent lines at once."""

    def __init__(self, a, b, c, h):
        dl, d, du = tridiagonal(a, b, c, h)
        self.m = (dl, d, du)
        self.lu = lapack.dgttrf(dl, d, du)

    def solve(self, rhs):
        dl, d, du, du2, ipiv, _ = self.lu
        x, info = lapack.dgttrs(dl, d, du, du2, ipiv, rhs)
        return x

    def times(self, p):
        dl, d, du = self.m
        out = d * p
        out[1:] += dl * p[:-1]
        out[:-1] += du * p[1:]
        return out

    def tr_bdf2(self, p):
        star = self.solve(2 * p - self.times(p))
        return self.solve(W1 * star - W0 * p)


def clip(p, before, lines, n):
    """TR-BDF2 undershoots: negatives set to zero and each line rescaled to its mass before."""
    if p.min() >= 0:
        return p
    q = np.maximum(p, 0).reshape(lines, n)
    after = q.sum(axis=1)
    q *= np.where(after > 0, before / np.where(after > 0, after, 1), 0)[:, None]
    return q.ravel()


def gaussian_cells(edges, mean, sd):
    cdf = ndtr((edges - mean) / sd)
    return np.diff(cdf) / (edges[1] - edges[0])


def fp_ou_1d():
    cells, steps, k, d = 400, 300, 0.02, 1e-3
    edges = np.linspace(-1.0, 1.6, cells + 1)
    h = edges[1] - edges[0]
    centres = 0.5 * (edges[:-1] + edges[1:])
    start = gaussian_cells(edges, 1.0, 0.1)
    mu = (-k * centres)[None, :]
    dd = np.full((1, cells), d)
    result = {}

    def solve():
        a, b = faces(mu, dd, h)
        m = Implicit(a, b, ALPHA * 1.0, h)
        p = start.copy()
        for _ in range(steps):
            p = clip(m.tr_bdf2(p), p.sum(), 1, cells)
        result["p"] = p

    seconds = median_seconds(solve)
    var = d / k + (0.01 - d / k) * math.exp(-2 * k * steps)
    exact = gaussian_cells(edges, math.exp(-k * steps), math.sqrt(var))
    l1 = float(np.abs(result["p"] - exact).sum() * h)
    return {"name": "fp-ou-1d", "cells": cells, "steps": steps, "substeps": steps, "scheme": "TR_BDF2",
            "l1": float("%.3e" % l1), "millis": round(seconds * 1e3, 3)}


def fp_batch(scheme, fields_change):
    entries, cells = 4096, 256
    edges = np.linspace(-1, 1, cells + 1)
    h = edges[1] - edges[0]
    w = 0.5 * (edges[:-1] + edges[1:])
    k = 0.005 + 0.045 * np.arange(entries) / entries
    mu = -k[:, None] * w[None, :]
    dd = np.broadcast_to(1e-4 * (1 + 0.5 * w * w), (entries, cells)).copy()
    p0 = np.tile(gaussian_cells(edges, 0.1, 0.2), entries)
    c = ALPHA if scheme == "TR_BDF2" else 1.0
    state = {"p": p0.copy(), "m": Implicit(*faces(mu, dd, h), c, h)}

    def step():
        if fields_change:
            state["m"] = Implicit(*faces(mu, dd, h), c, h)
        m, p = state["m"], state["p"]
        if scheme == "TR_BDF2":
            before = p.reshape(entries, cells).sum(axis=1)
            state["p"] = clip(m.tr_bdf2(p), before, entries, cells)
        else:
            state["p"] = m.solve(p)

    seconds = median_seconds(step)
    return {"name": "fp-batch", "entries": entries, "cells": cells, "scheme": scheme,
            "fieldsChangeEachStep": fields_change,
            "cellUpdatesPerSecond": float("%.4e" % (entries * cells / seconds)), "millis": round(seconds * 1e3, 3)}


def km_binned():
    n, bins = 1_000_000, 300
    lo, hi = -1.0, 1.0
    rnd = np.random.default_rng(42)
    w = 0.4 * rnd.standard_normal(n)
    dw = -0.02 * w + 0.03 * rnd.standard_normal(n)
    dt = 1.0
    sink = {}

    def estimate():
        b = np.clip(((w - lo) * (bins / (hi - lo))).astype(np.int64), 0, bins - 1)
        b[w < lo] = 0
        x = dw / dt
        count = np.bincount(b, minlength=bins).astype(float)
        safe = np.where(count > 0, count, 1)
        mean = np.bincount(b, x, bins) / safe
        r = x - mean[b]
        r2 = r * r
        m2 = np.bincount(b, r2, bins)
        m3 = np.bincount(b, r2 * r, bins)
        m4 = np.bincount(b, r2 * r2, bins)
        drift = mean
        diffusion = m2 / safe * dt / 2  # D = Var[dW] / (2 dt)
        wc = w - w.mean()  # OU line mu(w) = slope w + intercept, least squares
        slope = float(wc @ (x - x.mean()) / (wc @ wc))
        intercept = x.mean() - slope * w.mean()
        sink["out"] = (drift, diffusion, m3, m4, slope, intercept)

    seconds = median_seconds(estimate)
    return {"name": "km-binned", "increments": n, "bins": bins,
            "incrementsPerSecond": float("%.4e" % (n / seconds)), "millis": round(seconds * 1e3, 3)}


def main():
    tag = {"implementation": "numpy-scipy", "numpy": np.__version__, "scipy": scipy.__version__}
    figures = [fp_ou_1d()]
    for scheme in ("BACKWARD_EULER", "TR_BDF2"):
        for change in (False, True):
            figures.append(fp_batch(scheme, change))
    figures.append(km_binned())
    for f in figures:
        f.update(tag)
        print(json.dumps(f), flush=True)


if __name__ == "__main__":
    main()
