#!/usr/bin/python3
"""FAISS side of benchmarks/index-bench.sh: the same reference and query files, the same radius.

Reads TAG.refs.bin / TAG.queries.bin (32 bytes per hash, written by the C# macro benchmark) and
appends one JSON line per measurement to results.jsonl, in the same shape as the C# lines.
Methods whose full run would not fit the time budget run on the first K queries (a pilot run
measures the per-query time first); K is recorded as queriesRun.
Recall: FAISS range_search returns pairs with distance < radius+1, each a true match, so equal
per-query counts with the C# scan (which the tests check against brute force) mean equal sets.
"""
import json
import sys
import time

import faiss
import numpy as np


def main():
    out_dir, tag, data, n, q, radius, budget, threads = sys.argv[1:9]
    n, q, radius, budget, threads = int(n), int(q), int(radius), float(budget), int(threads)
    faiss.omp_set_num_threads(threads)
    refs = np.fromfile(f"{out_dir}/{tag}.refs.bin", dtype=np.uint8).reshape(-1, 32)
    queries = np.fromfile(f"{out_dir}/{tag}.queries.bin", dtype=np.uint8).reshape(-1, 32)
    assert refs.shape[0] == n and queries.shape[0] == q
    truth = load_truth(out_dir, tag)

    def emit(method, **fields):
        line = {"data": data, "n": n, "queries": q, "radius": radius, "method": method,
                "load1": float(open("/proc/loadavg").read().split()[0])}
        line.update(fields)
        with open(f"{out_dir}/results.jsonl", "a") as f:
            f.write(json.dumps(line) + "\n")
        print(json.dumps(line), flush=True)

    def measure(method, index):
        pilot = min(q, 32)
        t = time.perf_counter()
        index.range_search(queries[:pilot], radius + 1)
        per_query = (time.perf_counter() - t) / pilot
        run = int(max(pilot, min(q, budget / max(per_query, 1e-9))))
        t = time.perf_counter()
        lims, dist, labels = index.range_search(queries[:run], radius + 1)
        seconds = time.perf_counter() - t
        counts = np.diff(lims)
        recall = None
        if truth is not None:
            k = min(run, len(truth))
            expected = int(sum(truth[:k]))
            recall = 1.0 if expected == 0 else float(sum(min(a, b) for a, b in zip(counts[:k], truth[:k]))) / expected
        emit(method, threads=threads, queriesRun=run, seconds=seconds, qps=run / seconds,
             compsPerSecPerCore=run * n / seconds / threads, matches=int(lims[-1]), recall=recall)

    t = time.perf_counter()
    flat = faiss.IndexBinaryFlat(256)
    flat.add(refs)
    emit("faiss-flat-build", seconds=time.perf_counter() - t, bytesPerHash=32.0)
    measure("faiss-flat", flat)
    del flat

    t = time.perf_counter()
    mih = faiss.IndexBinaryMultiHash(256, 16, 16)
    mih.add(refs)
    emit("faiss-mih-build", seconds=time.perf_counter() - t)
    mih.nflip = radius // 16
    measure("faiss-mih", mih)


def load_truth(out_dir, tag):
    """Per-query match counts of the C# blocked scan, written by the macro benchmark."""
    try:
        return np.fromfile(f"{out_dir}/{tag}.counts.bin", dtype=np.int32)
    except FileNotFoundError:
        return None


if __name__ == "__main__":
    main()
