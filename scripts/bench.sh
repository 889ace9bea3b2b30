#!/usr/bin/env bash
# Benchmarks. Run on a quiet machine; each figure is the median of several runs.
#   scripts/bench.sh [runs]          (default 5) the shell figures only
#   scripts/bench.sh [runs] --data   also the data benchmarks (several minutes)
#   scripts/bench.sh --segment       only segmentation against scikit-learn (a minute or two)
#   scripts/bench.sh --nps           only NPS and comment search against pandas (a few minutes)
#   scripts/bench.sh [runs] --churn  only the churn models against scikit-learn (5-10 minutes)
# Figures: size of rapport.wasm and rapport.js (raw and gzip -9), page load to ready
# and frame times in headless Chromium (software WebGL), the native headless frame time;
# with --data: import speed, demo generation, save after an edit, load with a large
# database saved, scrolling the Customers table (tests/bench/data_bench.mjs), segmentation
# against scikit-learn (also alone with --segment), and NPS by month by segment and comment
# search over 1,000,000 answers against pandas (also alone with --nps), and the churn models
# against scikit-learn: test AUC on the Telco file, fit times on 100,000 x 20 (also alone with
# --churn).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
RUNS=${1:-5}
DATA=0
[[ "${2:-}" == "--data" || "${1:-}" == "--data" ]] && DATA=1
SEGMENT=0
[[ " $* " == *" --segment "* ]] && SEGMENT=1
NPS=0
[[ " $* " == *" --nps "* ]] && NPS=1
CHURN=0
[[ " $* " == *" --churn "* ]] && CHURN=1
[[ "$RUNS" == --* ]] && RUNS=5
run_setup --bench

# k-means (k = 6, 10 restarts) on 100,000 and 1,000,000 customers x 4 features, the exact
# silhouette of 10,000 and exact Ward on 5,000 (tests/bench/segment_bench.cpp): natively, as
# wasm under Node and with Debian's scikit-learn (tests/bench/sklearn_reference.py: its default
# threads, then one thread) on the same matrices, made once into build/bench-data. The browser
# build's figures (wasm through the app in Chromium) plug in as build/bench-data/browser.jsonl,
# lines of the same shape with impl "browser" (tests/bench/segment_browser_bench.mjs, which also
# reports the frame time over the scatter of all customers): segment_compare.py then gives them a
# column and judges the wasm target on them.
segmentation() {
  echo "== segmentation: k-means, silhouette, Ward against scikit-learn"
  local data=build/bench-data bench=tests/rapport_segment_bench
  configure_native && cmake --build build/native --target rapport_segment_bench -j"$JOBS" >/dev/null
  configure_web && cmake --build build/web --target rapport_segment_bench -j"$JOBS" >/dev/null
  build/native/$bench --make-data "$data" >/dev/null
  build/native/$bench --run "$data" >"$data/native.jsonl"
  node --no-experimental-fetch build/web/$bench.js --run "$data" >"$data/wasm.jsonl"
  /usr/bin/python3 tests/bench/sklearn_reference.py "$data" >"$data/sklearn.jsonl"
  /usr/bin/python3 tests/bench/sklearn_reference.py "$data" --threads 1 >"$data/sklearn-1t.jsonl"
  # The browser build through the app in Chromium: k-means by rapport.run and the frame time
  # over the scatter (tests/bench/segment_browser_bench.mjs; it writes $data/browser.jsonl).
  # 100,000 customers only (--large adds 1,000,000: several minutes more).
  RAPPORT_SKIP_SETUP=1 scripts/build.sh >/dev/null
  echo "browser (the app in Chromium):"
  rm -f "$data/browser.jsonl"
  node tests/bench/segment_browser_bench.mjs --runs 3 --out "$data/browser.jsonl" ||
    echo "(the browser benchmark failed: its column is left out)"
  local browser=()
  [[ -f "$data/browser.jsonl" ]] && browser=("$data/browser.jsonl")
  /usr/bin/python3 tests/bench/segment_compare.py "$data" "$data"/{native,wasm,sklearn,sklearn-1t}.jsonl "${browser[@]}"
}
if [[ $SEGMENT -eq 1 ]]; then segmentation; exit 0; fi

# NPS by month by RFM segment and by region over 1,000,000 answers, and comment search over
# their 1,000,000 comments, in the browser build; the same table by month and region with
# pandas on the same CSV files (tests/bench/nps_pandas.py), with its cells checked against the
# app's. The data is made once into build/bench-data (nps-*.csv, about 100 MB).
nps() {
  echo "== NPS: NPS by month by segment and comment search over 1,000,000 answers, against pandas"
  node tests/bench/nps_bench.mjs --runs "$RUNS"
}
if [[ $NPS -eq 1 ]]; then RAPPORT_SKIP_SETUP=1 scripts/build.sh >/dev/null; nps; exit 0; fi

