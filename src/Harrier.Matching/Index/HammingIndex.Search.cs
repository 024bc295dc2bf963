using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Harrier.Media.Hashing;

namespace Harrier.Matching.Index;

/// <summary>A hit before ids are looked up: query index, entry position, distance.</summary>
internal readonly record struct RawMatch(int Query, int Pos, int Distance);

public sealed partial class HammingIndex
{
    /// <summary>Every live entry within <paramref name="radius"/> of <paramref name="query"/>, in insertion order.</summary>
    public IReadOnlyList<IndexMatch> Search(Hash256 query, int radius, IndexSearchOptions? options = null) =>
        Search([query], radius, options);

    /// <summary>
    /// Every (query, entry) pair within <paramref name="radius"/>, sorted by query index and then by
    /// entry insertion order. The batch runs on all cores with the strategy the cost model picks
    /// (or <see cref="IndexSearchOptions.Strategy"/>); every strategy returns the same pairs.
    /// </summary>
    public IReadOnlyList<IndexMatch> Search(ReadOnlySpan<Hash256> queries, int radius, IndexSearchOptions? options = null)
    {
        options ??= IndexSearchOptions.Default;
        CheckRadius(radius);
        var raw = RunRadius(queries.ToArray(), radius, options);
        var keys = new long[raw.Count];
        var dist = new int[raw.Count];
        for (var i = 0; i < raw.Count; i++)
        {
            keys[i] = ((long)raw[i].Query << 32) | (uint)raw[i].Pos;
            dist[i] = raw[i].Distance;
        }

        Array.Sort(keys, dist);
        var result = new IndexMatch[keys.Length];
        unsafe
        {
            var ids = _store.Ids;
            for (var i = 0; i < keys.Length; i++)
            {
                result[i] = new IndexMatch((int)(keys[i] >> 32), ids[(int)(uint)keys[i]], dist[i]);
            }
        }

        return result;
    }

    /// <summary>
    /// Dihedral search: <paramref name="variants"/> holds eight hashes per query (the caller's eight
    /// dihedral variants, in the caller's order). For each query and each entry within the radius of
    /// any variant, one result with the smallest distance and the first variant reaching it.
    /// All 8·Q variants run as one batch, so a scan reads the database once per tile for all of them.
    /// </summary>
    public IReadOnlyList<DihedralMatch> SearchDihedral(ReadOnlySpan<Hash256> variants, int radius, IndexSearchOptions? options = null)
    {
        if (variants.Length % 8 != 0)
        {
            throw new ArgumentException($"dihedral queries come as 8 variants each; got {variants.Length} hashes", nameof(variants));
        }

        options ??= IndexSearchOptions.Default;
        CheckRadius(radius);
        var raw = RunRadius(variants.ToArray(), radius, options);
        var keys = new long[raw.Count];
        var value = new int[raw.Count];
        for (var i = 0; i < raw.Count; i++)
        {
            keys[i] = ((long)(raw[i].Query >> 3) << 32) | (uint)raw[i].Pos;
            value[i] = (raw[i].Distance << 3) | (raw[i].Query & 7);
        }

        Array.Sort(keys, value);
        var result = new List<DihedralMatch>();
        unsafe
        {
            var ids = _store.Ids;
            for (var i = 0; i < keys.Length;)
            {
                var best = value[i];
                var j = i + 1;
                for (; j < keys.Length && keys[j] == keys[i]; j++)
                {
                    best = Math.Min(best, value[j]);
                }

                result.Add(new DihedralMatch((int)(keys[i] >> 32), ids[(int)(uint)keys[i]], best >> 3, best & 7));
                i = j;
            }
        }

        return result;
    }

