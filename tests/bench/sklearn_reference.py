#!/usr/bin/python3
"""sklearn_reference.py: the reference figures for tests/bench/segment_bench.cpp, computed by
scikit-learn on the same matrix files, printed as JSON lines of the same shape.

Run with Debian's Python (/usr/bin/python3, python3-sklearn 1.2 from scripts/setup.sh --bench),
not a python3 from PATH that may lack scikit-learn:
    /usr/bin/python3 tests/bench/sklearn_reference.py [DIR] [--repeat 3] [--labels-from native] [--threads N]
DIR (default build/bench-data) holds the matrices written by `rapport_segment_bench --make-data`
and the labels written by `rapport_segment_bench --run`: the silhouette is scored on our labels
(labels_silhouette_10000.<impl>.f64) as well as on scikit-learn's own. scikit-learn's labels are
written beside ours (labels_*.sklearn.f64) for segment_compare.py.

Threads: scikit-learn's k-means runs on OpenMP threads (all cores unless OMP_NUM_THREADS says
otherwise); the lines say how many it used. Ours are single-threaded. --threads N limits the
pools (threadpoolctl) for a per-core comparison; its lines say impl "sklearn" with "limit": N, and
segment_compare.py shows them in a column of their own.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import silhouette_score

CLUSTERS = 6
SILHOUETTE_ROWS = 10000
WARD_ROWS = 5000
LAST_HEIGHTS = 20


def read_matrix(path):
    """A tiny header (rows, cols: little-endian int64) and row-major little-endian float64 values."""
    rows, cols = np.fromfile(path, dtype="<i8", count=2)
    return np.fromfile(path, dtype="<f8", offset=16).reshape(rows, cols)


def write_matrix(path, X):
    X = np.asarray(X, dtype="<f8").reshape(len(X), -1)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(np.array(X.shape, dtype="<i8").tobytes())
        f.write(np.ascontiguousarray(X).tobytes())
    os.replace(tmp, path)


def thread_info():
    """What scikit-learn's native code runs on: OpenMP and BLAS pools (threadpoolctl)."""
    info = {"omp_num_threads_env": os.environ.get("OMP_NUM_THREADS"), "cpus": os.cpu_count()}
    try:
        from threadpoolctl import threadpool_info

        # Pools are loaded lazily: after a fit they are all there.
        info["pools"] = [{"api": p["user_api"], "lib": p["internal_api"], "threads": p["num_threads"]}
                         for p in threadpool_info()]
        omp = [p["threads"] for p in info["pools"] if p["api"] == "openmp"]
        info["threads"] = max(omp) if omp else None
    except ImportError:
        info["threads"] = None
    return info


def timed(fn, repeat):
    seconds, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds), seconds, result


LIMIT = {}


def emit(line):
    # Other work on the machine slows OpenMP's threads most: say how busy it was.
    print(json.dumps({**line, **LIMIT, "load_average": os.getloadavg()[0]}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", nargs="?", default="build/bench-data")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--labels-from", default="native", help="whose labels to score: native or wasm")
    parser.add_argument("--threads", type=int, default=0, help="limit scikit-learn's thread pools to N")
    args = parser.parse_args()
    if args.threads > 0:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=args.threads)  # not used as a context: the limit holds from here on
        LIMIT["limit"] = args.threads
    d, repeat = args.dir, max(1, args.repeat)

    small = read_matrix(f"{d}/customers_100000.f64")
    large = read_matrix(f"{d}/customers_1000000.f64")

    own_labels = None
    for X in (small, large):
        def fit(X=X):
            return KMeans(n_clusters=CLUSTERS, n_init=10, random_state=0).fit(X)

        s, runs, model = timed(fit, repeat)
        threads = thread_info()
        emit({"what": "kmeans", "impl": "sklearn", "rows": len(X), "cols": X.shape[1], "k": CLUSTERS,
              "restarts": 10, "seconds": s, "runs": runs, "inertia": float(model.inertia_),
              "iterations": int(model.n_iter_), "algorithm": model.algorithm, "threads": threads["threads"],
              "thread_info": threads, "version": sklearn.__version__})
        if X is small:
            own_labels = model.labels_
            if not LIMIT:
                write_matrix(f"{d}/labels_kmeans_{len(X)}.sklearn.f64", own_labels)

    sub = small[:SILHOUETTE_ROWS]
    ours_file = f"{d}/labels_silhouette_{SILHOUETTE_ROWS}.{args.labels_from}.f64"
    if not os.path.exists(ours_file):
        sys.exit(f"missing {ours_file}: run rapport_segment_bench --run first")
    ours = read_matrix(ours_file).ravel().astype(int)
    for name, labels in (("ours", ours), ("sklearn", own_labels[:SILHOUETTE_ROWS])):
        s, runs, score = timed(lambda labels=labels: silhouette_score(sub, labels), repeat)
        emit({"what": "silhouette", "impl": "sklearn", "rows": len(sub), "labels": name, "seconds": s,
              "runs": runs, "score": float(score), "sampled": False,
              **({"labels_file": ours_file} if name == "ours" else {})})

    sub = small[:WARD_ROWS]

    def ward():
        return AgglomerativeClustering(n_clusters=CLUSTERS, linkage="ward", compute_distances=True).fit(sub)

    s, runs, model = timed(ward, repeat)
    labels_file = f"{d}/labels_ward6_{WARD_ROWS}.sklearn{'-limited' if LIMIT else ''}.f64"
    write_matrix(labels_file, model.labels_)
    emit({"what": "ward", "impl": "sklearn", "rows": len(sub), "clusters": CLUSTERS, "seconds": s, "runs": runs,
          "approximate": False, "last_heights": sorted(float(h) for h in model.distances_)[-LAST_HEIGHTS:],
          "sizes": sorted((int(c) for c in np.bincount(model.labels_)), reverse=True), "labels_file": labels_file})


if __name__ == "__main__":
    main()
