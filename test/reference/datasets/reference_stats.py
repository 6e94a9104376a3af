"""Shared statistics for the dataset reference scripts (unit_table_reference.py,
event_log_reference.py).

Independent of the TypeScript product: every number comes from pandas / NumPy / SciPy /
statsmodels, following docs/analysis-definitions.md ("Statistics"). Where a library
function exists it is used; the few closed forms that have none (delta-method relative CI and
test, ratio-metric delta variance, Welch–Satterthwaite df for the CI quantile) are written out and,
where possible, cross-checked against a second library route with an assert.

p-values: "absolutePValue" is the test of the difference that inverts the absolute CI (unpooled
z: statsmodels test_proportions_2indep(method='wald'); Welch t: scipy ttest_ind(equal_var=False));
"pValue" is the delta-method test of the relative uplift that inverts the relative CI (same
quantile/df), or the absolute one when the control mean is 0 (no relative uplift).

Run with /usr/bin/python3 (pandas 1.5, numpy 1.24, scipy 1.10, statsmodels 0.13).
"""

import math

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import test_proportions_2indep
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

ALPHA = 0.05
SRM_THRESHOLD = 0.001


def num(x):
    """A finite float, or None (JSON has no NaN/Infinity)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def close(a, b, rel=1e-9, abs_=1e-12):
    return a is None and b is None or (a is not None and b is not None and math.isclose(a, b, rel_tol=rel, abs_tol=abs_))


def interval(est, se, q):
    est, se = num(est), num(se)
    if est is None:
        return {"estimate": None, "ciLower": None, "ciUpper": None}
    if se is None or q is None:
        return {"estimate": est, "ciLower": None, "ciUpper": None}
    return {"estimate": est, "ciLower": est - q * se, "ciUpper": est + q * se}


def welch_df(a, b, n_v, n_c):
    """Welch–Satterthwaite df for a = s_v²/n_v, b = s_c²/n_c."""
    den = a * a / (n_v - 1) + b * b / (n_c - 1)
    return (a + b) ** 2 / den if den > 0 else None


def metric_type(values):
    """binomial if every value is 0 or 1, else continuous."""
    v = np.asarray(values, dtype=float)
    return "binomial" if np.isin(v, (0.0, 1.0)).all() else "continuous"


def arm_summary(variant, y, mtype):
    """VariantSummary: variance p(1−p) for binomial, ddof=1 sample variance for continuous."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    if n == 0:
        return {"variant": variant, "n": 0, "mean": None, "variance": None}
    m = float(np.mean(y))
    if mtype == "binomial":
        var = m * (1 - m)
    else:
        var = float(np.var(y, ddof=1)) if n > 1 else None
    return {"variant": variant, "n": n, "mean": m, "variance": num(var)}


def relative_interval(m_v, m_c, s2_v, s2_c, n_v, n_c, q):
    """Δ/m_c with Var = s_v²/(n_v m_c²) + m_v² s_c²/(n_c m_c⁴) (delta method)."""
    if m_v is None or m_c is None or m_c == 0:
        return interval(None, None, None)
    est = (m_v - m_c) / m_c
    if s2_v is None or s2_c is None:
        return interval(est, None, None)
    var = s2_v / (n_v * m_c ** 2) + m_v ** 2 * s2_c / (n_c * m_c ** 4)
    return interval(est, math.sqrt(var) if var > 0 else None, q)  # zero SE: no interval


def complex_step_gradient(g, point, h=1e-30):
    """∂g/∂v_k = Im g(v + i h e_k) / h (complex-step derivative: no subtraction, no truncation
    error beyond O(h²); Squire & Trapp 1998)."""
    point = np.asarray(point, dtype=complex)
    grad = []
    for k in range(point.size):
        v = point.copy()
        v[k] += 1j * h
        grad.append(g(v).imag / h)
    return np.array(grad)


def relative_p(m_v, m_c, s2_v, s2_c, n_v, n_c, df=None):
    """Two-sided delta-method test of Δ/m_c = 0 against N(0, 1) (df None) or t(df): the test that
    inverts relative_interval's CI. The SE comes from the complex-step gradient of m_v/m_c − 1
    (exact to rounding for an analytic function), cross-checked against the closed form. None when m_c = 0 or no variances;
    a zero delta-method variance (m_v = 0 and s2_v = 0) gives 0 (estimate ≠ 0) or 1."""
    if m_v is None or m_c is None or m_c == 0 or s2_v is None or s2_c is None:
        return None
    grad = complex_step_gradient(lambda v: v[0] / v[1] - 1.0, [m_v, m_c])
    var_numeric = float(grad @ np.diag([s2_v / n_v, s2_c / n_c]) @ grad)
    var = s2_v / (n_v * m_c ** 2) + m_v ** 2 * s2_c / (n_c * m_c ** 4)
    assert close(var_numeric, var, 1e-12, 1e-300), (var_numeric, var)
    est = (m_v - m_c) / m_c
    if not var > 0:
        return 0.0 if est != 0 else 1.0
    z = est / math.sqrt(var)
    return num(2 * (stats.norm.sf(abs(z)) if df is None else stats.t.sf(abs(z), df)))


