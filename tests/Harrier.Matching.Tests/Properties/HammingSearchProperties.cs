using CsCheck;
using Harrier.Matching.Index;
using Harrier.Media.Hashing;

namespace Harrier.Matching.Tests.Properties;

/// <summary>
/// Property: for generated hash sets, queries and radii, every search strategy returns exactly the brute-force answer
/// (every (query, entry) pair within the radius, nothing else, with the right distance). Entries and queries are a shared
/// centre plus sparse noise, so many pairs fall near any radius; duplicates and the all-zero hash come up by chance.
/// On failure CsCheck shrinks the case and its exception message prints the seed; replay by passing it as
/// <c>seed: "…"</c> to <c>Sample</c> (or setting the <c>CsCheck_Seed</c> environment variable).
/// </summary>
public sealed class HammingSearchProperties
{
    /// <summary>Iterations per strategy: each case is at most 48 entries × 6 queries, so this runs in well under a second.</summary>
    private const int Iterations = 150;

    private static readonly Gen<Hash256> Uniform =
        Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong, (a, b, c, d) => new Hash256(a, b, c, d));

    /// <summary>About 1 bit in 8 set (three uniform hashes ANDed): around 32 bits of noise.</summary>
    private static readonly Gen<Hash256> Noise =
        Gen.Select(Uniform, Uniform, Uniform, (x, y, z) => new Hash256(x.W0 & y.W0 & z.W0, x.W1 & y.W1 & z.W1, x.W2 & y.W2 & z.W2, x.W3 & y.W3 & z.W3));

    private static Hash256 Xor(Hash256 a, Hash256 b) => new(a.W0 ^ b.W0, a.W1 ^ b.W1, a.W2 ^ b.W2, a.W3 ^ b.W3);

    /// <summary>A centre, entries and queries near it (some exactly on it), and a radius (mostly 0–72, sometimes up to the maximum).</summary>
    private static readonly Gen<(Hash256[] Data, Hash256[] Queries, int Radius)> Cases =
        Gen.Select(Uniform, Gen.Frequency((4, Noise), (1, Gen.Const(default(Hash256)))).Array[0, 48], Noise.Array[1, 6],
            Gen.Frequency((6, Gen.Int[0, 72]), (1, Gen.Int[0, HammingIndex.MaxRadius])),
            (centre, data, queries, radius) => (data.Select(n => Xor(centre, n)).ToArray(), queries.Select(n => Xor(centre, n)).ToArray(), radius));

    public static TheoryData<SearchStrategy> Strategies =>
        [SearchStrategy.Auto, SearchStrategy.Scan, SearchStrategy.MultiIndex16, SearchStrategy.MultiIndex32, SearchStrategy.Join];

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Radius_search_equals_brute_force(SearchStrategy strategy)
    {
        Cases.Sample(c =>
        {
            var ids = Enumerable.Range(0, c.Data.Length).Select(i => 1000L + i).ToArray();
            using var index = HammingIndex.Build(c.Data, ids);
            var options = new IndexSearchOptions { Strategy = strategy, MaxDegreeOfParallelism = 1 };
            var got = index.Search(c.Queries, c.Radius, options).OrderBy(m => m.QueryIndex).ThenBy(m => m.Id).ToList();
            var expected = new List<IndexMatch>();
            for (var q = 0; q < c.Queries.Length; q++)
            {
                for (var i = 0; i < c.Data.Length; i++)
                {
                    var d = c.Queries[q].DistanceTo(c.Data[i]);
                    if (d <= c.Radius)
                    {
                        expected.Add(new IndexMatch(q, ids[i], d));
                    }
                }
            }

            Assert.Equal(expected, got);
        }, iter: Iterations, threads: 1,
        print: c => $"{c.Data.Length} entries, {c.Queries.Length} queries, radius {c.Radius}: data [{string.Join(", ", c.Data)}] queries [{string.Join(", ", c.Queries)}]");
    }
}
