using Harrier.Media.Hashing;

namespace Harrier.Matching.Index;

/// <summary>
/// Picks a strategy from the index size N, the batch size Q, the radius r and the data itself.
/// Costs are per-operation nanoseconds measured on the development machine (2-vCPU AMD EPYC,
/// see docs/benchmarks.md, "Hamming index"); only their ratios matter for the choice.
/// Multi-index candidate counts are not taken from a uniform-data formula: they are estimated by
/// matching a sample of the batch against a sample of the stored hashes substring by substring,
/// so near-blank or clustered data, whose buckets are huge, is seen as it is. At run time each
/// query's real candidate count (the sum of its probed bucket sizes) is checked again before any
/// candidate is verified, and a query whose buckets are too large goes to the scan instead.
/// </summary>
internal static class CostModel
{
    /// <summary>Below this many entries the scan always wins (a few microseconds per query).</summary>
    public const int MinEntriesForMultiIndex = 20_000;

    /// <summary>
    /// Nanoseconds per bucket probe (16-bit: one directory read) or directory slot visit (32-bit: a directory
    /// read, then the slot's keys elsewhere in memory: two dependent misses and a short key scan).
    /// </summary>
    public const double Probe16Ns = 15, Probe32Ns = 60;

    /// <summary>Nanoseconds to check one candidate: a random (prefetched) read of its four words, dedup bit, popcount.</summary>
    public const double VerifyNs = 35;

    /// <summary>Nanoseconds per entry per table to build multi-index tables (counting sort; 32-bit adds a sort).</summary>
    public const double Build16Ns = 3, Build32Ns = 25;

    /// <summary>Nanoseconds per stored hash streamed from memory once per query tile (32 B at about 12 GB/s).</summary>
    public const double StreamNs = 2.7;

    /// <summary>Nanoseconds per comparison per thread of the batched scan, by kernel.</summary>
    public static double ScanNs(KernelKind kind) => kind switch
    {
        KernelKind.Avx512 => 0.45,
        KernelKind.Avx2 => 0.8,
        _ => 1.5,
    };

    /// <summary>Candidate count above which one query is cheaper to scan than to verify.</summary>
    public static long FallbackCandidates(int n, KernelKind kind) =>
        Math.Max(1024, (long)(n * ScanNs(kind) / VerifyNs));

    public static SearchPlan Plan(HashStore store, ReadOnlySpan<Hash256> queries, int radius, IndexSearchOptions options,
        bool has16, bool has32)
    {
        var n = (double)store.Count;
        var q = (double)queries.Length;
        var t = Math.Max(1, options.Threads);
        var kind = options.ScanKernelKind;
        var tiles = Math.Ceiling(q / ScanKernel.TileQueries);
        var scan = ((q * n * ScanNs(kind)) + (tiles * n * StreamNs)) / t * 1e-9;
        if (store.Count < MinEntriesForMultiIndex || queries.IsEmpty)
        {
            return new SearchPlan(SearchStrategy.Scan, scan, double.PositiveInfinity, double.PositiveInfinity,
                double.PositiveInfinity, double.NaN, double.NaN);
        }

        var cand16 = EstimateCandidates(store, queries, radius, 16);
        var cand32 = EstimateCandidates(store, queries, radius, 32);
        var probes16 = MultiIndexTable.ProbesPerQuery(16, radius / 16);
        var probes32 = MultiIndexTable.SlotsPerQuery(32, store.Count, radius / 8);
        var build16 = has16 ? 0 : n * 16 * Build16Ns;
        var build32 = has32 ? 0 : n * 8 * Build32Ns;
        var mih16 = ((q * ((probes16 * Probe16Ns) + (cand16 * VerifyNs))) + build16) / t * 1e-9;
        var mih32 = ((q * ((probes32 * Probe32Ns) + (cand32 * VerifyNs))) + build32) / t * 1e-9;

        // The join probes the batch's tables once per stored entry; it verifies the same pairs.
        var join = ((n * probes16 * Probe16Ns) + (q * cand16 * VerifyNs) + (q * 16 * Build16Ns)) / t * 1e-9;

        var best = SearchStrategy.Scan;
        var bestCost = scan;
        if (mih16 < bestCost)
        {
            (best, bestCost) = (SearchStrategy.MultiIndex16, mih16);
        }

        if (mih32 < bestCost)
        {
            (best, bestCost) = (SearchStrategy.MultiIndex32, mih32);
        }

        if (join < bestCost)
        {
            best = SearchStrategy.Join;
        }

        return new SearchPlan(best, scan, mih16, mih32, join, cand16, cand32);
    }

    /// <summary>
    /// Mean multi-index candidates per query (with multiplicity over tables), estimated by checking a
    /// sample of up to 16 queries against an evenly spaced sample of up to 4096 stored hashes.
    /// </summary>
    public static double EstimateCandidates(HashStore store, ReadOnlySpan<Hash256> queries, int radius, int bits)
    {
        var tables = 256 / bits;
        var probe = radius / tables;
        var sampleN = Math.Min(store.Count, 4096);
        var sampleQ = Math.Min(queries.Length, 16);
        long hits = 0;
        Span<Hash256> entries = new Hash256[sampleN];
        for (var i = 0; i < sampleN; i++)
        {
            entries[i] = store.GetHash((int)((long)i * store.Count / sampleN));
        }

        for (var j = 0; j < sampleQ; j++)
        {
            var query = queries[(int)((long)j * queries.Length / sampleQ)];
            foreach (var e in entries)
            {
                for (var tt = 0; tt < tables; tt++)
                {
                    if (MultiIndexTable.SubstringDistance(query, e, bits, tt) <= probe)
                    {
                        hits++;
                    }
                }
            }
        }

        return (double)hits / sampleQ * store.Count / sampleN;
    }
}
