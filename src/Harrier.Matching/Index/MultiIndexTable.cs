using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Harrier.Media.Hashing;

namespace Harrier.Matching.Index;

/// <summary>
/// Multi-index hashing (Norouzi, Punjani and Fleet): the 256-bit code is cut into m = 256/b disjoint
/// b-bit substrings, and table t lists every entry position by its t-th substring. An entry within
/// distance r of a query differs from it in at most r bits in all, so some substring differs in at
/// most ⌊r/m⌋ bits (pigeonhole); probing every key within ⌊r/m⌋ of the query's substring in every
/// table therefore finds every match, and a full distance check of the candidates makes it exact.
/// Each table is a CSR bucket list sorted by key. For b = 16 the offset directory is indexed by the
/// key itself. For b = 32 it is indexed by the key's top d bits, d ≈ log2 N − 3 (16..22, so a
/// directory slot covers about eight entries): only the slots within the probe radius are enumerated
/// and each slot's few keys are tested in full, far fewer random reads than probing every 32-bit key.
/// Probes are enumerated first and then looked up with a software prefetch of the directory a few
/// probes ahead: each probe is otherwise a cache miss. 4·m bytes per entry for postings (plus 4·m for
/// the keys when b = 32), plus the directories.
/// </summary>
internal sealed unsafe class MultiIndexTable
{
    private const int PrefetchAhead = 16;

    private readonly int[][] _directory;
    private readonly int[][] _postings;
    private readonly uint[][]? _keys;
    private readonly int _shift;

    private MultiIndexTable(int bits, int count, int directoryBits, int[][] directory, int[][] postings, uint[][]? keys)
    {
        Bits = bits;
        Count = count;
        _shift = bits - directoryBits;
        _directory = directory;
        _postings = postings;
        _keys = keys;
    }

    /// <summary>Substring width b: 16 or 32.</summary>
    public int Bits { get; }

    /// <summary>Number of tables m = 256 / b.</summary>
    public int Tables => 256 / Bits;

    /// <summary>Entries [0, Count) are indexed; later ones must be scanned.</summary>
    public int Count { get; }

    /// <summary>Bytes held by the tables.</summary>
    public long Bytes => (long)Tables * ((Count * (Bits == 32 ? 8L : 4L)) + (_directory[0].Length * 4L));

    /// <summary>The t-th b-bit substring of a hash (bits t·b .. t·b+b-1, LSB-first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Substring(Hash256 h, int bits, int t)
    {
        var bit = t * bits;
        var word = (bit >> 6) switch { 0 => h.W0, 1 => h.W1, 2 => h.W2, _ => h.W3 };
        var v = word >> (bit & 63);
        return bits == 32 ? (uint)v : (uint)(v & 0xFFFF);
    }

    /// <summary>Directory bits for a table of <paramref name="count"/> entries.</summary>
    public static int DirectoryBits(int bits, int count) =>
        bits == 16 ? 16 : Math.Clamp(BitOperations.Log2((uint)Math.Max(1, count)) + 1 - 3, 16, 22);

