#!/usr/bin/env python3
"""Reference numbers for stats/sequential.ts: the asymptotic confidence sequence of Waudby-Smith
et al. (2023, "Time-uniform central limit theory and asymptotic confidence sequences", Thm 2.2,
normal mixture, rho on the standardized scale as GrowthBook's sequential engine) with rho tuned for a target sample size N* (Howard et al. 2021), applied to the
absolute difference and the delta-method relative uplift of two arms, and its always-valid p-value.

The p-value is computed independently of the closed form used in the TypeScript code: with rho
fixed, it is the level alpha' at which the sequence's bound touches 0, found with scipy's brentq.

Run: /usr/bin/python3 test/reference/stats/sequential_reference.py > test/fixtures/stats/sequential.json
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy.optimize import brentq


def rho2(alpha, target_n):
    l = -2 * math.log(alpha)
    return (l + math.log(l + 1)) / target_n


def half_width(variance, t, alpha, r2):
    s2 = t * variance  # sigma-hat^2: per-unit scale; rho acts on the standardized scale
    v = t * r2 + 1
    return math.sqrt(s2) * math.sqrt(2 * v / (t * t * r2) * math.log(math.sqrt(v) / alpha))


def p_value(estimate, variance, t, r2):
    if estimate == 0:
        return 1.0
    f = lambda a: half_width(variance, t, a, r2) - abs(estimate)
    # the half-width falls as alpha' grows; at alpha' = 1 it may still exceed |estimate|: p = 1
    if f(1.0) >= 0:
        return 1.0
    lo = 1e-300
    if f(lo) <= 0:
        return 0.0
    return math.exp(brentq(lambda la: f(math.exp(la)), math.log(lo), 0.0, xtol=1e-14, rtol=1e-14))


def arms(kind, c, t):
    if kind == "binomial":
        (nc, xc), (nt, xt) = c, t
        mc, mt = xc / nc, xt / nt
        return nc, mc, mc * (1 - mc), nt, mt, mt * (1 - mt)
    (nc, mc, sc), (nt, mt, st) = c, t
    return nc, mc, sc * sc, nt, mt, st * st


CASES = [
    ("binomial, clear lift", "binomial", (5000, 500), (5000, 600), 0.05, 5000),
    ("binomial, no lift", "binomial", (2000, 200), (2000, 206), 0.05, 5000),
    ("binomial, small early look", "binomial", (300, 30), (310, 45), 0.05, 5000),
    ("continuous, lift at N*", "continuous", (2500, 10.0, 8.0), (2500, 10.6, 8.2), 0.05, 5000),
    ("continuous, long after N*", "continuous", (100000, 10.0, 8.0), (100000, 10.1, 8.0), 0.05, 5000),
    ("continuous, alpha 0.1, N* 20000", "continuous", (8000, 50.0, 30.0), (8000, 48.8, 31.0), 0.1, 20000),
]

out_cases = []
for name, kind, c, t, alpha, target in CASES:
    nc, mc, vc, nt, mt, vt = arms(kind, c, t)
    total = nc + nt
    r2 = rho2(alpha, target)
    delta = mt - mc
    var_abs = vt / nt + vc / nc
    rel = delta / mc
    var_rel = vt / (nt * mc * mc) + mt * mt * vc / (nc * mc ** 4)
    res = {"name": name, "type": kind, "alpha": alpha, "targetN": target, "n": total}
    res["control"] = {"n": c[0], **({"conversions": c[1]} if kind == "binomial" else {"mean": c[1], "sd": c[2]})}
    res["treatment"] = {"n": t[0], **({"conversions": t[1]} if kind == "binomial" else {"mean": t[1], "sd": t[2]})}
    res["rho2"] = r2
    for label, est, var in [("absolute", delta, var_abs), ("relative", rel, var_rel)]:
        h = half_width(var, total, alpha, r2)
        res[label] = {"estimate": est, "variance": var, "ciLower": est - h, "ciUpper": est + h, "pValue": p_value(est, var, total, r2)}
    out_cases.append(res)

json.dump({
    "generatedBy": "/usr/bin/python3 test/reference/stats/sequential_reference.py > test/fixtures/stats/sequential.json",
    "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__},
    "cases": out_cases,
}, sys.stdout, indent=2)
print()