# Churn models (issue 6). Accuracy: the Telco file imported into the browser build, a churn run
# per model on a stratified 20% test set (the forest with seeds 1-5), and scikit-learn fitted on
# exactly the same split (tests/bench/churn_browser_bench.mjs writes the test customers' ids,
# tests/bench/churn_sklearn.py --telco reads them). Speed: logistic regression (L2 = 1), a depth-6
# tree and a 100-tree forest on a synthetic 100,000 x 20 file made once into build/bench-data
# (tests/bench/churn_bench.cpp), natively, as wasm under Node and with scikit-learn on one thread
# (churn_sklearn.py --speed); and the fit times through the app in Chromium on demo data of about
# 100,000 training rows x 20 columns. tests/bench/churn_compare.py puts them in two tables and
# judges the targets: |AUC - scikit-learn's| <= 0.01, logistic regression under 0.5 s in the
# browser, the forest no slower there than scikit-learn on one thread.
churn() {
  echo "== churn: logistic regression, tree and forest against scikit-learn"
  local data=build/bench-data bench=tests/rapport_churn_bench
  configure_native && cmake --build build/native --target rapport_churn_bench -j"$JOBS" >/dev/null
  configure_web && cmake --build build/web --target rapport_churn_bench -j"$JOBS" >/dev/null
  build/native/$bench --make-data "$data" >/dev/null
  build/native/$bench --run "$data" --repeat "$RUNS" --forest-repeat 3 >"$data/churn-native.jsonl"
  node --no-experimental-fetch build/web/$bench.js --run "$data" --repeat "$RUNS" --forest-repeat 3 >"$data/churn-wasm.jsonl"
  # One forest fit only: about 45 s of CPU on one thread.
  /usr/bin/python3 tests/bench/churn_sklearn.py --speed "$data" --repeat "$RUNS" --forest-repeat 1 --threads 1 >"$data/churn-sklearn.jsonl"
  RAPPORT_SKIP_SETUP=1 scripts/build.sh >/dev/null
  echo "browser (the app in Chromium):"
  rm -f "$data/churn-browser.jsonl" "$data/churn-sklearn-telco.jsonl"
  node tests/bench/churn_browser_bench.mjs --runs "$RUNS" --forest-runs 3 --out "$data/churn-browser.jsonl" ||
    echo "(the browser benchmark failed: its figures and the Telco comparison are left out)"
  local browser=()
  if [[ -f "$data/churn-browser.jsonl" ]]; then
    /usr/bin/python3 tests/bench/churn_sklearn.py --telco "$ROOT/../shared/data/telco-customer-churn.csv" \
      "$data/churn-browser.jsonl" >"$data/churn-sklearn-telco.jsonl"
    browser=("$data/churn-browser.jsonl" "$data/churn-sklearn-telco.jsonl")
  fi
  echo
  /usr/bin/python3 tests/bench/churn_compare.py "$data"/churn-{native,wasm,sklearn}.jsonl "${browser[@]}"
}
if [[ $CHURN -eq 1 ]]; then churn; exit 0; fi

RAPPORT_SKIP_SETUP=1 scripts/build.sh >/dev/null
configure_native
cmake --build build/native --target rapport-headless -j"$JOBS" >/dev/null

echo "== size"
for f in dist/rapport.wasm dist/rapport.js; do
  printf '%-18s raw %8d bytes   gzip %8d bytes\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)"
done

echo "== browser: page load to ready, frame time ($RUNS runs)"
node tests/bench/shell_bench.mjs "$RUNS"

echo "== native headless: frame time of the UI code (600 frames, Learn view)"
build/native/src/rapport-headless --frames 600 --view Learn | python3 -c '
import json, sys
s = json.load(sys.stdin)["uiTime"]
print("ui mean %.3f p95 %.3f max %.3f ms over the last %d frames" % (s["mean"], s["p95"], s["max"], s["frames"]))'

if [[ $DATA -eq 1 ]]; then
  echo "== store without a browser: import of 1,000,000 order rows and demo data for 100,000 customers"
  cmake --build build/native --target rapport_store_bench -j"$JOBS" >/dev/null
  configure_web && cmake --build build/web --target rapport_store_bench -j"$JOBS" >/dev/null
  echo "native:"; build/native/tests/rapport_store_bench
  echo "wasm (Node):"; node --no-experimental-fetch build/web/tests/rapport_store_bench.js
  echo "== browser: data benchmarks"
  node tests/bench/data_bench.mjs --runs 3
  segmentation
  nps
  churn
fi
