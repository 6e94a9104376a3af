#!/usr/bin/python3
"""Reference analysis of a canonical event log (SPEC §2.1), written as a test fixture.

Usage (from the repository root; the exact command is stored as "generatedBy"):

    /usr/bin/python3 test/reference/datasets/event_log_reference.py PATH.csv OUT.json

Example, the hand-written fixture:

    /usr/bin/python3 test/reference/datasets/event_log_reference.py \
        test/fixtures/datasets/tiny_event_log.csv test/fixtures/datasets/tiny_event_log.json

Implements docs/analysis-definitions.md ("Import and validation", "Assignment", "Event-log
metrics", "Statistics") independently of the TypeScript product: the csv module for reading (so
short and long records are visible), pandas for assignment and per-unit metrics, SciPy and
statsmodels for the tests (reference_stats.py).

- Validation, first matching reason wins, in the order of the definitions table:
  wrong_column_count, missing_user_id, missing_event_name, unknown_variant_shape, bad_timestamp,
  bad_number (revenue_cents not a number), negative_revenue, duplicate_event (a record identical,
  field for field, to an earlier accepted record). Blank lines are not rows.
- Timestamps: all digits → epoch milliseconds; otherwise ISO-8601 (date, optional time with
  fraction, optional Z / ±HH[:MM]); no zone → UTC (counted).
- Assignment per (experiment_id, user_id) from exposure events; ≥ 2 distinct variant_ids →
  excluded (multipleExposures); t0 = earliest exposure. Control: a variant with is_control true,
  else "control", else the first in sort order.
- data_end = latest timestamp of any accepted event. Metrics over [t0, data_end]; conversion
  events are not tied to an experiment. Retention dk: any event in [t0 + k d, t0 + (k+1) d),
  mature units (t0 + (k+1) d ≤ data_end) only. CUPED covariate: the same quantity over
  [t0 − 14 d, t0); none for aov; null when no analysed unit has a non-zero covariate.
- Not covered (not in the canonical CSV the simulator writes): `value` + `currency` instead of
  revenue_cents, NDJSON/Parquet, gzip, other delimiters, filters, per-metric windows.
- Numeric edge cases the definitions leave open, handled here as: an interval whose SE is exactly
  0 has null bounds (estimate kept); a binomial p-value with both arms all 0 or all 1 is null;
  an arm with n < 2 has null continuous variance; Σden = 0 gives a null ratio.

Hand checks of the tiny fixture (test/fixtures/datasets/tiny_event_log.csv, 49 rows read, 38
accepted, 11 rejected, one of each reason plus a second wrong_column_count, bad_timestamp and
unknown_variant_shape; data_end 2024-03-10T12:00:00Z because the later negative-revenue row is
rejected):
- exp-a (control "baseline" by is_control; u7 saw both arms → multipleExposures 1): conversion
  baseline 2/3, treat 3/4; Δ = 1/12; unpooled SE sqrt((2/9)/3 + (3/16)/4) = 0.347777, CI
  1/12 ± 1.96·SE = [−0.598298, 0.764964], z = 0.23961, absolutePValue 0.81063; relative 1/8 with
  delta-method Var (3/16)/(4·4/9) + (9/16)(2/9)/(3·16/81) = 81/256, SE 9/16, z = 2/9,
  pValue = 2Φ(−2/9) = 0.82414. All match the JSON.
- exp-a aov: baseline m = (8000, 0, 1000), d = (2, 0, 1) → 3000, residuals m − 3000d =
  (2000, 0, −2000) → variance 4e6 / d̄² = 4e6; treat m = (4200, 12000, 2500, 0), d = (1, 1, 2, 0)
  → 4675, variance 33,601,250; z = 1675/sqrt(4e6/3 + 33601250/4) = 0.5369, absolutePValue
  0.5914. Match.
- exp-a revenue_per_user: Welch absolutePValue 0.662809437362079 and CUPED (θ = −0.440740740740741,
  Δ' = 1417.90123456790, absolutePValue 0.701861773104738, variance reduction 0.0624090753553996) agree
  with R t.test on y and on y − θ(x − x̄) to 15 digits. The CUPED CI bounds differ from R's in
  the 10th digit: scipy 1.10 t.ppf at small non-integer df (here 4.99991) is off by ~4e-10
  relative (R's qt is exact to 1e-16, checked with mpmath); at the public datasets' df the
  difference is ~1e-16. Compare t-based CIs of this fixture with a relative tolerance ≥ 1e-8.
"""

import csv
import json
import math
import os
import re
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_stats as rs  # noqa: E402

COLUMNS = ["event_name", "event_version", "timestamp", "user_id", "experiment_id", "variant_id",
           "is_control", "user_segment", "plan_code", "revenue_cents", "currency", "request_id",
           "session_id", "store_id", "order_id"]
