#!/usr/bin/python3
"""Reference analysis of the public unit-table datasets, written as test fixtures.

Command (from the repository root; this exact string is stored as "generatedBy"):

    /usr/bin/python3 test/reference/datasets/unit_table_reference.py

Optional: --datasets DIR (default /work/shared/datasets) and --out DIR (default
test/fixtures/datasets). Writes test/fixtures/datasets/<case>.json for the cases cookie_cats,
udacity_ab_data and hillstrom. The datasets are read in place and never copied.

Independent of the TypeScript product: pandas for reading / assignment, SciPy and statsmodels for
the tests (test_proportions_2indep(wald) for binomial p-values of the difference, ttest_ind(equal_var=False) for Welch, the delta-method test for the relative uplift,
norm.ppf / t.ppf for quantiles, chisquare for SRM); see reference_stats.py. Conventions:
docs/analysis-definitions.md and SPEC §3–§4.

Checked: the CUPED adjusted difference Δ' equals the arm coefficient of statsmodels OLS
(y − θ(x − x̄)) ~ C(arm), and θ equals the slope of OLS y ~ x over all units (asserts in
check_cuped_with_ols). The ANCOVA y ~ C(arm) + (x − x̄) estimates its own, within-arm slope, so
its arm coefficient equals Δ' only approximately; the script asserts the gap is below 1% of the
standard error and prints it.
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsmodels.formula.api as smf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_stats as rs  # noqa: E402

GENERATED_BY = "/usr/bin/python3 test/reference/datasets/unit_table_reference.py"

CASES = [
    {
        "case": "cookie_cats",
        "file": "cookie_cats/cookie_cats.csv",
        "unit": "userid", "variant": "version", "control": "gate_30", "timestamp": None,
        "metrics": ["retention_1", "retention_7", "sum_gamerounds"],
        "covariates": {},
        "flags": "--unit userid --variant version --control gate_30 --metric retention_1 "
                 "--metric retention_7 --metric sum_gamerounds",
    },
    {
        "case": "udacity_ab_data",
        "file": "udacity_ab_data/ab_data.csv",
        "unit": "user_id", "variant": "group", "control": "control", "timestamp": "timestamp",
        "metrics": ["converted"],
        "covariates": {},
        "flags": "--unit user_id --variant group --control control --timestamp timestamp --metric converted",
    },
    {
        "case": "hillstrom",
        "file": "hillstrom_email/Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20.csv",
        "unit": None, "variant": "segment", "control": "No E-Mail", "timestamp": None,
        "metrics": ["visit", "conversion", "spend"],
        "covariates": {"spend": "history"},
        "flags": "--variant segment --control \"No E-Mail\" --metric visit --metric conversion "
                 "--metric spend --covariate spend=history",
    },
]

BOOLS = {"TRUE": 1.0, "FALSE": 0.0, "true": 1.0, "false": 0.0}


def to_number(col):
    """Unit-table metric column → float; TRUE/FALSE/true/false → 1/0; anything else → NaN."""
    mapped = col.map(BOOLS)
    return mapped.where(mapped.notna(), pd.to_numeric(col.where(~col.isin(BOOLS.keys())), errors="coerce"))


def load_units(path, cfg):
    """Read, validate, assign. Returns (units DataFrame with one row per analysed unit, excluded count, log)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    log = {"rowsRead": len(raw)}
    raw["_line"] = np.arange(2, len(raw) + 2)  # physical line (1 = header); these files have no quoted newlines
    cols = list(cfg["metrics"]) + [c for c in cfg["covariates"].values() if c not in cfg["metrics"]]
    bad = pd.Series(False, index=raw.index)
    if cfg["unit"]:
        bad |= raw[cfg["unit"]].str.strip() == ""
    bad |= raw[cfg["variant"]].str.strip() == ""
    for c in cols:
        raw[c + "__num"] = to_number(raw[c])
        bad |= raw[c + "__num"].isna()
    if cfg["timestamp"]:
        raw["_ts"] = pd.to_datetime(raw[cfg["timestamp"]], utc=True, errors="coerce")
        bad |= raw["_ts"].isna()
    log["rowsRejected"] = int(bad.sum())
    # every row of these three public files is valid; a non-zero count would need per-reason rejects
    assert log["rowsRejected"] == 0, log
    df = raw[~bad].copy()
    for c in cols:
        df[c] = df.pop(c + "__num")

    if not cfg["unit"]:
        df["_unit"] = df["_line"].astype(str)  # each row is one unit, its id is its line number
        return df, 0, log
    df["_unit"] = df[cfg["unit"]]
    nvar = df.groupby("_unit")[cfg["variant"]].nunique()
    multi = set(nvar.index[nvar >= 2])
    df = df[~df["_unit"].isin(multi)]
    order = ["_ts", "_line"] if cfg["timestamp"] else ["_line"]
    first = df.sort_values(order, kind="mergesort").groupby("_unit", sort=False).head(1)
    log["unitsWithSeveralRows"] = int((raw[~bad].groupby(cfg["unit"]).size() > 1).sum())
    log["unitsExcludedMultipleExposures"] = len(multi)
    return first, len(multi), log


