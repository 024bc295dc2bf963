using Harrier.Media.Hashing;

namespace Harrier.Matching.Index;

/// <summary>
/// Seeded random hashes: the planner's pseudo-queries and the index benchmark's data sets draw from the same two
/// generators, so a planner choice seen in a benchmark is made on hashes of the same shape.
/// </summary>
internal static class RandomHashes
{
    /// <summary>A uniformly random 256-bit hash (each word's top bit drawn apart: NextInt64 gives 63 bits).</summary>
    public static Hash256 Uniform(Random rng) =>
        new((ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63), (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63),
            (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63), (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63));

    /// <summary><paramref name="h"/> with <paramref name="bits"/> random bit positions flipped (a position may come twice).</summary>
    public static Hash256 Flip(Hash256 h, int bits, Random rng)
    {
        Span<ulong> w = [h.W0, h.W1, h.W2, h.W3];
        for (var i = 0; i < bits; i++)
        {
            var b = rng.Next(256);
            w[b >> 6] ^= 1UL << (b & 63);
        }

        return new Hash256(w[0], w[1], w[2], w[3]);
    }
}
