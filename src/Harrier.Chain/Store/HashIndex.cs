using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Harrier.Chain.Store;

/// <summary>One entry of a sorted run: a 32-byte key and the id it maps to (36 bytes, packed).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly struct IndexEntry(Hash32 key, int value)
{
    public readonly Hash32 Key = key;
    public readonly int Value = value;
}

/// <summary>Orders 32-byte keys as four unsigned words, first word first (the run order).</summary>
internal sealed class KeyOrder : IComparer<IndexEntry>, IEqualityComparer<Hash32>
{
    public static readonly KeyOrder Instance = new();

    public static int Compare(in Hash32 a, in Hash32 b)
    {
        if (a.W0 != b.W0)
        {
            return a.W0 < b.W0 ? -1 : 1;
        }

        if (a.W1 != b.W1)
        {
            return a.W1 < b.W1 ? -1 : 1;
        }

        if (a.W2 != b.W2)
        {
            return a.W2 < b.W2 ? -1 : 1;
        }

        return a.W3 == b.W3 ? 0 : a.W3 < b.W3 ? -1 : 1;
    }

    public int Compare(IndexEntry x, IndexEntry y) => Compare(x.Key, y.Key);

    public bool Equals(Hash32 x, Hash32 y) => x == y;

    // Keys are hashes (txids, script hashes, or a 20-byte script hash first): the first word is already uniform.
    public int GetHashCode(Hash32 obj) => (int)obj.W0 ^ (int)(obj.W0 >> 32);
}

/// <summary>
/// A hash → id index on disk that grows without rewriting itself: an in-memory delta (a hash table of at most
/// <see cref="DeltaLimit"/> entries) spilled as a <b>sorted run</b> file when full, and runs merged geometrically
/// (the newer two whenever the older is at most twice the newer), so a store of n keys has O(log n) runs and every
/// key is rewritten O(log n) times in all. Lookups try the delta, then the runs newest first (a later duplicate wins:
/// BIP30's two mainnet coinbase txids, as in Bitcoin Core); a run is memory-mapped and read through a directory of
/// its keys' leading bits held in memory, so a lookup touches one or two pages of a run.
/// <para>
/// Why this and not an embedded key-value store (RocksDB, LMDB, FASTER): the keys are uniform hashes and the ids
/// dense, the store only ever appends, and readers need nothing but "key → id"; a sorted run answers that with a
/// directory step and a binary search in one page, needs no write-ahead log (the manifest, written last, names the
/// runs in use), has no native dependency to ship in an offline evidence tool and no tuning, and is read the same way
/// as the columns. What it gives up (deletes, range scans over live writes) the store never needs.
/// </para>
/// </summary>
internal sealed class HashIndex : IDisposable
{
    /// <summary>Entries held in memory before a spill (8 M: about 0.45 GB per index).</summary>
    internal static int DeltaLimit = 8 << 20;

    /// <summary>
    /// Bytes of run filters an index holds in memory (1 GB: every filter of a 50 M-transaction store, about 0.35 GB in
    /// all, fits, as when filters lived only in memory); the filters of runs past it are read through the runs'
    /// mappings, so the import's own memory stays bounded at mainnet size (≈ 7 GB of filters). Each lookup of an absent
    /// key reads one line of every run's filter, so held lines never wait for the disk.
    /// </summary>
    internal static long FilterMemoryLimit = 1L << 30;

    private const int HeaderSize = 32;

    /// <summary>The run version written: 1 had no filter, 2 stored one (blocks mixed), 3 stores it with its blocks in key order.</summary>
    private const ushort Version = 3;
    private static ReadOnlySpan<byte> Magic => "HRIX"u8;
    private readonly string _directory;
    private readonly string _name;
    private readonly List<Run> _runs = [];
    private readonly List<string> _obsolete = [];
    private readonly HashSet<string> _committed;
    private readonly bool _writable;
    private DeltaTable _delta = new();
    private long _filterBytesHeld;
    private int _nextSeq;
    private bool _randomAccess;

