using Harrier.Media.Hashing;

namespace Harrier.Matching.Index;

/// <summary>
/// An exact Hamming-distance index over 256-bit hashes, each stored with a 64-bit id and an optional
/// quality byte. Radius search, k-nearest, batch and dihedral queries; entries can be added and
/// removed (tombstoned) without a rebuild; the index saves to a versioned, checksummed file that
/// <see cref="Open"/> memory-maps.
/// Searches may run concurrently with each other; mutations (<see cref="Add"/>, <see cref="Remove(long)"/>,
/// <see cref="Compact"/>) must not overlap any other call.
/// </summary>
public sealed partial class HammingIndex : IDisposable
{
    /// <summary>The quality byte of an entry stored without one; such entries pass every quality filter.</summary>
    public const byte NoQuality = 255;

    /// <summary>The largest radius a search accepts (every bit may differ).</summary>
    public const int MaxRadius = 256;

    private readonly object _tablesLock = new();
    private readonly Dictionary<int, TableSet> _sets = [];
    private HashStore _store;
    private IndexCalibration? _calibration;
    private int _defaultParts;
    private int _defaultPartsCount = -1;

    /// <summary>The entries as searches see them (for the planner's estimates and the benchmarks).</summary>
    internal HashStore Store => _store;

    /// <summary>An empty index.</summary>
    public HammingIndex()
        : this(new HashStore())
    {
    }

    private HammingIndex(HashStore store)
    {
        _store = store;
    }

    /// <summary>Builds an index from parallel spans of hashes, ids and (optionally) qualities.</summary>
    public static HammingIndex Build(ReadOnlySpan<Hash256> hashes, ReadOnlySpan<long> ids, ReadOnlySpan<byte> qualities = default)
    {
        if (ids.Length != hashes.Length)
        {
            throw new ArgumentException($"{hashes.Length} hashes but {ids.Length} ids", nameof(ids));
        }

        if (!qualities.IsEmpty && qualities.Length != hashes.Length)
        {
            throw new ArgumentException($"{hashes.Length} hashes but {qualities.Length} qualities", nameof(qualities));
        }

        var index = new HammingIndex(new HashStore(hashes.Length));
        for (var i = 0; i < hashes.Length; i++)
        {
            index._store.Add(hashes[i], ids[i], qualities.IsEmpty ? NoQuality : qualities[i]);
        }

        return index;
    }

    /// <summary>Entries stored, tombstoned ones included (positions run 0..Count-1).</summary>
    public int Count => _store.Count;

    /// <summary>Entries not removed.</summary>
    public int LiveCount => _store.LiveCount;

    /// <summary>Whether the index still reads a mapped file in place (it copies itself on the first change).</summary>
    public bool IsMemoryMapped => _store.IsMapped;

    /// <summary>Bytes per entry of the scan layout: 32 (hash) + 8 (id) + 1 (quality) + 1/8 (tombstone bit).</summary>
    public static double BytesPerEntry => 32 + 8 + 1 + 0.125;

    /// <summary>Bytes held by the multi-index tables built or mapped so far (main and delta tables of every part count).</summary>
    public long MultiIndexBytes
    {
        get
        {
            lock (_tablesLock)
            {
                return _sets.Values.Sum(x => x.Main.Bytes + (x.Delta?.Bytes ?? 0));
            }
        }
    }

    /// <summary>
    /// The largest memory, in bytes, that searches may keep resident: the hashes, quality bytes and tombstones (33 bytes
    /// an entry; the ids are read only for results, so a mapped index leaves them on disk), the serving process's own
    /// memory (<see cref="CostModel.ProcessReserveBytes"/>) and the tables the index chooses for itself (<see cref="PrepareTables"/>, <see cref="Save"/>): the planner picks the fastest part count
    /// whose tables fit, or the smallest when none does. Defaults to half of the memory available to the process.
    /// </summary>
    public long MemoryBudget { get; set; } = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;

    /// <summary>
    /// Adds one entry. Multi-index tables stay valid: entries added after they were built are scanned, then covered by
    /// a delta table rebuilt as they grow (each rebuild at least half again as many), and the main table is rebuilt
    /// once they pass a quarter of it.
    /// </summary>
    public void Add(Hash256 hash, long id, byte quality = NoQuality) => _store.Add(hash, id, quality);

    /// <summary>Tombstones every live entry carrying <paramref name="id"/>; returns how many. One pass over the ids.</summary>
    public int Remove(long id) => RemoveWhere(x => x == id);

    /// <summary>Tombstones every live entry whose id is in <paramref name="ids"/>, in one pass; returns how many.</summary>
    public int Remove(IEnumerable<long> ids)
    {
        var set = ids.ToHashSet();
        return RemoveWhere(set.Contains);
    }

