#!/usr/bin/python3
"""nps_pandas.py: the reference figure of the NPS benchmark: NPS by month by region with pandas.

    /usr/bin/python3 tests/bench/nps_pandas.py [DIR] [--runs 5]

Reads DIR/nps-customers.csv and DIR/nps-surveys.csv (DIR defaults to build/bench-data; the
files are written by tests/bench/nps_bench.mjs), then computes the table the app's
rapport.run('nps', {by: ['month', 'region']}) gives: for each region and month, the answers,
promoters (9-10), detractors (0-6) and NPS = 100 * (promoters - detractors) / answers.

Prints JSON lines: {"what": "read", "seconds", "version"} (both files, only the columns the
table needs, as pandas would be used for it), {"what": "join", "seconds"} (each answer's
region from its customer: a merge), {"what": "groupby", "seconds"} (months, then the counts
per region and month, and the NPS), each the median of --runs, and {"what": "table", "cells":
[[region, "YYYY-MM", answers, promoters, detractors], ...]} for the benchmark to compare with
the app's cells. The app's figure also computes an interval per cell; this one does not.
"""
import json
import os
import statistics
import sys
import time

import pandas as pd


def main():
    args = sys.argv[1:]
    runs = 5
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i : i + 2]
    data = args[0] if args else "build/bench-data"

    t0 = time.perf_counter()
    customers = pd.read_csv(os.path.join(data, "nps-customers.csv"), usecols=["customer_id", "region"],
                            dtype={"customer_id": str, "region": "category"})
    surveys = pd.read_csv(os.path.join(data, "nps-surveys.csv"), usecols=["customer_id", "answered_at", "kind", "score"],
                          dtype={"customer_id": str, "answered_at": str, "kind": "category", "score": "float64"})
    read = time.perf_counter() - t0
    print(json.dumps({"what": "read", "seconds": read, "rows": len(surveys), "version": pd.__version__}), flush=True)

    def join():
        nps = surveys[surveys["kind"] == "nps"]
        return nps.merge(customers, on="customer_id", how="inner")

    def groupby(df):
        score = df["score"]  # whole numbers 0-10 in these files, as the app groups them
        frame = pd.DataFrame({"region": df["region"], "month": df["answered_at"].str.slice(0, 7),
                              "promoter": score >= 9, "detractor": score <= 6})
        table = frame.groupby(["region", "month"], observed=True, sort=True).agg(
            answers=("promoter", "size"), promoters=("promoter", "sum"), detractors=("detractor", "sum"))
        table["nps"] = 100.0 * (table["promoters"] - table["detractors"]) / table["answers"]
        return table

    joins, groups = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        joined = join()
        t1 = time.perf_counter()
        table = groupby(joined)
        t2 = time.perf_counter()
        joins.append(t1 - t0)
        groups.append(t2 - t1)
    print(json.dumps({"what": "join", "seconds": statistics.median(joins), "runs": runs}))
    print(json.dumps({"what": "groupby", "seconds": statistics.median(groups), "runs": runs}))
    cells = [[str(region), str(month), int(row.answers), int(row.promoters), int(row.detractors)]
             for (region, month), row in table.iterrows()]
    print(json.dumps({"what": "table", "cells": cells}))


if __name__ == "__main__":
    main()
