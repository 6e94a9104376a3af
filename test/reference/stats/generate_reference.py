#!/usr/bin/python3
"""Reference fixtures for test/stats, computed by SciPy / statsmodels / numpy.

Command (run from the repository root; /usr/bin/python3 has scipy 1.10, statsmodels 0.13, numpy):

    /usr/bin/python3 test/reference/stats/generate_reference.py

Writes test/fixtures/stats/{distributions,binomial,continuous,ratio,cuped,srm,power,
multiple-comparisons,bayesian}.json.
Every file records this command in "generatedBy". Raw per-unit arrays are generated with fixed
numpy seeds; the TypeScript tests receive only the sufficient statistics (sums computed with
math.fsum), while every reference number below is computed from the raw arrays by an established
implementation (scipy.stats.ttest_ind, statsmodels test_proportions_2indep / CompareMeans /
confint_proportions_2indep / NormalIndPower, scipy.stats.chisquare) or, where no library has the
estimator (relative-uplift delta method, ratio delta method, CUPED), by numpy on the raw arrays
(np.cov / np.var(ddof=1)), independently of the sufficient-statistics formulas in stats/.

p-values (docs/analysis-definitions.md, "Statistics"): every p-value is the test that inverts the
CI it is reported with. "absolutePValue" tests the difference (unpooled z: statsmodels
test_proportions_2indep(method='wald') or CompareMeans.ztest_ind(usevar='unequal'); Welch t:
scipy ttest_ind(equal_var=False)); "pValue" tests the relative uplift with the delta-method SE
(complex-step gradient of m_t/m_c − 1 and the arms' mean variances, cross-checked against the
closed form)
against the same reference distribution (normal, or t with the Welch df of the difference). Each
case asserts p < α exactly when the matching CI excludes 0.
"""
import json
import math
import os
import sys

import numpy as np
import scipy
import statsmodels
from scipy import integrate, optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower, normal_power
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

COMMAND = "/usr/bin/python3 test/reference/stats/generate_reference.py"
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "stats")
VERSIONS = {
    "python": sys.version.split()[0],
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "statsmodels": statsmodels.__version__,
}


def close(a, b, rtol=1e-10):
    assert abs(a - b) <= rtol * max(1.0, abs(b)), (a, b)


def write(name, description, cases, **extra):
    doc = {"generatedBy": COMMAND, "versions": VERSIONS, "description": description, **extra, "cases": cases}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")


def f(x):
    """A plain Python float (JSON-safe)."""
    x = float(x)
    assert math.isfinite(x), x
    return x


def moments(y):
    y = np.asarray(y, dtype=float)
    return {"n": int(y.size), "sum": math.fsum(y), "sumSquares": math.fsum(y * y)}


def covariate_moments(y, x):
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    return {**moments(y), "sumX": math.fsum(x), "sumX2": math.fsum(x * x), "sumXY": math.fsum(x * y)}


def relative_delta(mc, vc, nc, mt, vt, nt, q):
    """Delta-method relative uplift (mt - mc)/mc with Var = vt/(nt mc^2) + mt^2 vc/(nc mc^4)."""
    rel = (mt - mc) / mc
    var = vt / (nt * mc**2) + mt**2 * vc / (nc * mc**4)
    half = q * math.sqrt(var)
    return {"estimate": f(rel), "ciLower": f(rel - half), "ciUpper": f(rel + half)}


def complex_step_gradient(g, point, h=1e-30):
    """dg/dv_k = Im g(v + i h e_k) / h: the complex-step derivative (Squire & Trapp 1998), exact to
    rounding for an analytic g (no subtraction, truncation error O(h^2))."""
    point = np.asarray(point, dtype=complex)
    grad = []
    for k in range(point.size):
        v = point.copy()
        v[k] += 1j * h
        grad.append(g(v).imag / h)
    return np.array(grad)


def relative_test(mc, vc, nc, mt, vt, nt, df=None):
    """Two-sided delta-method test of (mt - mc)/mc = 0: statistic rel / se against N(0, 1) (df None)
    or Student t with df. se from the complex-step gradient of g(mt, mc) = mt/mc - 1 and the diagonal
    covariance of the two independent means (vt/nt, vc/nc), cross-checked against the closed form.
    A zero delta-method variance (mt = 0 and vt = 0) has a point CI: p = 0 unless the estimate is 0."""
    grad = complex_step_gradient(lambda v: v[0] / v[1] - 1.0, [mt, mc])
    cov = np.diag([vt / nt, vc / nc])
    var_numeric = float(grad @ cov @ grad)
    var = vt / (nt * mc**2) + mt**2 * vc / (nc * mc**4)
    close(var_numeric, var, 1e-12)
    rel = (mt - mc) / mc
    if var == 0:
        return None, 0.0 if rel != 0 else 1.0
    stat = rel / math.sqrt(var)
    p = 2 * (stats.norm.sf(abs(stat)) if df is None else stats.t.sf(abs(stat), df))
    return f(stat), f(p)