EXPOSURE_NAMES = {"exposure", "experiment.exposure", "experiment.variant.exposed", "offer.exposed",
                  "pricing_experiment_segment"}
CONVERSION_NAMES = {"conversion", "checkout.completed", "checkout_complete", "order.completed",
                    "plan.changed", "plan_change"}
REASONS = ["wrong_column_count", "missing_user_id", "missing_event_name", "unknown_variant_shape",
           "bad_timestamp", "bad_number", "negative_revenue", "duplicate_event"]
PRE_PERIOD_DAYS = 14
RETENTION_DAYS = (1, 7)
METRIC_ORDER = ["conversion", "revenue_per_user", "orders_per_user", "aov", "retention_d1", "retention_d7"]
# The default funnel; its metrics are analysed when every step occurs among the accepted events.
FUNNEL_STEPS = ["page_view", "checkout.started", "checkout.completed"]

US_PER_DAY = 86_400_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$")
NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def parse_timestamp(text):
    """→ (microseconds since the epoch, UTC; has_zone) or None."""
    s = text.strip()
    if s.isdigit() and s.isascii():
        return int(s) * 1000, True
    m = ISO_RE.match(s)
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac, zone = m.groups()
    if zone is not None and hh is None:
        return None  # a zone needs a time
    try:
        dt = datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0), tzinfo=timezone.utc)
    except ValueError:
        return None
    us = (dt - EPOCH) // timedelta(microseconds=1)
    if frac:
        us += int((frac + "000000")[:6])
    if zone and zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        z = zone[1:].replace(":", "")
        zh, zm = int(z[:2]), int(z[2:] or 0)
        if zh > 23 or zm > 59:
            return None
        us -= sign * (zh * 60 + zm) * 60_000_000
    return us, zone is not None


def is_true(text):
    return text.strip().lower() in ("true", "t", "1", "yes")


def read_events(path):
    """Validate every record. → (accepted DataFrame, import summary, rejects list)."""
    rejects = []
    accepted = []
    seen = set()
    rows_read = 0
    no_zone = 0
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        missing = [c for c in ("event_name", "timestamp", "user_id") if c not in header]
        assert not missing, f"not a canonical event log, missing {missing}"
        col = {c: header.index(c) for c in COLUMNS if c in header}
        prev = reader.line_num
        for fields in reader:
            line, prev = prev + 1, reader.line_num
            if not fields or (len(fields) == 1 and fields[0].strip() == ""):
                continue  # blank line: not a row
            rows_read += 1

            def get(name):
                i = col.get(name)
                return fields[i].strip() if i is not None else ""

            reason = None
            ts = rev = None
            if len(fields) != len(header):
                reason = "wrong_column_count"
            elif get("user_id") == "":
                reason = "missing_user_id"
            elif get("event_name") == "":
                reason = "missing_event_name"
            elif get("event_name") in EXPOSURE_NAMES and (get("experiment_id") == "" or get("variant_id") == ""):
                reason = "unknown_variant_shape"
            else:
                parsed = parse_timestamp(get("timestamp"))
                if parsed is None:
                    reason = "bad_timestamp"
                else:
                    ts, has_zone = parsed
                    r = get("revenue_cents")
                    if r != "" and not NUMBER_RE.match(r):
                        reason = "bad_number"
                    else:
                        rev = float(r) if r != "" else None
                        if rev is not None and rev < 0:
                            reason = "negative_revenue"
                        elif tuple(fields) in seen:
                            reason = "duplicate_event"
            if reason:
                rejects.append({"line": line, "reason": reason, "fields": fields})
                continue
            seen.add(tuple(fields))
            no_zone += 0 if has_zone else 1
            accepted.append({
                "event_name": get("event_name"), "ts": ts, "user_id": get("user_id"),
                "experiment_id": get("experiment_id"), "variant_id": get("variant_id"),
                "is_control": is_true(get("is_control")), "revenue": rev if rev is not None else 0.0,
            })
    by_reason = Counter(r["reason"] for r in rejects)
    summary = {
        "rowsRead": rows_read,
        "rowsAccepted": len(accepted),
        "rowsRejected": len(rejects),
        "rejectsByReason": {k: by_reason[k] for k in REASONS if by_reason[k]},
    }
    assert summary["rowsAccepted"] + summary["rowsRejected"] == rows_read
    ev = pd.DataFrame(accepted, columns=["event_name", "ts", "user_id", "experiment_id", "variant_id",
                                         "is_control", "revenue"])
    ev["ts"] = ev["ts"].astype("int64")
    return ev, summary, rejects, no_zone