    /// <summary>
    /// The <paramref name="k"/> nearest live entries of each query, sorted by query, then distance, then
    /// insertion order (ties go to the earlier entry). Runs as a blocked scan whose radius shrinks per
    /// query as its k-th best improves.
    /// </summary>
    public IReadOnlyList<IndexMatch> Nearest(ReadOnlySpan<Hash256> queries, int k, IndexSearchOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        options ??= IndexSearchOptions.Default;
        var qs = queries.ToArray();
        var items = WorkItems(qs.Length, 0, options.Threads);
        var partial = new long[items.Length][][];
        var kind = options.ScanKernelKind;
        var store = _store;
        Parallel.For(0, items.Length, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, i =>
        {
            var (q0, qn, b0, b1) = items[i];
            var sink = new NearestSink(store, options.MinQuality, k, qn);
            unsafe
            {
                ScanKernel.Scan(kind, store.Blocks, b0, b1, qs.AsSpan(q0, qn), ref sink);
            }

            partial[i] = sink.Finish();
        });

        var result = new List<IndexMatch>();
        var merged = new List<long>();
        for (var q = 0; q < qs.Length; q++)
        {
            merged.Clear();
            for (var i = 0; i < items.Length; i++)
            {
                var (q0, qn, _, _) = items[i];
                if (q >= q0 && q < q0 + qn)
                {
                    merged.AddRange(partial[i][q - q0]);
                }
            }

            merged.Sort();
            unsafe
            {
                for (var j = 0; j < Math.Min(k, merged.Count); j++)
                {
                    result.Add(new IndexMatch(q, store.Ids[(int)(uint)merged[j]], (int)(merged[j] >> 32)));
                }
            }
        }

        return result;
    }

    /// <summary>What the cost model would pick for this batch (no search is run; tables are not built).</summary>
    public SearchPlan Plan(ReadOnlySpan<Hash256> queries, int radius, IndexSearchOptions? options = null)
    {
        options ??= IndexSearchOptions.Default;
        CheckRadius(radius);
        return PlanFor(queries, radius, options);
    }

    private SearchPlan PlanFor(ReadOnlySpan<Hash256> queries, int radius, IndexSearchOptions options)
    {
        if (Count < CostModel.MinEntriesForMultiIndex)
        {
            return CostModel.Plan(_store, queries, radius, options, [], 16, IndexCalibration.Default);
        }

        var existing = ExistingParts(); // before the default is chosen: a first choice's trial tables are not "prepared" for this plan
        var defaultParts = DefaultParts();
        // A 16-part table set built for one large batch stays, so it must fit the memory budget beside what is there; and
        // where the default part count was timed on this machine (PartTrials), the model may not overrule the measurement.
        var mayBuild16 = PartTrials.Count == 0
            && CostModel.ResidentBesideTables(Count) + MultiIndexBytes + MultiIndexTable.BytesFor(16, Count) <= MemoryBudget;
        return CostModel.Plan(_store, queries, radius, options, existing, defaultParts, Calibration, mayBuild16);
    }