    /// <summary>
    /// The runs are read only by single lookups (no sweep in key order): their mappings are advised random, so a
    /// page read from disk does not bring the pages around it (<see cref="FileMapping.AdviseRandom"/>).
    /// </summary>
    public bool RandomAccess
    {
        get => _randomAccess;
        set
        {
            _randomAccess = value;
            foreach (var r in _runs)
            {
                r.RandomAccess = value;
            }
        }
    }

    /// <summary>Opens the runs <paramref name="runNames"/> (oldest first) of index <paramref name="name"/> in <paramref name="directory"/>.</summary>
    public HashIndex(string directory, string name, IReadOnlyList<string> runNames, bool writable)
    {
        _directory = directory;
        _name = name;
        _writable = writable;
        _committed = [.. runNames];
        foreach (var r in runNames)
        {
            _runs.Add(OpenRun(r));
            _nextSeq = Math.Max(_nextSeq, SeqOf(r) + 1);
        }
    }

    /// <summary>Entries in the delta and the runs (duplicates counted once per place).</summary>
    public long Count => _delta.Count + _runs.Sum(r => (long)r.Count);

    /// <summary>The entries of each run in use, oldest first.</summary>
    internal IReadOnlyList<int> RunCounts => _runs.Select(r => r.Count).ToList();

    /// <summary>The run files in use, oldest first (what the manifest names).</summary>
    public IReadOnlyList<string> RunNames => _runs.Select(r => r.Name).ToList();

    /// <summary>Runs the store's manifest named that merges replaced: delete once the new manifest is written (runs this import wrote are deleted as soon as they are merged away).</summary>
    public IReadOnlyList<string> Obsolete => _obsolete;

    /// <summary>Asks the CPU to start loading what a lookup of <paramref name="key"/> reads first (a hint).</summary>
    public void Prefetch(in Hash32 key)
    {
        _delta.Prefetch(key);
        foreach (var r in _runs)
        {
            r.Prefetch(key);
        }
    }

    /// <summary>Starts loading the delta slot a lookup of <paramref name="key"/> in <see cref="TryGetRecent"/> reads (a hint).</summary>
    public void PrefetchRecent(in Hash32 key) => _delta.Prefetch(key);

    /// <summary>
    /// The id of <paramref name="key"/> if it is in the delta (the keys added since the last spill, held in memory);
    /// false says nothing about the runs. An import resolves what this finds at once and the rest later, in key order.
    /// </summary>
    public bool TryGetRecent(in Hash32 key, out int value)
    {
        if (_delta.Count > 0 && _delta.TryGetValue(key, out value))
        {
            return true;
        }

        value = -1;
        return false;
    }

    /// <summary>The id of <paramref name="key"/>: delta first, then the runs newest first.</summary>
    public bool TryGet(in Hash32 key, out int value)
    {
        if (_delta.Count > 0 && _delta.TryGetValue(key, out value))
        {
            return true;
        }

        for (var r = _runs.Count - 1; r >= 0; r--)
        {
            if (_runs[r].TryGet(key, out value))
            {
                return true;
            }
        }

        value = -1;
        return false;
    }

    /// <summary>Maps <paramref name="key"/> to <paramref name="value"/> (a later value for the same key wins).</summary>
    public void Add(in Hash32 key, int value)
    {
        if (!_writable)
        {
            throw new InvalidOperationException($"index {_name} was opened to read");
        }

        _delta.Set(key, value);
        if (_delta.Count >= DeltaLimit)
        {
            Spill();
        }
    }

    /// <summary>Writes the delta as a run (and merges), so every entry is on disk; returns the runs in use.</summary>
    public IReadOnlyList<string> Flush()
    {
        if (_delta.Count > 0)
        {
            Spill();
        }

        return RunNames;
    }

