using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Matching.Index;
using Harrier.Media.Hashing;

namespace Harrier.Operations.Banks;

/// <summary>One match of a lookup: the bank entry's id (HMA's content id), its bank and the Hamming distance.</summary>
/// <param name="ContentId">The bank entry's id.</param>
/// <param name="Bank">The bank's name.</param>
/// <param name="Distance">The Hamming distance to the query.</param>
public readonly record struct PdqMatch(long ContentId, string Bank, int Distance);

/// <summary>The state of a lookup index: whether it is loaded, when it last changed, how many signals it holds.</summary>
/// <param name="Loaded">Whether the load has finished.</param>
/// <param name="BuiltAt">When it was loaded or last gained a signal (null before the load).</param>
/// <param name="Size">Signals in it.</param>
/// <param name="MaxEntryId">The highest bank entry id in it (0 when empty).</param>
public sealed record PdqIndexState(bool Loaded, DateTimeOffset? BuiltAt, int Size, long MaxEntryId);

/// <summary>
/// The PDQ lookups of a case's banks, wherever the index lives: in this process (<see cref="PdqLookupIndex"/>), or in the
/// silos of the case's cluster (Harrier.Cluster, <c>harrier serve --cluster</c>). Every implementation answers the same
/// matches for the same banks and query.
/// </summary>
public interface IPdqLookup
{
    /// <summary>Every signal within <see cref="PdqLookupIndex.PdqThreshold"/> of <paramref name="query"/>, nearest first, then in entry order.</summary>
    Task<IReadOnlyList<PdqMatch>> LookupAsync(Hash256 query, CancellationToken cancellationToken);

    /// <summary>A signal this host just committed to the case: every later lookup through this object finds it.</summary>
    Task AddedAsync(BankPdq signal, CancellationToken cancellationToken);

    /// <summary>The index's state (starts the load when it has not started).</summary>
    Task<PdqIndexState> StateAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The PDQ signals of the case's banks in one <see cref="HammingIndex"/>, loaded once (started at startup, awaited by
/// the first lookup that comes before it is done) and then kept for the life of the process. A signal added through
/// the API is added to the same index in place: no rebuild per request, no reload. Banks only grow (entries are never
/// removed or changed), so what a bank change adds is the entries with an id above <see cref="PdqIndexState.MaxEntryId"/>:
/// <see cref="CatchUpAsync"/> reads them (an index range scan that returns nothing when nothing changed).
/// <para>
/// Consistency with concurrent lookups: <see cref="HammingIndex"/> allows any number of concurrent searches but no
/// mutation overlapping any other call, so searches hold a <see cref="ReaderWriterLockSlim"/> read lock and an add holds
/// the write lock. An add waits for the searches in flight, runs alone (an append, microseconds) and lets the next
/// searches in; every search sees the index either wholly before or wholly after an add. The signal is committed to the
/// case first and added to the index after, so a lookup never answers a content id the case does not hold.
/// </para>
/// <para>
/// Used by the web host's HMA-compatible API (one per process) and by each silo of a cluster (one per silo): the same
/// index, the same search options, so the same answers.
/// </para>
/// </summary>
public sealed class PdqLookupIndex : IPdqLookup, IDisposable
{
    /// <summary>
    /// The match radius: HMA's PDQ default, pytx <c>PDQ_CONFIDENT_MATCH_THRESHOLD</c> = 31 (matches at distance ≤ 31),
    /// also upstream PDQ's recommended match distance.
    /// </summary>
    public const int PdqThreshold = 31;

    /// <summary>How often a web host's index looks for signals other processes added to the case's banks.</summary>
    public static readonly TimeSpan CatchUpEvery = TimeSpan.FromSeconds(30);

    // One query per request: the server's concurrency is the parallelism, so a search never fans out over cores. The
    // strategy is the planner's, as in triage: the multi-index tables it chose are built at load (HMA's own default is a
    // 16 × 16-bit FAISS IndexBinaryMultiHash; the planner picks the part count that is fastest for the bank's size).
    private static readonly IndexSearchOptions Search = new() { MaxDegreeOfParallelism = 1 };

    private readonly Func<CancellationToken, Task<CaseStore>> _store;
    private readonly TimeProvider _time;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lazy<Task> _load;
    private readonly SemaphoreSlim _catchingUp = new(1, 1);
    private HammingIndex _index = new();
    private Dictionary<long, string> _banks = [];
    private DateTimeOffset _builtAt;
    private long _maxId;

    /// <summary>An index over the banks of <paramref name="store"/> (not loaded yet).</summary>
    public PdqLookupIndex(CaseStore store, TimeProvider time)
        : this(_ => Task.FromResult(store), time)
    {
        ArgumentNullException.ThrowIfNull(store);
    }

