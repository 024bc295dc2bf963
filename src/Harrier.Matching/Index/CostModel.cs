using Harrier.Media.Hashing;

namespace Harrier.Matching.Index;

/// <summary>
/// Picks a strategy from the index size N, the batch size Q, the radius r, the data itself and the machine's
/// measured costs (<see cref="IndexCalibration"/>): the per-operation nanoseconds of a directory slot visit,
/// a candidate check and a scan comparison are measured on the index's own memory, so a machine with slower
/// memory or a wider SIMD unit gets its own choice.
/// Multi-index candidate counts are not taken from a uniform-data formula: they are estimated by matching a
/// sample of the batch against a sample of the stored hashes part by part, so near-blank or clustered data,
/// whose buckets are huge, is seen as it is. At run time each query's real candidate count is checked again
/// while it is collected, and a query whose buckets are too large goes to the scan instead.
/// </summary>
internal static class CostModel
{
    /// <summary>Below this many entries the scan always wins (a few microseconds per query).</summary>
    public const int MinEntriesForMultiIndex = 20_000;

    /// <summary>The part counts the planner chooses among for the tables it builds (8 parts of 32 bits to 16 of 16).</summary>
    public static readonly int[] PlannedParts = [8, 9, 10, 11, 12, 13, 14, 16];

    /// <summary>Batches up to this size (or N/100) use the index's tables when it has them, without sampling the data (the per-query check still sends a degenerate query to the scan).</summary>
    public const int SmallBatch = 64;

    /// <summary>Candidate count above which one query is cheaper to scan than to verify.</summary>
    public static long FallbackCandidates(int n, IndexCalibration c, KernelKind kind) =>
        Math.Max(1024, (long)(n * c.ScanNs(kind) / c.VerifyNs));

    /// <summary>
    /// Estimated seconds of an m-part multi-index search of <paramref name="q"/> queries with
    /// <paramref name="candidates"/> candidates each (building the tables first when <paramref name="build"/>).
    /// </summary>
    public static double MultiIndexSeconds(IndexCalibration c, int n, double q, int radius, int parts, double candidates, bool build, int threads)
    {
        double slots = 0, entries = 0;
        for (var t = 0; t < parts; t++)
        {
            var rt = MultiIndexTable.PartRadius(radius, parts, t);
            if (rt < 0)
            {
                continue;
            }

            var d = MultiIndexTable.DirectoryBits(MultiIndexTable.Width(parts, t), n);
            var visited = MultiIndexTable.PerTable(d, rt);
            slots += visited;
            entries += visited * n / Math.Pow(2, d);
        }

        var buildSeconds = build ? (double)n * parts * IndexCalibration.BuildNs / Math.Min(threads, parts) : 0;
        return ((q * ((slots * c.SlotNs) + (entries * IndexCalibration.EntryNs) + (candidates * c.VerifyNs)) / threads) + buildSeconds) * 1e-9;
    }

    public static SearchPlan Plan(HashStore store, ReadOnlySpan<Hash256> queries, int radius, IndexSearchOptions options,
        IReadOnlyCollection<int> built, int defaultParts, IndexCalibration c)
    {
        var n = store.Count;
        var q = (double)queries.Length;
        var t = Math.Max(1, options.Threads);
        var kind = options.ScanKernelKind;
        var tiles = Math.Ceiling(q / ScanKernel.TileQueries);
        var scan = ((q * n * c.ScanNs(kind)) + (tiles * n * IndexCalibration.StreamNs)) / t * 1e-9;
        if (n < MinEntriesForMultiIndex || queries.IsEmpty)
        {
            return new SearchPlan(SearchStrategy.Scan, scan, double.PositiveInfinity, double.PositiveInfinity,
                double.PositiveInfinity, double.NaN, double.NaN);
        }

        if (queries.Length <= Math.Max(SmallBatch, n / 100) && built.Contains(defaultParts))
        {
            // A lookup or a batch against prepared tables: neither the scan nor the join can win below N/100 queries (the
            // join probes the batch once per stored entry, about 1% of a query's multi-index cost each; a degenerate query
            // goes to the scan at run time), and sampling would cost more than a small search.
            return new SearchPlan(SearchStrategy.MultiIndex, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)
            {
                MultiIndexParts = defaultParts,
                MultiIndexSeconds = double.NaN,
            };
        }

        var considered = new SortedSet<int>(built) { defaultParts, 16 };
        var best = SearchStrategy.Scan;
        var bestCost = scan;
        var bestParts = 0;
        var bestMih = double.PositiveInfinity;
        double mih16 = double.PositiveInfinity, mih32 = double.PositiveInfinity, cand16 = double.NaN, cand32 = double.NaN;
        foreach (var parts in considered)
        {
            var cand = EstimateCandidates(store, queries, radius, parts);
            var cost = MultiIndexSeconds(c, n, q, radius, parts, cand, !built.Contains(parts), t);
            if (parts == 16)
            {
                (mih16, cand16) = (cost, cand);
            }
            else if (parts == 8)
            {
                (mih32, cand32) = (cost, cand);
            }

            if (cost < bestMih)
            {
                (bestMih, bestParts) = (cost, parts);
            }
        }

        if (bestMih < bestCost)
        {
            (best, bestCost) = (SearchStrategy.MultiIndex, bestMih);
        }

        // The join makes the batch a 16-part multi-index and probes it once per stored entry; it verifies the same pairs.
        var joinCandidates = double.IsNaN(cand16) ? EstimateCandidates(store, queries, radius, 16) : cand16;
        // Per stored entry: the batch tables' slot visits and key tests (MultiIndexSeconds with the roles swapped, no candidates).
        var joinProbe = MultiIndexSeconds(c, queries.Length, n, radius, 16, 0, false, 1) * 1e9;
        var join = (joinProbe + (q * joinCandidates * c.VerifyNs) + (q * 16 * IndexCalibration.BuildNs)) / t * 1e-9;
        if (join < bestCost)
        {
            best = SearchStrategy.Join;
        }

        return new SearchPlan(best, scan, mih16, mih32, join, cand16, cand32)
        {
            MultiIndexParts = bestParts,
            MultiIndexSeconds = bestMih,
        };
    }