def check_coherent(interval, p, alpha):
    """p < alpha exactly when the CI excludes 0 (ties are not expected in these fixtures)."""
    excludes = interval["ciLower"] > 0 or interval["ciUpper"] < 0
    assert (p < alpha) == excludes, (interval, p, alpha)


# ---------------------------------------------------------------- distributions (scipy.stats)
def distributions():
    cases = {
        "normalQuantile": [{"p": p, "value": f(stats.norm.ppf(p))} for p in [0.5, 0.8, 0.9, 0.95, 0.975, 0.995, 0.9995, 1e-6]],
        "normalCdf": [{"x": x, "value": f(stats.norm.cdf(x))} for x in [-8.0, -3.0, -1.959963984540054, 0.0, 0.5, 2.5]],
        "studentTQuantile": [
            {"p": p, "df": df, "value": f(stats.t.ppf(p, df))}
            for p, df in [(0.975, 1.0), (0.975, 2.5), (0.975, 13.7), (0.995, 30.2), (0.95, 1000.0), (0.975, 123456.7), (0.9, 4.0)]
        ],
        "studentTCdf": [
            {"x": x, "df": df, "value": f(stats.t.cdf(x, df))}
            for x, df in [(-2.1, 13.7), (-40.0, 3.3), (-0.3, 1.0), (1.7, 250.5), (-6.0, 57.0)]
        ],
        "chiSquareSurvival": [
            {"x": x, "k": k, "value": f(stats.chi2.sf(x, k))}
            for x, k in [(0.0, 1), (3.841458820694124, 1), (10.5, 2), (8.737864077669903, 1), (25.0, 3), (0.3, 4)]
        ],
    }
    write("distributions.json", "scipy.stats norm/t/chi2 values for the @stdlib wrappers.", cases)


# ---------------------------------------------------------------- binomial (statsmodels)
def binomial():
    literal = [
        ("moderate lift", 100, 1000, 130, 1000, 0.05),
        ("large arms", 4821, 50000, 5012, 50000, 0.05),
        ("treatment with no conversions", 37, 400, 0, 380, 0.05),
        ("small arms", 3, 25, 9, 31, 0.05),
        ("unequal arms, alpha 0.01", 2000, 10000, 2150, 9800, 0.01),
        ("negative effect, alpha 0.1", 612, 5100, 540, 5050, 0.10),
    ]
    cases = []
    for name, xc, nc, xt, nt, alpha in literal:
        wald = test_proportions_2indep(xt, nt, xc, nc, method="wald", compare="diff")  # unpooled, two-sided
        z, p_abs = wald.statistic, wald.pvalue
        lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="wald", compare="diff", alpha=alpha)
        pc, pt = xc / nc, xt / nt
        q = stats.norm.ppf(1 - alpha / 2)
        # cross-check statsmodels' Wald interval and test against the textbook formula
        se = math.sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc)
        close(lo, pt - pc - q * se)
        close(hi, pt - pc + q * se)
        close(z, (pt - pc) / se)
        absolute = {"estimate": f(pt - pc), "ciLower": f(lo), "ciUpper": f(hi)}
        relative = relative_delta(pc, pc * (1 - pc), nc, pt, pt * (1 - pt), nt, q)
        rel_stat, p_rel = relative_test(pc, pc * (1 - pc), nc, pt, pt * (1 - pt), nt)
        check_coherent(absolute, p_abs, alpha)
        check_coherent(relative, p_rel, alpha)
        cases.append({
            "name": name,
            "alpha": alpha,
            "control": {"n": nc, "sum": xc, "sumSquares": xc},
            "treatment": {"n": nt, "sum": xt, "sumSquares": xt},
            "expected": {
                "meanControl": f(pc), "meanTreatment": f(pt),
                "varianceControl": f(pc * (1 - pc)), "varianceTreatment": f(pt * (1 - pt)),
                "absolute": absolute,
                "relative": relative,
                "zStatistic": f(z),
                "absolutePValue": f(p_abs),
                "relativeStatistic": rel_stat,
                "pValue": p_rel,
            },
        })
    write(
        "binomial.json",
        "Binomial arms: statsmodels test_proportions_2indep(method='wald', compare='diff') (unpooled z) absolutePValue, confint_proportions_2indep(method='wald', compare='diff') CI; delta-method relative CI with norm.ppf and its z-test as pValue (p < alpha exactly when the matching CI excludes 0).",
        cases,
    )


