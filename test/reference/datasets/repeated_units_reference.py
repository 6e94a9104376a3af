#!/usr/bin/python3
"""Store-level reference for the WA marketing campaign dataset (repeated units), as a test fixture.

Command (from the repository root; this exact string is stored as "generatedBy"):

    /usr/bin/python3 test/reference/datasets/repeated_units_reference.py

Optional: --datasets DIR (default /work/shared/datasets) and --out FILE (default
test/fixtures/datasets/wa_store_level.json). The dataset is read in place and never copied.

The file has 4 weekly rows per store (LocationID) and the promotion (1, 2, 3) as the arm. For
each combine rule (sum, mean) the rows of a store become one value of SalesInThousands with
pandas groupby; per promotion we report units n, mean and sample variance (ddof=1), and for each
promotion against promotion 1 the absolute difference and the Welch test p-value
(scipy.stats.ttest_ind(equal_var=False)). Independent of the TypeScript product.
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True

import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

GENERATED_BY = "/usr/bin/python3 test/reference/datasets/repeated_units_reference.py"
FILE = "wa_marketing_campaign/WA_Marketing-Campaign.csv"
CONTROL = "1"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", default="/work/shared/datasets")
    parser.add_argument("--out", default="test/fixtures/datasets/wa_store_level.json")
    args = parser.parse_args()
    raw = pd.read_csv(os.path.join(args.datasets, FILE), dtype={"LocationID": str, "Promotion": str})
    per_store_rows = raw.groupby("LocationID").size()
    out = {
        "generatedBy": GENERATED_BY,
        "file": FILE,
        "unit": "LocationID",
        "variant": "Promotion",
        "control": CONTROL,
        "metric": "SalesInThousands",
        "rowsRead": int(len(raw)),
        "repeatedUnits": {"units": int((per_store_rows > 1).sum()), "rows": int(per_store_rows[per_store_rows > 1].sum())},
        "rules": {},
    }
    for rule in ["sum", "mean"]:
        store = raw.groupby(["LocationID", "Promotion"], as_index=False)["SalesInThousands"].agg(rule)
        assert store["LocationID"].is_unique  # every store ran one promotion
        arms = {}
        for arm, values in store.groupby("Promotion")["SalesInThousands"]:
            arms[arm] = {"n": int(values.size), "mean": float(values.mean()), "variance": float(values.var(ddof=1))}
        control = store.loc[store["Promotion"] == CONTROL, "SalesInThousands"]
        comparisons = {}
        for arm in sorted(arms):
            if arm == CONTROL:
                continue
            treated = store.loc[store["Promotion"] == arm, "SalesInThousands"]
            test = stats.ttest_ind(treated, control, equal_var=False)
            comparisons[arm] = {"absolute": float(treated.mean() - control.mean()), "absolutePValue": float(test.pvalue)}
        out["rules"][rule] = {"arms": arms, "comparisons": comparisons}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
