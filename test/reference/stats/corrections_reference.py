#!/usr/bin/env python3
"""Reference numbers for the multiple-comparison corrections wired into the analysis
(stats/corrections.ts): per comparison the delta-method relative p-value and the absolute
p-value (binomial: unpooled z; continuous: Welch t), adjusted with statsmodels `multipletests`
over the decision family (goal metric + guardrail, every arm; Holm, Bonferroni, BH, none) and
the secondary family (BH), and the interval re-derived (method "none" keeps the unadjusted one) from each adjusted p-value:
estimate +/- z_{1-alpha/2} |estimate| / z_{1-p_adj/2} (the latter as norm.isf(p_adj/2), exact in the tail).

Independent of the TypeScript code: SciPy distributions and statsmodels only.
Run: /usr/bin/python3 test/reference/stats/corrections_reference.py > test/fixtures/stats/corrections.json
"""
import json
import math
import sys

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.multitest import multipletests

ALPHA = 0.05
ARMS = ["control", "a", "b"]
# binomial goal metric: (n, conversions)
CONVERSION = {"control": (10000, 1000), "a": (10000, 1085), "b": (10000, 1130)}
# continuous guardrail: (n, mean, sd)
REVENUE = {"control": (10000, 50.0, 10.0), "a": (10000, 49.6, 10.0), "b": (10000, 48.6, 11.0)}
# continuous secondary metric: (n, mean, sd)
ORDERS = {"control": (10000, 1.20, 0.9), "a": (10000, 1.23, 0.9), "b": (10000, 1.24, 0.95)}


def comparison(kind, control, treatment):
    if kind == "binomial":
        (nc, xc), (nt, xt) = control, treatment
        mc, mt = xc / nc, xt / nt
        vc, vt = mc * (1 - mc), mt * (1 - mt)
        df = None
    else:
        (nc, mc, sc), (nt, mt, st) = control, treatment
        vc, vt = sc * sc, st * st
        a, b = vt / nt, vc / nc
        df = (a + b) ** 2 / (a * a / (nt - 1) + b * b / (nc - 1))
    se_abs = math.sqrt(vt / nt + vc / nc)
    delta = mt - mc
    rel = delta / mc
    se_rel = math.sqrt(vt / (nt * mc * mc) + mt * mt * vc / (nc * mc ** 4))

    def p_of(z):
        return float(2 * (stats.norm.sf(abs(z)) if df is None else stats.t.sf(abs(z), df)))

    q = stats.norm.ppf(1 - ALPHA / 2) if df is None else stats.t.ppf(1 - ALPHA / 2, df)
    return {
        "absolute": delta, "relative": rel, "absP": p_of(delta / se_abs), "relP": p_of(rel / se_rel),
        # unadjusted intervals: what method "none" keeps
        "absCI": {"estimate": delta, "ciLower": delta - q * se_abs, "ciUpper": delta + q * se_abs},
        "relCI": {"estimate": rel, "ciLower": rel - q * se_rel, "ciUpper": rel + q * se_rel},
    }


def interval(estimate, p_adj):
    if p_adj >= 1:
        return {"estimate": estimate, "ciLower": None, "ciUpper": None}
    half = stats.norm.ppf(1 - ALPHA / 2) * abs(estimate) / stats.norm.isf(p_adj / 2)
    return {"estimate": estimate, "ciLower": estimate - half, "ciUpper": estimate + half}


def family(metrics, method):
    rows = [(name, v, comparison(kind, data["control"], data[v])) for name, kind, data in metrics for v in ARMS[1:]]
    rel = multipletests([r[2]["relP"] for r in rows], alpha=ALPHA, method=method)[1] if method != "none" else [r[2]["relP"] for r in rows]
    ab = multipletests([r[2]["absP"] for r in rows], alpha=ALPHA, method=method)[1] if method != "none" else [r[2]["absP"] for r in rows]
    return [
        {
            "metric": name, "variant": v, "pValue": r["relP"], "absolutePValue": r["absP"],
            "adjustedPValue": float(pr), "adjustedAbsolutePValue": float(pa),
            "relative": r["relCI"] if method == "none" else interval(r["relative"], float(pr)),
            "absolute": r["absCI"] if method == "none" else interval(r["absolute"], float(pa)),
        }
        for (name, v, r), pr, pa in zip(rows, rel, ab)
    ]


decision = [("conversion", "binomial", CONVERSION), ("revenue_per_user", "continuous", REVENUE)]
secondary = [("orders_per_user", "continuous", ORDERS)]
out = {
    "generatedBy": "/usr/bin/python3 test/reference/stats/corrections_reference.py > test/fixtures/stats/corrections.json",
    "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
    "alpha": ALPHA,
    "inputs": {
        "conversion": {k: {"n": n, "conversions": x} for k, (n, x) in CONVERSION.items()},
        "revenue_per_user": {k: {"n": n, "mean": m, "sd": s} for k, (n, m, s) in REVENUE.items()},
        "orders_per_user": {k: {"n": n, "mean": m, "sd": s} for k, (n, m, s) in ORDERS.items()},
    },
    "decision": {m: family(decision, sm) for m, sm in [("none", "none"), ("bonferroni", "bonferroni"), ("holm", "holm"), ("benjamini-hochberg", "fdr_bh")]},
    "secondary": family(secondary, "fdr_bh"),
    # upper-tail normal quantiles (stats/distributions.ts normalUpperQuantile), down to the far tail
    "normalIsf": [{"q": q, "z": float(stats.norm.isf(q))} for q in [0.3, 0.025, 1e-9, 1e-11, 1e-17, 3.26e-21, 1e-88, 1e-300]],
}
json.dump(out, sys.stdout, indent=2)
print()