# ---------------------------------------------------------------- continuous (scipy Welch)
def welch_reference(c, t, alpha):
    c = np.asarray(c, dtype=float)
    t = np.asarray(t, dtype=float)
    res = stats.ttest_ind(t, c, equal_var=False)
    cm = CompareMeans(DescrStatsW(t), DescrStatsW(c))
    lo, hi = cm.tconfint_diff(alpha=alpha, alternative="two-sided", usevar="unequal")
    _, _, df = cm.ttest_ind(alternative="two-sided", usevar="unequal")
    vc, vt = np.var(c, ddof=1), np.var(t, ddof=1)
    q = stats.t.ppf(1 - alpha / 2, df)
    absolute = {"estimate": f(t.mean() - c.mean()), "ciLower": f(lo), "ciUpper": f(hi)}
    relative = relative_delta(c.mean(), vc, c.size, t.mean(), vt, t.size, q)
    rel_stat, p_rel = relative_test(c.mean(), vc, c.size, t.mean(), vt, t.size, df)
    check_coherent(absolute, res.pvalue, alpha)
    check_coherent(relative, p_rel, alpha)
    return {
        "meanControl": f(c.mean()), "meanTreatment": f(t.mean()),
        "varianceControl": f(vc), "varianceTreatment": f(vt),
        "absolute": absolute,
        "relative": relative,
        "df": f(df),
        "tStatistic": f(res.statistic),
        "absolutePValue": f(res.pvalue),
        "relativeStatistic": rel_stat,
        "pValue": p_rel,
    }


def continuous():
    rng = np.random.default_rng(20240501)
    zero_inflated = lambda n, p, mu: np.where(rng.random(n) < p, np.round(rng.lognormal(mu, 0.8, n) * 100), 0.0)
    data = [
        ("normal arms", rng.normal(10, 3, 500), rng.normal(10.4, 3.5, 520), 0.05),
        ("zero-inflated revenue in cents", zero_inflated(2000, 0.08, 8.0), zero_inflated(1950, 0.09, 8.0), 0.05),
        ("tiny integer arms", np.array([3.0, 7, 4, 4, 9]), np.array([5.0, 6, 11, 8, 7, 9, 12, 6]), 0.05),
        ("poisson counts, alpha 0.1", rng.poisson(1.2, 3000).astype(float), rng.poisson(1.3, 3000).astype(float), 0.10),
        ("constant control arm", np.full(10, 5.0), rng.normal(6, 2, 12), 0.05),
        ("negative effect, alpha 0.01", rng.normal(50, 20, 800), rng.normal(46, 18, 790), 0.01),
    ]
    cases = []
    for name, c, t, alpha in data:
        cases.append({
            "name": name,
            "alpha": alpha,
            "control": moments(c),
            "treatment": moments(t),
            "expected": welch_reference(c, t, alpha),
        })
    write(
        "continuous.json",
        "Continuous arms (seeded numpy default_rng(20240501)): scipy.stats.ttest_ind(equal_var=False) t and absolutePValue, statsmodels CompareMeans tconfint_diff/ttest_ind(usevar='unequal') CI and Welch df, delta-method relative CI with t.ppf(df) and its t-test (same Welch df) as pValue.",
        cases,
    )


# ---------------------------------------------------------------- ratio (numpy delta method)
def ratio_arm(m, d):
    n = m.size
    mbar, dbar = m.mean(), d.mean()
    cov = np.cov(m, d, ddof=1)
    var = cov[0, 0] / dbar**2 - 2 * mbar * cov[0, 1] / dbar**3 + mbar**2 * cov[1, 1] / dbar**4
    # the same variance as the sample variance of the linearised per-unit values
    close(var, np.var(m / dbar - mbar * d / dbar**2, ddof=1), 1e-9)
    return n, m.sum() / d.sum(), var


def ratio():
    rng = np.random.default_rng(7)

    def arm(n, rate, mu):
        orders = rng.poisson(rate, n).astype(float)
        revenue = np.array([math.fsum(np.round(rng.lognormal(mu, 0.6, int(k)) * 100)) for k in orders])
        return revenue, orders

    data = [
        ("average order value", arm(3000, 0.35, 3.5), arm(3100, 0.36, 3.55), 0.05),
        ("sessions per order, alpha 0.1", arm(1200, 1.5, 1.0), arm(1150, 1.6, 0.9), 0.10),
    ]
    cases = []
    for name, (mc, dc), (mt, dt), alpha in data:
        nc, rc, vc = ratio_arm(mc, dc)
        nt, rt, vt = ratio_arm(mt, dt)
        q = stats.norm.ppf(1 - alpha / 2)
        se = math.sqrt(vc / nc + vt / nt)
        z = (rt - rc) / se
        absolute = {"estimate": f(rt - rc), "ciLower": f(rt - rc - q * se), "ciUpper": f(rt - rc + q * se)}
        relative = relative_delta(rc, vc, nc, rt, vt, nt, q)
        rel_stat, p_rel = relative_test(rc, vc, nc, rt, vt, nt)
        p_abs = 2 * stats.norm.sf(abs(z))
        check_coherent(absolute, p_abs, alpha)
        check_coherent(relative, p_rel, alpha)
        cases.append({
            "name": name,
            "alpha": alpha,
            "control": {"n": nc, "sumNum": math.fsum(mc), "sumNum2": math.fsum(mc * mc), "sumDen": math.fsum(dc), "sumDen2": math.fsum(dc * dc), "sumNumDen": math.fsum(mc * dc)},
            "treatment": {"n": nt, "sumNum": math.fsum(mt), "sumNum2": math.fsum(mt * mt), "sumDen": math.fsum(dt), "sumDen2": math.fsum(dt * dt), "sumNumDen": math.fsum(mt * dt)},
            "expected": {
                "meanControl": f(rc), "meanTreatment": f(rt),
                "varianceControl": f(vc), "varianceTreatment": f(vt),
                "absolute": absolute,
                "relative": relative,
                "zStatistic": f(z),
                "absolutePValue": f(p_abs),
                "relativeStatistic": rel_stat,
                "pValue": p_rel,
            },
        })
    write(
        "ratio.json",
        "Ratio metrics (seeded numpy default_rng(7), per-unit revenue/orders): delta-method variance via np.cov(ddof=1) on raw arrays (cross-checked against the linearised per-unit variance), normal CI and z-test of the difference (absolutePValue) via scipy.stats.norm; delta-method relative CI and its z-test as pValue.",
        cases,
    )