def headline_p(relative, p_rel, p_abs):
    """The p-value shown beside the headline CI: the relative one when a relative uplift exists."""
    return p_rel if relative["estimate"] is not None else p_abs


def compare(variant, control, yv, yc, mtype, alpha=ALPHA):
    """Unadjusted comparison of a binomial or continuous metric (no cuped)."""
    yv = np.asarray(yv, dtype=float)
    yc = np.asarray(yc, dtype=float)
    sv, sc = arm_summary(variant, yv, mtype), arm_summary(control, yc, mtype)
    n_v, n_c = sv["n"], sc["n"]
    out = {"variant": variant, "control": control, "absolute": interval(None, None, None),
           "relative": interval(None, None, None), "pValue": None, "absolutePValue": None, "cuped": None}
    if n_v == 0 or n_c == 0:
        return out
    m_v, m_c, s2_v, s2_c = sv["mean"], sc["mean"], sv["variance"], sc["variance"]
    delta = m_v - m_c
    if s2_v is None or s2_c is None:
        out["absolute"] = interval(delta, None, None)
        out["relative"] = relative_interval(m_v, m_c, None, None, n_v, n_c, None)
        return out
    a, b = s2_v / n_v, s2_c / n_c
    se = math.sqrt(a + b)
    df = None
    if mtype == "binomial":
        q = stats.norm.ppf(1 - alpha / 2)
        x_v, x_c = int(round(yv.sum())), int(round(yc.sum()))
        if x_v + x_c in (0, n_v + n_c):  # both arms all 0 or all 1: no test
            p = None
        else:
            p = test_proportions_2indep(x_v, n_v, x_c, n_c, method="wald", compare="diff").pvalue  # unpooled, two-sided
            assert close(p, 2 * stats.norm.sf(abs(delta / se)), 1e-9, 1e-15), p
    else:
        df = welch_df(a, b, n_v, n_c)
        q = stats.t.ppf(1 - alpha / 2, df) if df else None
        p = stats.ttest_ind(yv, yc, equal_var=False).pvalue if se > 0 else None
        if df and n_v > 1 and n_c > 1:
            # cross-check the hand-assembled Welch CI against statsmodels
            lo, hi = CompareMeans(DescrStatsW(yv), DescrStatsW(yc)).tconfint_diff(alpha=alpha, usevar="unequal")
            assert close(lo, delta - q * se, 1e-7, 1e-9) and close(hi, delta + q * se, 1e-7, 1e-9), (lo, hi)
    out["absolute"] = interval(delta, se if se > 0 else None, q)
    out["relative"] = relative_interval(m_v, m_c, s2_v, s2_c, n_v, n_c, q)
    p_rel = relative_p(m_v, m_c, s2_v, s2_c, n_v, n_c, df) if se > 0 and (mtype == "binomial" or df) else None
    out["absolutePValue"] = num(p)
    out["pValue"] = headline_p(out["relative"], p_rel, num(p))
    return out


def cuped_theta(x_all, y_all):
    """θ = cov(Y, X)/var(X) over all units of all arms pooled (ddof=1 both; ddof cancels)."""
    x_all = np.asarray(x_all, dtype=float)
    y_all = np.asarray(y_all, dtype=float)
    if len(x_all) < 2:
        return None
    c = np.cov(x_all, y_all, ddof=1)
    if not c[0, 0] > 0:
        return None
    return float(c[0, 1] / c[0, 0])


