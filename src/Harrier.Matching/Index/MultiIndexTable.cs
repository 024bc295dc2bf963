using System.Numerics;
using System.Runtime.CompilerServices;
using Harrier.Media.Hashing;

namespace Harrier.Matching.Index;

/// <summary>
/// Multi-index hashing (Norouzi, Punjani and Fleet): the 256-bit code is cut into m = 256/b disjoint
/// b-bit substrings, and table t lists every entry position by its t-th substring. An entry within
/// distance r of a query differs from it in at most r bits in all, so some substring differs in at
/// most ⌊r/m⌋ bits (pigeonhole); probing every key within ⌊r/m⌋ of the query's substring in every
/// table therefore finds every match, and a full distance check of the candidates makes it exact.
/// Each table is a CSR bucket list sorted by key: for b = 16 a 65,537-entry offset directory is
/// indexed by the key itself; for b = 32 the directory is indexed by the key's top 16 bits and a
/// binary search over the sorted keys finds the bucket. 4·m bytes per entry for postings (plus 4·m
/// for the keys when b = 32).
/// </summary>
internal sealed unsafe class MultiIndexTable
{
    private const int DirectorySize = 1 << 16;

    private readonly int[][] _directory;
    private readonly int[][] _postings;
    private readonly uint[][]? _keys;

    private MultiIndexTable(int bits, int count, int[][] directory, int[][] postings, uint[][]? keys)
    {
        Bits = bits;
        Count = count;
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
    public long Bytes => ((long)Tables * ((Count * (Bits == 32 ? 8L : 4L)) + ((DirectorySize + 1) * 4L)));

    /// <summary>The t-th b-bit substring of a hash (bits t·b .. t·b+b-1, LSB-first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Substring(Hash256 h, int bits, int t)
    {
        var bit = t * bits;
        var word = (bit >> 6) switch { 0 => h.W0, 1 => h.W1, 2 => h.W2, _ => h.W3 };
        var v = word >> (bit & 63);
        return bits == 32 ? (uint)v : (uint)(v & 0xFFFF);
    }

    /// <summary>Builds the tables over entries [0, count) of a block layout, one counting sort per table.</summary>
    public static MultiIndexTable Build(ulong* blocks, int count, int bits, int threads)
    {
        if (bits is not (16 or 32))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "substring width is 16 or 32 bits");
        }

        var tables = 256 / bits;
        var directory = new int[tables][];
        var postings = new int[tables][];
        var keys = bits == 32 ? new uint[tables][] : null;
        var blocksAddress = (nint)blocks;
        Parallel.For(0, tables, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, t =>
        {
            var src = (ulong*)blocksAddress;
            var shift = bits == 32 ? 16 : 0;
            var dir = new int[DirectorySize + 1];
            for (var i = 0; i < count; i++)
            {
                dir[(Substring(HashStore.Read(src, i), bits, t) >> shift) + 1]++;
            }

            for (var k = 0; k < DirectorySize; k++)
            {
                dir[k + 1] += dir[k];
            }

            var fill = dir.AsSpan(0, DirectorySize).ToArray();
            var post = new int[count];
            var tableKeys = bits == 32 ? new uint[count] : null;
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
                // Positions within a top-16 bucket arrive in position order; sort each bucket by full key,
                // stable in position so candidates come out in a deterministic order.
                for (var k = 0; k < DirectorySize; k++)
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
        });

        return new MultiIndexTable(bits, count, directory, postings, keys);
    }

    private static void SortByKeyThenPosition(Span<uint> keys, Span<int> positions)
    {
        var composite = new ulong[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            composite[i] = ((ulong)keys[i] << 32) | (uint)positions[i];
        }

        Array.Sort(composite);
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
    /// </summary>
    public long CollectRanges(Hash256 query, int probeRadius, List<(int Table, int Lo, int Hi)> ranges)
    {
        long total = 0;
        for (var t = 0; t < Tables; t++)
        {
            var key = Substring(query, Bits, t);
            total += ProbeTable(t, key, probeRadius, ranges);
        }

        return total;
    }

    private long ProbeTable(int t, uint key, int probeRadius, List<(int Table, int Lo, int Hi)> ranges)
    {
        long total = 0;
        var dir = _directory[t];
        var tableKeys = _keys?[t];
        var bits = Bits;
        var limit = Math.Min(probeRadius, bits);

        // Every mask of popcount 0..limit over b bits (Gosper's hack enumerates each popcount class).
        for (var flips = 0; flips <= limit; flips++)
        {
            if (flips == 0)
            {
                total += Lookup(dir, tableKeys, key, t, ranges);
                continue;
            }

            var mask = (1UL << flips) - 1;
            var end = 1UL << bits;
            while (mask < end)
            {
                total += Lookup(dir, tableKeys, key ^ (uint)mask, t, ranges);
                var c = mask & (0 - mask);
                var rr = mask + c;
                mask = (((rr ^ mask) >> 2) / c) | rr;
            }
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Lookup(int[] dir, uint[]? tableKeys, uint key, int t, List<(int Table, int Lo, int Hi)> ranges)
    {
        int lo, hi;
        if (tableKeys is null)
        {
            lo = dir[key];
            hi = dir[key + 1];
        }
        else
        {
            var top = key >> 16;
            lo = dir[top];
            hi = dir[top + 1];
            if (lo == hi)
            {
                return 0;
            }

            var bucket = tableKeys.AsSpan(lo, hi - lo);
            var first = LowerBound(bucket, key);
            var last = first;
            while (last < bucket.Length && bucket[last] == key)
            {
                last++;
            }

            hi = lo + last;
            lo += first;
        }

        if (hi > lo)
        {
            ranges.Add((t, lo, hi));
        }

        return hi - lo;
    }

    private static int LowerBound(ReadOnlySpan<uint> sorted, uint key)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (sorted[mid] < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Number of buckets probed per query: m · Σ_{i ≤ s} C(b, i).</summary>
    public static double ProbesPerQuery(int bits, int probeRadius)
    {
        double perTable = 0, c = 1;
        for (var i = 0; i <= Math.Min(probeRadius, bits); i++)
        {
            perTable += c;
            c = c * (bits - i) / (i + 1);
        }

        return perTable * (256 / bits);
    }

    /// <summary>Popcount helper for the sample-based candidate estimate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SubstringDistance(Hash256 a, Hash256 b, int bits, int t) =>
        BitOperations.PopCount(Substring(a, bits, t) ^ Substring(b, bits, t));
}