    private static void CheckRadius(int radius)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(radius, MaxRadius);
    }

    private List<RawMatch> RunRadius(Hash256[] queries, int radius, IndexSearchOptions options)
    {
        if (queries.Length == 0 || _store.Count == 0)
        {
            return [];
        }

        var strategy = options.Strategy;
        var parts = options.MultiIndexParts;
        if (strategy == SearchStrategy.Auto)
        {
            var plan = PlanFor(queries, radius, options);
            (strategy, parts) = (plan.Strategy, plan.MultiIndexParts);
        }

        return strategy switch
        {
            SearchStrategy.MultiIndex16 => RunMultiIndex(queries, radius, options, 16),
            SearchStrategy.MultiIndex32 => RunMultiIndex(queries, radius, options, 8),
            SearchStrategy.MultiIndex => RunMultiIndex(queries, radius, options, parts > 0 ? parts : Count < CostModel.MinEntriesForMultiIndex ? 16 : DefaultParts()),
            SearchStrategy.Join => RunJoin(queries, radius, options),
            _ => RunScan(queries, null, radius, options, 0),
        };
    }

    /// <summary>
    /// Splits a scan into work items (query range × block range): by queries when the batch is big
    /// enough to give every item a useful query tile (64+ queries reuse each database tile), otherwise
    /// by database blocks with the whole batch in every item (one pass over memory for all queries).
    /// </summary>
    private (int Q0, int Qn, int B0, int B1)[] WorkItems(int queries, int firstBlock, int threads)
    {
        var blocks = _store.BlockCount;
        var items = new List<(int, int, int, int)>();
        if (queries >= 4 * threads * 64)
        {
            var chunks = 4 * threads;
            for (var c = 0; c < chunks; c++)
            {
                var q0 = (int)((long)c * queries / chunks);
                var q1 = (int)((long)(c + 1) * queries / chunks);
                if (q1 > q0)
                {
                    items.Add((q0, q1 - q0, firstBlock, blocks));
                }
            }
        }
        else
        {
            var span = blocks - firstBlock;
            var chunks = Math.Max(1, Math.Min(4 * threads, span / ScanKernel.TileBlocks));
            for (var c = 0; c < chunks; c++)
            {
                var b0 = firstBlock + (int)((long)c * span / chunks);
                var b1 = firstBlock + (int)((long)(c + 1) * span / chunks);
                items.Add((0, queries, b0, b1));
            }
        }

        return [.. items];
    }

    /// <summary>The blocked scan over entries from <paramref name="firstPos"/> on, for every query.</summary>
    private List<RawMatch> RunScan(Hash256[] queries, int[]? queryIds, int radius, IndexSearchOptions options, int firstPos)
    {
        var store = _store;
        if (queries.Length == 0 || firstPos >= store.Count)
        {
            return [];
        }

        var items = WorkItems(queries.Length, firstPos / HashStore.BlockSize, options.Threads);
        var outputs = new List<RawMatch>[items.Length];
        var kind = options.ScanKernelKind;
        Parallel.For(0, items.Length, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, i =>
        {
            var (q0, qn, b0, b1) = items[i];
            var sink = new RadiusSink(store, options.MinQuality, radius, firstPos, q0, queryIds, []);
            unsafe
            {
                ScanKernel.Scan(kind, store.Blocks, b0, b1, queries.AsSpan(q0, qn), ref sink);
            }

            outputs[i] = sink.Output;
        });

        return Concat(outputs);
    }

    private static List<RawMatch> Concat(IEnumerable<List<RawMatch>> parts)
    {
        var all = new List<RawMatch>();
        foreach (var p in parts)
        {
            all.AddRange(p);
        }

        return all;
    }

    /// <summary>
    /// Multi-index search. Queries whose probed buckets hold too many candidates (degenerate hashes) go to the scan;
    /// entries added after the tables (main and delta) were built are scanned for every query.
    /// </summary>
    private List<RawMatch> RunMultiIndex(Hash256[] queries, int radius, IndexSearchOptions options, int parts)
    {
        var store = _store;
        using var tables = AcquireTables(parts, options.Threads);
        var limit = CostModel.FallbackCandidates(store.Count, Count < CostModel.MinEntriesForMultiIndex ? IndexCalibration.Default : Calibration,
            options.ScanKernelKind);
        var outputs = new ConcurrentBag<List<RawMatch>>();
        var fallbacks = new ConcurrentBag<int>();
        var chunk = Math.Max(1, Math.Min(64, queries.Length / (4 * options.Threads)));
        var chunks = (queries.Length + chunk - 1) / chunk;
        var main = tables.Main;
        var delta = tables.Delta;
        try
        {
            ProbeChunks();
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0 && e.InnerExceptions.All(x => x is IndexFormatException))
        {
            // Damaged tables read in place from a file: say which file, as opening does.
            throw new IndexFormatException($"{_path ?? "index"}: {e.InnerExceptions[0].Message}");
        }

        void ProbeChunks() => Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = options.Threads },
            ProbeWorker.Rent,
            (c, _, worker) =>
            {
                var end = Math.Min(queries.Length, (c + 1) * chunk);
                for (var qi = c * chunk; qi < end; qi++)
                {
                    var count = 0;
                    if (!main.Collect(queries[qi], radius, ref worker.Candidates, ref count, ref worker.Scratch, limit)
                        || (delta is not null && !delta.Collect(queries[qi], radius, ref worker.Candidates, ref count, ref worker.Scratch, limit)))
                    {
                        fallbacks.Add(qi);
                        continue;
                    }

                    unsafe
                    {
                        worker.Verify(store, count, queries[qi], qi, radius, options.MinQuality);
                    }
                }

                return worker;
            },
            worker =>
            {
                outputs.Add(worker.Output);
                ProbeWorker.Return(worker);
            });

        var all = Concat(outputs);
        var fallbackIds = fallbacks.Order().ToArray();
        var fellBack = new bool[queries.Length];
        foreach (var f in fallbackIds)
        {
            fellBack[f] = true;
        }

        if (fallbackIds.Length > 0)
        {
            all.AddRange(RunScan([.. fallbackIds.Select(i => queries[i])], fallbackIds, radius, options, 0));
        }

        if (store.Count > tables.CoveredEnd)
        {
            var rest = Enumerable.Range(0, queries.Length).Where(i => !fellBack[i]).ToArray();
            all.AddRange(RunScan([.. rest.Select(i => queries[i])], rest, radius, options, tables.CoveredEnd));
        }

        return all;
    }

    /// <summary>
    /// Batch join: the batch becomes a 16-part multi-index and every stored entry probes it. Entries whose
    /// probes hit more than a quarter of the batch are compared with every query directly.
    /// </summary>
    private List<RawMatch> RunJoin(Hash256[] queries, int radius, IndexSearchOptions options)
    {
        var store = _store;
        using var batch = new HashStore(queries.Length);
        foreach (var q in queries)
        {
            batch.Add(q, 0, NoQuality);
        }

        using var table = BuildBatchTable(batch, options.Threads);
        var limit = Math.Max(64, queries.Length / 4);
        var outputs = new ConcurrentBag<List<RawMatch>>();
        const int Chunk = 4096;
        var chunks = (store.Count + Chunk - 1) / Chunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = options.Threads },
            () => new ProbeWorker(),
            (c, _, worker) =>
            {
                worker.Join(table, batch, store, queries, c * Chunk, Math.Min(store.Count, (c + 1) * Chunk), radius, limit, options.MinQuality);
                return worker;
            },
            worker => outputs.Add(worker.Output));

        return Concat(outputs);
    }

    private static unsafe MultiIndexTable BuildBatchTable(HashStore batch, int threads) =>
        MultiIndexTable.Build(batch.Blocks, 0, batch.Count, 16, threads);

    /// <summary>Per-thread state of a multi-index probe: the candidate buffer, the probe scratch, the hits.</summary>
    private sealed class ProbeWorker
    {
        /// <summary>
        /// The last worker this thread used, kept for its next search: a server answering one query per search would
        /// otherwise allocate its buffers on every request.
        /// </summary>
        [ThreadStatic]
        private static ProbeWorker? t_kept;

        private ulong[] _seen = [];
        private readonly List<int> _touched = [];

#pragma warning disable CA1051 // passed by ref to the probe
        public int[] Candidates = new int[1024];

        public ulong[] Scratch = new ulong[256];
#pragma warning restore CA1051

        public List<RawMatch> Output { get; private set; } = [];

        /// <summary>This thread's kept worker, clean, with an empty output; or a new one.</summary>
        public static ProbeWorker Rent()
        {
            var worker = t_kept ?? new ProbeWorker();
            t_kept = null;
            worker.Output = [];
            return worker;
        }

        /// <summary>Keeps <paramref name="worker"/> for this thread's next search.</summary>
        public static void Return(ProbeWorker worker) => t_kept = worker;

        /// <summary>
        /// Checks the first <paramref name="count"/> candidates against the query. Candidates are random reads (four cache
        /// lines each in the block layout), checked with a software prefetch a few candidates ahead, which keeps several
        /// misses in flight: words 0 and 2 first (the two lines prefetched), and the other two words only for a near
        /// candidate those leave within the radius. A candidate that shares one part with the query is random elsewhere,
        /// about 50 bits away on two words, so its other lines are rarely read. A near copy is found through many tables:
        /// its repeats cost the first words on lines already in cache and are then dropped by a small hash set, so each
        /// is finished and reported once (far candidates are rarely found twice and never reach the set).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public unsafe void Verify(HashStore store, int count, Hash256 query, int qi, int radius, int minQuality)
        {
            var blocks = store.Blocks;
            var candidates = Candidates.AsSpan(0, count);
            var first = Output.Count;
            var n = (uint)store.Count;
            var set = count is > 1 and <= MaxSetCandidates;
            if (set)
            {
                StartSet(count);
            }

            const int Ahead = 8;
            for (var i = 0; i < candidates.Length; i++)
            {
                if (i + Ahead < candidates.Length)
                {
                    ScanKernel.PrefetchCandidate(blocks, candidates[i + Ahead]);
                }

                var pos = candidates[i];
                if ((uint)pos >= n)
                {
                    throw new IndexFormatException($"multi-index table names entry {pos} of an index of {n}: the tables are damaged");
                }

                var d = ScanKernel.PartialDistance(blocks, pos, query);
                if (d <= radius && (!set || FirstSight(pos)))
                {
                    d += ScanKernel.RestDistance(blocks, pos, query);
                    if (d <= radius && store.Accepts(pos, minQuality))
                    {
                        Output.Add(new RawMatch(qi, pos, d));
                    }
                }
            }

            if (!set && Output.Count - first > 1)
            {
                // A degenerate query (more candidates than the set holds in cache): its hits are deduplicated by sorting.
                var hits = CollectionsMarshal.AsSpan(Output)[first..];
                hits.Sort(static (a, b) => a.Pos.CompareTo(b.Pos));
                var kept = 1;
                for (var i = 1; i < hits.Length; i++)
                {
                    if (hits[i].Pos != hits[kept - 1].Pos)
                    {
                        hits[kept++] = hits[i];
                    }
                }

                Output.RemoveRange(first + kept, hits.Length - kept);
            }
        }

        /// <summary>Above this many candidates the dedup set (twice as many slots) would leave the L2 cache.</summary>
        private const int MaxSetCandidates = 1 << 16;

        private int[] _setKeys = new int[256];
        private int[] _setStamps = new int[256];
        private int _stamp;
        private int _setShift;
        private int _setMask;

        /// <summary>Empties the dedup set in O(1) (a new stamp), sized to at least twice <paramref name="count"/> slots.</summary>
        private void StartSet(int count)
        {
            var bits = BitOperations.Log2(BitOperations.RoundUpToPowerOf2((uint)count * 2));
            if (_setKeys.Length < 1 << bits)
            {
                (_setKeys, _setStamps, _stamp) = (new int[1 << bits], new int[1 << bits], 0);
            }

            if (++_stamp == int.MaxValue)
            {
                Array.Clear(_setStamps);
                _stamp = 1;
            }

            (_setShift, _setMask) = (32 - bits, (1 << bits) - 1);
        }

        /// <summary>Adds <paramref name="pos"/> to the set (open addressing, linear probing); false when it was there.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private bool FirstSight(int pos)
        {
            var slot = (int)(((uint)pos * 0x9E3779B1u) >> _setShift);
            while (true)
            {
                if (_setStamps[slot] != _stamp)
                {
                    (_setStamps[slot], _setKeys[slot]) = (_stamp, pos);
                    return true;
                }

                if (_setKeys[slot] == pos)
                {
                    return false;
                }

                slot = (slot + 1) & _setMask;
            }
        }

        /// <summary>Join over stored entries [<paramref name="start"/>, <paramref name="end"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Join(MultiIndexTable table, HashStore batch, HashStore store, Hash256[] queries, int start, int end,
            int radius, int limit, int minQuality)
        {
            if (_seen.Length < HashStore.DeadWords(queries.Length))
            {
                _seen = new ulong[HashStore.DeadWords(queries.Length)];
            }

            for (var pos = start; pos < end; pos++)
            {
                if (!store.Accepts(pos, minQuality))
                {
                    continue;
                }

                var h = store.GetHash(pos);
                var count = 0;
                if (!table.Collect(h, radius, ref Candidates, ref count, ref Scratch, limit))
                {
                    // A degenerate entry whose buckets hold much of the batch: compare with every query directly.
                    for (var qi = 0; qi < queries.Length; qi++)
                    {
                        var d = h.DistanceTo(queries[qi]);
                        if (d <= radius)
                        {
                            Output.Add(new RawMatch(qi, pos, d));
                        }
                    }

                    continue;
                }

                VerifyReverse(batch, count, h, pos, radius);
            }
        }

        /// <summary>Join direction: the candidates are batch queries; a hit pairs each with stored entry <paramref name="pos"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe void VerifyReverse(HashStore batch, int count, Hash256 entry, int pos, int radius)
        {
            var blocks = batch.Blocks;
            foreach (var qi in Candidates.AsSpan(0, count))
            {
                if (!Mark(qi))
                {
                    continue;
                }

                var d = ScanKernel.Distance(blocks, qi, entry);
                if (d <= radius)
                {
                    Output.Add(new RawMatch(qi, pos, d));
                }
            }

            foreach (var i in _touched)
            {
                _seen[i >> 6] = 0;
            }

            _touched.Clear();
        }

        private bool Mark(int i)
        {
            ref var word = ref _seen[i >> 6];
            var bit = 1UL << (i & 63);
            if ((word & bit) != 0)
            {
                return false;
            }

            word |= bit;
            _touched.Add(i);
            return true;
        }
    }

    /// <summary>Radius sink: filters padding, tombstones, quality and entries before the first scanned position.</summary>
    private struct RadiusSink(HashStore store, int minQuality, int radius, int firstPos, int queryOffset, int[]? queryIds, List<RawMatch> output)
        : IScanSink
    {
        public readonly List<RawMatch> Output => output;

        public readonly int RadiusFor(int query) => radius;

        public readonly void Emit(int query, int pos, int distance)
        {
            if (pos >= firstPos && store.Accepts(pos, minQuality))
            {
                var q = queryOffset + query;
                output.Add(new RawMatch(queryIds is null ? q : queryIds[q], pos, distance));
            }
        }
    }

    /// <summary>k-nearest sink: one bounded max-heap per query of (distance, position) keys.</summary>
    private readonly struct NearestSink : IScanSink
    {
        private readonly HashStore _store;
        private readonly int _minQuality;
        private readonly int _k;
        private readonly long[][] _heaps;
        private readonly int[] _counts;

        public NearestSink(HashStore store, int minQuality, int k, int queries)
        {
            _store = store;
            _minQuality = minQuality;
            _k = k;
            _heaps = new long[queries][];
            for (var i = 0; i < queries; i++)
            {
                _heaps[i] = new long[Math.Min(k, Math.Max(1, store.Count))];
            }

            _counts = new int[queries];
        }

        public int RadiusFor(int query) =>
            _counts[query] < _heaps[query].Length && _counts[query] < _k ? MaxRadius : (int)(_heaps[query][0] >> 32) - 1;

        public void Emit(int query, int pos, int distance)
        {
            if (!_store.Accepts(pos, _minQuality))
            {
                return;
            }

            var heap = _heaps[query];
            var key = ((long)distance << 32) | (uint)pos;
            ref var n = ref _counts[query];
            if (n < heap.Length)
            {
                // Sift up.
                var i = n++;
                heap[i] = key;
                while (i > 0 && heap[(i - 1) >> 1] < heap[i])
                {
                    (heap[i], heap[(i - 1) >> 1]) = (heap[(i - 1) >> 1], heap[i]);
                    i = (i - 1) >> 1;
                }
            }
            else if (key < heap[0])
            {
                // Replace the worst and sift down.
                heap[0] = key;
                var i = 0;
                while (true)
                {
                    var l = (2 * i) + 1;
                    var largest = i;
                    if (l < n && heap[l] > heap[largest])
                    {
                        largest = l;
                    }

                    if (l + 1 < n && heap[l + 1] > heap[largest])
                    {
                        largest = l + 1;
                    }

                    if (largest == i)
                    {
                        break;
                    }

                    (heap[i], heap[largest]) = (heap[largest], heap[i]);
                    i = largest;
                }
            }
        }

        public long[][] Finish()
        {
            var result = new long[_heaps.Length][];
            for (var i = 0; i < _heaps.Length; i++)
            {
                result[i] = _heaps[i].AsSpan(0, _counts[i]).ToArray();
            }

            return result;
        }
    }
}
