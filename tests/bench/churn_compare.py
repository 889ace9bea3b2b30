#!/usr/bin/python3
"""churn_compare.py: puts the churn figures side by side and checks issue 6's targets.

    /usr/bin/python3 tests/bench/churn_compare.py FILE...

Each FILE holds JSON lines: from `rapport_churn_bench --run` (impl "native", or "wasm" under
Node), from tests/bench/churn_browser_bench.mjs (impl "browser": the Telco runs, task "telco",
and the fit times through the app) and from tests/bench/churn_sklearn.py (impl "sklearn":
--telco and --speed, the latter with "limit": 1 when run on one thread).

Targets (the issue):
  - on the Telco file, each model's test ROC AUC within 0.01 of scikit-learn's on the same split
    (the forest: the mean over seeds 1-5, each seed its own split and forest, for both);
  - logistic regression on 100,000 x 20 in under 0.5 s in the browser build;
  - a 100-tree forest on 100,000 x 20 no slower in the browser build than scikit-learn on one thread.
The browser's fit times come from the app on its own demo data (about 100,000 training rows x
20 columns); the native, wasm and scikit-learn ones from the same synthetic 100,000 x 20 file.
"""
import json
import statistics
import sys

AUC_TOLERANCE = 0.01
LOGISTIC_SECONDS = 0.5
SPEED_COLUMNS = ("browser", "wasm", "native", "sklearn 1t")
HEADINGS = {"browser": "browser s", "wasm": "wasm/Node s", "native": "native s", "sklearn 1t": "sklearn 1t s"}
TASKS = (("logistic", "logistic regression, L2 = 1"), ("tree", "decision tree, depth 6"), ("forest", "random forest, 100 trees"))


def load(files):
    lines = []
    for name in files:
        with open(name) as f:
            lines += [json.loads(t) for t in f if t.strip().startswith("{")]
    return lines


def column_of(line):
    if line["impl"] == "sklearn":
        return f"sklearn {line['limit']}t" if line.get("limit") else "sklearn"
    return line["impl"]


def telco_table(lines, targets):
    ours = [l for l in lines if l.get("task") == "telco" and l["impl"] == "browser"]
    theirs = {(l["model"], l["seed"]): l for l in lines if l.get("task") == "telco" and l["impl"] == "sklearn"}
    if not ours:
        return
    first = ours[0]
    print(f"== Telco churn file: test ROC AUC and F1 at 0.5, the app (browser build) and scikit-learn on the same "
          f"split ({first['n_train']:,} training, {first['n_test']:,} test customers, stratified 20%)")
    print(f"{'model':<30}{'our AUC':>9}{'sklearn AUC':>13}{'diff':>9}{'our F1':>9}{'sklearn F1':>12}   |diff AUC| <= {AUC_TOLERANCE}")
    for model, title in TASKS:
        mine = [l for l in ours if l["model"] == model]
        pairs = [(l, theirs.get((model, l["seed"]))) for l in mine]
        pairs = [(a, b) for a, b in pairs if b]
        if not pairs:
            continue
        mean = lambda xs: statistics.fmean(xs)
        auc_a, auc_b = mean([a["rocAuc"] for a, _ in pairs]), mean([b["rocAuc"] for _, b in pairs])
        f1_a, f1_b = mean([a["f1"] for a, _ in pairs]), mean([b["f1"] for _, b in pairs])
        seeds = sorted(a["seed"] for a, _ in pairs)
        label = f"{model} (seed {seeds[0]})" if len(seeds) == 1 else f"{model} (mean, seeds {seeds[0]}-{seeds[-1]})"
        diff = round(auc_a - auc_b, 10) + 0.0  # no "-0.0000" for equal figures
        met = abs(diff) <= AUC_TOLERANCE
        print(f"{label:<30}{auc_a:>9.4f}{auc_b:>13.4f}{diff:>+9.4f}{f1_a:>9.4f}{f1_b:>12.4f}   {'met' if met else 'NOT met'}")
        if len(pairs) > 1:
            for a, b in sorted(pairs, key=lambda p: p[0]["seed"]):
                print(f"{'  seed ' + str(a['seed']):<30}{a['rocAuc']:>9.4f}{b['rocAuc']:>13.4f}{round(a['rocAuc'] - b['rocAuc'], 10) + 0.0:>+9.4f}"
                      f"{a['f1']:>9.4f}{b['f1']:>12.4f}")
        targets.append((f"Telco {label}: |our AUC - scikit-learn's| = {abs(diff):.4f} <= {AUC_TOLERANCE}", met))
    b = next((l for l in theirs.values()), None)
    if b:
        print(f"(columns: ours {first['columns']}, scikit-learn {b['columns']}: the app adds a \"TotalCharges missing\" column for "
              f"its {b['missing_filled']} blanks, which both set to a median: ours over all customers, scikit-learn's over the training rows)")


