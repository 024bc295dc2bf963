using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Matching.Index;
using Harrier.Media.Hashing;

namespace Harrier.Web.Hma;

/// <summary>One match of a lookup: the bank entry's id (HMA's content id), its bank and the Hamming distance.</summary>
internal readonly record struct HmaMatch(long ContentId, string Bank, int Distance);

/// <summary>
/// The PDQ signals of the case's banks in one <see cref="HammingIndex"/>, loaded once (started at startup, awaited by
/// the first lookup that comes before it is done) and then kept for the life of the process. A signal added through
/// the API is added to the same index in place: no rebuild per request, no reload.
/// <para>
/// Consistency with concurrent lookups: <see cref="HammingIndex"/> allows any number of concurrent searches but no
/// mutation overlapping any other call, so searches hold a <see cref="ReaderWriterLockSlim"/> read lock and an add holds
/// the write lock. An add waits for the searches in flight, runs alone (an append, microseconds) and lets the next
/// searches in; every search sees the index either wholly before or wholly after an add. The signal is committed to the
/// case first and added to the index after, so a lookup never answers a content id the case does not hold.
/// </para>
/// </summary>
internal sealed class HmaIndex : IDisposable
{
    /// <summary>
    /// The match radius: HMA's PDQ default, pytx <c>PDQ_CONFIDENT_MATCH_THRESHOLD</c> = 31 (matches at distance ≤ 31),
    /// also upstream PDQ's recommended match distance.
    /// </summary>
    public const int PdqThreshold = 31;

    // One query per request: the server's concurrency is the parallelism, so a search never fans out over cores. The
    // strategy is the planner's, as in triage: the multi-index tables it chose are built at load (HMA's own default is a
    // 16 × 16-bit FAISS IndexBinaryMultiHash; the planner picks the part count that is fastest for the bank's size).
    private static readonly IndexSearchOptions Search = new() { MaxDegreeOfParallelism = 1 };

    private readonly CaseStore _store;
    private readonly TimeProvider _time;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lazy<Task> _load;
    private HammingIndex _index = new();
    private Dictionary<long, string> _banks = [];
    private DateTimeOffset _builtAt;
    private long _maxId;

    public HmaIndex(CaseStore store, TimeProvider time)
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
    public int Size
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _index.LiveCount;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>When the index was loaded or last had a signal added.</summary>
    public DateTimeOffset BuiltAt
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _builtAt;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Every signal within <see cref="PdqThreshold"/> of <paramref name="query"/>, nearest first, then in entry order.</summary>
    public async Task<IReadOnlyList<HmaMatch>> LookupAsync(Hash256 query)
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

            return [.. hits.Select(h => new HmaMatch(h.Id, _banks[h.Id], h.Distance)).OrderBy(m => m.Distance).ThenBy(m => m.ContentId)];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Adds a signal just committed to the case (see the class comment for why after the commit).</summary>
    public async Task AddAsync(BankPdq signal)
    {
        await EnsureLoadedAsync();
        AddAll([signal]);
    }

    /// <summary>
    /// Adds what the case's banks gained since the last load or catch-up from elsewhere (<c>harrier banks import</c> in
    /// another process): the entries with a higher id than any indexed, in place, under the write lock. Run every
    /// <see cref="CatchUpEvery"/> by <see cref="HmaIndexLoader"/>. Returns how many signals were added.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync();
        long after;
        _lock.EnterReadLock();
        try
        {
            after = _maxId;
        }
        finally
        {
            _lock.ExitReadLock();
        }

        var gained = await new BankStore(_store).LoadPdqAsync(after, cancellationToken);
        return gained.Count == 0 ? 0 : AddAll(gained);
    }

    /// <summary>How often the index looks for signals other processes added to the case's banks.</summary>
    public static readonly TimeSpan CatchUpEvery = TimeSpan.FromSeconds(30);

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

    public void Dispose()
    {
        _index.Dispose();
        _lock.Dispose();
    }

    private async Task LoadAsync()
    {
        var signals = await new BankStore(_store).LoadPdqAsync(CancellationToken.None);
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
