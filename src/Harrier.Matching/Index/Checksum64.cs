using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Harrier.Matching.Index;

/// <summary>
/// The index file's payload checksum: the payload is cut into 1 MiB chunks, each chunk is hashed
/// with a four-lane 64-bit multiply-rotate mix (the round structure of xxHash64, written here from
/// its published description), and the chunk hashes are hashed again. Chunks are independent, so
/// verification runs on every core and a 400 MB file checks in a fraction of a second. It detects
/// accidental damage (any flipped byte changes the chunk hash); it is not a cryptographic seal —
/// evidence integrity is the case's SHA-256 digests' job.
/// </summary>
internal static unsafe class Checksum64
{
    public const int ChunkSize = 1 << 20;

    private const ulong P1 = 0x9E3779B185EBCA87UL;
    private const ulong P2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong P3 = 0x165667B19E3779F9UL;
    private const ulong P4 = 0x85EBCA77C2B2AE63UL;
    private const ulong P5 = 0x27D4EB2F165667C5UL;

    /// <summary>Checksum of <paramref name="length"/> bytes at <paramref name="data"/>.</summary>
    public static ulong Compute(byte* data, long length, int threads)
    {
        var chunks = (int)((length + ChunkSize - 1) / ChunkSize);
        var hashes = new ulong[chunks];
        var address = (nint)data;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            var start = (long)i * ChunkSize;
            var len = (int)Math.Min(ChunkSize, length - start);
            hashes[i] = Hash(new ReadOnlySpan<byte>((byte*)address + start, len), (ulong)i);
        });

        fixed (ulong* h = hashes)
        {
            return Hash(new ReadOnlySpan<byte>(h, chunks * 8), (ulong)length);
        }
    }

    /// <summary>One chunk: four accumulators over 32-byte stripes, then the tail, then a final avalanche.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Hash(ReadOnlySpan<byte> data, ulong seed)
    {
        var a0 = seed + P1 + P2;
        var a1 = seed + P2;
        var a2 = seed;
        var a3 = seed - P1;
        var i = 0;
        for (; i + 32 <= data.Length; i += 32)
        {
            a0 = Round(a0, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
            a1 = Round(a1, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 8)..]));
            a2 = Round(a2, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 16)..]));
            a3 = Round(a3, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 24)..]));
        }

        var h = BitOperations.RotateLeft(a0, 1) + BitOperations.RotateLeft(a1, 7)
            + BitOperations.RotateLeft(a2, 12) + BitOperations.RotateLeft(a3, 18);
        h = Merge(Merge(Merge(Merge(h, a0), a1), a2), a3);
        h += (ulong)data.Length;
        for (; i + 8 <= data.Length; i += 8)
        {
            h ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
            h = (BitOperations.RotateLeft(h, 27) * P1) + P4;
        }

        for (; i < data.Length; i++)
        {
            h ^= data[i] * P5;
            h = BitOperations.RotateLeft(h, 11) * P1;
        }

        h ^= h >> 33;
        h *= P2;
        h ^= h >> 29;
        h *= P3;
        h ^= h >> 32;
        return h;
    }

    private static ulong Round(ulong acc, ulong input) => BitOperations.RotateLeft(acc + (input * P2), 31) * P1;

    private static ulong Merge(ulong h, ulong acc) => ((h ^ Round(0, acc)) * P1) + P4;
}