def speed_table(lines, targets):
    figures = {}
    for l in lines:
        if l.get("task") in ("logistic", "tree", "forest"):
            figures.setdefault(l["task"], {})[column_of(l)] = l
    if not figures:
        return
    columns = [c for c in SPEED_COLUMNS if any(c in by for by in figures.values())]
    columns += sorted({c for by in figures.values() for c in by} - set(columns))
    browser = next((by["browser"] for by in figures.values() if "browser" in by), None)
    rows = next((by[c]["rows"] for by in figures.values() for c in by if c != "browser"), 100000)
    print(f"\n== Fit time (seconds, median of runs): the same {rows:,} x 20 synthetic file natively, as wasm under Node and with "
          f"scikit-learn on one thread" + (f"; the browser build through the app on {browser['rows']:,} x {browser['cols']} demo rows"
                                           if browser else ""))
    print(f"{'model':<30}" + "".join(f"{HEADINGS.get(c, c + ' s'):>14}" for c in columns) + "   train AUC ours / sklearn")
    for task, title in TASKS:
        by = figures.get(task)
        if not by:
            continue
        cells = "".join(f"{by[c]['seconds']:>14.3f}" if c in by else f"{'-':>14}" for c in columns)
        ours = by.get("native") or by.get("wasm")
        sk = by.get("sklearn 1t") or by.get("sklearn")
        check = f"{ours['train_auc']:.6f} / {sk['train_auc']:.6f}" if ours and sk else ""
        print(f"{title:<30}{cells}   {check}")
    cpu = [(c, task, by[c]["cpu_seconds"]) for task, by in figures.items() for c in ("native", "sklearn 1t") if c in by and "cpu_seconds" in by[c]]
    if cpu:
        print("CPU seconds (the machine may be busy): " + "; ".join(f"{task} {c} {s:.3f}" for c, task, s in cpu))
    loads = [l["load_average"] for by in figures.values() for l in by.values() if "load_average" in l]
    if loads:
        print(f"(1-minute load average while scikit-learn ran: {min(loads):.1f} to {max(loads):.1f})")

    logistic, forest = figures.get("logistic", {}), figures.get("forest", {})
    if "browser" in logistic:
        b = logistic["browser"]
        targets.append((f"logistic regression in the browser on {b['rows']:,} x {b['cols']}: {b['seconds']:.3f} s < {LOGISTIC_SECONDS} s",
                        b["seconds"] < LOGISTIC_SECONDS))
    if "wasm" in logistic:
        w = logistic["wasm"]
        print(f"(logistic regression as wasm under Node on the file's {w['rows']:,} x {w['cols']}: {w['seconds']:.3f} s, "
              f"{'under' if w['seconds'] < LOGISTIC_SECONDS else 'NOT under'} {LOGISTIC_SECONDS} s)")
    sk = forest.get("sklearn 1t")
    if sk and "browser" in forest:
        b = forest["browser"]
        targets.append((f"forest of 100 trees in the browser on {b['rows']:,} x {b['cols']}: {b['seconds']:.2f} s, scikit-learn on one "
                        f"thread {sk['seconds']:.2f} s on {sk['rows']:,} x {sk['cols']} ({b['seconds'] / sk['seconds']:.2f}x)",
                        b["seconds"] <= sk["seconds"]))
    if sk and "wasm" in forest:
        w = forest["wasm"]
        print(f"(forest as wasm under Node on the same file as scikit-learn: {w['seconds']:.2f} s against {sk['seconds']:.2f} s, "
              f"{w['seconds'] / sk['seconds']:.2f}x)")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    lines = load(sys.argv[1:])
    targets = []
    telco_table(lines, targets)
    speed_table(lines, targets)
    print()
    for text, met in targets:
        print(f"target {'met' if met else 'NOT met'}: {text}")


if __name__ == "__main__":
    main()
