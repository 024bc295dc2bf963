using System.Numerics;
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
    /// <paramref name="candidates"/> candidates each (building the tables first when <paramref name="build"/>): slot
    /// visits, key tests (the entries in the visited slots: estimated on the data when the estimate has them, else
    /// N / 2^d a slot), then per distinct candidate the first stage of its check, per repeat through another table that
    /// stage on lines in cache, and per near one the rest of its check.
    /// </summary>
    public static double MultiIndexSeconds(IndexCalibration c, int n, double q, int radius, int parts, CandidateEstimate candidates, bool build, int threads)
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

        if (!double.IsNaN(candidates.Scanned))
        {
            // Counted on the data: a slot next to a cluster holds far more than N / 2^d entries.
            entries = candidates.Scanned;
        }

        var buildSeconds = build ? (double)n * parts * IndexCalibration.BuildNs / Math.Min(threads, parts) : 0;
        var check = ((candidates.Total - candidates.Distinct) * IndexCalibration.DuplicateNs) + (candidates.Distinct * c.VerifyNs)
            + (candidates.Near * c.NearNs);
        return ((q * ((slots * c.SlotNs) + (entries * IndexCalibration.EntryNs) + check) / threads) + buildSeconds) * 1e-9;
    }

    /// <summary>
    /// The cheapest strategy for this batch: the scan, the join, or the multi-index with tables that exist, the default
    /// part count's, or (where <paramref name="mayBuild16"/>) 16 parts built for it. 16 parts are always estimated, for
    /// the plan's figures and the join's candidates.
    /// </summary>
    public static SearchPlan Plan(HashStore store, ReadOnlySpan<Hash256> queries, int radius, IndexSearchOptions options,
        IReadOnlyCollection<int> built, int defaultParts, IndexCalibration c, bool mayBuild16 = true)
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
                (mih16, cand16) = (cost, cand.Total);
            }
            else if (parts == 8)
            {
                (mih32, cand32) = (cost, cand.Total);
            }

            if (cost < bestMih && (parts != 16 || mayBuild16 || built.Contains(16) || defaultParts == 16))
            {
                (bestMih, bestParts) = (cost, parts);
            }
        }

        if (bestMih < bestCost)
        {
            (best, bestCost) = (SearchStrategy.MultiIndex, bestMih);
        }

        // The join makes the batch a 16-part multi-index and probes it once per stored entry; it verifies the same pairs.
        var joinCandidates = double.IsNaN(cand16) ? EstimateCandidates(store, queries, radius, 16).Total : cand16;
        // Per stored entry: the batch tables' slot visits and key tests (MultiIndexSeconds with the roles swapped, no candidates).
        var joinProbe = MultiIndexSeconds(c, queries.Length, n, radius, 16, CandidateEstimate.None, false, 1) * 1e9;
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
    public static int DefaultParts(HashStore store, int radius, IndexCalibration c, long memoryBudget) =>
        store.Count < MinEntriesForMultiIndex ? 16 : CheapestParts(store, PseudoQueries(store), radius, c, memoryBudget);

    /// <summary>
    /// Pseudo-queries: stored hashes with 0..40 bits flipped, the lookups whose cost depends on the data (they land in its
    /// clusters); an unrelated picture costs the slot visits alone, which the model counts for every query anyway.
    /// (Random hashes are still drawn between them, which keeps the choices the committed benchmarks were run with;
    /// a least-worst-ratio choice over both kinds was tried and chose worse: 16 parts at 1 M uniform, 11 at 10 M realistic.)
    /// </summary>
    public static Hash256[] PseudoQueries(HashStore store)
    {
        var n = store.Count;
        var rng = new Random(20261205);
        var queries = new Hash256[16];
        for (var i = 0; i < queries.Length; i++)
        {
            queries[i] = RandomHashes.Flip(store.GetHash(rng.Next(n)), rng.Next(0, 41), rng);
            _ = RandomHashes.Uniform(rng);
        }

        return queries;
    }

    /// <summary>
    /// The planned part count for <paramref name="queries"/> among those whose tables fit beside the store in
    /// <paramref name="memoryBudget"/> bytes (the smallest tables when none fits): the fewest parts among those within
    /// <see cref="Tie"/> of the cheapest per query. Measured against the search, the model's error is about that size
    /// (docs/hamming-index.md), and it leans one way: per-table work it does not count makes many short parts dearer
    /// than it says (at 1 M it ranks 11 to 16 parts within a few per cent, where 11 measured 10–20 % faster). Fewer
    /// parts also hold fewer tables, and gain least when queries land in clusters more often than the pseudo-queries
    /// do. If the model is right, the rule gives up at most <see cref="Tie"/>.
    /// </summary>
    public static int CheapestParts(HashStore store, ReadOnlySpan<Hash256> queries, int radius, IndexCalibration c, long memoryBudget)
    {
        var costs = PartCosts(store, queries, radius, c, memoryBudget);
        if (costs.Count == 0)
        {
            return PlannedParts.MinBy(p => MultiIndexTable.BytesFor(p, store.Count));
        }

        var cheapest = costs.Min(x => x.Seconds);
        return costs.Where(x => x.Seconds <= cheapest * (1 + Tie)).Min(x => x.Parts);
    }

    /// <summary>Relative cost difference within which the planner takes the fewer parts (about the model's error).</summary>
    public const double Tie = 0.10;

    /// <summary>
    /// The serving process's own memory, counted against the budget beside the index: the runtime, its code and heap.
    /// A fresh process serving a 1 M index held 139 MB resident, at most 98 MB of it the index file (benchmarks
    /// `index-open`, 2026-12-06): about 40 MB of runtime, and room here for a larger batch's queries and results. Without
    /// it, the 8 GB budget at 100 M allowed 9-part tables whose hashes and tables alone took 7.95 GB.
    /// </summary>
    public const long ProcessReserveBytes = 128L << 20;

    /// <summary>
    /// What a search keeps resident besides the tables for <paramref name="n"/> entries: hashes, quality bytes, tombstone
    /// bits (not the ids: only results read them, so a mapped index leaves them on disk) and <see cref="ProcessReserveBytes"/>.
    /// </summary>
    public static long ResidentBesideTables(int n) => (long)(n * (HammingIndex.BytesPerEntry - 8)) + ProcessReserveBytes;

    /// <summary>Model seconds per query and estimated candidates of every planned part count whose tables fit the budget.</summary>
    public static List<(int Parts, double Seconds, CandidateEstimate Candidates)> PartCosts(HashStore store, ReadOnlySpan<Hash256> queries, int radius,
        IndexCalibration c, long memoryBudget)
    {
        var n = store.Count;
        var storeBytes = ResidentBesideTables(n);
        var costs = new List<(int, double, CandidateEstimate)>();
        foreach (var parts in PlannedParts)
        {
            if (storeBytes + MultiIndexTable.BytesFor(parts, n) > memoryBudget)
            {
                continue;
            }

            var cand = EstimateCandidates(store, queries, radius, parts);
            costs.Add((parts, MultiIndexSeconds(c, n, 1, radius, parts, cand, false, 1), cand));
        }

        return costs;
    }

    /// <summary>
    /// Multi-index work per query of an m-part table set, estimated by checking a sample of up to 16 queries against an
    /// evenly spaced sample of up to 4096 stored hashes: candidates with multiplicity over tables, distinct, and those
    /// distinct ones whose first check stage (words 0 and 2) leaves them within the radius; and the entries whose keys
    /// are tested (those in the directory slots the probe visits, over all tables).
    /// </summary>
    public static CandidateEstimate EstimateCandidates(HashStore store, ReadOnlySpan<Hash256> queries, int radius, int parts)
    {
        var sampleN = Math.Min(store.Count, 4096);
        var sampleQ = Math.Min(queries.Length, 16);
        Span<int> offsets = stackalloc int[parts];
        Span<int> widths = stackalloc int[parts];
        Span<int> radii = stackalloc int[parts];
        Span<int> lows = stackalloc int[parts];
        for (var t = 0; t < parts; t++)
        {
            offsets[t] = MultiIndexTable.Offset(parts, t);
            widths[t] = MultiIndexTable.Width(parts, t);
            radii[t] = MultiIndexTable.PartRadius(radius, parts, t);
            lows[t] = widths[t] - MultiIndexTable.DirectoryBits(widths[t], store.Count);
        }

        long hits = 0, distinct = 0, near = 0, scanned = 0;
        for (var j = 0; j < sampleQ; j++)
        {
            var query = queries[(int)((long)j * queries.Length / sampleQ)];
            for (var i = 0; i < sampleN; i++)
            {
                var e = store.GetHash((int)((long)i * store.Count / sampleN));
                var x = new Hash256(e.W0 ^ query.W0, e.W1 ^ query.W1, e.W2 ^ query.W2, e.W3 ^ query.W3);
                var k = 0;
                for (var t = 0; t < parts; t++)
                {
                    if (radii[t] < 0)
                    {
                        continue;
                    }

                    var sub = MultiIndexTable.Substring(x, offsets[t], widths[t]);
                    if (BitOperations.PopCount(sub >> lows[t]) <= radii[t])
                    {
                        scanned++;
                        if (BitOperations.PopCount(sub) <= radii[t])
                        {
                            k++;
                        }
                    }
                }

                if (k > 0)
                {
                    hits += k;
                    distinct++;
                    if (BitOperations.PopCount(x.W0) + BitOperations.PopCount(x.W2) <= radius)
                    {
                        near++;
                    }
                }
            }
        }

        var scale = (double)store.Count / sampleN / Math.Max(1, sampleQ);
        return new CandidateEstimate(hits * scale, distinct * scale, near * scale, scanned * scale);
    }
}

/// <summary>
/// Estimated multi-index work per query: candidates with multiplicity over tables, distinct, distinct near ones, and the
/// entries whose keys are tested (NaN: not estimated, taken as N / 2^d a visited slot).
/// </summary>
internal readonly record struct CandidateEstimate(double Total, double Distinct, double Near, double Scanned)
{
    /// <summary>No candidates, the uniform slot occupancy.</summary>
    public static CandidateEstimate None { get; } = new(0, 0, 0, double.NaN);
}
