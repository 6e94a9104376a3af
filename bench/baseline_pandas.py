#!/usr/bin/python3
"""The pandas + statsmodels baseline of the benchmark: the analysis an analyst would write in a
notebook for the same event log, run by bench.ts as `/usr/bin/python3 bench/baseline_pandas.py FILE`.

Reads the CSV with pandas (the columns the analysis needs, as text), parses timestamps, drops what the app rejects (missing user or event
name, bad timestamp, negative revenue; pandas skips rows with the wrong column count with
`on_bad_lines='skip'`), assigns units by first exposure (excluding units seen with two variants),
builds per-unit metrics (conversion, revenue and orders per user after exposure, average order
value, retention D1 and D7, the ordered funnel steps, and the 14-day pre-period covariates), then per experiment and
treatment arm: proportions z-tests and Welch t-tests (statsmodels), CUPED-adjusted means with a
pooled theta, the delta-method AOV, an SRM chi-square (scipy), and the daily cumulative uplift of
conversion and the D0-D30 retention curve of the experiment screen.

Prints one JSON line: the seconds of each phase, the number of experiments and rows, and the peak
RSS of the process (VmHWM from /proc/self/status).
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.weightstats import ttest_ind

EXPOSURES = ["exposure", "experiment.exposure", "experiment.variant.exposed", "offer.exposed", "pricing_experiment_segment"]
CONVERSIONS = ["conversion", "checkout.completed", "checkout_complete", "order.completed", "plan.changed", "plan_change"]
FUNNEL = ["page_view", "checkout.started", "checkout.completed"]
DAY = pd.Timedelta(days=1)


def peak_rss_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def parse_timestamps(text):
    """ISO-8601 (zone or not, read as UTC) or epoch milliseconds, as the app reads them."""
    epoch = text.str.fullmatch(r"-?\d{1,16}", na=False)
    ts = pd.to_datetime(text.where(~epoch), utc=True, errors="coerce")
    if epoch.any():
        ts[epoch] = pd.to_datetime(text[epoch].astype("int64"), unit="ms", utc=True)
    return ts


def load(path):
    columns = ["event_name", "timestamp", "user_id", "experiment_id", "variant_id", "user_segment", "revenue_cents"]
    df = pd.read_csv(path, usecols=columns, dtype=str, keep_default_na=False, na_values=[""], on_bad_lines="skip")
    df["ts"] = parse_timestamps(df["timestamp"])
    df["revenue"] = pd.to_numeric(df["revenue_cents"], errors="coerce")
    bad = df["user_id"].isna() | df["event_name"].isna() | df["ts"].isna() | (df["revenue"] < 0)
    return df.loc[~bad]


def unit_metrics(df):
    data_end = df["ts"].max()
    exp = df[df["event_name"].isin(EXPOSURES) & df["experiment_id"].notna() & df["variant_id"].notna()]
    first = (exp.sort_values("ts").groupby(["experiment_id", "user_id"])
             .agg(t0=("ts", "first"), variants=("variant_id", "nunique"), variant=("variant_id", "first"),
                  segment=("user_segment", "first"))
             .reset_index())
    units = first[first["variants"] == 1].drop(columns="variants").reset_index(drop=True)
    units["unit"] = np.arange(len(units))
    # Every event of the analysed units, with its time relative to the unit's exposure.
    ev = df[["user_id", "ts", "event_name", "revenue"]].merge(units[["user_id", "unit", "t0"]], on="user_id")
    delta = ev["ts"] - ev["t0"]
    ev = pd.DataFrame({"unit": ev["unit"], "conv": ev["event_name"].isin(CONVERSIONS), "rev": ev["revenue"].fillna(0.0),
                       "post": delta >= pd.Timedelta(0), "pre": (delta < pd.Timedelta(0)) & (delta >= -14 * DAY),
                       "day": delta // DAY, "ts": ev["ts"], "event_name": ev["event_name"]})
    conv = ev[ev["conv"]]
    post = conv[conv["post"]].groupby("unit")["rev"].agg(["size", "sum"])
    pre = conv[conv["pre"]].groupby("unit")["rev"].agg(["size", "sum"])
    u = units.copy()
    u["orders"] = post["size"].reindex(u["unit"], fill_value=0).to_numpy()
    u["revenue"] = post["sum"].reindex(u["unit"], fill_value=0.0).to_numpy()
    u["pre_orders"] = pre["size"].reindex(u["unit"], fill_value=0).to_numpy()
    u["pre_revenue"] = pre["sum"].reindex(u["unit"], fill_value=0.0).to_numpy()
    u["pre_active"] = u["unit"].isin(ev.loc[ev["pre"], "unit"]).astype(float)
    u["converted"] = (u["orders"] > 0).astype(float)
    u["pre_converted"] = (u["pre_orders"] > 0).astype(float)
    # Funnel: step by step, the first event of the next step at or after the previous step's.
    for window, prefix in (("post", "funnel"), ("pre", "pre_funnel")):
        reached = None
        for i, step in enumerate(FUNNEL):
            events = ev.loc[ev[window] & (ev["event_name"] == step), ["unit", "ts"]]
            if reached is not None:
                events = events.merge(reached, on="unit")
                events = events[events["ts"] >= events["at"]]
            reached = events.groupby("unit")["ts"].min().rename("at").reset_index()
            u[f"{prefix}_{i + 1}"] = u["unit"].isin(reached["unit"]).astype(float)
    # Days 0-30 after exposure on which each unit was active (retention).
    active_days = ev.loc[ev["post"] & (ev["day"] <= 30), ["unit", "day"]].drop_duplicates()
    for k in (1, 7):
        u[f"retained_d{k}"] = u["unit"].isin(active_days.loc[active_days["day"] == k, "unit"]).astype(float)
        u[f"mature_d{k}"] = u["t0"] + (k + 1) * DAY <= data_end
    return u, active_days, data_end


def cuped(y, x, arms):
    theta = np.cov(x, y, ddof=1)[0, 1] / np.var(x, ddof=1) if np.var(x) > 0 else 0.0
    adjusted = y - theta * (x - x.mean())
    return {arm: adjusted[arms == arm] for arm in np.unique(arms)}, theta


def analyse(u, active_days, data_end):
    results = []
    for experiment_id, e in u.groupby("experiment_id"):
        variants = sorted(e["variant"].unique())
        control = "control" if "control" in variants else variants[0]
        counts = e["variant"].value_counts()
        srm = stats.chisquare(counts.values)
        out = {"experiment": experiment_id, "srm_p": float(srm.pvalue), "comparisons": []}
        metrics = [("conversion", "converted", "pre_converted", None), ("revenue_per_user", "revenue", "pre_revenue", None),
                   ("orders_per_user", "orders", "pre_orders", None),
                   ("retention_d1", "retained_d1", "pre_active", "mature_d1"), ("retention_d7", "retained_d7", "pre_active", "mature_d7"),
                   *[(f"funnel_{i + 1}", f"funnel_{i + 1}", f"pre_funnel_{i + 1}", None) for i in range(len(FUNNEL))]]
        for name, y, x, mature in metrics:
            m = e[e[mature]] if mature else e
            adjusted, theta = cuped(m[y].to_numpy(float), m[x].to_numpy(float), m["variant"].to_numpy())
            c = m[m["variant"] == control]
            for v in variants:
                if v == control:
                    continue
                t = m[m["variant"] == v]
                if len(t) == 0 or len(c) == 0:
                    continue
                if name in ("conversion", "retention_d1", "retention_d7") or name.startswith("funnel_"):
                    _, p = proportions_ztest([t[y].sum(), c[y].sum()], [len(t), len(c)])
                else:
                    _, p, _ = ttest_ind(t[y], c[y], usevar="unequal")
                _, p_cuped, _ = ttest_ind(adjusted[v], adjusted[control], usevar="unequal")
                out["comparisons"].append({"metric": name, "variant": v, "uplift": float(t[y].mean() / c[y].mean() - 1),
                                           "p": float(p), "theta": float(theta), "p_cuped": float(p_cuped)})
        # Average order value (ratio, delta method).
        for v in variants:
            t = e[e["variant"] == v]
            num, den = t["revenue"], t["orders"]
            if den.sum() > 0:
                mn, md = num.mean(), den.mean()
                var = (num.var() / md**2 - 2 * mn * np.cov(num, den)[0, 1] / md**3 + mn**2 * den.var() / md**4) / len(t)
                out.setdefault("aov", {})[v] = {"mean": float(num.sum() / den.sum()), "se": float(np.sqrt(var))}
        # Experiment screen: cumulative conversion uplift by exposure day, retention D0-D30.
        e = e.assign(day=e["t0"].dt.floor("D"))
        daily = e.groupby(["day", "variant"])["converted"].agg(["sum", "count"]).unstack("variant").fillna(0).cumsum()
        cumulative = daily["sum"].div(daily["count"])
        out["cumulative_days"] = int(len(cumulative))
        ad = active_days.merge(e[["unit", "variant", "t0"]], on="unit")
        ad = ad[ad["t0"] + (ad["day"] + 1) * DAY <= data_end]
        retained = ad.groupby(["variant", "day"]).size()
        horizon = ((data_end - e["t0"]) // DAY).clip(upper=31)  # days k with t0 + (k + 1) days <= end: k < horizon
        mature = pd.crosstab(e["variant"], horizon).iloc[:, ::-1].cumsum(axis=1).iloc[:, ::-1]
        out["retention_points"] = int(mature.size) + int(len(retained))
        results.append(out)
    return results


def main(path):
    started = time.perf_counter()
    df = load(path)
    loaded = time.perf_counter()
    u, active_days, data_end = unit_metrics(df)
    metrics = time.perf_counter()
    results = analyse(u, active_days, data_end)
    done = time.perf_counter()
    print(json.dumps({
        "readSeconds": loaded - started, "unitMetricsSeconds": metrics - loaded, "statisticsSeconds": done - metrics,
        "seconds": done - started, "rows": int(len(df)), "units": int(len(u)), "experiments": len(results),
        "peakRssBytes": peak_rss_bytes(),
    }))


if __name__ == "__main__":
    main(sys.argv[1])
