using System.Globalization;
using Harrier.Matching.Index;
using Harrier.Media.Hashing;

namespace Harrier.Benchmarks.Index;

/// <summary>Deterministic reference and query sets for the index benchmarks.</summary>
internal static class IndexBenchData
{
    public static Hash256 Uniform(Random rng) => RandomHashes.Uniform(rng);

    public static Hash256 Flip(Hash256 h, int bits, Random rng) => RandomHashes.Flip(h, bits, rng);

    /// <summary>
    /// Real PDQ hashes from the PDQ vectors folder (the repository's tests/data/vectors/pdq): the upstream haystack
    /// and needles lists and the eight dihedral hashes of every test image.
    /// </summary>
    public static Hash256[] RealSeeds(string pdqVectors)
    {
        var pdq = pdqVectors;
        var seeds = new List<Hash256>();
        foreach (var list in new[] { "haystack.txt", "needles.txt" })
        {
            seeds.AddRange(File.ReadLines(Path.Combine(pdq, "hashlists", list)).Where(l => l.Length == 64).Select(l => Hash256.Parse(l)));
        }

        foreach (var line in File.ReadLines(Path.Combine(pdq, "expected-full-resolution-dihedral.tsv")).Skip(1))
        {
            seeds.AddRange(line.Split('\t').Where(f => f.Length == 64 && Hash256.TryParse(f, out _)).Select(f => Hash256.Parse(f)));
        }

        return [.. seeds.Distinct()];
    }

    /// <summary>
    /// "uniform": independent random hashes. "clustered": families of near-duplicates (see below). "realistic": 20% real PDQ hashes replicated with 0..47 flipped
    /// bits (near-duplicates, transforms), 2% near-blank hashes with at most 8 bits set (degenerate frames,
    /// which pile into a few multi-index buckets), 78% uniform (unrelated content).
    /// Queries of the realistic set: 90% replicated real hashes, 0.2% near-blank, the rest uniform.
    /// </summary>
    public static (Hash256[] Refs, Hash256[] Queries) Make(string kind, int n, int q, int seed, string pdqVectors)
    {
        var rng = new Random(seed);
        if (kind == "uniform")
        {
            var r = new Hash256[n];
            for (var i = 0; i < n; i++)
            {
                r[i] = Uniform(rng);
            }

            // Queries: half near a stored hash (0..40 bits off), half random, so the output is not empty.
            var qs = new Hash256[q];
            for (var i = 0; i < q; i++)
            {
                qs[i] = i % 2 == 0 ? Flip(r[rng.Next(n)], rng.Next(0, 41), rng) : Uniform(rng);
            }

            return (r, qs);
        }

        if (kind == "clustered")
        {
            // Families of near-duplicates (renditions, re-encodes, crops of one picture): N/100 centres, each entry a
            // centre with 0..32 bits flipped, so a near-copy query matches dozens of a family's members and every
            // multi-index probe that hits a family hits many of them.
            var centres = new Hash256[Math.Max(1, n / 100)];
            for (var i = 0; i < centres.Length; i++)
            {
                centres[i] = Uniform(rng);
            }

            var c = new Hash256[n];
            for (var i = 0; i < n; i++)
            {
                c[i] = Flip(centres[rng.Next(centres.Length)], rng.Next(0, 33), rng);
            }

            var cq = new Hash256[q];
            for (var i = 0; i < q; i++)
            {
                cq[i] = i % 2 == 0 ? Flip(c[rng.Next(n)], rng.Next(0, 41), rng) : Uniform(rng);
            }

            return (c, cq);
        }

        if (kind != "realistic")
        {
            throw new ArgumentException($"unknown data set {kind}", nameof(kind));
        }

        var seeds = RealSeeds(pdqVectors);
        var refs = new Hash256[n];
        for (var i = 0; i < n; i++)
        {
            var u = rng.Next(1000);
            refs[i] = u < 200 ? Flip(seeds[rng.Next(seeds.Length)], rng.Next(0, 48), rng)
                : u < 220 ? Flip(default, rng.Next(0, 9), rng)
                : Uniform(rng);
        }

        var queries = new Hash256[q];
        for (var i = 0; i < q; i++)
        {
            var u = rng.Next(1000);
            queries[i] = u < 900 ? Flip(seeds[rng.Next(seeds.Length)], rng.Next(0, 48), rng)
                : u < 902 ? Flip(default, rng.Next(0, 9), rng)
                : Uniform(rng);
        }

        return (refs, queries);
    }

    /// <summary>Writes hashes as 32 bytes each (W0..W3 little-endian), the layout the FAISS script reads as uint8 codes.</summary>
    public static void WriteBinary(string path, ReadOnlySpan<Hash256> hashes)
    {
        using var f = File.Create(path);
        var buf = new byte[32];
        foreach (var h in hashes)
        {
            BitConverter.TryWriteBytes(buf.AsSpan(0), h.W0);
            BitConverter.TryWriteBytes(buf.AsSpan(8), h.W1);
            BitConverter.TryWriteBytes(buf.AsSpan(16), h.W2);
            BitConverter.TryWriteBytes(buf.AsSpan(24), h.W3);
            f.Write(buf);
        }
    }

    public static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