# ---------------------------------------------------------------- CUPED (numpy + scipy/statsmodels)
def cuped():
    rng = np.random.default_rng(11)
    cases = []

    def continuous_arm(n, lift):
        x = rng.gamma(2.0, 25.0, n)
        y = 10 + 0.7 * x + rng.normal(0, 15, n) + lift
        return y, x

    def binomial_arm(n, lift):
        x = (rng.random(n) < 0.25).astype(float)
        y = (rng.random(n) < 0.08 + 0.30 * x + lift).astype(float)
        return y, x

    scenarios = [
        ("continuous, two arms", "continuous", [("control", continuous_arm(1500, 0)), ("treatment", continuous_arm(1480, 2.0))], 0.05),
        ("continuous, three arms, alpha 0.1", "continuous", [("control", continuous_arm(900, 0)), ("b", continuous_arm(950, 1.0)), ("c", continuous_arm(870, -3.0))], 0.10),
        ("binomial, two arms", "binomial", [("control", binomial_arm(4000, 0)), ("treatment", binomial_arm(4100, 0.02))], 0.05),
    ]
    for name, kind, arms, alpha in scenarios:
        y_all = np.concatenate([y for _, (y, _) in arms])
        x_all = np.concatenate([x for _, (_, x) in arms])
        theta = np.cov(y_all, x_all, ddof=1)[0, 1] / np.var(x_all, ddof=1)
        xbar = x_all.mean()
        (cname, (yc, xc)) = arms[0]
        comparisons = []
        for vname, (yt, xt) in arms[1:]:
            ac = yc - theta * (xc - xbar)
            at = yt - theta * (xt - xbar)
            mc, mt = ac.mean(), at.mean()
            vc, vt = np.var(ac, ddof=1), np.var(at, ddof=1)
            cm = CompareMeans(DescrStatsW(at), DescrStatsW(ac))
            if kind == "continuous":
                res = stats.ttest_ind(at, ac, equal_var=False)
                stat, p = res.statistic, res.pvalue
                lo, hi = cm.tconfint_diff(alpha=alpha, usevar="unequal")
                _, _, df = cm.ttest_ind(usevar="unequal")
                q = stats.t.ppf(1 - alpha / 2, df)
                unadjusted = welch_reference(yc, yt, alpha)
            else:
                stat, p = cm.ztest_ind(usevar="unequal")
                lo, hi = cm.zconfint_diff(alpha=alpha, usevar="unequal")
                df = None
                q = stats.norm.ppf(1 - alpha / 2)
                pu = test_proportions_2indep(yt.sum(), yt.size, yc.sum(), yc.size, method="wald", compare="diff").pvalue
                ulo, uhi = confint_proportions_2indep(yt.sum(), yt.size, yc.sum(), yc.size, method="wald", compare="diff", alpha=alpha)
                pc_, pt_ = yc.mean(), yt.mean()
                _, pu_rel = relative_test(pc_, pc_ * (1 - pc_), yc.size, pt_, pt_ * (1 - pt_), yt.size)
                unadjusted = {
                    "absolute": {"estimate": f(pt_ - pc_), "ciLower": f(ulo), "ciUpper": f(uhi)},
                    "relative": relative_delta(pc_, pc_ * (1 - pc_), yc.size, pt_, pt_ * (1 - pt_), yt.size, q),
                    "absolutePValue": f(pu),
                    "pValue": pu_rel,
                }
            reduction = 1 - (vt / yt.size + vc / yc.size) / (np.var(yt, ddof=1) / yt.size + np.var(yc, ddof=1) / yc.size)
            absolute = {"estimate": f(mt - mc), "ciLower": f(lo), "ciUpper": f(hi)}
            relative = relative_delta(mc, vc, yc.size, mt, vt, yt.size, q)
            rel_stat, p_rel = relative_test(mc, vc, yc.size, mt, vt, yt.size, df)
            check_coherent(absolute, p, alpha)
            check_coherent(relative, p_rel, alpha)
            comparisons.append({
                "variant": vname,
                "unadjusted": unadjusted,
                "cuped": {
                    "adjustedMeanControl": f(mc), "adjustedMeanTreatment": f(mt),
                    "adjustedVarianceControl": f(vc), "adjustedVarianceTreatment": f(vt),
                    "absolute": absolute,
                    "relative": relative,
                    "df": None if df is None else f(df),
                    "statistic": f(stat),
                    "absolutePValue": f(p),
                    "relativeStatistic": rel_stat,
                    "pValue": p_rel,
                    "varianceReduction": f(reduction),
                },
            })
        cases.append({
            "name": name,
            "type": kind,
            "alpha": alpha,
            "control": cname,
            "arms": [{"variant": v, "moments": covariate_moments(y, x)} for v, (y, x) in arms],
            "expected": {"theta": f(theta), "overallMeanX": f(xbar), "comparisons": comparisons},
        })
    write(
        "cuped.json",
        "CUPED (seeded numpy default_rng(11)): theta = np.cov(y, x)[0,1] / np.var(x, ddof=1) on all arms pooled; adjusted arrays y - theta (x - mean_all(x)); continuous: scipy ttest_ind(equal_var=False) p, statsmodels tconfint_diff(usevar='unequal') CI and df; binomial: statsmodels CompareMeans ztest_ind / zconfint_diff(usevar='unequal') (absolutePValue); relative: delta method on adjusted means/variances, CI and test (pValue) with the same quantile/df; unadjusted binomial: test_proportions_2indep(method='wald') absolutePValue and delta-method relative pValue; varianceReduction from np.var(ddof=1).",
        cases,
    )


