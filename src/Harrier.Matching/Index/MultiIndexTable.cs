using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Harrier.Media.Hashing;

namespace Harrier.Matching.Index;

/// <summary>
/// Multi-index hashing (Norouzi, Punjani and Fleet) with m parts: the 256-bit code is cut into m disjoint
/// substrings of ⌊256/m⌋ or ⌈256/m⌉ bits (8 ≤ m ≤ 32, so a part is 8..32 bits), and table t lists entry
/// positions by their t-th substring. With r = m·s + a (0 ≤ a &lt; m), an entry within r of a query has some
/// part t ≤ a within s bits or some part t &gt; a within s − 1 bits (otherwise the distance would be at least
/// (a+1)(s+1) + (m−a−1)s = r + 1): probing those keys in those tables finds every match, and a full distance
/// check of the candidates makes it exact. The refinement matters: at r = 31 and m = 10, eight of the ten tables
/// are probed at radius 2 instead of 3.
/// <para>
/// Each table is a CSR list over its directory: the top d bits of the part index the directory (d ≈ log2 N − 5, so
/// a slot holds about 32 entries, or more bits where that keeps the low keys to one byte), and each entry stores its position (4 bytes) and the
/// part's low width − d bits (0, 1 or 2 bytes). A probe enumerates the directory slots within the table's radius
/// and tests each slot's few low-bit keys against what the radius leaves after the slot's own distance. Slots are
/// visited in a two-stage software pipeline: the directory entry is prefetched sixteen slots ahead and read eight
/// ahead, which prefetches that slot's keys and positions, so the two dependent cache misses of a visit overlap
/// with the work of the slots before it.
/// </para>
/// <para>
/// The arrays live in native memory or in place in a mapped index file (format 2 stores them; see
/// <see cref="HammingIndex"/>). A table indexes positions [<see cref="Start"/>, <see cref="End"/>) of the store:
/// the main table from 0, a delta table over entries added since.
/// </para>
/// </summary>
internal sealed unsafe class MultiIndexTable : IDisposable
{
    public const int MinParts = 8, MaxParts = 32;

    private const int Ahead = 8;

    private readonly PartTable[] _tables;
    private readonly MappedFile? _mapped;
    private readonly List<nint> _owned;
    private int _references = 1;

    private MultiIndexTable(int start, int end, PartTable[] tables, MappedFile? mapped, List<nint> owned)
    {
        Start = start;
        End = end;
        _tables = tables;
        _mapped = mapped;
        _owned = owned;
    }

    /// <summary>One part's table: where the part lies in the hash, its directory and its entry arrays.</summary>
    internal struct PartTable
    {
        public int Offset;
        public int Width;
        public int DirectoryBits;
        public int KeyBytes;
        public uint* Directory;
        public int* Positions;
        public byte* Keys;

        public readonly int LowBits => Width - DirectoryBits;

        public readonly long DirectoryLength => (1L << DirectoryBits) + 1;
    }

    /// <summary>Number of parts (tables) m.</summary>
    public int Parts => _tables.Length;

    /// <summary>First indexed position.</summary>
    public int Start { get; }

    /// <summary>Positions [<see cref="Start"/>, End) are indexed; later ones must be scanned or covered by a delta table.</summary>
    public int End { get; }

    /// <summary>Indexed entries.</summary>
    public int Count => End - Start;

    /// <summary>Whether the arrays are read in place from a mapped index file.</summary>
    public bool IsMapped => _mapped is not null;

    internal ReadOnlySpan<PartTable> Tables => _tables;

    /// <summary>Bytes held by the tables.</summary>
    public long Bytes
    {
        get
        {
            long sum = 0;
            foreach (var t in _tables)
            {
                sum += (t.DirectoryLength * 4) + ((long)Count * (4 + t.KeyBytes));
            }

            return sum;
        }
    }

    /// <summary>Width in bits of part <paramref name="t"/> of <paramref name="parts"/>: the first 256 mod m parts are one bit wider.</summary>
    public static int Width(int parts, int t) => (256 / parts) + (t < 256 % parts ? 1 : 0);

    /// <summary>Bit offset of part <paramref name="t"/> of <paramref name="parts"/>.</summary>
    public static int Offset(int parts, int t) => (t * (256 / parts)) + Math.Min(t, 256 % parts);

    /// <summary>The probe radius of table <paramref name="t"/> for search radius <paramref name="radius"/> (−1: the table is not probed).</summary>
    public static int PartRadius(int radius, int parts, int t) => (radius / parts) - (t <= radius % parts ? 0 : 1);