    /// <summary>Unmaps and maps the runs again: pages read so far stop counting in the process's resident memory.</summary>
    public void Remap()
    {
        foreach (var r in _runs)
        {
            r.Remap();
        }
    }

    /// <summary>Index files in <paramref name="directory"/> of this index that <paramref name="inUse"/> does not name (left by a killed import).</summary>
    public static IEnumerable<string> Strays(string directory, string name, IReadOnlyCollection<string> inUse) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, name + ".*.run").Select(Path.GetFileName).OfType<string>().Where(f => !inUse.Contains(f))
            : [];

    private static int SeqOf(string runName)
    {
        var parts = runName.Split('.');
        return parts.Length >= 3 && int.TryParse(parts[^2], out var s) ? s : 0;
    }

    /// <summary>
    /// Writes the delta as the newest run, after merging the runs already there (the newer two whenever the older is
    /// at most twice the newer). The run just written is never merged at once: it holds the keys added last, which an
    /// import looks up most (an address paid again soon after it was first paid), and as a run of at most
    /// <see cref="DeltaLimit"/> entries its pages stay in memory; merged into the largest run, each such lookup would
    /// read a page of the whole store's keys at random.
    /// </summary>
    private void Spill()
    {
        var name = NextName();
        var built = Run.Write(Path.Combine(_directory, name), _delta.Sorted(), MayHoldFilter(_delta.Count));
        _delta = new DeltaTable();
        while (_runs.Count >= 2 && _runs[^2].Count <= 2L * _runs[^1].Count)
        {
            var older = _runs[^2];
            var newer = _runs[^1];
            var merged = NextName();
            var mergedFilter = Run.Merge(older, newer, Path.Combine(_directory, merged), MayHoldFilter((long)older.Count + newer.Count));
            _runs.RemoveRange(_runs.Count - 2, 2);
            Close(older);
            Close(newer);
            foreach (var gone in (ReadOnlySpan<string>)[older.Name, newer.Name])
            {
                // A run the store's manifest names must stay until the new manifest is written (a killed import leaves
                // the store as it was); a run this import wrote and has merged away is named nowhere: delete it now, or
                // a long import keeps every generation of its runs (n log n bytes: 27 GB at 50 M transactions).
                if (_committed.Contains(gone))
                {
                    _obsolete.Add(gone);
                }
                else
                {
                    File.Delete(Path.Combine(_directory, gone));
                }
            }
            _runs.Add(OpenRun(merged, mergedFilter));
        }

        _runs.Add(OpenRun(name, built));
    }

    /// <summary>
    /// Whether the filter of a run of <paramref name="keys"/> keys fits the memory limit: then it is built in memory,
    /// written to the run's file in one sequential write and kept; else built in place through a mapping of the file.
    /// </summary>
    private bool MayHoldFilter(long keys) => _filterBytesHeld + (RunFilter.BlocksFor(keys) * 64) <= FilterMemoryLimit;

    /// <summary>Opens a run; its filter is held in memory (<paramref name="built"/>, or copied from the file) while the limit allows.</summary>
    private Run OpenRun(string name, RunFilter? built = null)
    {
        var run = Run.Open(Path.Combine(_directory, name), name);
        run.RandomAccess = _randomAccess;
        if (run.FilterBytes > 0 && _filterBytesHeld + run.FilterBytes <= FilterMemoryLimit)
        {
            run.HoldFilter(built);
            _filterBytesHeld += run.FilterBytes;
        }

        return run;
    }

    private void Close(Run run)
    {
        if (run.HoldsFilter)
        {
            _filterBytesHeld -= run.FilterBytes;
        }

        run.Dispose();
    }

    /// <summary>Bytes of run filters held in memory (the rest are read through the runs' mappings).</summary>
    internal long FilterBytesHeld => _filterBytesHeld;

    /// <summary>The same, summed over the runs in use (a check of the accounting).</summary>
    internal long FilterBytesHeldByRuns => _runs.Where(r => r.HoldsFilter).Sum(r => r.FilterBytes);

    private string NextName() => $"{_name}.{_nextSeq++:D6}.run";

    public void Dispose()
    {
        foreach (var r in _runs)
        {
            r.Dispose();
        }

        _runs.Clear();
    }

    /// <summary>
    /// One sorted run: header (magic <c>HRIX</c>, version, entry size, count, directory bits, filter blocks), the
    /// filter (<see cref="RunFilter"/>; none in a version-1 run, blocks mixed in version 2, in key order since 3), the
    /// entries in key order, then the directory: for each value of the first word's top <c>bits</c> bits, where its
    /// entries start.
    /// </summary>
    private sealed unsafe class Run : IDisposable
    {
        private FileMapping? _map;
        private IndexEntry* _entries;
        private int[] _dir = [0, 0];
        private int _bits;
        private long _filterBlocks;
        private RunFilter _filter;
        private bool _randomAccess;
        private int _version;

        private Run(string path, string name)
        {
            Path = path;
            Name = name;
        }

        public string Path { get; }

        public string Name { get; }

        public int Count { get; private set; }

        /// <summary>Where the entries start in the file (after the header and the filter).</summary>
        public long EntriesOffset => HeaderSize + (_filterBlocks * 64);

        /// <summary>The size of the stored filter (0: a run written without one).</summary>
        public long FilterBytes => _filterBlocks * 64;

        public bool HoldsFilter => _filter.InMemory;

        /// <summary>Version 3 and later: the filter's blocks are in key order (<see cref="RunFilter"/>).</summary>
        private bool OrderedFilter => _version >= 3;

        /// <summary>
        /// Holds the filter in memory and reads it there from now on: <paramref name="built"/> (what the writer built in
        /// memory and wrote), or else a copy read from the file.
        /// </summary>
        public void HoldFilter(RunFilter? built)
        {
            if (_filterBlocks == 0 || _filter.InMemory)
            {
                return;
            }

            if (built is { InMemory: true } b)
            {
                _filter = b;
                return;
            }

            using var fs = File.OpenRead(Path);
            fs.Position = HeaderSize;
            _filter = RunFilter.Read(fs, _filterBlocks, OrderedFilter);
        }

        public bool RandomAccess
        {
            get => _randomAccess;
            set
            {
                _randomAccess = value;
                if (value)
                {
                    _map?.AdviseRandom(EntriesOffset + ((long)Count * sizeof(IndexEntry)));
                }
            }
        }

        public static Run Open(string path, string name)
        {
            var run = new Run(path, name);
            Span<byte> header = stackalloc byte[HeaderSize];
            using (var fs = File.OpenRead(path))
            {
                fs.ReadExactly(header);
                if (!header[..4].SequenceEqual(Magic))
                {
                    throw new InvalidDataException($"{path}: not a Harrier index run");
                }

                run._version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
                if (run._version is 0 or > Version)
                {
                    throw new InvalidDataException($"{path}: index run version {run._version}; this build reads versions 1 to {Version}");
                }

                run.Count = (int)BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
                run._bits = header[16];
                run._filterBlocks = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
                var dir = new int[(1 << run._bits) + 1];
                var dirOffset = run.EntriesOffset + ((long)run.Count * sizeof(IndexEntry));
                if (fs.Length != dirOffset + (dir.Length * 4L))
                {
                    throw new InvalidDataException($"{path}: index run of {fs.Length} bytes, its header says {run.Count} entries");
                }

                fs.Position = dirOffset;
                fs.ReadExactly(MemoryMarshal.AsBytes(dir.AsSpan()));
                run._dir = dir;
            }

            run.Map();
            return run;
        }

        private void Map()
        {
            if (Count == 0)
            {
                return;
            }

            _map = new FileMapping(Path, 0, writable: false);
            _entries = (IndexEntry*)(_map.Start + EntriesOffset);
            if (!_filter.InMemory)
            {
                _filter = _filterBlocks > 0 ? new RunFilter((ulong*)(_map.Start + HeaderSize), _filterBlocks, OrderedFilter) : default;
            }
            if (_randomAccess)
            {
                _map.AdviseRandom(EntriesOffset + ((long)Count * sizeof(IndexEntry)));
            }
        }

        public void Remap()
        {
            Unmap();
            Map();
        }

        /// <summary>Starts loading the filter block and the directory slot a lookup of <paramref name="key"/> reads first.</summary>
        public void Prefetch(in Hash32 key)
        {
            if (Count == 0)
            {
                return;
            }

            if (_filter.Exists)
            {
                _filter.Prefetch(key);
            }
            else if (Sse.IsSupported)
            {
                fixed (int* d = &_dir[_bits == 0 ? 0 : (int)(key.W0 >> (64 - _bits))])
                {
                    Sse.Prefetch0(d);
                }
            }
        }

        public bool TryGet(in Hash32 key, out int value)
        {
            value = -1;
            if (Count == 0 || (_filter.Exists && !_filter.MayContain(key)))
            {
                return false;
            }

            var bucket = _bits == 0 ? 0 : (int)(key.W0 >> (64 - _bits));
            int lo = _dir[bucket], hi = _dir[bucket + 1] - 1;
            while (lo <= hi)
            {
                var mid = (int)((uint)(lo + hi) >> 1);
                var c = KeyOrder.Compare(_entries[mid].Key, key);
                if (c == 0)
                {
                    value = _entries[mid].Value;
                    return true;
                }

                if (c < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return false;
        }

        /// <summary>Writes a run; returns its filter when built in memory (<paramref name="filterInMemory"/>).</summary>
        public static RunFilter? Write(string path, ReadOnlySpan<IndexEntry> sorted, bool filterInMemory)
        {
            using var w = new RunWriter(path, sorted.Length, filterInMemory);
            foreach (var e in sorted)
            {
                w.Add(e);
            }

            return w.Finish();
        }

        /// <summary>Merges two runs into a new file, streaming both (never mapped: a merge must not grow resident memory); the newer wins a duplicate key.</summary>
        public static RunFilter? Merge(Run older, Run newer, string path, bool filterInMemory)
        {
            using var w = new RunWriter(path, (long)older.Count + newer.Count, filterInMemory);
            using var a = new RunReader(older.Path, older.EntriesOffset, older.Count);
            using var b = new RunReader(newer.Path, newer.EntriesOffset, newer.Count);
            var haveA = a.TryNext(out var ea);
            var haveB = b.TryNext(out var eb);
            while (haveA || haveB)
            {
                var c = !haveA ? 1 : !haveB ? -1 : KeyOrder.Compare(ea.Key, eb.Key);
                if (c < 0)
                {
                    w.Add(ea);
                    haveA = a.TryNext(out ea);
                }
                else
                {
                    w.Add(eb);
                    if (c == 0)
                    {
                        haveA = a.TryNext(out ea);
                    }

                    haveB = b.TryNext(out eb);
                }
            }

            return w.Finish();
        }

        private void Unmap()
        {
            _map?.Dispose();
            _map = null;
            _entries = null;
        }

        public void Dispose() => Unmap();
    }

    /// <summary>
    /// Writes a run's entries in key order through a buffer, then its filter, directory and header. The filter is built
    /// in memory and written in one sequential write when the index may hold it (no page fault per filter page, merges
    /// included); else in place in the file through a mapping, so a merge of a large run does not hold its filter in
    /// the process's memory.
    /// </summary>
    private sealed unsafe class RunWriter : IDisposable
    {
        private readonly FileStream _fs;
        private readonly string _path;
        private readonly int _bits;
        private readonly int[] _dir;
        private readonly long _filterBlocks;
        private FileMapping? _filterMap;
        private readonly RunFilter _filter;
        private readonly IndexEntry[] _buffer = new IndexEntry[1 << 14];
        private int _buffered;
        private long _count;

        public RunWriter(string path, long capacity, bool filterInMemory)
        {
            _path = path;
            _fs = new FileStream(path + ".tmp", FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            _filterBlocks = RunFilter.BlocksFor(capacity);
            var entriesOffset = HeaderSize + (_filterBlocks * 64);
            _fs.SetLength(entriesOffset); // zeros, and sparse until the filter's bits are set
            if (filterInMemory)
            {
                _filter = new RunFilter(capacity);
            }
            else
            {
                _filterMap = new FileMapping(_fs, entriesOffset, writable: true);
                _filter = new RunFilter((ulong*)(_filterMap.Start + HeaderSize), _filterBlocks, ordered: true);
            }

            _fs.Position = entriesOffset;
            var bits = 0;
            while (bits < 24 && (1L << (bits + 2)) < capacity)
            {
                bits++;
            }

            _bits = bits;
            _dir = new int[(1 << bits) + 1];
        }

        public void Add(in IndexEntry e)
        {
            var bucket = _bits == 0 ? 0 : (int)(e.Key.W0 >> (64 - _bits));
            _dir[bucket + 1]++;
            _filter.Add(e.Key);
            _buffer[_buffered++] = e;
            _count++;
            if (_buffered == _buffer.Length)
            {
                _fs.Write(MemoryMarshal.AsBytes(_buffer.AsSpan(0, _buffered)));
                _buffered = 0;
            }
        }

        /// <summary>Writes the filter (if built in memory), the directory and the header, and moves the run into place; returns the in-memory filter.</summary>
        public RunFilter? Finish()
        {
            if (_filterMap is not null)
            {
                _filterMap.Flush();
                _filterMap.Dispose();
                _filterMap = null;
            }

            _fs.Write(MemoryMarshal.AsBytes(_buffer.AsSpan(0, _buffered)));
            _buffered = 0;
            for (var i = 1; i < _dir.Length; i++)
            {
                _dir[i] += _dir[i - 1];
            }

            _fs.Write(MemoryMarshal.AsBytes(_dir.AsSpan()));
            if (_filter.InMemory)
            {
                _fs.Position = HeaderSize;
                _fs.Write(_filter.MemoryBytes);
            }

            Span<byte> header = stackalloc byte[HeaderSize];
            header.Clear();
            Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)sizeof(IndexEntry));
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], _count);
            header[16] = (byte)_bits;
            BinaryPrimitives.WriteInt64LittleEndian(header[24..], _filterBlocks);
            _fs.Position = 0;
            _fs.Write(header);
            _fs.Flush(flushToDisk: true);
            _fs.Dispose();
            File.Move(_path + ".tmp", _path, overwrite: true);
            return _filter.InMemory ? _filter : null;
        }

        public void Dispose()
        {
            _filterMap?.Dispose();
            _fs.Dispose();
        }
    }

    /// <summary>Reads a run's entries in order through a buffer.</summary>
    private sealed class RunReader : IDisposable
    {
        private readonly FileStream _fs;
        private readonly IndexEntry[] _buffer = new IndexEntry[1 << 14];
        private long _left;
        private int _at;
        private int _have;

        public RunReader(string path, long entriesOffset, long count)
        {
            _fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            _fs.Position = entriesOffset;
            _left = count;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryNext(out IndexEntry e)
        {
            if (_at == _have)
            {
                if (_left == 0)
                {
                    e = default;
                    return false;
                }

                _have = (int)Math.Min(_buffer.Length, _left);
                _fs.ReadExactly(MemoryMarshal.AsBytes(_buffer.AsSpan(0, _have)));
                _left -= _have;
                _at = 0;
            }

            e = _buffer[_at++];
            return true;
        }

        public void Dispose() => _fs.Dispose();
    }
}
