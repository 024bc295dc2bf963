using System.Globalization;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;

namespace Harrier.PdqBench;

/// <summary>
/// `hypotheses --masked-derotated` (benchmarks/pdq-hypotheses.sh): the masked distance of <see cref="MaskedOffCentreBenchmark"/>
/// for the de-rotation step. A turn's corner-removing crop leaves a border of the original that the turned-back query
/// does not cover, and that border is guessed (filled) as an off-centre crop's band is; each of <see cref="PdqDerotate"/>'s
/// angles is hashed with three fills of it (<see cref="PdqDerotate.HashWithStableBits"/>) and compared over the bits they
/// agree on (<see cref="PdqOffCentre.MaskedDistance"/>). Recall: the originals turned with the crop that removes the
/// empty corners (the transform of `robustness`), saved losslessly and decoded; false matches: every distractor's
/// hypotheses against every other distractor's plain hash, the nearest per ordered pair.
/// </summary>
internal static class MaskedDerotatedBenchmark
{
    private static readonly int[] Radii = [24, 26, 28, 30, 32, 34, 36, 40, 44, 48, 56];

    private static readonly float[] Angles = [1, 2, 3, -2, -3, 1.5f];

    /// <summary>Triage's radii for the step (TriageOptions in Harrier.Matching: DerotatedSearchRadius, DerotatedMaskedRadius; DerotatedRadius is the same 28).</summary>
    private const int SearchRadius = 56;

    private const int MaskedRadius = 28;

    public static void Recall(string[] originals)
    {
        var n = originals.Length;
        var plain = new int[Angles.Length, n];
        var masked = new int[Angles.Length, n];
        var rule = new int[Angles.Length, n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var decoded = ImageDecoder.Decode(File.ReadAllBytes(originals[i]), originals[i]);
            var original = PdqImageHasher.Hash(decoded).Hash;
            using var src = RobustnessBenchmark.ToSkImage(decoded);
            for (var a = 0; a < Angles.Length; a++)
            {
                using var v = ImageDecoder.Decode(RobustnessBenchmark.Rotate(src, Angles[a]), $"{originals[i]}#{Angles[a]}");
                var hypotheses = PdqDerotate.HashWithStableBits(v.Pixels, PdqImageHasher.PixelFormatOf(v), v.Width, v.Height, v.Stride, PdqDerotate.DefaultAngles);
                plain[a, i] = hypotheses.Min(x => x.Result.Hash.DistanceTo(original));
                masked[a, i] = hypotheses.Min(x => PdqOffCentre.MaskedDistance(x.Result.Hash, x.Stable, original));
                rule[a, i] = hypotheses.Min(x => x.Result.Hash.DistanceTo(original) <= SearchRadius ? PdqOffCentre.MaskedDistance(x.Result.Hash, x.Stable, original) : 256);
            }
        });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# de-rotation recall by triage's rule (plain within {SearchRadius}, masked within {MaskedRadius}) against the plain distance within {MaskedRadius} (before): {n} originals"));
        Console.WriteLine();
        Console.WriteLine("| turn | plain (before) | triage's rule |");
        Console.WriteLine("|---|---|---|");
        for (var a = 0; a < Angles.Length; a++)
        {
            var row = a;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Angles[a]}° | {100.0 * Enumerable.Range(0, n).Count(i => plain[row, i] <= MaskedRadius) / n:F1} % | {100.0 * Enumerable.Range(0, n).Count(i => rule[row, i] <= MaskedRadius) / n:F1} % |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# masked de-rotation recall: {n} originals, nearest of the {PdqDerotate.DefaultAngles.Count} angles, plain / masked, %"));
        Console.WriteLine();
        RecallTable.Write("turn", [.. Angles.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a}°"))], plain, masked, n, Radii);

        Console.WriteLine();
    }

    public static void FalseMatches(string[] photos)
    {
        var n = photos.Length;
        var plain = new Hash256[n];
        var hypotheses = new (PdqResult Result, Hash256 Stable)[n][];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var image = ImageDecoder.Decode(photos[i]);
            plain[i] = PdqImageHasher.Hash(image).Hash;
            hypotheses[i] = PdqDerotate.HashWithStableBits(image.Pixels, PdqImageHasher.PixelFormatOf(image), image.Width, image.Height, image.Stride, PdqDerotate.DefaultAngles);
        });

        var plainCounts = new long[257];
        var maskedCounts = new long[257];
        var gatedCounts = new long[257];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => (new long[257], new long[257], new long[257]), (i, _, acc) =>
        {
            for (var j = 0; j < n; j++)
            {
                if (i == j)
                {
                    continue;
                }

                var p = 256;
                var m = 256;
                var g = 256;
                foreach (var (result, stable) in hypotheses[i])
                {
                    var d = result.Hash.DistanceTo(plain[j]);
                    var md = PdqOffCentre.MaskedDistance(result.Hash, stable, plain[j]);
                    p = Math.Min(p, d);
                    m = Math.Min(m, md);
                    g = Math.Min(g, d <= SearchRadius ? md : 256);
                }

                acc.Item1[p]++;
                acc.Item2[m]++;
                acc.Item3[g]++;
            }

            return acc;
        }, acc =>
        {
            lock (plainCounts)
            {
                for (var k = 0; k < 257; k++)
                {
                    plainCounts[k] += acc.Item1[k];
                    maskedCounts[k] += acc.Item2[k];
                    gatedCounts[k] += acc.Item3[k];
                }
            }
        });

        var stableBits = hypotheses.SelectMany(x => x).Select(x => x.Stable.PopCount()).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# masked de-rotation false matches: {n} photos, {(long)n * (n - 1)} ordered pairs, nearest of the {PdqDerotate.DefaultAngles.Count} angles to the other photo's plain hash; stable bits an angle, mean {stableBits.Average():F0}, least {stableBits.Min()}"));
        Console.WriteLine();
        Console.WriteLine("| pairs within | " + string.Join(" | ", Radii) + " | nearest |");
        Console.WriteLine("|---|" + string.Concat(Radii.Select(_ => "---|")) + "---|");
        Console.WriteLine("| plain | " + string.Join(" | ", Radii.Select(r => plainCounts.Take(r + 1).Sum())) + $" | {Array.FindIndex(plainCounts, c => c > 0)} |");
        Console.WriteLine("| masked | " + string.Join(" | ", Radii.Select(r => maskedCounts.Take(r + 1).Sum())) + $" | {Array.FindIndex(maskedCounts, c => c > 0)} |");
        // The image step's rule (masked among the bank hashes within the plain search radius); a video frame's de-rotation
        // has been compared by the masked distance alone (the row above) since TriageEngine.MaskedFrameDistances.
        Console.WriteLine($"| masked, of the angles within plain {SearchRadius} | " + string.Join(" | ", Radii.Select(r => gatedCounts.Take(r + 1).Sum())) + $" | {Array.FindIndex(gatedCounts, c => c > 0)} |");
        Console.WriteLine();
    }
}
