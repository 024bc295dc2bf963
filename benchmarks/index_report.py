#!/usr/bin/python3
"""Turns bench-out/index/results.jsonl into the "## Hamming index" section of docs/benchmarks.md.

The headline table is issue 23's: per (data, N), Harrier auto and Harrier's best one-thread strategy
against FAISS multi-index and flat built with AVX2 + popcnt (benchmarks/faiss/), with the Debian
python3-faiss build beside them; when the AVX2 build was not available (OUT/faiss-build.json), the
Debian figures stand in and the table says so. Only that section is replaced (from its heading to the
next "## " heading); the rest of the file is kept as it is. Every figure comes from a line of results.jsonl; nothing is typed in by hand.
"""
import datetime
import json
import os
import platform
import re
import sys


def fmt(v, digits=3):
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return f"{v:,}"
    if v == 0:
        return "0"
    if abs(v) >= 1e9:
        return f"{v / 1e9:.{digits}g} G"
    if abs(v) >= 1e6:
        return f"{v / 1e6:.{digits}g} M"
    if abs(v) >= 1e4:
        return f"{v / 1e3:.{digits}g} k"
    if abs(v) >= 1e3:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


HARRIER_STRATEGIES = ("scan", "join")  # plus every method starting with "mih" (mih16, mih32, mih-m10, ...)
STRATEGY_METHOD = {"Scan": "scan", "Join": "join", "MultiIndex16": "mih16", "MultiIndex32": "mih32"}


def is_strategy(method):
    return method in HARRIER_STRATEGIES or method.startswith("mih")


def label(r):
    """A Harrier line's strategy name as the table shows it."""
    return f"scan ({r['kernel']})" if r["method"] == "scan" and r.get("kernel") else r["method"]


def exact(r):
    return r.get("recall") is None or r["recall"] >= 1.0


def faiss_avx2_mih(sel):
    """FAISS AVX2 multi-index lines (faiss-avx2-mih-<nhash>x<b>), exact ones only."""
    return [r for r in sel if re.fullmatch(r"faiss-avx2-mih-\d+x\d+", r["method"]) and exact(r)]


def qps(r, digits=3):
    if r is None:
        return "–"
    s = f"{fmt(r['qps'], digits)} q/s"
    return s + f" (pilot, {r['queriesRun']} queries)" if r.get("pilotOnly") else s