def cuped_compare(theta, x_mean_all, yv, xv, yc, xc, mtype, alpha=ALPHA):
    """CUPED comparison of one arm against control (docs/analysis-definitions.md, "Statistics")."""
    yv, xv, yc, xc = (np.asarray(a, dtype=float) for a in (yv, xv, yc, xc))
    n_v, n_c = len(yv), len(yc)
    null = {"theta": theta, "varianceReduction": None, "absolute": interval(None, None, None),
            "relative": interval(None, None, None), "pValue": None, "absolutePValue": None}
    if n_v < 2 or n_c < 2:
        return null

    def adj(y, x):
        m = float(y.mean() - theta * (x.mean() - x_mean_all))
        vy, vx = float(np.var(y, ddof=1)), float(np.var(x, ddof=1))
        cxy = float(np.cov(x, y, ddof=1)[0, 1])
        v_adj = vy + theta ** 2 * vx - 2 * theta * cxy
        # the same thing per unit: Y' = Y − θ(X − x̄_all) has mean m and ddof=1 variance v_adj
        y_adj = y - theta * (x - x_mean_all)
        assert close(float(y_adj.mean()), m, 1e-9, 1e-9) and close(float(np.var(y_adj, ddof=1)), v_adj, 1e-7, 1e-9)
        return m, max(v_adj, 0.0), vy, y_adj

    m_v, V_v, vy_v, ya_v = adj(yv, xv)
    m_c, V_c, vy_c, ya_c = adj(yc, xc)
    a, b = V_v / n_v, V_c / n_c
    se = math.sqrt(a + b)
    delta = m_v - m_c
    denom = vy_v / n_v + vy_c / n_c
    vr = 1 - (a + b) / denom if denom > 0 else None
    df = None
    if mtype == "binomial":
        q = stats.norm.ppf(1 - alpha / 2)
        p = 2 * stats.norm.sf(abs(delta / se)) if se > 0 else None
        if se > 0:
            # cross-check: statsmodels unpooled two-sample z-test on the adjusted per-unit values
            _, p_sm = CompareMeans(DescrStatsW(ya_v), DescrStatsW(ya_c)).ztest_ind(usevar="unequal")
            assert close(p, p_sm, 1e-6, 1e-12), (p, p_sm)
    else:
        df = welch_df(a, b, n_v, n_c)
        q = stats.t.ppf(1 - alpha / 2, df) if df else None
        p = 2 * stats.t.sf(abs(delta / se), df) if se > 0 and df else None
        if p is not None:
            # the same Welch test via SciPy, from the adjusted summary stats and from the Y' values
            p2 = stats.ttest_ind_from_stats(m_v, math.sqrt(V_v), n_v, m_c, math.sqrt(V_c), n_c, equal_var=False).pvalue
            p3 = stats.ttest_ind(ya_v, ya_c, equal_var=False).pvalue
            assert close(p, p2, 1e-6, 1e-12) and close(p, p3, 1e-6, 1e-12), (p, p2, p3)
    relative = relative_interval(m_v, m_c, V_v, V_c, n_v, n_c, q)
    p_rel = relative_p(m_v, m_c, V_v, V_c, n_v, n_c, df) if p is not None else None
    return {"theta": theta, "varianceReduction": num(vr),
            "absolute": interval(delta, se if se > 0 else None, q),
            "relative": relative,
            "pValue": headline_p(relative, p_rel, num(p)),
            "absolutePValue": num(p)}


def ratio_summary(variant, m, d):
    """Ratio metric Σm/Σd over an arm's units; delta-method per-unit variance (ddof=1 moments)."""
    m = np.asarray(m, dtype=float)
    d = np.asarray(d, dtype=float)
    n = len(m)
    if n == 0 or d.sum() == 0:
        return {"variant": variant, "n": n, "mean": None, "variance": None}
    r = float(m.sum() / d.sum())
    if n < 2:
        return {"variant": variant, "n": n, "mean": r, "variance": None}
    mb, db = m.mean(), d.mean()
    vm, vd = np.var(m, ddof=1), np.var(d, ddof=1)
    cmd = np.cov(m, d, ddof=1)[0, 1]
    var_formula = vm / db ** 2 - 2 * mb * cmd / db ** 3 + mb ** 2 * vd / db ** 4
    # the same quantity without cancellation: var(m − R d)/d̄² with R = m̄/d̄ (exactly 0 when m ∝ d)
    var = float(np.var(m - r * d, ddof=1) / db ** 2)
    assert abs(var - var_formula) <= 1e-9 * (vm / db ** 2 + mb ** 2 * vd / db ** 4) + 1e-12, (var, var_formula)
    return {"variant": variant, "n": n, "mean": r, "variance": num(var)}


def ratio_compare(variant, control, sv, sc, alpha=ALPHA):
    """Ratio comparison from two ratio_summary results: normal CI and z-test on the difference."""
    out = {"variant": variant, "control": control, "absolute": interval(None, None, None),
           "relative": interval(None, None, None), "pValue": None, "absolutePValue": None, "cuped": None}
    m_v, m_c = sv["mean"], sc["mean"]
    if m_v is None or m_c is None:
        return out
    delta = m_v - m_c
    s2_v, s2_c = sv["variance"], sc["variance"]
    if s2_v is None or s2_c is None:
        out["absolute"] = interval(delta, None, None)
        out["relative"] = relative_interval(m_v, m_c, None, None, sv["n"], sc["n"], None)
        return out
    se = math.sqrt(s2_v / sv["n"] + s2_c / sc["n"])
    q = stats.norm.ppf(1 - alpha / 2)
    out["absolute"] = interval(delta, se if se > 0 else None, q)
    out["relative"] = relative_interval(m_v, m_c, s2_v, s2_c, sv["n"], sc["n"], q)
    p = num(2 * stats.norm.sf(abs(delta / se))) if se > 0 else None
    p_rel = relative_p(m_v, m_c, s2_v, s2_c, sv["n"], sc["n"]) if p is not None else None
    out["absolutePValue"] = p
    out["pValue"] = headline_p(out["relative"], p_rel, p)
    return out


def srm(counts):
    """χ² goodness of fit of the unit counts against an equal split (scipy.stats.chisquare)."""
    counts = [c for c in counts]
    if len(counts) < 2 or sum(counts) == 0:
        return {"chiSquare": None, "pValue": None, "flagged": False}
    chi2, p = stats.chisquare(counts)
    return {"chiSquare": num(chi2), "pValue": num(p), "flagged": bool(p < SRM_THRESHOLD)}