# ---------------------------------------------------------------- SRM (scipy.stats.chisquare)
def srm():
    literal = [
        ("balanced two arms", [1000, 1000], None),
        ("mild imbalance", [5000, 5300], None),
        ("three arms", [4980, 5020, 5100], None),
        ("configured 20/80 split", [2100, 7900], [0.2, 0.8]),
        ("configured 20/80 split, severe mismatch", [2600, 7400], [20, 80]),
        ("strong mismatch", [10000, 11000], None),
        ("small counts", [3, 9], None),
    ]
    cases = []
    for name, counts, weights in literal:
        w = np.ones(len(counts)) if weights is None else np.asarray(weights, dtype=float)
        expected = np.sum(counts) * w / w.sum()
        res = stats.chisquare(counts, f_exp=expected)
        cases.append({
            "name": name,
            "counts": counts,
            "weights": weights,
            "expected": {"chiSquare": f(res.statistic), "pValue": f(res.pvalue), "df": len(counts) - 1, "flagged": bool(res.pvalue < 0.001)},
        })
    write("srm.json", "scipy.stats.chisquare(counts, f_exp = N w / sum(w)).", cases)


# ---------------------------------------------------------------- power (statsmodels NormalIndPower)
def power():
    analysis = NormalIndPower()
    required = []
    for name, kind, mean, variance, alpha, pw, mde in [
        ("conversion 10%, MDE 5%", "binomial", 0.1, 0.09, 0.05, 0.8, 0.05),
        ("conversion 3%, MDE 10%, alpha 0.01, power 0.9", "binomial", 0.03, 0.03 * 0.97, 0.01, 0.9, 0.10),
        ("revenue in cents, MDE 2%", "continuous", 5000.0, 2.5e7, 0.05, 0.8, 0.02),
        ("small effect size, power 0.5", "continuous", 1.2, 1.44, 0.05, 0.5, 0.2),
        ("alpha 0.2, MDE 10%", "continuous", 10.0, 16.0, 0.2, 0.8, 0.1),
    ]:
        es = mde * abs(mean) / math.sqrt(variance)
        n_sm = analysis.solve_power(effect_size=es, nobs1=None, alpha=alpha, power=pw, ratio=1.0, alternative="two-sided")
        g = lambda n: analysis.power(es, n, alpha, ratio=1.0, alternative="two-sided") - pw
        n_tight = optimize.brentq(g, 1e-6, 10 * n_sm + 10, xtol=1e-13, rtol=4 * np.finfo(float).eps, maxiter=500)
        assert math.ceil(n_sm) == math.ceil(n_tight), (n_sm, n_tight)
        required.append({
            "name": name, "type": kind, "mean": mean, "variance": variance,
            "settings": {"alpha": alpha, "power": pw, "relativeMde": mde},
            "effectSize": f(es),
            "expected": {"solvePower": f(n_sm), "unrounded": f(n_tight), "perArm": math.ceil(n_tight)},
        })

    noncentrality = []
    for alpha, pw in [(0.05, 0.8), (0.01, 0.9), (0.1, 0.5), (0.2, 0.25)]:
        h = lambda k: normal_power(k, 1.0, alpha, alternative="two-sided") - pw
        k = optimize.brentq(h, 0.0, 20.0, xtol=1e-14, rtol=4 * np.finfo(float).eps, maxiter=500)
        noncentrality.append({"alpha": alpha, "power": pw, "expected": f(k)})

    achieved = []
    for name, mean, variance, nc, nt, alpha, pw in [
        ("equal arms", 0.1, 0.09, 20000, 20000, 0.05, 0.8),
        ("unequal arms", 5000.0, 2.5e7, 12000, 9000, 0.05, 0.8),
        ("small arms, alpha 0.01, power 0.9", 1.2, 1.44, 300, 310, 0.01, 0.9),
    ]:
        ratio_ = nt / nc
        d_sm = analysis.solve_power(effect_size=None, nobs1=nc, alpha=alpha, power=pw, ratio=ratio_, alternative="two-sided")
        g = lambda d: analysis.power(d, nc, alpha, ratio=ratio_, alternative="two-sided") - pw
        d_tight = optimize.brentq(g, 1e-9, 10.0, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
        achieved.append({
            "name": name, "mean": mean, "varianceControl": variance, "varianceTreatment": variance,
            "nControl": nc, "nTreatment": nt, "settings": {"alpha": alpha, "power": pw},
            "expected": {"solvePowerEffectSize": f(d_sm), "effectSize": f(d_tight), "relativeMde": f(d_tight * math.sqrt(variance) / abs(mean))},
        })
    # Each arm's own variance and CUPED: the z-test sees (1 - r)(V_c + V_t)/n, i.e. NormalIndPower with
    # the pooled sigma_bar^2 = (1 - r)(V_c + V_t)/2 (docs/analysis-definitions.md, "Statistics").
    def solve_n(es, alpha, pw):
        n_sm = analysis.solve_power(effect_size=es, nobs1=None, alpha=alpha, power=pw, ratio=1.0, alternative="two-sided")
        g = lambda n: analysis.power(es, n, alpha, ratio=1.0, alternative="two-sided") - pw
        n_tight = optimize.brentq(g, 1e-6, 10 * n_sm + 10, xtol=1e-13, rtol=4 * np.finfo(float).eps, maxiter=500)
        assert math.ceil(n_sm) == math.ceil(n_tight), (n_sm, n_tight)
        return n_sm, n_tight

    per_arm = []
    literal = [
        # binomial: treatment variance under the alternative p_t = p_c (1 + MDE)
        ("binomial 10% -> 10.5%, per-arm variances", "binomial", 0.1, 0.09, 0.105 * 0.895, None, 0.05, 0.8, 0.05),
        ("continuous, treatment variance 1.5x", "continuous", 5000.0, 2.5e7, 3.75e7, None, 0.05, 0.8, 0.02),
        ("continuous, CUPED r = 0.3", "continuous", 5000.0, 2.5e7, 2.5e7, 0.3, 0.05, 0.8, 0.02),
        ("binomial, per-arm variances and CUPED r = 0.12, alpha 0.01, power 0.9", "binomial", 0.03, 0.03 * 0.97, 0.033 * 0.967, 0.12, 0.01, 0.9, 0.10),
        ("CUPED adding variance, r = -0.05", "continuous", 10.0, 16.0, 20.0, -0.05, 0.2, 0.8, 0.1),
    ]
    for name, kind, mean, vc, vt, r, alpha, pw, mde in literal:
        sigma_bar = math.sqrt((1 - (r or 0.0)) * (vc + vt) / 2)
        es = mde * abs(mean) / sigma_bar
        n_sm, n_tight = solve_n(es, alpha, pw)
        per_arm.append({
            "name": name, "type": kind, "mean": mean, "variance": vc, "varianceTreatment": vt, "varianceReduction": r,
            "settings": {"alpha": alpha, "power": pw, "relativeMde": mde},
            "effectSize": f(es),
            "expected": {"solvePower": f(n_sm), "unrounded": f(n_tight), "perArm": math.ceil(n_tight)},
        })

    # CUPED from raw arrays (seeded numpy default_rng(41)): theta pooled, adjusted arrays y - theta (x - xbar);
    # the required n from the adjusted per-arm variances must equal the one from r and the unadjusted ones.
    rng = np.random.default_rng(41)
    n_arm = 4000
    xc, xt = rng.gamma(2.0, 25.0, n_arm), rng.gamma(2.0, 25.0, n_arm)
    yc = 10 + 0.7 * xc + rng.normal(0, 30, n_arm)
    yt = 12 + 0.7 * xt + rng.normal(0, 36, n_arm)
    x_all, y_all = np.concatenate([xc, xt]), np.concatenate([yc, yt])
    theta = np.cov(y_all, x_all, ddof=1)[0, 1] / np.var(x_all, ddof=1)
    xbar = x_all.mean()
    ac, at = yc - theta * (xc - xbar), yt - theta * (xt - xbar)
    vc, vt = np.var(yc, ddof=1), np.var(yt, ddof=1)
    vac, vat = np.var(ac, ddof=1), np.var(at, ddof=1)
    r = 1 - (vat / n_arm + vac / n_arm) / (vt / n_arm + vc / n_arm)
    alpha, pw, mde = 0.05, 0.8, 0.03
    es = mde * abs(yc.mean()) / math.sqrt((vac + vat) / 2)
    n_sm, n_tight = solve_n(es, alpha, pw)
    per_arm.append({
        "name": "CUPED from seeded raw arrays (r from the data)", "type": "continuous", "mean": f(yc.mean()),
        "variance": f(vc), "varianceTreatment": f(vt), "varianceReduction": f(r),
        "settings": {"alpha": alpha, "power": pw, "relativeMde": mde},
        "effectSize": f(es),
        "expected": {"solvePower": f(n_sm), "unrounded": f(n_tight), "perArm": math.ceil(n_tight)},
    })

    for name, mean, variance, nc, nt, alpha, pw, r in [("equal arms, CUPED r = 0.4", 0.1, 0.09, 20000, 20000, 0.05, 0.8, 0.4)]:
        ratio_ = nt / nc
        d_sm = analysis.solve_power(effect_size=None, nobs1=nc, alpha=alpha, power=pw, ratio=ratio_, alternative="two-sided")
        g = lambda d: analysis.power(d, nc, alpha, ratio=ratio_, alternative="two-sided") - pw
        d_tight = optimize.brentq(g, 1e-9, 10.0, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
        achieved.append({
            "name": name, "mean": mean, "varianceControl": variance, "varianceTreatment": variance,
            "nControl": nc, "nTreatment": nt, "varianceReduction": r, "settings": {"alpha": alpha, "power": pw},
            "expected": {"solvePowerEffectSize": f(d_sm), "effectSize": f(d_tight), "relativeMde": f(d_tight * math.sqrt((1 - r) * variance) / abs(mean))},
        })
    write(
        "power.json",
        "statsmodels NormalIndPower (two-sided, both tails): solve_power results, and the same roots of NormalIndPower().power / normal_power found with scipy brentq at xtol 1e-13 (solve_power's own tolerance is ~1e-5). perArmVariance: effect size delta / sigma_bar with sigma_bar^2 = (1 - r)(V_c + V_t)/2 (each arm's variance, CUPED variance reduction r); the last case takes r and the adjusted variances from seeded raw arrays (default_rng(41)).",
        {"requiredSampleSize": required, "noncentrality": noncentrality, "achievedMde": achieved, "perArmVariance": per_arm},
    )


# ---------------------------------------------------------------- multiple comparisons (statsmodels multipletests)
def multiple_comparisons():
    rng = np.random.default_rng(31)
    families = [
        ("four metrics", [0.01, 0.04, 0.03, 0.005], 0.05),
        ("ties and boundaries", [0.02, 0.02, 0.0, 1.0, 0.5, 0.02], 0.05),
        ("single comparison", [0.03], 0.05),
        ("all large", [0.4, 0.9, 0.75], 0.05),
        ("alpha 0.1, mixed", [0.001, 0.2, 0.049, 0.051, 0.0125, 0.3, 0.09], 0.10),
        ("with untested comparisons (null)", [0.004, None, 0.03, 0.2, None], 0.05),
        ("twenty seeded p-values", [float(x) for x in np.concatenate([rng.uniform(0, 0.01, 5), rng.uniform(0, 1, 15)])], 0.05),
    ]
    cases = []
    for name, pvals, alpha in families:
        present = [i for i, p in enumerate(pvals) if p is not None]
        arr = np.array([pvals[i] for i in present], dtype=float)
        m = len(arr)
        expected = {}
        for key, method in [("bonferroni", "bonferroni"), ("holm", "holm"), ("benjamini-hochberg", "fdr_bh")]:
            reject, corrected, _, alpha_bonf = multipletests(arr, alpha=alpha, method=method)
            full = [None] * len(pvals)
            for j, i in enumerate(present):
                full[i] = f(corrected[j])
            rejected = int(reject.sum())
            if key == "benjamini-hochberg":
                # Benjamini & Yekutieli (2005) FCR-adjusted intervals: level 1 - R alpha / m (R = 0 -> alpha / m)
                interval_alpha = max(1, rejected) * alpha / m
            else:
                interval_alpha = alpha_bonf  # statsmodels' Bonferroni alpha / m
                close(alpha_bonf, alpha / m)
            expected[key] = {"adjusted": full, "rejected": rejected, "intervalAlpha": f(interval_alpha)}
        cases.append({"name": name, "alpha": alpha, "pValues": pvals, "expected": expected})
    write(
        "multiple-comparisons.json",
        "statsmodels multipletests(p, alpha, method='bonferroni' | 'holm' | 'fdr_bh'): corrected p-values (nulls = untested comparisons, left out of the family), number rejected; intervalAlpha = alphacBonf (= alpha/m) for Bonferroni and Holm, max(1, R) alpha / m for Benjamini-Hochberg (Benjamini & Yekutieli 2005 FCR intervals, R = rejections).",
        cases,
    )


# ---------------------------------------------------------------- Bayesian (numerical integration + Monte Carlo)
def bayesian():
    """Gaussian model on the relative effect: d ~ N(delta, v) (delta-method v from the raw arrays),
    prior delta ~ N(mu0, s0^2) or flat. The posterior moments come from scipy.integrate.quad of
    prior x likelihood (not the conjugate formula); chance to win and risks from scipy.stats
    (norm.sf, truncnorm.mean) on that posterior; a Monte Carlo check draws 4e6 values from it with
    numpy default_rng(2024) and records the estimates with their standard errors."""
    rng = np.random.default_rng(17)
    mc_rng = np.random.default_rng(2024)
    draws_n = 4_000_000
    zero_inflated = lambda n, p: np.where(rng.random(n) < p, np.round(rng.lognormal(8.0, 0.8, n) * 100), 0.0)
    data = [
        ("binomial 10.0% vs 11.5%, default prior", "binomial", (rng.random(4000) < 0.100).astype(float), (rng.random(4000) < 0.115).astype(float), 0.05, {"mean": 0.0, "variance": 0.09, "proper": True}),
        ("binomial small arms, prior pulls towards 0", "binomial", (rng.random(120) < 0.1).astype(float), (rng.random(110) < 0.2).astype(float), 0.05, {"mean": 0.0, "variance": 0.09, "proper": True}),
        ("continuous revenue, flat prior, alpha 0.1", "continuous", zero_inflated(3000, 0.08), zero_inflated(3000, 0.085), 0.10, {"mean": 0.0, "variance": 0.09, "proper": False}),
        ("continuous negative effect, informative prior N(0.02, 0.05^2)", "continuous", rng.normal(50, 20, 800), rng.normal(47, 20, 790), 0.05, {"mean": 0.02, "variance": 0.0025, "proper": True}),
    ]
    cases = []
    for name, kind, c, t, alpha, prior in data:
        nc, nt = c.size, t.size
        mc, mt = c.mean(), t.mean()
        if kind == "binomial":
            vc, vt = mc * (1 - mc), mt * (1 - mt)
        else:
            vc, vt = np.var(c, ddof=1), np.var(t, ddof=1)
        d = (mt - mc) / mc
        v = vt / (nt * mc**2) + mt**2 * vc / (nc * mc**4)
        like = lambda x: stats.norm.pdf(d, loc=x, scale=math.sqrt(v))
        dens = (lambda x: like(x) * stats.norm.pdf(x, prior["mean"], math.sqrt(prior["variance"]))) if prior["proper"] else like
        lo, hi = d - 40 * math.sqrt(v), d + 40 * math.sqrt(v)
        quad = lambda g: integrate.quad(g, lo, hi, points=[d], epsabs=0, epsrel=1e-13, limit=500)[0]
        z = quad(dens)
        post_mean = quad(lambda x: x * dens(x)) / z
        post_var = quad(lambda x: (x - post_mean) ** 2 * dens(x)) / z
        sd = math.sqrt(post_var)
        ctw = stats.norm.sf(0, post_mean, sd)
        a0 = (0 - post_mean) / sd
        # E[max(-delta, 0)] = P(delta < 0) * -E[delta | delta < 0]; E[max(delta, 0)] = P(delta > 0) * E[delta | delta > 0]
        risk_trt = -stats.norm.cdf(0, post_mean, sd) * stats.truncnorm.mean(-np.inf, a0, loc=post_mean, scale=sd)
        risk_ctrl = ctw * stats.truncnorm.mean(a0, np.inf, loc=post_mean, scale=sd)
        lo_ci, hi_ci = stats.norm.ppf([alpha / 2, 1 - alpha / 2], post_mean, sd)
        x = mc_rng.normal(post_mean, sd, draws_n)
        mc_est = {
            "chanceToBeatControl": f(np.mean(x > 0)), "chanceToBeatControlSe": f(np.sqrt(np.mean(x > 0) * (1 - np.mean(x > 0)) / draws_n)),
            "riskTreatment": f(np.mean(np.maximum(-x, 0))), "riskTreatmentSe": f(np.std(np.maximum(-x, 0)) / math.sqrt(draws_n)),
            "riskControl": f(np.mean(np.maximum(x, 0))), "riskControlSe": f(np.std(np.maximum(x, 0)) / math.sqrt(draws_n)),
            "ciLower": f(np.quantile(x, alpha / 2)), "ciUpper": f(np.quantile(x, 1 - alpha / 2)),
        }
        cases.append({
            "name": name, "type": kind, "alpha": alpha, "prior": prior,
            "control": moments(c), "treatment": moments(t),
            "expected": {
                "dataMean": f(d), "dataVariance": f(v),
                "posteriorMean": f(post_mean), "posteriorVariance": f(post_var),
                "relative": {"estimate": f(post_mean), "ciLower": f(lo_ci), "ciUpper": f(hi_ci)},
                "chanceToBeatControl": f(ctw), "riskTreatment": f(risk_trt), "riskControl": f(risk_ctrl),
                "monteCarlo": mc_est,
            },
        })
    write(
        "bayesian.json",
        "Gaussian model on the relative effect (seeded numpy default_rng(17) arms): delta-method likelihood N(d, v); posterior moments by scipy.integrate.quad of prior x likelihood; chance to beat control norm.sf, risks via scipy.stats.truncnorm.mean, equal-tailed credible interval norm.ppf; monteCarlo: 4e6 posterior draws with default_rng(2024) and their standard errors.",
        cases,
    )


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    distributions()
    binomial()
    continuous()
    ratio()
    cuped()
    srm()
    power()
    multiple_comparisons()
    bayesian()
    print("wrote", OUT)
