#!/usr/bin/python3
"""churn_sklearn.py: the scikit-learn reference figures of the churn benchmark (issue 6),
printed as JSON lines that tests/bench/churn_compare.py puts beside ours.

Run with Debian's Python (/usr/bin/python3, python3-sklearn 1.2 and python3-pandas from
scripts/setup.sh --bench), not a python3 from PATH that may lack scikit-learn:

    /usr/bin/python3 tests/bench/churn_sklearn.py --speed [DIR] [--repeat 5] [--forest-repeat 1] [--threads N]
    /usr/bin/python3 tests/bench/churn_sklearn.py --telco CSV OURS.jsonl

--speed: fit times on DIR/churn_100000x20.g1.csv (DIR defaults to build/bench-data; the file
is written by `rapport_churn_bench --make-data`), the same values our bench reads from its
matrix file: StandardScaler + LogisticRegression(C=1, lbfgs, max_iter=1000), a
DecisionTreeClassifier(max_depth=6) and a RandomForestClassifier(n_estimators=100, n_jobs=1).
Each figure is the median wall time of --repeat fits (--forest-repeat for the forest), with
the process CPU time beside it (the machine may be busy) and the AUC on the training rows as
a check. --threads N limits the BLAS and OpenMP pools (threadpoolctl); the lines then say
"limit": N. The read of the CSV is not timed.

--telco: accuracy on the Telco file (../shared/data/telco-customer-churn.csv) on exactly the
app's test sets. OURS.jsonl holds the lines of tests/bench/churn_browser_bench.mjs with task
"telco": each names its model, seed and the file of its test customers' ids. Features: every
column but customerID and Churn; tenure, MonthlyCharges, TotalCharges and SeniorCitizen
numeric (TotalCharges' blanks missing, set to the training median), every other column one
column per value. Label: Churn == "Yes". The same model as ours is fitted on the training
rows: StandardScaler + LogisticRegression(C=1, max_iter=1000), DecisionTreeClassifier(
max_depth=6, random_state=seed), RandomForestClassifier(n_estimators=100, random_state=seed,
n_jobs=1); the test ROC AUC and F1 (flagged when P >= 0.5, as the app) are printed.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

SPEED_CSV = "churn_100000x20.g1.csv"  # rapport_churn_bench's kRows, kFeatures, kGenerator
TELCO_NUMERIC = ["tenure", "MonthlyCharges", "TotalCharges", "SeniorCitizen"]
LIMIT = {}


def emit(line):
    print(json.dumps({**line, **LIMIT, "load_average": os.getloadavg()[0], "version": sklearn.__version__}), flush=True)


def logistic():
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))


def timed(make, X, y, repeat):
    """The median wall time of `repeat` fits, their CPU times, and the last model."""
    wall, cpu, model = [], [], None
    for _ in range(repeat):
        model = None  # the previous forest is freed before the next fit
        model = make()
        t0, c0 = time.perf_counter(), time.process_time()
        model.fit(X, y)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), wall, statistics.median(cpu), model


def speed(args):
    if args.threads > 0:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=args.threads)  # not used as a context: the limit holds from here on
        LIMIT["limit"] = args.threads
    frame = pd.read_csv(os.path.join(args.dir, SPEED_CSV))
    y = frame.pop("churned").to_numpy(dtype=int)
    X = frame.to_numpy(dtype=np.float64)
    tasks = [
        ("logistic", logistic, args.repeat, {"C": 1.0, "solver": "lbfgs"}),
        ("tree", lambda: DecisionTreeClassifier(max_depth=6, random_state=1), args.repeat, {"max_depth": 6}),
        ("forest", lambda: RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=1), args.forest_repeat,
         {"trees": 100, "n_jobs": 1}),
    ]
    for task, make, repeat, params in tasks:
        seconds, runs, cpu, model = timed(make, X, y, max(1, repeat))
        line = {"impl": "sklearn", "task": task, "rows": len(X), "cols": X.shape[1], "seconds": seconds, "runs": runs,
                "cpu_seconds": cpu, "train_auc": float(roc_auc_score(y, model.predict_proba(X)[:, 1])), **params}
        if task == "logistic":
            lr = model[-1]
            line.update(iterations=int(lr.n_iter_[0]), intercept=float(lr.intercept_[0]),
                        weights=[float(w) for w in lr.coef_[0]])
        elif task == "tree":
            line.update(nodes=int(model.tree_.node_count), leaves=int(model.get_n_leaves()))
        else:
            line.update(nodes=int(sum(t.tree_.node_count for t in model.estimators_)))
        emit(line)


def telco_features(frame):
    """The design matrix of the Telco table and its label, as the docstring says."""
    y = (frame["Churn"].astype(str).str.strip() == "Yes").to_numpy(dtype=int)
    numeric = pd.DataFrame({c: pd.to_numeric(frame[c].astype(str).str.strip().replace("", np.nan), errors="coerce")
                            for c in TELCO_NUMERIC})
    categorical = [c for c in frame.columns if c not in TELCO_NUMERIC + ["customerID", "Churn"]]
    onehot = pd.get_dummies(frame[categorical].astype(str), prefix_sep=" = ", dtype=np.float64)
    return pd.concat([numeric, onehot], axis=1), y


def telco(args):
    frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    features, y = telco_features(frame)
    ids = frame["customerID"].to_numpy()
    with open(args.ours) as f:
        ours = [json.loads(t) for t in f if t.startswith("{")]
    for line in [o for o in ours if o.get("task") == "telco"]:
        with open(line["test_ids_file"]) as f:
            test_ids = {t.strip() for t in f if t.strip()}
        test = np.isin(ids, list(test_ids))
        if test.sum() != len(test_ids):
            sys.exit(f"{line['test_ids_file']}: {len(test_ids) - test.sum()} ids are not in {args.csv}")
        train_frame, test_frame = features[~test], features[test]
        medians = train_frame.median()  # only TotalCharges has missing values (new customers)
        X_train = train_frame.fillna(medians).to_numpy(dtype=np.float64)
        X_test = test_frame.fillna(medians).to_numpy(dtype=np.float64)
        seed, model = line["seed"], line["model"]
        make = {"logistic": logistic,
                "tree": lambda: DecisionTreeClassifier(max_depth=6, random_state=seed),
                "forest": lambda: RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=1)}[model]
        fitted = make()
        t0 = time.perf_counter()
        fitted.fit(X_train, y[~test])
        fit_seconds = time.perf_counter() - t0
        p = fitted.predict_proba(X_test)[:, 1]
        emit({"impl": "sklearn", "task": "telco", "model": model, "seed": seed, "rocAuc": float(roc_auc_score(y[test], p)),
              "f1": float(f1_score(y[test], (p >= 0.5).astype(int))), "n_train": int((~test).sum()),
              "n_test": int(test.sum()), "columns": int(X_train.shape[1]), "fit_seconds": fit_seconds,
              "missing_filled": int(features["TotalCharges"].isna().sum())})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--speed", action="store_true")
    mode.add_argument("--telco", action="store_true")
    parser.add_argument("paths", nargs="*", help="--speed: [DIR]; --telco: CSV OURS.jsonl")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--forest-repeat", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0, help="limit scikit-learn's thread pools to N")
    args = parser.parse_args()
    if args.speed:
        args.dir = args.paths[0] if args.paths else "build/bench-data"
        speed(args)
    else:
        if len(args.paths) != 2:
            parser.error("--telco needs CSV and OURS.jsonl")
        args.csv, args.ours = args.paths
        telco(args)


if __name__ == "__main__":
    main()
