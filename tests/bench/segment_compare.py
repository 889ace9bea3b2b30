#!/usr/bin/python3
"""segment_compare.py: puts the segmentation figures side by side and checks the targets.

    /usr/bin/python3 tests/bench/segment_compare.py [DIR] FILE...

Each FILE holds JSON lines from `rapport_segment_bench --run` (impl "native", or "wasm" under
Node) or from sklearn_reference.py (impl "sklearn"); DIR (default build/bench-data) holds the
label files those runs wrote. The browser build's figures plug in here as one more FILE whose
lines say impl "browser" (same shape, measured through the app in Chromium): they get their own
column, and the wasm target is then judged on them instead of on Node's.

Targets (the issue): our k-means inertia within 1% of scikit-learn's; wasm k-means no slower
than scikit-learn's.
"""
import json
import os
import sys

import numpy as np
from sklearn.metrics import adjusted_rand_score

OURS = ("native", "wasm", "browser")
COLUMNS = ("native", "wasm", "browser", "sklearn")
HEADINGS = {"native": "native s", "wasm": "wasm s", "browser": "browser s", "sklearn": "sklearn s"}


def read_matrix(path):
    rows, cols = np.fromfile(path, dtype="<i8", count=2)
    return np.fromfile(path, dtype="<f8", offset=16).reshape(rows, cols)


def read_labels(path):
    return read_matrix(path).ravel().astype(int) if path and os.path.exists(path) else None


def load(files):
    """figures[(what, rows, labels)][impl] = the line."""
    figures = {}
    for name in files:
        with open(name) as f:
            for text in f:
                text = text.strip()
                if not text.startswith("{"):
                    continue
                line = json.loads(text)
                if line.get("what") not in ("kmeans", "silhouette", "ward"):
                    continue
                key = (line["what"], line["rows"], line.get("labels", ""))
                impl = line["impl"]
                if impl == "sklearn" and line.get("limit"):  # sklearn_reference.py --threads N
                    impl = f"sklearn {line['limit']}t"
                figures.setdefault(key, {})[impl] = line
    return figures


def fmt_s(line):
    return f"{line['seconds']:.3f}" if line else "-"


