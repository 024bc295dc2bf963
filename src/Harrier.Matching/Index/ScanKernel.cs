using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Harrier.Media.Hashing;

namespace Harrier.Matching.Index;

/// <summary>Which distance kernel the scan uses.</summary>
internal enum KernelKind
{
    /// <summary>Four <see cref="BitOperations.PopCount(ulong)"/> per comparison; runs everywhere.</summary>
    Scalar,

    /// <summary>256-bit nibble-table popcount (vpshufb) over half a block, four hashes per step.</summary>
    Avx2,

    /// <summary>512-bit nibble-table popcount (Avx512BW vpshufb) over a whole block, eight hashes per step.</summary>
    Avx512,
}

/// <summary>Receives the hits of a scan and tells the kernel each query's current radius.</summary>
internal interface IScanSink
{
    /// <summary>Current radius of tile query <paramref name="query"/>; below 0 skips the query.</summary>
    int RadiusFor(int query);

    /// <summary>A raw hit: position <paramref name="pos"/> is within the radius (padding, tombstones not yet filtered).</summary>
    void Emit(int query, int pos, int distance);
}

/// <summary>
/// The blocked linear scan. .NET 10 exposes no VPOPCNTQ, so the SIMD paths count bits with Muła's
/// nibble lookup: split each byte into two nibbles, look both up in a 16-entry table with a byte
/// shuffle, add. The four words of eight hashes sit in four registers (the store's word-major
/// block layout), so their per-byte counts add up lane-wise and one vpsadbw turns each 64-bit lane
/// into that hash's distance: no horizontal reduction, no transposition.
/// Hot methods are AggressiveOptimization: a batch calls them a handful of times, so tiered JIT would
/// leave them in unoptimised tier-0/OSR code for the whole run (measured: 2× slower).
/// </summary>
internal static unsafe class ScanKernel
{
    /// <summary>Database blocks per tile: 512 blocks = 4096 hashes = 128 KiB, sized to sit in L2 while a query tile runs over it.</summary>
    public const int TileBlocks = 512;

    /// <summary>Queries per tile: 256 queries = 8 KiB, in L1 beside the streaming block.</summary>
    public const int TileQueries = 256;

    public static KernelKind Best =>
        Avx512BW.IsSupported && Vector512.IsHardwareAccelerated ? KernelKind.Avx512
        : Avx2.IsSupported ? KernelKind.Avx2
        : KernelKind.Scalar;

