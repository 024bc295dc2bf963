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
    private HashStore _store;
    private MultiIndexTable? _mih16;
    private MultiIndexTable? _mih32;

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

    /// <summary>Bytes held by multi-index tables built so far (they are built on demand and not saved).</summary>
    public long MultiIndexBytes => (_mih16?.Bytes ?? 0) + (_mih32?.Bytes ?? 0);

    /// <summary>Adds one entry. Multi-index tables stay valid: entries added after they were built are scanned.</summary>
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
        lock (_tablesLock)
        {
            _mih16 = null;
            _mih32 = null;
        }
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
        _store.Dispose();
        _mih16 = null;
        _mih32 = null;
    }

    /// <summary>The multi-index tables of width <paramref name="bits"/>, (re)built when missing or too stale.</summary>
    private MultiIndexTable Tables(int bits, int threads)
    {
        lock (_tablesLock)
        {
            var current = bits == 16 ? _mih16 : _mih32;
            var stale = current is null || _store.Count - current.Count > Math.Max(65_536, current.Count / 8);
            if (stale)
            {
                unsafe
                {
                    current = MultiIndexTable.Build(_store.Blocks, _store.Count, bits, threads);
                }

                if (bits == 16)
                {
                    _mih16 = current;
                }
                else
                {
                    _mih32 = current;
                }
            }

            return current!;
        }
    }

    /// <summary>Builds the multi-index tables of width 16 or 32 now (benchmarks time the build separately).</summary>
    internal void EnsureTables(int bits, int threads) => Tables(bits, threads);

    private bool HasTables(int bits)
    {
        var current = bits == 16 ? _mih16 : _mih32;
        return current is not null && _store.Count - current.Count <= Math.Max(65_536, current.Count / 8);
    }
}