    /// <summary>An index over the banks of the case <paramref name="store"/> opens on first use (a silo opens its case lazily).</summary>
    public PdqLookupIndex(Func<CancellationToken, Task<CaseStore>> store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _load = new Lazy<Task>(() => Task.Run(LoadAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Whether the load has finished.</summary>
    public bool IsLoaded => _load.IsValueCreated && _load.Value.IsCompletedSuccessfully;

    /// <summary>Starts the load (at startup) or waits for it.</summary>
    public Task EnsureLoadedAsync() => _load.Value;

    /// <summary>Signals in the index.</summary>
    public int Size => Read(() => _index.LiveCount);

    /// <summary>When the index was loaded or last had a signal added.</summary>
    public DateTimeOffset BuiltAt => Read(() => _builtAt);

    /// <summary>The highest bank entry id in the index.</summary>
    public long MaxEntryId => Read(() => _maxId);

    /// <summary>Every signal within <see cref="PdqThreshold"/> of <paramref name="query"/>, nearest first, then in entry order.</summary>
    public async Task<IReadOnlyList<PdqMatch>> LookupAsync(Hash256 query)
    {
        await EnsureLoadedAsync();
        _lock.EnterReadLock();
        try
        {
            var hits = _index.Search(query, PdqThreshold, Search);
            if (hits.Count == 0)
            {
                return [];
            }

            return [.. hits.Select(h => new PdqMatch(h.Id, _banks[h.Id], h.Distance)).OrderBy(m => m.Distance).ThenBy(m => m.ContentId)];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// <see cref="LookupAsync(Hash256)"/> after catching up when the index holds no entry as new as <paramref name="seenEntryId"/>
    /// (the caller knows the case holds it: a cluster's web host passes the newest entry it committed, so it reads its own writes).
    /// </summary>
    public async Task<IReadOnlyList<PdqMatch>> LookupAsync(Hash256 query, long seenEntryId, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync();
        if (seenEntryId > MaxEntryId)
        {
            await CatchUpAsync(cancellationToken);
        }

        return await LookupAsync(query);
    }

    Task<IReadOnlyList<PdqMatch>> IPdqLookup.LookupAsync(Hash256 query, CancellationToken cancellationToken) => LookupAsync(query);

    /// <summary>Adds a signal just committed to the case (see the class comment for why after the commit).</summary>
    public async Task AddAsync(BankPdq signal)
    {
        await EnsureLoadedAsync();
        AddAll([signal]);
    }

    Task IPdqLookup.AddedAsync(BankPdq signal, CancellationToken cancellationToken) => AddAsync(signal);

    /// <summary>The index's state; starts the load when it has not started.</summary>
    public PdqIndexState State()
    {
        _ = EnsureLoadedAsync();
        return IsLoaded ? Read(() => new PdqIndexState(true, _builtAt, _index.LiveCount, _maxId)) : new PdqIndexState(false, null, 0, 0);
    }

    Task<PdqIndexState> IPdqLookup.StateAsync(CancellationToken cancellationToken) => Task.FromResult(State());

    /// <summary>
    /// Adds what the case's banks gained since the last load or catch-up from elsewhere (<c>harrier banks import</c> in
    /// another process): the entries with a higher id than any indexed, in place, under the write lock. Returns how many
    /// signals were added. One catch-up reads at a time; a second waits for it and then reads what is still missing.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync();
        await _catchingUp.WaitAsync(cancellationToken);
        try
        {
            var store = await _store(cancellationToken);
            var gained = await new BankStore(store).LoadPdqAsync(MaxEntryId, cancellationToken);
            return gained.Count == 0 ? 0 : AddAll(gained);
        }
        finally
        {
            _catchingUp.Release();
        }
    }

    /// <summary>Disposes the index.</summary>
    public void Dispose()
    {
        _index.Dispose();
        _lock.Dispose();
        _catchingUp.Dispose();
    }

    private T Read<T>(Func<T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private int AddAll(IReadOnlyList<BankPdq> signals)
    {
        var added = 0;
        _lock.EnterWriteLock();
        try
        {
            foreach (var signal in signals)
            {
                // The load read the case after this signal may have been committed: never index an entry twice.
                if (_banks.TryAdd(signal.Id, signal.Bank))
                {
                    _index.Add(signal.Pdq, signal.Id);
                    _maxId = Math.Max(_maxId, signal.Id);
                    added++;
                }
            }

            _builtAt = _time.GetUtcNow();
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return added;
    }

    private async Task LoadAsync()
    {
        var store = await _store(CancellationToken.None);
        var signals = await new BankStore(store).LoadPdqAsync(CancellationToken.None);
        var hashes = new Hash256[signals.Count];
        var ids = new long[signals.Count];
        var banks = new Dictionary<long, string>(signals.Count);
        var names = new Dictionary<string, string>(StringComparer.Ordinal); // one string per bank, not one per signal
        for (var i = 0; i < signals.Count; i++)
        {
            hashes[i] = signals[i].Pdq;
            ids[i] = signals[i].Id;
            var name = signals[i].Bank;
            banks[signals[i].Id] = names.TryGetValue(name, out var kept) ? kept : names[name] = name;
        }

        var index = HammingIndex.Build(hashes, ids);
        index.PrepareTables(); // the planner's multi-index tables now, not in the first lookup (none below 20,000 signals: scanned)

        _lock.EnterWriteLock();
        try
        {
            _index.Dispose();
            _index = index;
            _banks = banks;
            _maxId = ids.Length == 0 ? 0 : Math.Max(_maxId, ids.Max());
            _builtAt = _time.GetUtcNow();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