    private int RemoveWhere(Func<long, bool> match)
    {
        var removed = 0;
        unsafe
        {
            var ids = _store.Ids;
            for (var i = 0; i < _store.Count; i++)
            {
                if (match(ids[i]) && !_store.IsDead(i))
                {
                    _store.Kill(i);
                    ids = _store.Ids;
                    removed++;
                }
            }
        }

        return removed;
    }

    /// <summary>Rewrites the index without its tombstones (positions change; multi-index tables are dropped).</summary>
    public void Compact()
    {
        var fresh = new HashStore(_store.LiveCount);
        unsafe
        {
            for (var i = 0; i < _store.Count; i++)
            {
                if (!_store.IsDead(i))
                {
                    fresh.Add(_store.GetHash(i), _store.Ids[i], _store.Quality[i]);
                }
            }
        }

        var old = _store;
        _store = fresh;
        old.Dispose();
        DropTables();
    }

    /// <summary>The hash, id and quality at a position (0..Count-1), and whether it was removed.</summary>
    public (Hash256 Hash, long Id, byte Quality, bool Removed) EntryAt(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, Count);
        unsafe
        {
            return (_store.GetHash(position), _store.Ids[position], _store.Quality[position], _store.IsDead(position));
        }
    }

    /// <summary>Frees the native memory or the file mapping.</summary>
    public void Dispose()
    {
        DropTables();
        _store.Dispose();
    }

    /// <summary>Drops every multi-index table (benchmarks measure one part count at a time).</summary>
    internal void DropTables()
    {
        lock (_tablesLock)
        {
            foreach (var set in _sets.Values)
            {
                set.Dispose();
            }

            _sets.Clear();
        }
    }

    /// <summary>
    /// Builds now the multi-index tables the planner would choose for this index (or <paramref name="parts"/> parts) so
    /// that no search pays for them; returns the part count, 0 when the index is too small to need tables.
    /// Tables covering every entry are left as they are.
    /// </summary>
    public int PrepareTables(int parts = 0, int threads = 0)
    {
        if (parts == 0)
        {
            if (Count < CostModel.MinEntriesForMultiIndex)
            {
                return 0;
            }

            parts = DefaultParts();
        }

        using var tables = AcquireTables(parts, threads > 0 ? threads : Environment.ProcessorCount, full: true);
        return parts;
    }

    /// <summary>The part count of the tables the planner chooses for this index (computed once per size, then kept).</summary>
    internal int DefaultParts()
    {
        lock (_tablesLock)
        {
            if (_defaultPartsCount < 0 || Count > 2L * _defaultPartsCount || 2L * Count < _defaultPartsCount)
            {
                _defaultParts = ChooseParts();
                _defaultPartsCount = Count;
            }

            return _defaultParts;
        }
    }

    /// <summary>
    /// The part counts the planner timed on this machine when it last chose (<see cref="ChooseParts"/>), with the
    /// seconds of its trial batch each took; empty when the cost model's choice stood untimed.
    /// </summary>
    internal IReadOnlyList<(int Parts, double Seconds)> PartTrials { get; private set; } = [];

    /// <summary>
    /// Model costs within this share of the cheapest make a part count a candidate for timing. The model's error has
    /// reached a factor of 1.5 on one machine (its calibration moves 30–60 % between runs); the part counts it put at more
    /// than twice the cheapest (8 and 9 at 1 M uniform, 13 to 16 at 10 M) measured 1.7 to 3.5 times slower than the fastest.
    /// </summary>
    internal const double TrialSpread = 1.0;

    /// <summary>The trials are run only when building all their tables is estimated to take at most this many seconds.</summary>
    internal const double TrialBuildSeconds = 10;

    /// <summary>Queries in a trial batch: half stored hashes with 0–40 bits flipped (near copies), half unrelated hashes.</summary>
    internal const int TrialQueries = 512;

    /// <summary>Rounds of an interleaved trial (<see cref="TimeTogether"/>).</summary>
    internal const int TrialRounds = 5;

    /// <summary>
    /// The part count for this index's tables. The cost model ranks every part count whose tables fit the memory budget
    /// on pseudo-queries (<see cref="CostModel.DefaultParts"/>), but that ranking is inside the model's error: at 1 M uniform
    /// hashes it put 10 parts 25 % ahead of 11, where 11 measured 20 % faster, and on another run chose 14, where 11 measured
    /// 17–24 % faster (2026-12-06, docs/benchmarks.md); which is faster depends on this machine's caches and memory. So the
    /// part counts within <see cref="TrialSpread"/> of the model's cheapest are the candidates, its choice first then in its
    /// order, as many as can be built in <see cref="TrialBuildSeconds"/> (all of them up to some tens of millions of entries;
    /// none at 100 M). Each candidate's tables are built and a batch of <see cref="TrialQueries"/> queries timed on them, one
    /// thread: interleaved when all their tables fit the memory budget together (<see cref="TimeTogether"/>), else one after
    /// the other (<see cref="TimeOneByOne"/>); the fastest is chosen, and within 3 % of it the fewest parts (less memory).
    /// Only the chosen tables are kept (table sets that existed before are left alone). Above that, the model's choice stands.
    /// </summary>
    private int ChooseParts()
    {
        var modelChoice = CostModel.DefaultParts(_store, 31, Calibration, MemoryBudget);
        PartTrials = [];
        if (Count < CostModel.MinEntriesForMultiIndex)
        {
            return modelChoice;
        }

        var costs = CostModel.PartCosts(_store, CostModel.PseudoQueries(_store), 31, Calibration, MemoryBudget);
        if (costs.Count == 0)
        {
            return modelChoice;
        }

        // Every part count whose model cost is within TrialSpread of the cheapest, in the model's order, as many as can be
        // built within TrialBuildSeconds (tables that exist already cost nothing), the model's choice first. A narrower list
        // (the model's best three and the counts beside its choice) missed the fastest at 1 M uniform whenever the
        // calibration moved the model's choice to 14 or 16 parts: timed, 11 parts ran 17–24 % faster than 14.
        var cheapest = costs.Min(x => x.Seconds);
        var threads = Environment.ProcessorCount;
        var existing = _sets.Keys.ToHashSet();
        var shortlist = new List<int>();
        var buildSeconds = 0.0;
        foreach (var parts in costs.Where(x => x.Seconds <= cheapest * (1 + TrialSpread)).OrderBy(x => x.Seconds).Select(x => x.Parts).Prepend(modelChoice).Distinct())
        {
            var build = existing.Contains(parts) ? 0 : (double)Count * parts * IndexCalibration.BuildNs * 1e-9 / Math.Min(threads, parts);
            if (buildSeconds + build > TrialBuildSeconds)
            {
                continue;
            }

            buildSeconds += build;
            shortlist.Add(parts);
        }

        if (shortlist.Count < 2)
        {
            return modelChoice;
        }

        var queries = TrialBatch(_store);
        var trials = CostModel.ResidentBesideTables(Count) + shortlist.Sum(p => MultiIndexTable.BytesFor(p, Count)) <= MemoryBudget
            ? TimeTogether(shortlist, queries, threads)
            : TimeOneByOne(shortlist, queries, threads, existing);
        DropLosers(trials, existing);

        PartTrials = trials;
        return Leader(trials);
    }

    /// <summary>
    /// Every candidate's tables built at once, then <see cref="TrialRounds"/> rounds timing each candidate's batch in turn
    /// (each round starting one candidate later); a candidate's time is its median. Interleaved, a slow spell of this
    /// machine (another tenant, the kernel compacting memory) falls on every candidate alike: timed one after the other, one
    /// such spell once made the fastest part count at 1 M look 11 % slower than the next.
    /// </summary>
    private List<(int Parts, double Seconds)> TimeTogether(List<int> shortlist, Hash256[] queries, int threads)
    {
        var leases = new List<TableLease>();
        try
        {
            foreach (var parts in shortlist)
            {
                leases.Add(AcquireTables(parts, threads, full: true));
            }

            var times = shortlist.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round < TrialRounds; round++)
            {
                for (var k = 0; k < shortlist.Count; k++)
                {
                    var c = (k + round) % shortlist.Count;
                    times[c].Add(TimeBatch(queries, shortlist[c]));
                }
            }

            return [.. shortlist.Select((p, c) => (p, times[c].Order().ElementAt(times[c].Count / 2)))];
        }
        finally
        {
            foreach (var lease in leases)
            {
                lease.Dispose();
            }
        }
    }

    /// <summary>When the candidates' tables do not fit the memory budget together: each built, timed (best of three) and, unless it leads, dropped before the next.</summary>
    private List<(int Parts, double Seconds)> TimeOneByOne(List<int> shortlist, Hash256[] queries, int threads, HashSet<int> existing)
    {
        var trials = new List<(int Parts, double Seconds)>();
        foreach (var parts in shortlist)
        {
            using (AcquireTables(parts, threads, full: true))
            {
                trials.Add((parts, Enumerable.Range(0, 3).Min(_ => TimeBatch(queries, parts))));
            }

            DropLosers(trials, existing);
        }

        return trials;
    }

    /// <summary>Seconds one thread takes to search <paramref name="queries"/> at radius 31 through <paramref name="parts"/> parts' tables.</summary>
    private double TimeBatch(Hash256[] queries, int parts)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        RunMultiIndex(queries, 31, new IndexSearchOptions { Strategy = SearchStrategy.MultiIndex, MaxDegreeOfParallelism = 1 }, parts);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The fastest trial; within 3 % of it, the fewest parts (less memory).</summary>
    private static int Leader(List<(int Parts, double Seconds)> trials)
    {
        var fastest = trials.Min(t => t.Seconds);
        return trials.Where(t => t.Seconds <= fastest * 1.03).Min(t => t.Parts);
    }

    /// <summary>The trial batch: stored hashes with 0–40 bits flipped alternating with unrelated hashes (fixed seed).</summary>
    private static Hash256[] TrialBatch(HashStore store)
    {
        var rng = new Random(20261206);
        var queries = new Hash256[TrialQueries];
        for (var i = 0; i < queries.Length; i++)
        {
            queries[i] = i % 2 == 0 ? RandomHashes.Flip(store.GetHash(rng.Next(store.Count)), rng.Next(0, 41), rng) : RandomHashes.Uniform(rng);
        }

        return queries;
    }

    /// <summary>Drops the tables of every trial but the leader's, except sets that existed before the trials.</summary>
    private void DropLosers(List<(int Parts, double Seconds)> trials, HashSet<int> existing)
    {
        var leader = Leader(trials);
        foreach (var (p, _) in trials)
        {
            if (p != leader && !existing.Contains(p))
            {
                DropTables(p);
            }
        }
    }

    /// <summary>Drops the tables of one part count.</summary>
    internal void DropTables(int parts)
    {
        lock (_tablesLock)
        {
            if (_sets.Remove(parts, out var set))
            {
                set.Dispose();
            }
        }
    }

    /// <summary>This machine's measured costs for this index (measured once, cached beside an index file).</summary>
    internal IndexCalibration Calibration
    {
        get
        {
            var c = _calibration;
            if (c is null || (c.Source == "defaults" && Count >= CostModel.MinEntriesForMultiIndex))
            {
                c = IndexCalibration.For(_store, _path is null ? null : _path + ".calibration");
                _calibration = c;
            }

            return c;
        }

        // Tests that check the cost model's choice where the answer is clear give it fixed costs: a measurement taken on
        // a machine at load 18 can be preempted in one of its loops and skew the choice (CI, intrinsics-off rerun).
        set => _calibration = value;
    }

    /// <summary>
    /// The part counts whose tables exist. The planner counts them as built even when many entries were added since: the
    /// search that uses them rebuilds the delta (or, past a quarter of the index, the main table), which a server would
    /// rather pay once than fall back to scanning every lookup.
    /// </summary>
    internal List<int> ExistingParts()
    {
        lock (_tablesLock)
        {
            return [.. _sets.Keys];
        }
    }

    private bool IsStale(MultiIndexTable main) => Count - main.End > Math.Max(65_536, main.Count / 4);

    /// <summary>
    /// The tables of <paramref name="parts"/> parts, each retained for the caller (dispose the lease when done): built
    /// when missing or stale, the delta table rebuilt when enough entries were added since, or, with
    /// <paramref name="full"/>, one main table over every entry.
    /// </summary>
    private TableLease AcquireTables(int parts, int threads, bool full = false)
    {
        lock (_tablesLock)
        {
            _sets.TryGetValue(parts, out var set);
            var covered = set is null ? 0 : set.Delta?.End ?? set.Main.End;
            if (set is null || IsStale(set.Main) || (full && (set.Main.End != Count || set.Delta is not null)))
            {
                MultiIndexTable main;
                unsafe
                {
                    main = MultiIndexTable.Build(_store.Blocks, 0, Count, parts, threads);
                }

                set?.Dispose();
                set = new TableSet(main);
                _sets[parts] = set;
            }
            else if (Count - covered >= 4096 && Count - covered >= (covered - set.Main.End) / 2)
            {
                MultiIndexTable delta;
                unsafe
                {
                    delta = MultiIndexTable.Build(_store.Blocks, set.Main.End, Count, parts, threads);
                }

                set.Delta?.Dispose();
                set.Delta = delta;
            }

            return new TableLease(set.Main.Retain(), set.Delta?.Retain());
        }
    }

    /// <summary>Builds the tables of a part count now (benchmarks time the build separately).</summary>
    internal void EnsureTables(int parts, int threads)
    {
        using var lease = AcquireTables(parts, threads, full: true);
    }

    /// <summary>A main table and its delta.</summary>
    private sealed class TableSet(MultiIndexTable main) : IDisposable
    {
        public MultiIndexTable Main { get; } = main;

        public MultiIndexTable? Delta { get; set; }

        public void Dispose()
        {
            Main.Dispose();
            Delta?.Dispose();
        }
    }

    /// <summary>Tables retained for one search.</summary>
    private readonly record struct TableLease(MultiIndexTable Main, MultiIndexTable? Delta) : IDisposable
    {
        public int CoveredEnd => Delta?.End ?? Main.End;

        public void Dispose()
        {
            Main.Dispose();
            Delta?.Dispose();
        }
    }
}