def check_cuped_with_ols(df, arm_col, y, x, control, theta, comparisons):
    """Cross-check θ and Δ' with statsmodels OLS (asserts)."""
    d = pd.DataFrame({"arm": df[arm_col].values, "y": df[y].values.astype(float), "x": df[x].values.astype(float)})
    xbar = d["x"].mean()
    d["xc"] = d["x"] - xbar
    slope = smf.ols("y ~ xc", data=d).fit().params["xc"]
    assert rs.close(slope, theta, 1e-9), (slope, theta)
    d["y_adj"] = d["y"] - theta * d["xc"]
    fit_adj = smf.ols(f"y_adj ~ C(arm, Treatment(reference={control!r}))", data=d).fit()
    fit_ancova = smf.ols(f"y ~ C(arm, Treatment(reference={control!r})) + xc", data=d).fit()
    print(f"  OLS check {y} ~ {x}: slope(y~x) = {slope!r}, theta = {theta!r}; "
          f"ANCOVA within-arm slope = {fit_ancova.params['xc']!r}")
    for comp in comparisons:
        key = f"C(arm, Treatment(reference={control!r}))[T.{comp['variant']}]"
        dprime = comp["cuped"]["absolute"]["estimate"]
        coef = fit_adj.params[key]
        se = fit_adj.bse[key]  # scale for the ANCOVA tolerance only
        assert rs.close(coef, dprime, 1e-9, 1e-9), (comp["variant"], coef, dprime)
        anc = fit_ancova.params[key]
        assert abs(anc - dprime) < 0.01 * se, (comp["variant"], anc, dprime, se)
        print(f"    {comp['variant']}: Δ' = {dprime!r}, OLS (y−θ(x−x̄)) ~ C(arm) coef = {coef!r}, "
              f"ANCOVA coef = {anc!r} (gap {anc - dprime:.3g}, {abs(anc - dprime) / se:.2%} of SE)")


def analyse(cfg, datasets_dir):
    path = os.path.join(datasets_dir, cfg["file"])
    units, n_multi, log = load_units(path, cfg)
    vcol, control = cfg["variant"], cfg["control"]
    variants = sorted(units[vcol].unique())
    assert control in variants, (control, variants)
    treatments = [v for v in variants if v != control]
    counts = {v: int((units[vcol] == v).sum()) for v in variants}

    metrics = []
    for name in cfg["metrics"]:
        y = units[name].astype(float)
        mtype = rs.metric_type(y)
        arm = {v: y[units[vcol] == v].to_numpy() for v in variants}
        entry = {"name": name, "type": mtype,
                 "variants": [rs.arm_summary(v, arm[v], mtype) for v in variants],
                 "comparisons": []}
        cov = cfg["covariates"].get(name)
        theta = xbar = None
        if cov:
            x = units[cov].astype(float)
            theta = rs.cuped_theta(x.to_numpy(), y.to_numpy())
            xbar = float(x.mean())
            xarm = {v: x[units[vcol] == v].to_numpy() for v in variants}
        for v in treatments:
            comp = rs.compare(v, control, arm[v], arm[control], mtype)
            if cov and theta is not None:
                comp["cuped"] = rs.cuped_compare(theta, xbar, arm[v], xarm[v], arm[control], xarm[control], mtype)
            entry["comparisons"].append(comp)
        if cov and theta is not None:
            check_cuped_with_ols(units, vcol, name, cov, control, theta, entry["comparisons"])
        metrics.append(entry)

    experiment_id = os.path.splitext(os.path.basename(path))[0]  # base name without extension
    return {
        "generatedBy": GENERATED_BY,
        "case": cfg["case"],
        "alpha": rs.ALPHA,
        "experiments": [{
            "experimentId": experiment_id,
            "control": control,
            "units": counts,
            "excludedUnits": {"multipleExposures": n_multi},
            "srm": rs.srm([counts[v] for v in variants]),
            "metrics": metrics,
        }],
    }, log


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", default="/work/shared/datasets")
    ap.add_argument("--out", default=os.path.join("test", "fixtures", "datasets"))
    ap.add_argument("--case", action="append", help="only these cases (default: all)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for cfg in CASES:
        if args.case and cfg["case"] not in args.case:
            continue
        print(f"{cfg['case']}: {cfg['file']}  [{cfg['flags']}]")
        result, log = analyse(cfg, args.datasets)
        out = os.path.join(args.out, cfg["case"] + ".json")
        with open(out, "w", encoding="utf-8") as f:
            f.write(json.dumps(result, indent=2, allow_nan=False) + "\n")
        print(f"  rows {log}  -> {out}")


if __name__ == "__main__":
    main()
