#!/usr/bin/python3
"""Debian-build FAISS side of benchmarks/index-bench.sh: the same reference and query files, the same radius.

Runs the Debian python3-faiss package (/usr/bin/python3), one thread by default (as every method of
the benchmark). That build is compiled for generic x86-64: its Hamming distances call libgcc's
__popcountdi2 instead of the popcnt instruction, which is why benchmarks/faiss/ builds the same
FAISS version from the Debian source package with AVX2 and popcnt (faiss_bench.cpp, same logic).

    index_faiss.py OUT TAG DATA N Q RADIUS BUDGET [THREADS=1] [FLAT_MAX_N]

FLAT_MAX_N (optional, -1 = never): above this N the flat index is measured by its pilot run alone
(the line carries "pilotOnly": true) when the pilot shows the whole batch would not fit the budget.

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
    out_dir, tag, data, n, q, radius, budget = sys.argv[1:8]
    n, q, radius, budget = int(n), int(q), int(radius), float(budget)
    threads = int(sys.argv[8]) if len(sys.argv) > 8 else 1
    flat_max_n = int(sys.argv[9]) if len(sys.argv) > 9 else -1
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

    def measure(method, index, skip_if_over=False):
        pilot = min(q, 32)
        t = time.perf_counter()
        lims, dist, labels = index.range_search(queries[:pilot], radius + 1)
        pilot_seconds = time.perf_counter() - t
        per_query = pilot_seconds / pilot
        run = int(max(pilot, min(q, budget / max(per_query, 1e-9))))
        pilot_only = skip_if_over and run < q
        if pilot_only:
            run, seconds = pilot, pilot_seconds
        else:
            t = time.perf_counter()
            lims, dist, labels = index.range_search(queries[:run], radius + 1)
            seconds = time.perf_counter() - t
        counts = np.diff(lims)
        recall = None
        if truth is not None:
            k = min(run, len(truth))
            expected = int(sum(truth[:k]))
            recall = 1.0 if expected == 0 else float(sum(min(a, b) for a, b in zip(counts[:k], truth[:k]))) / expected
        extra = {"pilotOnly": True} if pilot_only else {}
        emit(method, threads=threads, queriesRun=run, seconds=seconds, qps=run / seconds,
             compsPerSecPerCore=run * n / seconds / threads, matches=int(lims[-1]), recall=recall, **extra)

    t = time.perf_counter()
    flat = faiss.IndexBinaryFlat(256)
    flat.add(refs)
    emit("faiss-flat-build", seconds=time.perf_counter() - t, bytesPerHash=32.0)
    measure("faiss-flat", flat, skip_if_over=flat_max_n >= 0 and n > flat_max_n)
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
