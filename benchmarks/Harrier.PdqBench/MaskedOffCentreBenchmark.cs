using System.Globalization;
using System.Numerics;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;

namespace Harrier.PdqBench;

/// <summary>
/// `hypotheses --masked` (benchmarks/pdq-hypotheses.sh): the off-centre step of issue 21.2 by the plain ("faded")
/// distance, by the masked distance alone, and by triage's rule (TriageEngine's off-centre step: a crop whose plain
/// distance is within the search radius and whose masked distance is within the masked radius; the nearest such crop).
/// Each of <see cref="PdqOffCentre"/>'s 24 crops with its stable bits (<see cref="PdqOffCentre.HashWithStableBits"/>: the
/// bits three fills of the band the crop removed agree on), compared by the product's
/// <see cref="PdqOffCentre.MaskedDistance"/>. Recall: the originals cut on one side or a corner in pixel space (the
/// product's PNG round trip is lossless, so these are the product's figures); false matches: every distractor's 24 crops
/// against every other distractor's plain hash, the nearest per ordered pair.
/// </summary>
internal static class MaskedOffCentreBenchmark
{
    private static readonly int[] Radii = [28, 30, 32, 34, 35, 36, 38, 40, 44, 48, 56];

    /// <summary>Triage's radii for the step (TriageOptions in Harrier.Matching: OffCentreSearchRadius, OffCentreMaskedRadius, OffCentreRadius).</summary>
    private const int SearchRadius = 56;

    private const int MaskedRadius = 35;

    private const int PlainRadius = 36;

    /// <summary>TriageEngine.MinStableBits: a crop with fewer stable bits is compared by the plain distance.</summary>
    private const int MinStableBits = 128;

    private static readonly (string Name, double Left, double Top, double Right, double Bottom)[] Cuts =
    [
        ("crop 15 % left", .15, 0, 0, 0), ("crop 15 % right", 0, 0, .15, 0), ("crop 15 % top", 0, .15, 0, 0), ("crop 15 % bottom", 0, 0, 0, .15),
        ("crop 10 % left", .10, 0, 0, 0), ("crop 10 % top", 0, .10, 0, 0), ("crop 12 % left", .12, 0, 0, 0),
        ("crop 10 % top + left (corner)", .10, .10, 0, 0), ("crop 15 % bottom + right (corner)", 0, 0, .15, .15),
    ];

    public static void Recall(string[] originals)
    {
        var n = originals.Length;
        var faded = new double[Cuts.Length, n];
        var masked = new double[Cuts.Length, n];
        var rule = new int[Cuts.Length, n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var image = ImageDecoder.Decode(originals[i]);
            var original = PdqImageHasher.Hash(image).Hash;
            for (var c = 0; c < Cuts.Length; c++)
            {
                var (_, l, t, r, b) = Cuts[c];
                var x0 = (int)Math.Round(image.Width * l);
                var y0 = (int)Math.Round(image.Height * t);
                var w = image.Width - x0 - (int)Math.Round(image.Width * r);
                var h = image.Height - y0 - (int)Math.Round(image.Height * b);
                var hypotheses = Hypotheses(image.Pixels[((y0 * image.Stride) + (x0 * image.BytesPerPixel))..], PdqImageHasher.PixelFormatOf(image), w, h, image.Stride);
                faded[c, i] = hypotheses.Min(x => x.Hash.DistanceTo(original));
                masked[c, i] = hypotheses.Min(x => Masked(x, original));
                rule[c, i] = hypotheses.Min(x => Rule(x, original));
            }
        });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# off-centre recall by triage's rule (plain within {SearchRadius}, masked within {MaskedRadius}) against the plain distance within {PlainRadius} (before): {n} originals"));
        Console.WriteLine();
        Console.WriteLine("| transform | plain @" + PlainRadius + " (before) | triage's rule | masked alone @" + MaskedRadius + " |");
        Console.WriteLine("|---|---|---|---|");
        for (var c = 0; c < Cuts.Length; c++)
        {
            var row = c;
            double Share(Func<int, bool> found) => 100.0 * Enumerable.Range(0, n).Count(found) / n;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Cuts[c].Name} | {Share(i => faded[row, i] <= PlainRadius):F1} % | {Share(i => rule[row, i] <= MaskedRadius):F1} % | {Share(i => masked[row, i] <= MaskedRadius):F1} % |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# masked off-centre recall: {n} originals, nearest of the 24 crops, faded / masked, %"));
        Console.WriteLine();
        RecallTable.Write("transform", [.. Cuts.Select(c => c.Name)], faded, masked, n, Radii);