    /// <summary>The <paramref name="width"/>-bit substring of a hash at bit <paramref name="offset"/> (LSB-first; width ≤ 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Substring(Hash256 h, int offset, int width)
    {
        var word = offset >> 6;
        var shift = offset & 63;
        var v = Word(h, word) >> shift;
        if (shift + width > 64)
        {
            v |= Word(h, word + 1) << (64 - shift);
        }

        return (uint)(v & ((1UL << width) - 1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Word(Hash256 h, int i) => i switch { 0 => h.W0, 1 => h.W1, 2 => h.W2, _ => h.W3 };

    /// <summary>log2 of the mean entries per directory slot (experiments set it; the tables record their directory bits).</summary>
    internal static int SlotSizeLog2 { get; set; } = 5;

    /// <summary>Directory bits for a part of <paramref name="width"/> bits over <paramref name="count"/> entries.</summary>
    public static int DirectoryBits(int width, int count)
    {
        // About 32 entries a slot (their one-byte keys fill one cache line, and the directory of ~N/32 slots mostly stays
        // in cache), or more directory bits where that gives one-byte keys (d ≥ width − 8) with fewer than N/2 slots;
        // two-byte keys otherwise. Measured at 10 M: 8 entries a slot was no faster and took 12 % more memory.
        var log = 64 - BitOperations.LeadingZeroCount((ulong)Math.Max(1, count - 1)); // ⌈log2 count⌉
        var floor = width - 8 <= log - 1 ? width - 8 : width - 16;
        return Math.Clamp(Math.Max(log - SlotSizeLog2, floor), 1, width);
    }

    /// <summary>Builds the tables over positions [<paramref name="start"/>, <paramref name="end"/>) of a block layout.</summary>
    public static MultiIndexTable Build(ulong* blocks, int start, int end, int parts, int threads)
    {
        if (parts is < MinParts or > MaxParts)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), parts, $"a multi-index has {MinParts} to {MaxParts} parts");
        }

        var count = end - start;
        var tables = new PartTable[parts];
        var owned = new List<nint>();
        for (var t = 0; t < parts; t++)
        {
            var width = Width(parts, t);
            var d = DirectoryBits(width, count);
            var low = width - d;
            var keyBytes = low == 0 ? 0 : low <= 8 ? 1 : 2;
            tables[t] = new PartTable
            {
                Offset = Offset(parts, t),
                Width = width,
                DirectoryBits = d,
                KeyBytes = keyBytes,
                Directory = (uint*)Alloc(owned, ((1L << d) + 1) * 4),
                Positions = (int*)Alloc(owned, (long)count * 4),
                Keys = keyBytes == 0 ? null : (byte*)Alloc(owned, (long)count * keyBytes),
            };
        }

        var result = new MultiIndexTable(start, end, tables, null, owned);
        var address = (nint)blocks;
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, t =>
            result.BuildTable((ulong*)address, t));
        return result;
    }

    /// <summary>A table set read in place from a mapped file (the file stays mapped while the tables live).</summary>
    public static MultiIndexTable FromMapped(MappedFile mapped, int start, int end, PartTable[] tables)
    {
        mapped.Retain();
        return new MultiIndexTable(start, end, tables, mapped, []);
    }

    private static void* Alloc(List<nint> owned, long bytes)
    {
        var p = LargeMemory.Alloc((nuint)bytes);
        owned.Add((nint)p);
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BuildTable(ulong* blocks, int t)
    {
        // A counting sort by directory slot, stable in position, in two cache-friendly steps: entries are first
        // partitioned by the slot's top bits into at most 256 runs (256 sequential write streams), then each run is
        // counting-sorted by the rest of the slot with a directory segment small enough to stay in cache. A one-step
        // scatter into a directory of millions of slots misses the cache on every entry (15 s for 11 tables at 10 M).
        ref var table = ref _tables[t];
        var dir = table.Directory;
        var d = table.DirectoryBits;
        var size = 1L << d;
        var low = table.LowBits;
        var lowMask = (uint)((1UL << low) - 1);
        var count = End - Start;
        var topBits = Math.Min(8, d);
        var restBits = d - topBits;
        var runs = 1 << topBits;
        var keys = (uint*)NativeMemory.Alloc((nuint)Math.Max(1, count) * 4);
        var sortedKeys = (uint*)NativeMemory.Alloc((nuint)Math.Max(1, count) * 4);
        var sortedPositions = (int*)NativeMemory.Alloc((nuint)Math.Max(1, count) * 4);
        try
        {
            var runStart = new long[runs + 1];
            for (var i = 0; i < count; i++)
            {
                var key = Substring(HashStore.Read(blocks, Start + i), table.Offset, table.Width);
                keys[i] = key;
                runStart[(key >> (low + restBits)) + 1]++;
            }

            for (var r = 0; r < runs; r++)
            {
                runStart[r + 1] += runStart[r];
            }

            var fill = (long[])runStart.Clone();
            for (var i = 0; i < count; i++)
            {
                var key = keys[i];
                var at = fill[key >> (low + restBits)]++;
                sortedKeys[at] = key;
                sortedPositions[at] = Start + i;
            }

            var restSize = 1 << restBits;
            var restMask = (uint)(restSize - 1);
            var local = new int[restSize + 1];
            for (var r = 0; r < runs; r++)
            {
                var lo = runStart[r];
                var hi = runStart[r + 1];
                Array.Clear(local);
                for (var j = lo; j < hi; j++)
                {
                    local[((sortedKeys[j] >> low) & restMask) + 1]++;
                }

                for (var k = 0; k < restSize; k++)
                {
                    local[k + 1] += local[k];
                }

                var slotBase = (long)r << restBits;
                for (var k = 0; k < restSize; k++)
                {
                    dir[slotBase + k] = (uint)(lo + local[k]);
                }

                for (var j = lo; j < hi; j++)
                {
                    var key = sortedKeys[j];
                    var at = lo + local[(key >> low) & restMask]++;
                    table.Positions[at] = sortedPositions[j];
                    if (table.KeyBytes == 1)
                    {
                        table.Keys[at] = (byte)(key & lowMask);
                    }
                    else if (table.KeyBytes == 2)
                    {
                        ((ushort*)table.Keys)[at] = (ushort)(key & lowMask);
                    }
                }
            }

            dir[size] = (uint)count;
        }
        finally
        {
            NativeMemory.Free(keys);
            NativeMemory.Free(sortedKeys);
            NativeMemory.Free(sortedPositions);
        }
    }

    /// <summary>
    /// Appends to <paramref name="candidates"/> (from <paramref name="count"/> on) the position of every entry that
    /// shares a probed key with the query, in every table (an entry may come once per table it matches in).
    /// Returns false, leaving <paramref name="count"/> past <paramref name="limit"/>, as soon as more than
    /// <paramref name="limit"/> candidates were found: such a query is cheaper to scan.
    /// The directory slots of all tables are listed first and visited in one prefetch pipeline: a table probed at
    /// radius 1 has only d + 1 slots, fewer than the pipeline's depth, so pipelines per table would leave most of its
    /// slot visits as two misses in a row (with 12 or more parts at radius 31, most tables are such).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Collect(Hash256 query, int radius, ref int[] candidates, ref int count, ref ulong[] scratch, long limit)
    {
        var parts = _tables.Length;
        var entries = Count;
        Span<uint> qlows = stackalloc uint[parts];
        var n = 0;
        for (var t = 0; t < parts; t++)
        {
            var rt = PartRadius(radius, parts, t);
            if (rt < 0)
            {
                continue;
            }

            ref readonly var table = ref _tables[t];
            var key = Substring(query, table.Offset, table.Width);
            var low = table.LowBits;
            var perTable = (long)PerTable(table.DirectoryBits, rt);
            if (scratch.Length < n + perTable)
            {
                Array.Resize(ref scratch, (int)Math.Max(2L * scratch.Length, n + perTable));
            }

            qlows[t] = key & (uint)((1UL << low) - 1);
            n = Enumerate(key >> low, table.DirectoryBits, rt, t, scratch, n);
        }

        for (var i = 0; i < n; i++)
        {
            if (Sse.IsSupported)
            {
                if (i + (2 * Ahead) < n)
                {
                    var e2 = scratch[i + (2 * Ahead)];
                    Sse.Prefetch0(_tables[(int)(e2 >> TableShift)].Directory + (uint)e2);
                }

                if (i + Ahead < n)
                {
                    var e1 = scratch[i + Ahead];
                    ref readonly var t1 = ref _tables[(int)(e1 >> TableShift)];
                    var ahead = t1.Directory[(uint)e1];
                    Sse.Prefetch0(t1.Positions + ahead);
                    if (t1.KeyBytes != 0)
                    {
                        Sse.Prefetch0(t1.Keys + ((long)ahead * t1.KeyBytes));
                    }
                }
            }

            var e = scratch[i];
            var t = (int)(e >> TableShift);
            ref readonly var table = ref _tables[t];
            var slot = (uint)e;
            var lo = (int)table.Directory[slot];
            var hi = (int)table.Directory[slot + 1];
            if (lo == hi)
            {
                continue;
            }

            if ((uint)hi > (uint)entries || (uint)lo > (uint)hi)
            {
                throw new IndexFormatException($"multi-index table {t} of {parts}: directory slot {slot} spans [{lo}, {hi}) of {entries} entries: the tables are damaged");
            }

            if (candidates.Length < count + (hi - lo))
            {
                Array.Resize(ref candidates, Math.Max(candidates.Length * 2, count + (hi - lo)));
            }

            var allowance = (int)((e >> AllowanceShift) & 0xFF);
            var qlow = qlows[t];
            var positions = table.Positions;
            if (table.KeyBytes == 0)
            {
                new ReadOnlySpan<int>(positions + lo, hi - lo).CopyTo(candidates.AsSpan(count));
                count += hi - lo;
            }
            else if (table.KeyBytes == 1)
            {
                var keys = table.Keys;
                for (var j = lo; j < hi; j++)
                {
                    if (BitOperations.PopCount(keys[j] ^ qlow) <= allowance)
                    {
                        candidates[count++] = positions[j];
                    }
                }
            }
            else
            {
                var keys16 = (ushort*)table.Keys;
                for (var j = lo; j < hi; j++)
                {
                    if (BitOperations.PopCount(keys16[j] ^ qlow) <= allowance)
                    {
                        candidates[count++] = positions[j];
                    }
                }
            }

            if (count > limit)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Where a listed slot keeps its low-key allowance and its table (the slot index is the low 32 bits).</summary>
    private const int AllowanceShift = 32;

    private const int TableShift = 40;

    /// <summary>
    /// Lists at <paramref name="output"/>[<paramref name="n"/>..] every directory slot within <paramref name="radius"/>
    /// bits of <paramref name="key"/> (by distance class, Gosper's hack per class), each with table
    /// <paramref name="table"/> and the bits left for its low key (the radius less the slot's distance); returns the new
    /// end of the list.
    /// </summary>
    private static int Enumerate(uint key, int bits, int radius, int table, ulong[] output, int n)
    {
        var tag = (ulong)table << TableShift;
        output[n++] = key | ((ulong)radius << AllowanceShift) | tag;
        var end = 1UL << bits;
        for (var flips = 1; flips <= Math.Min(radius, bits); flips++)
        {
            var mask = (1UL << flips) - 1;
            var allowance = ((ulong)(radius - flips) << AllowanceShift) | tag;
            while (mask < end)
            {
                output[n++] = (key ^ (uint)mask) | allowance;
                var c = mask & (0 - mask);
                var rr = mask + c;
                mask = (((rr ^ mask) >> 2) / c) | rr;
            }
        }

        return n;
    }

    /// <summary>Σ_{i ≤ s} C(bits, i): keys within s bits of a bits-wide key.</summary>
    public static double PerTable(int bits, int probeRadius)
    {
        double sum = 0, c = 1;
        for (var i = 0; i <= Math.Min(probeRadius, bits); i++)
        {
            sum += c;
            c = c * (bits - i) / (i + 1);
        }

        return sum;
    }

    /// <summary>Directory slots visited per query by an m-part table set over <paramref name="count"/> entries at <paramref name="radius"/>.</summary>
    public static double SlotsPerQuery(int parts, int count, int radius)
    {
        double sum = 0;
        for (var t = 0; t < parts; t++)
        {
            var rt = PartRadius(radius, parts, t);
            if (rt >= 0)
            {
                sum += PerTable(DirectoryBits(Width(parts, t), count), rt);
            }
        }

        return sum;
    }

    /// <summary>Bytes an m-part table set over <paramref name="count"/> entries takes.</summary>
    public static long BytesFor(int parts, int count)
    {
        long sum = 0;
        for (var t = 0; t < parts; t++)
        {
            var w = Width(parts, t);
            var d = DirectoryBits(w, count);
            var low = w - d;
            sum += (((1L << d) + 1) * 4) + ((long)count * (4 + (low == 0 ? 0 : low <= 8 ? 1 : 2)));
        }

        return sum;
    }

    /// <summary>
    /// Takes a reference for a search in flight: the index may replace the tables (a rebuild when entries were added)
    /// while another search still reads them, and the arrays are freed only when the last reference is let go.
    /// </summary>
    public MultiIndexTable Retain()
    {
        Interlocked.Increment(ref _references);
        return this;
    }

    /// <summary>Lets go of one reference; the last one frees the native arrays or lets go of the mapped file.</summary>
    public void Dispose()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        foreach (var p in _owned)
        {
            LargeMemory.Free((void*)p);
        }

        _owned.Clear();
        _mapped?.Dispose();
    }
}