    /// <summary>
    /// The part count whose tables the index builds and saves: the cheapest per query under this machine's costs,
    /// with candidates estimated on the data (pseudo-queries: stored hashes with 0..40 bits flipped), among those whose
    /// tables fit beside the store in
    /// <paramref name="memoryBudget"/> bytes (the cheapest in memory when none fits).
    /// </summary>
    public static int DefaultParts(HashStore store, int radius, IndexCalibration c, long memoryBudget)
    {
        var n = store.Count;
        if (n < MinEntriesForMultiIndex)
        {
            return 16;
        }

        // Pseudo-queries: stored hashes with 0..40 bits flipped, the lookups whose cost depends on the data (they land in its
        // clusters); an unrelated picture costs the slot visits alone, which the model counts for every query anyway.
        // (Random hashes are still drawn between them, which keeps the choices the committed benchmarks were run with;
        // a least-worst-ratio choice over both kinds was tried and chose worse: 16 parts at 1 M uniform, 11 at 10 M realistic.)
        var rng = new Random(20261205);
        var queries = new Hash256[16];
        for (var i = 0; i < queries.Length; i++)
        {
            queries[i] = RandomHashes.Flip(store.GetHash(rng.Next(n)), rng.Next(0, 41), rng);
            _ = RandomHashes.Uniform(rng);
        }

        // What searches touch: hashes, quality bytes and tombstone bits (ids are read only for results, so a mapped index
        // leaves them on disk) beside the tables.
        var storeBytes = (long)(n * (HammingIndex.BytesPerEntry - 8));
        var best = 0;
        var bestCost = double.PositiveInfinity;
        var smallest = PlannedParts.MinBy(p => MultiIndexTable.BytesFor(p, n));
        foreach (var parts in PlannedParts)
        {
            if (storeBytes + MultiIndexTable.BytesFor(parts, n) > memoryBudget)
            {
                continue;
            }

            var cost = MultiIndexSeconds(c, n, 1, radius, parts, EstimateCandidates(store, queries, radius, parts), false, 1);
            if (cost < bestCost)
            {
                (best, bestCost) = (parts, cost);
            }
        }

        return best == 0 ? smallest : best;
    }

    /// <summary>
    /// Mean multi-index candidates per query of an m-part table set (with multiplicity over tables), estimated by
    /// checking a sample of up to 16 queries against an evenly spaced sample of up to 4096 stored hashes.
    /// </summary>
    public static double EstimateCandidates(HashStore store, ReadOnlySpan<Hash256> queries, int radius, int parts)
    {
        var sampleN = Math.Min(store.Count, 4096);
        var sampleQ = Math.Min(queries.Length, 16);
        Span<int> offsets = stackalloc int[parts];
        Span<int> widths = stackalloc int[parts];
        Span<int> radii = stackalloc int[parts];
        for (var t = 0; t < parts; t++)
        {
            offsets[t] = MultiIndexTable.Offset(parts, t);
            widths[t] = MultiIndexTable.Width(parts, t);
            radii[t] = MultiIndexTable.PartRadius(radius, parts, t);
        }

        long hits = 0;
        for (var j = 0; j < sampleQ; j++)
        {
            var query = queries[(int)((long)j * queries.Length / sampleQ)];
            for (var i = 0; i < sampleN; i++)
            {
                var e = store.GetHash((int)((long)i * store.Count / sampleN));
                var x = new Hash256(e.W0 ^ query.W0, e.W1 ^ query.W1, e.W2 ^ query.W2, e.W3 ^ query.W3);
                for (var t = 0; t < parts; t++)
                {
                    if (radii[t] >= 0 && System.Numerics.BitOperations.PopCount(MultiIndexTable.Substring(x, offsets[t], widths[t])) <= radii[t])
                    {
                        hits++;
                    }
                }
            }
        }

        return (double)hits / sampleQ * store.Count / sampleN;
    }
}