    /// <summary>Builds the tables over entries [0, count) of a block layout, one counting sort per table.</summary>
    public static MultiIndexTable Build(ulong* blocks, int count, int bits, int threads)
    {
        if (bits is not (16 or 32))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "substring width is 16 or 32 bits");
        }

        var tables = 256 / bits;
        var directoryBits = DirectoryBits(bits, count);
        var directory = new int[tables][];
        var postings = new int[tables][];
        var keys = bits == 32 ? new uint[tables][] : null;
        var blocksAddress = (nint)blocks;
        Parallel.For(0, tables, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, t =>
            BuildTable((ulong*)blocksAddress, count, bits, directoryBits, t, directory, postings, keys));

        return new MultiIndexTable(bits, count, directoryBits, directory, postings, keys);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BuildTable(ulong* src, int count, int bits, int directoryBits, int t,
        int[][] directory, int[][] postings, uint[][]? keys)
    {
        var shift = bits - directoryBits;
        var size = 1 << directoryBits;
        var dir = new int[size + 1];
        for (var i = 0; i < count; i++)
        {
            dir[(Substring(HashStore.Read(src, i), bits, t) >> shift) + 1]++;
        }

        for (var k = 0; k < size; k++)
        {
            dir[k + 1] += dir[k];
        }

        var fill = dir.AsSpan(0, size).ToArray();
        var post = new int[count];
        var tableKeys = shift > 0 ? new uint[count] : null;
        for (var i = 0; i < count; i++)
        {
            var key = Substring(HashStore.Read(src, i), bits, t);
            var slot = fill[key >> shift]++;
            post[slot] = i;
            if (tableKeys is not null)
            {
                tableKeys[slot] = key;
            }
        }

        if (tableKeys is not null)
        {
            // Positions within a directory slot arrive in position order; sort each slot by full key,
            // stable in position so candidates come out in a deterministic order.
            for (var k = 0; k < size; k++)
            {
                var lo = dir[k];
                var len = dir[k + 1] - lo;
                if (len > 1)
                {
                    SortByKeyThenPosition(tableKeys.AsSpan(lo, len), post.AsSpan(lo, len));
                }
            }

            keys![t] = tableKeys;
        }

        directory[t] = dir;
        postings[t] = post;
    }

    private static void SortByKeyThenPosition(Span<uint> keys, Span<int> positions)
    {
        Span<ulong> composite = keys.Length <= 256 ? stackalloc ulong[keys.Length] : new ulong[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            composite[i] = ((ulong)keys[i] << 32) | (uint)positions[i];
        }

        composite.Sort();
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = (uint)(composite[i] >> 32);
            positions[i] = (int)(uint)composite[i];
        }
    }

    /// <summary>The postings of table <paramref name="t"/>.</summary>
    public ReadOnlySpan<int> Postings(int t) => _postings[t];

    /// <summary>
    /// Appends to <paramref name="ranges"/> the posting range of every bucket whose key is within
    /// <paramref name="probeRadius"/> bits of the query's substring, in every table, and returns the
    /// total number of postings in them (the candidate count before deduplication).
    /// <paramref name="scratch"/> is the caller's reusable buffer for the enumerated probe keys.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long CollectRanges(Hash256 query, int probeRadius, List<(int Table, int Lo, int Hi)> ranges, ref uint[] scratch)
    {
        // With a directory on the top d bits, only the d-bit slot keys are enumerated; the low bits are
        // checked against each visited slot's few keys (fewer random reads than probing every 32-bit key).
        var slotBits = Bits - _shift;
        var perTable = (long)PerTable(slotBits, probeRadius);
        if (scratch.Length < perTable)
        {
            scratch = new uint[perTable];
        }

        long total = 0;
        for (var t = 0; t < Tables; t++)
        {
            var key = Substring(query, Bits, t);
            var n = Enumerate(key >> _shift, slotBits, probeRadius, scratch);
            total += _keys is null
                ? Probe(t, scratch.AsSpan(0, n), ranges)
                : ProbeSlots(t, key, probeRadius, scratch.AsSpan(0, n), ranges);
        }

        return total;
    }

    /// <summary>Every key within <paramref name="radius"/> bits of <paramref name="key"/> (Gosper's hack per popcount class).</summary>
    private static int Enumerate(uint key, int bits, int radius, uint[] output)
    {
        var n = 0;
        output[n++] = key;
        var end = 1UL << bits;
        for (var flips = 1; flips <= Math.Min(radius, bits); flips++)
        {
            var mask = (1UL << flips) - 1;
            while (mask < end)
            {
                output[n++] = key ^ (uint)mask;
                var c = mask & (0 - mask);
                var rr = mask + c;
                mask = (((rr ^ mask) >> 2) / c) | rr;
            }
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long Probe(int t, ReadOnlySpan<uint> probes, List<(int Table, int Lo, int Hi)> ranges)
    {
        long total = 0;
        fixed (int* d = _directory[t])
        {
            for (var i = 0; i < probes.Length; i++)
            {
                if (i + PrefetchAhead < probes.Length && Sse.IsSupported)
                {
                    Sse.Prefetch0(d + probes[i + PrefetchAhead]);
                }

                var key = probes[i];
                int lo = d[key], hi = d[key + 1];
                if (lo != hi)
                {
                    ranges.Add((t, lo, hi));
                    total += hi - lo;
                }
            }
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long ProbeSlots(int t, uint key, int probeRadius, ReadOnlySpan<uint> slots, List<(int Table, int Lo, int Hi)> ranges)
    {
        long total = 0;
        var tableKeys = _keys![t];
        fixed (int* d = _directory[t])
        {
            for (var i = 0; i < slots.Length; i++)
            {
                if (i + PrefetchAhead < slots.Length && Sse.IsSupported)
                {
                    Sse.Prefetch0(d + slots[i + PrefetchAhead]);
                }

                var slot = slots[i];
                int lo = d[slot], hi = d[slot + 1];
                if (lo == hi)
                {
                    continue;
                }

                // Every key of the slot shares its top bits, so the full-key test decides; runs of passing keys become ranges.
                var runStart = -1;
                for (var j = lo; j < hi; j++)
                {
                    if (BitOperations.PopCount(tableKeys[j] ^ key) <= probeRadius)
                    {
                        if (runStart < 0)
                        {
                            runStart = j;
                        }
                    }
                    else if (runStart >= 0)
                    {
                        ranges.Add((t, runStart, j));
                        total += j - runStart;
                        runStart = -1;
                    }
                }

                if (runStart >= 0)
                {
                    ranges.Add((t, runStart, hi));
                    total += hi - runStart;
                }
            }
        }

        return total;
    }

    /// <summary>Directory slots visited per query for a table set of width <paramref name="bits"/> over <paramref name="count"/> entries.</summary>
    public static double SlotsPerQuery(int bits, int count, int probeRadius) =>
        PerTable(DirectoryBits(bits, count), probeRadius) * (256 / bits);

    /// <summary>Number of buckets probed per query: m · Σ_{i ≤ s} C(b, i).</summary>
    public static double ProbesPerQuery(int bits, int probeRadius) => PerTable(bits, probeRadius) * (256 / bits);

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

    /// <summary>Popcount helper for the sample-based candidate estimate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SubstringDistance(Hash256 a, Hash256 b, int bits, int t) =>
        BitOperations.PopCount(Substring(a, bits, t) ^ Substring(b, bits, t));
}