def main():
    args = sys.argv[1:]
    d = "build/bench-data"
    if args and os.path.isdir(args[0]):
        d, args = args[0], args[1:]
    if not args:
        sys.exit(__doc__)
    figures = load(args)
    impls = {impl for by in figures.values() for impl in by}
    columns = [c for c in COLUMNS if c in impls] + sorted(impls - set(COLUMNS))
    wasm_col = "browser" if "browser" in columns else "wasm"
    targets = []  # (text, met)
    notes = []

    print(f"{'figure':<34}" + "".join(f"{HEADINGS.get(c, c + ' s'):>13}" for c in columns)
          + f"{wasm_col + '/sklearn':>15}  agreement")

    def row(label, by, agreement):
        ratio = "-"
        if by.get(wasm_col) and by.get("sklearn"):
            ratio = f"{by[wasm_col]['seconds'] / by['sklearn']['seconds']:.2f}"
        print(f"{label:<34}" + "".join(f"{fmt_s(by.get(c)):>13}" for c in columns) + f"{ratio:>15}  {agreement}")

    order = ("kmeans", "silhouette", "ward")
    for (what, rows, labels), by in sorted(figures.items(), key=lambda kv: (order.index(kv[0][0]),) + kv[0][1:]):
        sk = by.get("sklearn")
        if what == "kmeans":
            parts = []
            if sk:
                for impl in OURS:
                    if impl in by:
                        diff = by[impl]["inertia"] / sk["inertia"] - 1
                        parts.append(f"inertia {impl}/sklearn - 1 = {diff * 100:+.4f}%")
                        if impl == "native" or "native" not in by:
                            targets.append((f"k-means {rows:,} rows: inertia within 1% of scikit-learn's "
                                            f"({diff * 100:+.4f}%)", abs(diff) <= 0.01))
                        if impl != "native" and "native" in by and by[impl]["inertia"] != by["native"]["inertia"]:
                            notes.append(f"k-means {rows:,}: {impl} inertia differs from native "
                                         f"({by[impl]['inertia']!r} vs {by['native']['inertia']!r})")
                ours = by.get("native") or by.get("wasm")
                if ours:
                    parts.append(f"iterations {ours['iterations']} vs {sk['iterations']}")
                if by.get(wasm_col):
                    ratio = by[wasm_col]["seconds"] / sk["seconds"]
                    # Per core too: on a busy machine OpenMP's threads wait for each other.
                    single = [f"; {by[wasm_col]['seconds'] / line['seconds']:.2f}x against sklearn on one thread"
                              for line in by.values() if line.get("limit") == 1]
                    targets.append((f"k-means {rows:,} rows: {wasm_col} no slower than scikit-learn "
                                    f"({ratio:.2f}x, sklearn on {sk.get('threads') or '?'} threads"
                                    f"{''.join(single)})", ratio <= 1.0))
            ours_labels = read_labels(f"{d}/labels_kmeans_{rows}.native.f64")
            sk_labels = read_labels(f"{d}/labels_kmeans_{rows}.sklearn.f64")
            if ours_labels is not None and sk_labels is not None and len(ours_labels) == len(sk_labels):
                parts.append(f"ARI {adjusted_rand_score(sk_labels, ours_labels):.4f}")
            row(f"k-means {rows:,} x {(sk or next(iter(by.values())))['cols']}", by, "; ".join(parts))
        elif what == "silhouette":
            label = f"silhouette {rows:,} ({'our' if labels == 'ours' else labels} labels)"
            parts = []
            ours = by.get("native") or by.get("wasm")
            if sk and ours:
                parts.append(f"score ours {ours['score']:.6f} sklearn {sk['score']:.6f} "
                             f"(diff {abs(ours['score'] - sk['score']):.1e})")
            elif sk:
                parts.append(f"score {sk['score']:.6f}")
            for impl in OURS:
                if impl in by and impl != "native" and "native" in by and by[impl]["score"] != by["native"]["score"]:
                    notes.append(f"silhouette: {impl} score differs from native")
            if labels == "ours":
                a = read_labels(f"{d}/labels_silhouette_{rows}.native.f64")
                b = read_labels(f"{d}/labels_silhouette_{rows}.wasm.f64")
                if a is not None and b is not None and not np.array_equal(a, b):
                    notes.append("silhouette: the wasm run's labels differ from the native run's")
            row(label, by, "; ".join(parts))
        elif what == "ward":
            parts = []
            ours_impl = "native" if "native" in by else next((i for i in OURS if i in by), None)
            if sk and ours_impl:
                ours = by[ours_impl]
                a, b = np.sort(ours["last_heights"]), np.sort(sk["last_heights"])
                n = min(len(a), len(b))
                rel = float(np.max(np.abs(a[-n:] - b[-n:]) / np.abs(b[-n:])))
                parts.append(f"last {n} heights: max rel diff {rel:.1e}")
                ours_labels = read_labels(ours.get("labels_file"))
                sk_labels = read_labels(sk.get("labels_file"))
                if ours_labels is not None and sk_labels is not None:
                    ari = adjusted_rand_score(sk_labels, ours_labels)
                    parts.append(f"ARI of the cut at {ours['clusters']} {ari:.4f}")
                parts.append(f"sizes {ours['sizes']} vs {sk['sizes']}")
            for impl in OURS:
                if impl in by and impl != ours_impl and by[impl]["last_heights"] != by[ours_impl]["last_heights"]:
                    notes.append(f"Ward: {impl} merge heights differ from {ours_impl}")
            row(f"Ward {rows:,} + cut", by, "; ".join(parts))

    for impl in [c for c in columns if c.startswith("sklearn")]:
        lines = [by[impl] for by in figures.values() if impl in by]
        threads = sorted({line["threads"] for line in lines if line.get("threads")})
        loads = [line["load_average"] for line in lines if "load_average" in line]
        cpus = next((line["thread_info"]["cpus"] for line in lines if "thread_info" in line), "?")
        if threads:
            print(f"{impl} ran on {', '.join(map(str, threads))} OpenMP thread(s) on {cpus} CPUs, ours on one"
                  + (f"; 1-minute load average {min(loads):.1f} to {max(loads):.1f}" if loads else ""))
    for n in notes:
        print("note:", n)
    for text, met in targets:
        print(f"target {'met' if met else 'NOT met'}: {text}")


if __name__ == "__main__":
    main()
