using Harrier.Matching.Index;
using Harrier.Media.Hashing;

namespace Harrier.Matching.Tests.Index;

/// <summary>Synthetic hash sets and a brute-force oracle for the index tests.</summary>
internal static class IndexData
{
    public static Hash256 Uniform(Random rng) =>
        new((ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63), (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63),
            (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63), (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63));

    /// <summary>Flips <paramref name="bits"/> distinct random bits.</summary>
    public static Hash256 Flip(Hash256 h, int bits, Random rng)
    {
        Span<ulong> w = [h.W0, h.W1, h.W2, h.W3];
        var chosen = new HashSet<int>();
        while (chosen.Count < bits)
        {
            chosen.Add(rng.Next(256));
        }

        foreach (var b in chosen)
        {
            w[b >> 6] ^= 1UL << (b & 63);
        }

        return new Hash256(w[0], w[1], w[2], w[3]);
    }

    /// <summary>Hashes with only a few bits set: what near-blank frames give, and the worst case for multi-index buckets.</summary>
    public static Hash256 NearBlank(Random rng) => Flip(default, rng.Next(0, 7), rng);

    public static Hash256[] Make(string kind, int n, Random rng)
    {
        var centres = Enumerable.Range(0, 12).Select(_ => Uniform(rng)).ToArray();
        var same = Uniform(rng);
        return kind switch
        {
            "uniform" => [.. Enumerable.Range(0, n).Select(_ => Uniform(rng))],
            "clustered" => [.. Enumerable.Range(0, n).Select(_ => Flip(centres[rng.Next(centres.Length)], rng.Next(0, 48), rng))],
            "near-blank" => [.. Enumerable.Range(0, n).Select(_ => rng.Next(4) == 0 ? Uniform(rng) : NearBlank(rng))],
            "all-zero" => new Hash256[n],
            "all-equal" => [.. Enumerable.Repeat(same, n)],
            _ => throw new ArgumentException(kind),
        };
    }

    /// <summary>Queries near the data (0..40 bits off a stored hash) mixed with uniform ones and near-blank ones.</summary>
    public static Hash256[] Queries(Hash256[] data, int count, Random rng) =>
        [.. Enumerable.Range(0, count).Select(i => (i % 5) switch
        {
            0 => Uniform(rng),
            1 => NearBlank(rng),
            _ => data.Length == 0 ? Uniform(rng) : Flip(data[rng.Next(data.Length)], rng.Next(0, 41), rng),
        })];

    /// <summary>The oracle: every (query, entry) with distance ≤ r, entry live and passing the quality filter.</summary>
    public static List<IndexMatch> BruteForce(Hash256[] data, long[] ids, Hash256[] queries, int radius,
        ISet<int>? removed = null, byte[]? quality = null, int minQuality = 0)
    {
        var result = new List<IndexMatch>();
        for (var q = 0; q < queries.Length; q++)
        {
            for (var i = 0; i < data.Length; i++)
            {
                if (removed?.Contains(i) == true)
                {
                    continue;
                }

                if (quality is not null && quality[i] < minQuality && quality[i] != HammingIndex.NoQuality)
                {
                    continue;
                }

                var d = data[i].DistanceTo(queries[q]);
                if (d <= radius)
                {
                    result.Add(new IndexMatch(q, ids[i], d));
                }
            }
        }

        return result;
    }

    public static long[] Ids(int n, Random rng) => [.. Enumerable.Range(0, n).Select(_ => rng.NextInt64(long.MinValue, long.MaxValue))];
}