def assign(ev):
    """Exposure events → (assignments DataFrame [experiment_id, user_id, variant, t0], excluded per exp, control per exp)."""
    exp = ev[ev["event_name"].isin(EXPOSURE_NAMES)]
    g = exp.groupby(["experiment_id", "user_id"])
    per_unit = g.agg(n_variants=("variant_id", "nunique"), variant=("variant_id", "first"), t0=("ts", "min")).reset_index()
    multi = per_unit[per_unit["n_variants"] >= 2]
    excluded = multi.groupby("experiment_id").size().to_dict()
    units = per_unit[per_unit["n_variants"] == 1].drop(columns="n_variants").reset_index(drop=True)
    controls = {}
    for e, rows in exp.groupby("experiment_id"):
        flagged = sorted(rows.loc[rows["is_control"], "variant_id"].unique())
        names = sorted(rows["variant_id"].unique())
        controls[e] = flagged[0] if flagged else ("control" if "control" in names else names[0])
    return units, excluded, controls


def unit_metrics(units, ev, data_end):
    """Per (experiment, unit) values and pre-period covariates of every metric."""
    u = units.copy()
    conv = ev[ev["event_name"].isin(CONVERSION_NAMES)][["user_id", "ts", "revenue"]]
    m = u[["experiment_id", "user_id", "t0"]].merge(conv, on="user_id", how="left")
    post = (m["ts"] >= m["t0"]) & (m["ts"] <= data_end)
    pre = (m["ts"] >= m["t0"] - PRE_PERIOD_DAYS * US_PER_DAY) & (m["ts"] < m["t0"])
    m["post_n"] = post.astype(int)
    m["post_rev"] = m["revenue"].where(post, 0.0).fillna(0.0)
    m["pre_n"] = pre.astype(int)
    m["pre_rev"] = m["revenue"].where(pre, 0.0).fillna(0.0)
    agg = m.groupby(["experiment_id", "user_id"], sort=False)[["post_n", "post_rev", "pre_n", "pre_rev"]].sum()
    u = u.merge(agg, left_on=["experiment_id", "user_id"], right_index=True, how="left")
    u["orders_per_user"] = u["post_n"].astype(float)
    u["revenue_per_user"] = u["post_rev"].astype(float)
    u["conversion"] = (u["post_n"] > 0).astype(float)
    u["x_orders_per_user"] = u["pre_n"].astype(float)
    u["x_revenue_per_user"] = u["pre_rev"].astype(float)
    u["x_conversion"] = (u["pre_n"] > 0).astype(float)

    act = ev[["user_id", "ts"]]
    a = u[["experiment_id", "user_id", "t0"]].merge(act, on="user_id", how="left")
    a["pre"] = ((a["ts"] >= a["t0"] - PRE_PERIOD_DAYS * US_PER_DAY) & (a["ts"] < a["t0"])).astype(int)
    cols = ["pre"]
    for k in RETENTION_DAYS:
        a[f"d{k}"] = ((a["ts"] >= a["t0"] + k * US_PER_DAY) & (a["ts"] < a["t0"] + (k + 1) * US_PER_DAY)).astype(int)
        cols.append(f"d{k}")
    agg = a.groupby(["experiment_id", "user_id"], sort=False)[cols].max()
    u = u.merge(agg, left_on=["experiment_id", "user_id"], right_index=True, how="left")
    for k in RETENTION_DAYS:
        u[f"retention_d{k}"] = u[f"d{k}"].astype(float)
        u[f"x_retention_d{k}"] = u["pre"].astype(float)
        u[f"mature_d{k}"] = u["t0"] + (k + 1) * US_PER_DAY <= data_end
    return u


def funnel_depth(events, start, end):
    """How many funnel steps a unit reached in order within [start, end): walking its events in
    time order (at equal times, earlier steps first), step k counts when an event of step k comes
    at or after the event that reached step k - 1."""
    depth, at = 0, None
    for ts, step in events:
        if ts < start or ts >= end:
            continue
        if step == depth and (at is None or ts >= at):
            depth, at = depth + 1, ts
            if depth == len(FUNNEL_STEPS):
                break
    return depth