def main():
    results_path, doc_path, command = sys.argv[1:4]
    out_dir = os.path.dirname(results_path)
    rows = [json.loads(l) for l in open(results_path) if l.strip()]
    configs = []
    for r in rows:
        key = (r["data"], r["n"], r["queries"])
        if key not in configs:
            configs.append(key)
    build = {}
    try:
        build = json.load(open(os.path.join(out_dir, "faiss-build.json")))
    except (OSError, ValueError):
        pass
    debian = {}
    try:
        debian = json.load(open(os.path.join(out_dir, "faiss-debian.json")))
    except (OSError, ValueError):
        pass
    avx2 = bool(build.get("available")) and any(r["method"].startswith("faiss-avx2-") for r in rows)

    out = ["## Hamming index", ""]
    out.append(f"Measured {datetime.date.today().isoformat()} on {cpu_model()}, {os.cpu_count()} vCPUs, one thread per "
               f"method, radius 31, by `{command}`. Raw lines: `{results_path}`.")
    out.append("")
    if avx2:
        out.append(f"**FAISS** is measured twice on the same files: built here from the Debian source package "
                   f"(`apt-get source faiss={build.get('version')}`, the version Debian ships) with "
                   f"`{build.get('cmake')}` (library flags `{build.get('libFlags')}`) and driven by "
                   f"`benchmarks/faiss/faiss_bench.cpp` (`g++ {build.get('driverFlags')}`; objdump counts "
                   f"{build.get('popcnt')} `popcnt` and {build.get('ymm')} AVX `ymm` instructions in it) — the *AVX2 "
                   f"build*; and the Debian python3-faiss package — the *Debian build*, compiled for generic x86-64"
                   + (f" ({debian.get('popcnt')} `popcnt` instructions, {debian.get('popcountCalls')} calls to libgcc's "
                      f"`__popcount*` in `{debian.get('library')}`)" if debian else "")
                   + ". FAISS MIH is `IndexBinaryMultiHash(256, nhash, b)` with nflip = 31 ÷ nhash (exact); the table "
                   "shows the fastest exact configuration of the AVX2 build.")
    else:
        reason = build.get("reason", "not attempted in this run")
        out.append(f"**The FAISS AVX2 build was not available in this run** ({reason}). FAISS figures below are the "
                   "Debian python3-faiss build, compiled for generic x86-64 without the `popcnt` instruction (its Hamming "
                   "distances call libgcc's `__popcountdi2`"
                   + (f"; objdump counts {debian.get('popcnt')} `popcnt` instructions and {debian.get('popcountCalls')} "
                      f"calls to `__popcount*` in `{debian.get('library')}`" if debian else "")
                   + "): **every ratio against FAISS overstates Harrier's lead** by "
                   "that handicap, which this run could not measure.")
    out.append("")

    hdr = ["N, data", "Harrier auto", "Harrier best strategy",
           "FAISS MIH (AVX2 build)" if avx2 else "FAISS MIH (Debian build, handicapped)",
           "auto ÷ best, paired", "auto ÷ FAISS MIH", "best ÷ FAISS MIH",
           "FAISS flat (AVX2 build)" if avx2 else "FAISS flat (Debian build, handicapped)"]
    if avx2:
        hdr.append("Debian build: MIH 16×16 / flat (AVX2 build ÷ Debian)")
    hdr.append("min recall")
    out.append("| " + " | ".join(hdr) + " |")
    out.append("|" + "---|" * len(hdr))
    multi_thread = False
    for data, n, q in configs:
        sel = [r for r in rows if (r["data"], r["n"], r["queries"]) == (data, n, q)]
        harrier = [r for r in sel if not r["method"].startswith("faiss") and r.get("qps") is not None]
        multi_thread |= any(r.get("threads", 1) > 1 for r in harrier)
        auto = next((r for r in harrier if r["method"] == "auto" and r.get("threads") == 1), None)
        plan = next((r for r in sel if r["method"] == "auto-plan"), None)
        best = max((r for r in harrier if is_strategy(r["method"]) and r.get("threads") == 1 and exact(r)),
                   key=lambda r: r["qps"], default=None)
        if avx2:
            fm = max(faiss_avx2_mih(sel), key=lambda r: r["qps"], default=None)
            ff = next((r for r in sel if r["method"] == "faiss-avx2-flat"), None)
        else:
            fm = next((r for r in sel if r["method"] == "faiss-mih"), None)
            ff = next((r for r in sel if r["method"] == "faiss-flat"), None)
        if auto:
            auto_cell = f"{fmt(auto['qps'])} q/s" + (f" ({plan['strategy']})" if plan else "")
        else:
            any_auto = next((r for r in harrier if r["method"] == "auto"), None)
            auto_cell = (f"{fmt(any_auto['qps'])} q/s with {any_auto.get('threads')} threads, not one "
                         "(no ratio)") if any_auto else "–"
        if best and auto and best["qps"] <= auto["qps"]:
            best_cell = f"auto ({label(best)}: {fmt(best['qps'])} q/s)"
        else:
            best_cell = f"{fmt(best['qps'])} q/s ({label(best)})" if best else "–"
        fm_cell = qps(fm) + (f" ({fm['method'].rsplit('-', 1)[1].replace('x', '×')})" if fm and avx2 else "")
        vs = "" if avx2 else " against the Debian build, which lacks hardware popcount: overstated"
        paired = next((r for r in sel if r["method"] == "auto-vs-fastest"), None)
        paired_cell = (f"{fmt(paired['ratio'], 2)} ({paired['autoParts']} parts against {paired['fastestParts']})"
                       if paired else "–")
        cells = [f"{n / 1e6:g} M {data}, {q:,} queries", auto_cell, best_cell, fm_cell, paired_cell,
                 f"{fmt(auto['qps'] / fm['qps'], 3)}×{vs}" if auto and fm else "–",
                 f"{fmt(best['qps'] / fm['qps'], 3)}×{vs}" if best and fm else "–",
                 qps(ff)]
        if avx2:
            dm = next((r for r in sel if r["method"] == "faiss-mih"), None)
            df = next((r for r in sel if r["method"] == "faiss-flat"), None)
            a16 = next((r for r in sel if r["method"] == "faiss-avx2-mih-16x16"), None)
            part = lambda d, a: (f"{fmt(d['qps'])}" + (f" ({fmt(a['qps'] / d['qps'], 2)}×)" if a else "")) if d else "–"
            cells.append(f"{part(dm, a16)} / {part(df, ff)} q/s")
        recalls = [r["recall"] for r in sel if r.get("recall") is not None]
        cells.append(fmt(min(recalls)) if recalls else "–")
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    notes = ["*best* is the fastest exact Harrier strategy measured with one thread (scan kernels, multi-index, join); "
             "*auto* is what a user gets by default, with the strategy its planner picked. "
             "*auto ÷ best, paired*: auto's tables and those of the fastest fixed part count serve alternate batches of "
             "the same queries (nine rounds, median each; the same tables when auto chose that count); the unpaired "
             "figures ran at different moments on separately built tables, which on this VM vary by 10–20 %."]
    if multi_thread:
        notes.append("Harrier lines measured with more than one thread are left out of this table (they are in the "
                     "tables per configuration below).")
    if any(r.get("pilotOnly") for r in rows):
        notes.append("A FAISS figure marked *pilot* was measured on its 32-query pilot alone: the whole batch would not "
                     "have fitted the budget (`FLAT_MAX_N`).")
    skipped = [r for r in rows if r["method"].endswith("-skipped")]
    for r in skipped:
        notes.append(f"Not run: {r['method'][:-len('-skipped')]} at {r['data']}, N = {r['n']:,} ({r.get('reason')}; "
                     f"estimated {fmt(r.get('estimatedBytes'))}B, available {fmt(r.get('memAvailableBytes'))}B).")
    out.append(" ".join(notes))
    out.append("")
    out.append("How to read this:")
    out.append("- **Same data, same run.** The C# benchmark writes the reference and query hashes to files; both FAISS "
               "builds read the same files right after.")
    out.append("- **Subsets.** A method whose whole batch would not fit the time budget ran on the first *K* queries of "
               "the batch (column *queries run*; a pilot run sized K). queries/s is always queries run ÷ seconds spent.")
    out.append("- **Recall** is measured against the plain scalar loop (ground truth) on the first queries of the batch "
               "(as many as 2·10⁹ comparisons allow); for FAISS, by per-query match counts against the same truth.")
    out.append("- **comparisons/s per core** = queries × N ÷ seconds ÷ threads (for indexes: the brute-force-equivalent rate).")
    out.append("- **realistic** data: 20% real PDQ hashes (the upstream haystack/needles lists and the dihedral hashes of the "
               "test images, ~1,900 seeds) replicated with 0–47 flipped bits, 2% near-blank hashes (≤ 8 bits set, "
               "degenerate frames), 78% uniform; queries 90% replicated real hashes, 0.2% near-blank. PDQ hashes of a real "
               "photo collection were not used. **uniform**: independent random hashes; half the queries are 0–40 bits "
               "from a stored hash. **clustered**: as generated by the C# benchmark's `--data clustered` (`IndexData`).")
    out.append("- **load1** is the 1-minute load average when the line was written: other engineers may be building on "
               "the same vCPUs, so absolute figures are noisy; ratios within one configuration are the fairer reading.")
    out.append("- **One query at a time** is reported as hash bytes scanned per second next to a sequential-read "
               "bandwidth measured in the same process (1 GiB array).")
    out.append("")

    for data, n, q in configs:
        sel = [r for r in rows if (r["data"], r["n"], r["queries"]) == (data, n, q)]
        by = {}
        for r in sel:
            by.setdefault(r["method"], []).append(r)
        out.append(f"### {data}, N = {n:,}, {q:,} queries")
        out.append("")
        ref = max(faiss_avx2_mih(sel), key=lambda r: r["qps"], default=None) if avx2 else \
            next((r for r in by.get("faiss-mih", [])), None)
        ref_name = f"FAISS AVX2 MIH {ref['method'].rsplit('-', 1)[1]}" if ref and avx2 else "FAISS MIH (Debian)"
        faiss_mih = ref["qps"] if ref else None
        scalar = next((r["compsPerSecPerCore"] for r in by.get("scalar-loop", [])), None)
        out.append(f"| method | threads | queries run | queries/s | comparisons/s per core | × scalar loop | × {ref_name} q/s | matches | recall | load1 |")
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        mih_methods = sorted(m for m in by if m.startswith("mih"))
        faiss_methods = sorted(m for m in by if re.fullmatch(r"faiss-avx2-(flat|mih-\d+x\d+)", m))
        order = ["scalar-loop", "scan"] + mih_methods + ["join", "auto"] + faiss_methods + ["faiss-flat", "faiss-mih"]
        for m in order:
            for r in by.get(m, []):
                name = label(r)
                if m == "auto":
                    plan = next((p for p in by.get("auto-plan", []) if p.get("queriesRun") == r.get("queriesRun")), None)
                    name = f"auto → {plan['strategy']}" if plan else "auto"
                if m in ("faiss-flat", "faiss-mih"):
                    name = f"{m} (Debian build)"
                if r.get("pilotOnly"):
                    name += " (pilot only)"
                cps = r.get("compsPerSecPerCore")
                out.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                    name, r.get("threads", "–"), fmt(r.get("queriesRun")), fmt(r.get("qps")), fmt(cps),
                    fmt(cps / scalar, 2) if cps and scalar else "–",
                    fmt(r["qps"] / faiss_mih, 2) if faiss_mih and r.get("qps") else "–",
                    fmt(r.get("matches")), fmt(r.get("recall")), fmt(r.get("load1"), 2)))
        out.append("")
        out.append("| build / layout | seconds | bytes per hash |")
        out.append("|---|---|---|")
        builds = [("build-scan-layout", "Harrier scan layout (hash 32 + id 8 + quality 1 + tombstone bit)")]
        builds += [(m, f"Harrier multi-index tables, {m[len('build-'):]} (on top of the scan layout)")
                   for m in by if m.startswith("build-mih")]
        builds += [("faiss-avx2-flat-build", "FAISS IndexBinaryFlat (AVX2 build)")]
        builds += [(m, f"FAISS IndexBinaryMultiHash {m[len('faiss-avx2-mih-'):-len('-build')]} (AVX2 build)")
                   for m in sorted(by) if re.fullmatch(r"faiss-avx2-mih-\d+x\d+-build", m)]
        builds += [("faiss-flat-build", "FAISS IndexBinaryFlat (Debian build)"),
                   ("faiss-mih-build", "FAISS IndexBinaryMultiHash(256,16,16) (Debian build)")]
        for m, text in builds:
            for r in by.get(m, []):
                bph = r.get("bytesPerHash")
                if m == "build-mih32" and bph is not None and "build-mih16" in by:
                    mih16 = next((x.get("bytesPerHash") for x in by.get("build-mih16", [])), 0) or 0
                    bph = bph - mih16  # the line reports both layouts' tables together
                out.append(f"| {text} | {fmt(r.get('seconds'))} | {fmt(bph)} |")
        for r in by.get("save", []):
            out.append(f"| save index file ({fmt(r.get('fileBytes'))}B) | {fmt(r.get('seconds'))} | {fmt(r['fileBytes'] / n)} |")
        for r in by.get("open", []):
            out.append(f"| open (memory-map), verification {r.get('verification')} | {fmt(r.get('seconds'))} | – |")
        out.append("")
        bw = {r["threads"]: r["gbPerSec"] for r in by.get("memory-bandwidth", [])}
        single = by.get("scan-single-query", [])
        if bw and single:
            out.append("| one query at a time (memory-bound) | threads | seconds per query | scan GB/s | measured memory bandwidth GB/s | share |")
            out.append("|---|---|---|---|---|---|")
            for r in single:
                b = bw.get(r["threads"])
                out.append(f"| blocked scan | {r['threads']} | {fmt(r['seconds'])} | {fmt(r['gbPerSec'])} | {fmt(b)} | "
                           f"{fmt(r['gbPerSec'] / b, 2) if b else '–'} |")
            out.append("")

    bdn = os.path.join(os.path.dirname(results_path), "bdn-scan-kernels.md")
    if os.path.exists(bdn):
        out.append("### Scan kernels, BenchmarkDotNet")
        out.append("")
        out.append("64 queries × 262,144 uniform hashes (8 MiB), radius 31, one thread; `PlainScalarLoop` is four "
                   "`BitOperations.PopCount` over a contiguous `Hash256[]` (the baseline of each row pair), `BlockedScan` "
                   "the index's scan with the kernel pinned. Run: `cd /tmp && dotnet <repo>/benchmarks/Harrier.Benchmarks/bin/Release/"
                   "net10.0/Harrier.Benchmarks.dll --filter '*ScanKernel*' --job short --inProcess`, table copied from "
                   "`benchmarks/results/index/bdn-scan-kernels.md` (same load caveat as above).")
        out.append("")
        out.extend(l.rstrip("\n") for l in open(bdn))
        out.append("")

    section = "\n".join(out) + "\n"
    doc = open(doc_path).read() if os.path.exists(doc_path) else "# Benchmarks\n\n"
    start = doc.find("## Hamming index")
    if start < 0:
        doc = doc.rstrip("\n") + "\n\n" + section
    else:
        end = doc.find("\n## ", start + 1)
        doc = doc[:start] + section + (doc[end + 1:] if end >= 0 else "")
    with open(doc_path, "w") as f:
        f.write(doc)


if __name__ == "__main__":
    main()