    public static bool IsSupported(KernelKind kind) => kind switch
    {
        KernelKind.Scalar => true,
        KernelKind.Avx2 => Avx2.IsSupported,
        KernelKind.Avx512 => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>
    /// Scans blocks [<paramref name="blockStart"/>, <paramref name="blockEnd"/>) for every query, tile by tile:
    /// for each database tile, every query of the tile is run over it before moving on, so the tile is read
    /// from memory once per query tile instead of once per query.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scan<TSink>(KernelKind kind, ulong* blocks, int blockStart, int blockEnd,
        ReadOnlySpan<Hash256> queries, ref TSink sink)
        where TSink : struct, IScanSink
    {
        for (var qt = 0; qt < queries.Length; qt += TileQueries)
        {
            var qEnd = Math.Min(queries.Length, qt + TileQueries);
            for (var bt = blockStart; bt < blockEnd; bt += TileBlocks)
            {
                var btEnd = Math.Min(blockEnd, bt + TileBlocks);
                for (var q = qt; q < qEnd; q++)
                {
                    var radius = sink.RadiusFor(q);
                    if (radius < 0)
                    {
                        continue;
                    }

                    switch (kind)
                    {
                        case KernelKind.Avx512:
                            RunAvx512(blocks, bt, btEnd, q, queries[q], ref sink);
                            break;
                        case KernelKind.Avx2:
                            RunAvx2(blocks, bt, btEnd, q, queries[q], ref sink);
                            break;
                        default:
                            RunScalar(blocks, bt, btEnd, q, queries[q], ref sink);
                            break;
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunScalar<TSink>(ulong* blocks, int blockStart, int blockEnd, int q, Hash256 h, ref TSink sink)
        where TSink : struct, IScanSink
    {
        var radius = sink.RadiusFor(q);
        ulong q0 = h.W0, q1 = h.W1, q2 = h.W2, q3 = h.W3;
        for (var b = blockStart; b < blockEnd; b++)
        {
            var p = blocks + ((nint)b * HashStore.UlongsPerBlock);
            for (var l = 0; l < HashStore.BlockSize; l++)
            {
                var d = BitOperations.PopCount(p[l] ^ q0) + BitOperations.PopCount(p[8 + l] ^ q1)
                    + BitOperations.PopCount(p[16 + l] ^ q2) + BitOperations.PopCount(p[24 + l] ^ q3);
                if (d <= radius)
                {
                    sink.Emit(q, (b * HashStore.BlockSize) + l, d);
                    radius = sink.RadiusFor(q);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunAvx512<TSink>(ulong* blocks, int blockStart, int blockEnd, int q, Hash256 h, ref TSink sink)
        where TSink : struct, IScanSink
    {
        // Popcount of each nibble value 0..15, repeated in every 128-bit lane (vpshufb looks up within a lane).
        var lut = Vector512.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var nibble = Vector512.Create((byte)0x0F);
        var q0 = Vector512.Create(h.W0);
        var q1 = Vector512.Create(h.W1);
        var q2 = Vector512.Create(h.W2);
        var q3 = Vector512.Create(h.W3);
        var radius = sink.RadiusFor(q);
        var r = Vector512.Create((long)radius);
        for (var b = blockStart; b < blockEnd; b++)
        {
            var p = blocks + ((nint)b * HashStore.UlongsPerBlock);

            // Lane l of xw = word w of (hash l XOR query).
            var x0 = Vector512.LoadAligned(p).AsByte() ^ q0.AsByte();
            var x1 = Vector512.LoadAligned(p + 8).AsByte() ^ q1.AsByte();
            var x2 = Vector512.LoadAligned(p + 16).AsByte() ^ q2.AsByte();
            var x3 = Vector512.LoadAligned(p + 24).AsByte() ^ q3.AsByte();

            // Per-byte bit counts of the four words, summed (each byte of the sum is at most 32).
            var c = Avx512BW.Shuffle(lut, x0 & nibble) + Avx512BW.Shuffle(lut, (x0.AsUInt64() >>> 4).AsByte() & nibble)
                + Avx512BW.Shuffle(lut, x1 & nibble) + Avx512BW.Shuffle(lut, (x1.AsUInt64() >>> 4).AsByte() & nibble)
                + Avx512BW.Shuffle(lut, x2 & nibble) + Avx512BW.Shuffle(lut, (x2.AsUInt64() >>> 4).AsByte() & nibble)
                + Avx512BW.Shuffle(lut, x3 & nibble) + Avx512BW.Shuffle(lut, (x3.AsUInt64() >>> 4).AsByte() & nibble);

            // vpsadbw against zero adds the eight bytes of each 64-bit lane: lane l = distance of hash l.
            var d = Avx512BW.SumAbsoluteDifferences(c, Vector512<byte>.Zero).AsInt64();
            var hits = Vector512.LessThanOrEqual(d, r).ExtractMostSignificantBits();
            while (hits != 0)
            {
                var l = BitOperations.TrailingZeroCount(hits);
                hits &= hits - 1;
                var dist = (int)d.GetElement(l);
                if (dist <= radius)
                {
                    sink.Emit(q, (b * HashStore.BlockSize) + l, dist);
                    radius = sink.RadiusFor(q);
                }
            }

            r = Vector512.Create((long)radius);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunAvx2<TSink>(ulong* blocks, int blockStart, int blockEnd, int q, Hash256 h, ref TSink sink)
        where TSink : struct, IScanSink
    {
        var lut = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var nibble = Vector256.Create((byte)0x0F);
        var q0 = Vector256.Create(h.W0).AsByte();
        var q1 = Vector256.Create(h.W1).AsByte();
        var q2 = Vector256.Create(h.W2).AsByte();
        var q3 = Vector256.Create(h.W3).AsByte();
        var radius = sink.RadiusFor(q);
        var r = Vector256.Create((long)radius);
        for (var b = blockStart; b < blockEnd; b++)
        {
            var block = blocks + ((nint)b * HashStore.UlongsPerBlock);

            // Two halves of four hashes: lane l of xw = word w of (hash half·4+l XOR query).
            for (var half = 0; half < 2; half++)
            {
                var p = block + (half * 4);
                var x0 = Vector256.LoadAligned(p).AsByte() ^ q0;
                var x1 = Vector256.LoadAligned(p + 8).AsByte() ^ q1;
                var x2 = Vector256.LoadAligned(p + 16).AsByte() ^ q2;
                var x3 = Vector256.LoadAligned(p + 24).AsByte() ^ q3;
                var c = Avx2.Shuffle(lut, x0 & nibble) + Avx2.Shuffle(lut, (x0.AsUInt64() >>> 4).AsByte() & nibble)
                    + Avx2.Shuffle(lut, x1 & nibble) + Avx2.Shuffle(lut, (x1.AsUInt64() >>> 4).AsByte() & nibble)
                    + Avx2.Shuffle(lut, x2 & nibble) + Avx2.Shuffle(lut, (x2.AsUInt64() >>> 4).AsByte() & nibble)
                    + Avx2.Shuffle(lut, x3 & nibble) + Avx2.Shuffle(lut, (x3.AsUInt64() >>> 4).AsByte() & nibble);
                var d = Avx2.SumAbsoluteDifferences(c, Vector256<byte>.Zero).AsInt64();
                var hits = Vector256.LessThanOrEqual(d, r).ExtractMostSignificantBits();
                while (hits != 0)
                {
                    var l = BitOperations.TrailingZeroCount(hits);
                    hits &= hits - 1;
                    var dist = (int)d.GetElement(l);
                    if (dist <= radius)
                    {
                        sink.Emit(q, (b * HashStore.BlockSize) + (half * 4) + l, dist);
                        radius = sink.RadiusFor(q);
                    }
                }

                r = Vector256.Create((long)radius);
            }
        }
    }

    /// <summary>
    /// Prefetches the two cache lines <see cref="PartialDistance"/> reads (words 0 and 2 of entry <paramref name="pos"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrefetchCandidate(ulong* blocks, int pos)
    {
        if (Sse.IsSupported)
        {
            var p = blocks + ((nint)(pos >> 3) * HashStore.UlongsPerBlock) + (pos & 7);
            Sse.Prefetch0(p);
            Sse.Prefetch0(p + 16);
        }
    }

    /// <summary>
    /// Words 0 and 2 of entry <paramref name="pos"/> against the query: the first stage of a candidate's check (its two
    /// cache lines are the ones <see cref="PrefetchCandidate"/> fetched); a near candidate adds <see cref="RestDistance"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PartialDistance(ulong* blocks, int pos, Hash256 query)
    {
        var w = blocks + ((nint)(pos >> 3) * HashStore.UlongsPerBlock) + (pos & 7);
        return BitOperations.PopCount(w[0] ^ query.W0) + BitOperations.PopCount(w[16] ^ query.W2);
    }

    /// <summary>Words 1 and 3 of entry <paramref name="pos"/> against the query: what a near candidate's check adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RestDistance(ulong* blocks, int pos, Hash256 query)
    {
        var w = blocks + ((nint)(pos >> 3) * HashStore.UlongsPerBlock) + (pos & 7);
        return BitOperations.PopCount(w[8] ^ query.W1) + BitOperations.PopCount(w[24] ^ query.W3);
    }

    /// <summary>Distance of one stored entry to a hash (verification of multi-index candidates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Distance(ulong* blocks, int pos, Hash256 h)
    {
        var p = blocks + ((nint)(pos >> 3) * HashStore.UlongsPerBlock) + (pos & 7);
        return BitOperations.PopCount(p[0] ^ h.W0) + BitOperations.PopCount(p[8] ^ h.W1)
            + BitOperations.PopCount(p[16] ^ h.W2) + BitOperations.PopCount(p[24] ^ h.W3);
    }
}