def add_funnel(u, ev):
    """funnel_<s>_<event> (reached steps 1..s after t0) and its pre-period covariate, per unit."""
    index = {name: i for i, name in enumerate(FUNNEL_STEPS)}
    steps = ev[ev["event_name"].isin(index)]
    by_user = {}
    for user, ts, name in zip(steps["user_id"], steps["ts"], steps["event_name"]):
        by_user.setdefault(user, []).append((int(ts), index[name]))
    for events in by_user.values():
        events.sort()
    post, pre = [], []
    for user, t0 in zip(u["user_id"], u["t0"]):
        events = by_user.get(user, [])
        post.append(funnel_depth(events, int(t0), float("inf")))
        pre.append(funnel_depth(events, int(t0) - PRE_PERIOD_DAYS * US_PER_DAY, int(t0)))
    post, pre = np.array(post), np.array(pre)
    names = []
    for i, event in enumerate(FUNNEL_STEPS):
        name = f"funnel_{i + 1}_{event}"
        u[name] = (post >= i + 1).astype(float)
        u["x_" + name] = (pre >= i + 1).astype(float)
        TYPES[name] = "binomial"
        names.append(name)
    return names


def analyse_metric(name, mtype, u, variants, control):
    treatments = [v for v in variants if v != control]
    if name.startswith("retention_d"):
        u = u[u[f"mature_{name.split('_')[1]}"]]
    by = {v: u[u["variant"] == v] for v in variants}
    entry = {"name": name, "type": mtype, "variants": [], "comparisons": []}
    if mtype == "ratio":
        summ = {v: rs.ratio_summary(v, by[v]["revenue_per_user"], by[v]["orders_per_user"]) for v in variants}
        entry["variants"] = [summ[v] for v in variants]
        entry["comparisons"] = [rs.ratio_compare(v, control, summ[v], summ[control]) for v in treatments]
        return entry
    y = {v: by[v][name].to_numpy() for v in variants}
    x = {v: by[v]["x_" + name].to_numpy() for v in variants}
    entry["variants"] = [rs.arm_summary(v, y[v], mtype) for v in variants]
    x_all = u["x_" + name].to_numpy(dtype=float)
    theta = None
    if len(x_all) and (x_all != 0).any():  # otherwise cuped_unavailable
        theta = rs.cuped_theta(x_all, u[name].to_numpy(dtype=float))
    for v in treatments:
        comp = rs.compare(v, control, y[v], y[control], mtype)
        if theta is not None:
            comp["cuped"] = rs.cuped_compare(theta, float(x_all.mean()), y[v], x[v], y[control], x[control], mtype)
        entry["comparisons"].append(comp)
    return entry


TYPES = {"conversion": "binomial", "revenue_per_user": "continuous", "orders_per_user": "continuous",
         "aov": "ratio", "retention_d1": "binomial", "retention_d7": "binomial"}


def iso(us):
    return (EPOCH + timedelta(microseconds=int(us))).isoformat().replace("+00:00", "Z")


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    path, out = argv[1], argv[2]
    ev, summary, rejects, no_zone = read_events(path)
    if ev.empty:
        sys.exit(f"{path}: no accepted events {summary}")
    data_end = int(ev["ts"].max())
    units, excluded, controls = assign(ev)
    u = unit_metrics(units, ev, data_end)
    order = METRIC_ORDER + (add_funnel(u, ev) if set(FUNNEL_STEPS) <= set(ev["event_name"]) else [])

    experiments = []
    for e in sorted(units["experiment_id"].unique()):
        ue = u[u["experiment_id"] == e]
        variants = sorted(ue["variant"].unique())
        control = controls[e]
        counts = {v: int((ue["variant"] == v).sum()) for v in variants}
        experiments.append({
            "experimentId": e,
            "control": control,
            "units": counts,
            "excludedUnits": {"multipleExposures": int(excluded.get(e, 0))},
            "srm": rs.srm([counts[v] for v in variants]),
            "metrics": [analyse_metric(n, TYPES[n], ue, variants, control) for n in order],
        })

    result = {
        "generatedBy": "/usr/bin/python3 test/reference/datasets/event_log_reference.py " + " ".join(argv[1:]),
        "case": os.path.splitext(os.path.basename(path))[0],
        "alpha": rs.ALPHA,
        "import": summary,
        "experiments": experiments,
    }
    with open(out, "w", encoding="utf-8") as f:
        f.write(json.dumps(result, indent=2, allow_nan=False) + "\n")

    print(f"{path}: {summary}")
    print(f"  timestamps without zone (read as UTC): {no_zone}; data_end = {iso(data_end)}")
    for r in rejects:
        print(f"  reject line {r['line']}: {r['reason']}")
    if len(u) <= 50:
        show = u[["experiment_id", "user_id", "variant", "t0", "conversion", "revenue_per_user", "orders_per_user",
                  "x_conversion", "x_revenue_per_user", "retention_d1", "mature_d1", "retention_d7", "mature_d7", "pre"]].copy()
        show["t0"] = show["t0"].map(iso)
        with pd.option_context("display.width", 250, "display.max_columns", 30):
            print(show.sort_values(["experiment_id", "user_id"]).to_string(index=False))
    print(f"  -> {out}")


if __name__ == "__main__":
    main(sys.argv)