        Console.WriteLine();
    }

    public static void FalseMatches(string[] photos)
    {
        var n = photos.Length;
        var plain = new Hash256[n];
        var hypotheses = new Hypothesis[n][];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var image = ImageDecoder.Decode(photos[i]);
            plain[i] = PdqImageHasher.Hash(image).Hash;
            hypotheses[i] = Hypotheses(image.Pixels, PdqImageHasher.PixelFormatOf(image), image.Width, image.Height, image.Stride);
        });

        var fadedCounts = new long[257];
        var maskedCounts = new long[257];
        var ruleCounts = new long[257];
        var nearest = double.MaxValue;
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => (new long[257], new long[257], double.MaxValue, new long[257]), (i, _, acc) =>
        {
            for (var j = 0; j < n; j++)
            {
                if (i == j)
                {
                    continue;
                }

                var f = 256;
                var m = 256.0;
                var t = 256;
                foreach (var x in hypotheses[i])
                {
                    f = Math.Min(f, x.Hash.DistanceTo(plain[j]));
                    m = Math.Min(m, Masked(x, plain[j]));
                    t = Math.Min(t, Rule(x, plain[j]));
                }

                acc.Item1[f]++;
                acc.Item4[t]++;
                acc.Item2[(int)Math.Ceiling(m)]++;
                acc.Item3 = Math.Min(acc.Item3, m);
            }

            return acc;
        }, acc =>
        {
            lock (fadedCounts)
            {
                for (var k = 0; k < 257; k++)
                {
                    fadedCounts[k] += acc.Item1[k];
                    maskedCounts[k] += acc.Item2[k];
                    ruleCounts[k] += acc.Item4[k];
                }

                nearest = Math.Min(nearest, acc.Item3);
            }
        });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# masked off-centre false matches: {n} photos, {(long)n * (n - 1)} ordered pairs, nearest of the 24 crops to the other photo's plain hash; stable bits a crop, mean {hypotheses.SelectMany(x => x).Average(x => x.Stable):F0}, least {hypotheses.SelectMany(x => x).Min(x => x.Stable)}"));
        Console.WriteLine();
        Console.WriteLine("| pairs within | " + string.Join(" | ", Radii) + " | nearest |");
        Console.WriteLine("|---|" + string.Concat(Radii.Select(_ => "---|")) + "---|");
        Console.WriteLine("| faded | " + string.Join(" | ", Radii.Select(r => fadedCounts.Take(r + 1).Sum())) + $" | {Array.FindIndex(fadedCounts, c => c > 0)} |");
        Console.WriteLine("| masked | " + string.Join(" | ", Radii.Select(r => maskedCounts.Take(r + 1).Sum())) + string.Create(CultureInfo.InvariantCulture, $" | {nearest:F1} |"));
        Console.WriteLine("| triage's rule (masked, of the crops within plain " + SearchRadius + ") | " + string.Join(" | ", Radii.Select(r => ruleCounts.Take(r + 1).Sum())) + $" | {Array.FindIndex(ruleCounts, c => c > 0)} |");
        Console.WriteLine();
    }

    private readonly record struct Hypothesis(Hash256 Hash, Hash256 Mask, int Stable);

    private static double Masked(Hypothesis x, Hash256 target)
    {
        var (d, m) = (Xor(x.Hash, target), x.Mask);
        var bits = BitOperations.PopCount(d.W0 & m.W0) + BitOperations.PopCount(d.W1 & m.W1) + BitOperations.PopCount(d.W2 & m.W2) + BitOperations.PopCount(d.W3 & m.W3);
        return x.Stable == 0 ? 256 : 256.0 * bits / x.Stable;
    }

    /// <summary>
    /// The distance triage gives a crop against <paramref name="target"/> (TriageEngine's off-centre step): the product's
    /// masked distance when the plain one is within the search radius, the plain one for a crop with too few stable bits
    /// when within the plain radius, otherwise 256 (not a candidate).
    /// </summary>
    private static int Rule(Hypothesis x, Hash256 target)
    {
        var plainDistance = x.Hash.DistanceTo(target);
        if (x.Stable < MinStableBits)
        {
            return plainDistance <= PlainRadius ? plainDistance : 256;
        }

        return plainDistance <= SearchRadius ? PdqOffCentre.MaskedDistance(x.Hash, x.Mask, target) : 256;
    }

    private static Hash256 Xor(Hash256 a, Hash256 b) => new(a.W0 ^ b.W0, a.W1 ^ b.W1, a.W2 ^ b.W2, a.W3 ^ b.W3);

    private static Hypothesis[] Hypotheses(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride) =>
        [.. PdqOffCentre.HashWithStableBits(pixels, format, width, height, stride, PdqOffCentre.DefaultCrops).Select(x => new Hypothesis(x.Result.Hash, x.Stable,
            BitOperations.PopCount(x.Stable.W0) + BitOperations.PopCount(x.Stable.W1) + BitOperations.PopCount(x.Stable.W2) + BitOperations.PopCount(x.Stable.W3)))];
}
