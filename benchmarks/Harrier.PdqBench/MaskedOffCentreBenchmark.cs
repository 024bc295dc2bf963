using System.Globalization;
using System.Numerics;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;

namespace Harrier.PdqBench;

/// <summary>
/// `hypotheses --masked` (benchmarks/pdq-hypotheses.sh): a measurement for the next step of issue 21.2, not yet in the
/// product. Each of <see cref="PdqOffCentre"/>'s 24 crops is hashed with three fills of the band the crop removed (the
/// product's fade into the mean, a flat mean, the edge pixel repeated); the bits all three agree on are "stable", the
/// others depend on the guessed band; the masked distance counts the stable bits only, scaled to 256. Recall: the
/// originals cut on one side or a corner in pixel space (the product's PNG round trip is lossless, so the faded column
/// reproduces the product's figures); false matches: every distractor's 24 crops against every other distractor's plain
/// hash, the nearest per ordered pair. The canvas is re-implemented here (the product's <c>ReframeCanvas</c> is
/// internal and has the faded fill only) and checked against the product on every distractor: its faded hashes must be
/// within <see cref="MaxApart"/> bits of what <see cref="PdqOffCentre.Hash(DecodedImage, IReadOnlyList{ValueTuple{CropSides, double}})"/>
/// gives (the count that differ at all is printed).
/// </summary>
internal static class MaskedOffCentreBenchmark
{
    /// <summary>The most bits a re-implemented faded hash may differ from the product's (floating-point detail; 2 seen).</summary>
    private const int MaxApart = 4;

    private static readonly int[] Radii = [28, 30, 32, 34, 35, 36, 38, 40, 44, 48, 56];

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
                var hypotheses = Hypotheses(ReducedLuma(image, x0, y0, w, h));
                faded[c, i] = hypotheses.Min(x => x.Hash.DistanceTo(original));
                masked[c, i] = hypotheses.Min(x => Masked(x, original));
            }
        });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# masked off-centre recall: {n} originals, nearest of the 24 crops, faded / masked, %"));
        Console.WriteLine();
        Console.WriteLine("| transform | " + string.Join(" | ", Radii.Select(r => $"@{r}")) + " |");
        Console.WriteLine("|---|" + string.Concat(Radii.Select(_ => "---|")));
        for (var c = 0; c < Cuts.Length; c++)
        {
            var row = c;
            Console.WriteLine($"| {Cuts[c].Name} | " + string.Join(" | ", Radii.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{100.0 * Enumerable.Range(0, n).Count(i => faded[row, i] <= r) / n:F1} / {100.0 * Enumerable.Range(0, n).Count(i => masked[row, i] <= r) / n:F1}"))) + " |");
        }

        Console.WriteLine();
    }

    public static void FalseMatches(string[] photos)
    {
        var n = photos.Length;
        var plain = new Hash256[n];
        var hypotheses = new Hypothesis[n][];
        var (differing, mostApart) = (0, 0);
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var image = ImageDecoder.Decode(photos[i]);
            plain[i] = PdqImageHasher.Hash(image).Hash;
            hypotheses[i] = Hypotheses(ReducedLuma(image, 0, 0, image.Width, image.Height));
            // The faded hashes must be the product's (within floating-point detail), or this benchmark measures something else.
            var apart = PdqOffCentre.Hash(image, PdqOffCentre.DefaultCrops).Zip(hypotheses[i], (p, x) => p.Hash.DistanceTo(x.Hash)).ToArray();
            if (apart.Max() > MaxApart)
            {
                throw new InvalidOperationException($"{photos[i]}: the re-implemented faded canvas is {apart.Max()} bits from PdqOffCentre's");
            }

            Interlocked.Add(ref differing, apart.Count(d => d > 0));
            lock (plain)
            {
                mostApart = Math.Max(mostApart, apart.Max());
            }
        });

        var fadedCounts = new long[257];
        var maskedCounts = new long[257];
        var nearest = double.MaxValue;
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => (new long[257], new long[257], double.MaxValue), (i, _, acc) =>
        {
            for (var j = 0; j < n; j++)
            {
                if (i == j)
                {
                    continue;
                }

                var f = 256;
                var m = 256.0;
                foreach (var x in hypotheses[i])
                {
                    f = Math.Min(f, x.Hash.DistanceTo(plain[j]));
                    m = Math.Min(m, Masked(x, plain[j]));
                }

                acc.Item1[f]++;
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
                }

                nearest = Math.Min(nearest, acc.Item3);
            }
        });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# the re-implemented faded hashes: {differing} of {n * PdqOffCentre.DefaultCrops.Count} differ from PdqOffCentre's, by at most {mostApart} bits"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# masked off-centre false matches: {n} photos, {(long)n * (n - 1)} ordered pairs, nearest of the 24 crops to the other photo's plain hash; stable bits a crop, mean {hypotheses.SelectMany(x => x).Average(x => x.Stable):F0}, least {hypotheses.SelectMany(x => x).Min(x => x.Stable)}"));
        Console.WriteLine();
        Console.WriteLine("| pairs within | " + string.Join(" | ", Radii) + " | nearest |");
        Console.WriteLine("|---|" + string.Concat(Radii.Select(_ => "---|")) + "---|");
        Console.WriteLine("| faded | " + string.Join(" | ", Radii.Select(r => fadedCounts.Take(r + 1).Sum())) + $" | {Array.FindIndex(fadedCounts, c => c > 0)} |");
        Console.WriteLine("| masked | " + string.Join(" | ", Radii.Select(r => maskedCounts.Take(r + 1).Sum())) + string.Create(CultureInfo.InvariantCulture, $" | {nearest:F1} |"));
        Console.WriteLine();
    }

    private readonly record struct Hypothesis(Hash256 Hash, Hash256 Mask, int Stable);

    private static double Masked(Hypothesis x, Hash256 target)
    {
        var (d, m) = (Xor(x.Hash, target), x.Mask);
        var bits = BitOperations.PopCount(d.W0 & m.W0) + BitOperations.PopCount(d.W1 & m.W1) + BitOperations.PopCount(d.W2 & m.W2) + BitOperations.PopCount(d.W3 & m.W3);
        return x.Stable == 0 ? 256 : 256.0 * bits / x.Stable;
    }

    private static Hash256 Xor(Hash256 a, Hash256 b) => new(a.W0 ^ b.W0, a.W1 ^ b.W1, a.W2 ^ b.W2, a.W3 ^ b.W3);

    /// <summary>Luma of a window of the image, box-reduced as the product reduces it (long side ≤ 512).</summary>
    private static (float[] Luma, int Width, int Height) ReducedLuma(DecodedImage image, int x0, int y0, int width, int height)
    {
        var full = new float[image.Width * image.Height];
        PdqHasher.ComputeLuma(image.Pixels, PdqImageHasher.PixelFormatOf(image), image.Width, image.Height, image.Stride, full);
        var f = Math.Max(1, (Math.Max(width, height) + PdqReframe.WorkingSize - 1) / PdqReframe.WorkingSize);
        var (rw, rh) = (width / f, height / f);
        var reduced = new float[rw * rh];
        for (var y = 0; y < rh; y++)
        {
            for (var x = 0; x < rw; x++)
            {
                var sum = 0f;
                for (var dy = 0; dy < f; dy++)
                {
                    for (var dx = 0; dx < f; dx++)
                    {
                        sum += full[((y0 + (y * f) + dy) * image.Width) + x0 + (x * f) + dx];
                    }
                }

                reduced[(y * rw) + x] = sum / (f * f);
            }
        }

        return (reduced, rw, rh);
    }

    private static Hypothesis[] Hypotheses((float[] Luma, int Width, int Height) query)
    {
        var (luma, w, h) = query;
        var sum = 0.0;
        foreach (var v in luma)
        {
            sum += v;
        }

        var mean = (float)(sum / luma.Length);
        var crops = PdqOffCentre.DefaultCrops;
        var result = new Hypothesis[crops.Count];
        for (var k = 0; k < crops.Count; k++)
        {
            var (sides, share) = crops[k];
            var bandX = sides.HasFlag(CropSides.Left) || sides.HasFlag(CropSides.Right) ? (int)Math.Round(w * share / (1 - share)) : 0;
            var bandY = sides.HasFlag(CropSides.Top) || sides.HasFlag(CropSides.Bottom) ? (int)Math.Round(h * share / (1 - share)) : 0;
            var left = sides.HasFlag(CropSides.Left) ? bandX : 0;
            var top = sides.HasFlag(CropSides.Top) ? bandY : 0;
            var (cw, ch) = (w + bandX, h + bandY);
            var ring = Math.Max(bandX, bandY);
            Hash256 Canvas(double decay)
            {
                var canvas = new float[cw * ch];
                for (var y = 0; y < ch; y++)
                {
                    for (var x = 0; x < cw; x++)
                    {
                        var (qx, qy) = (x - left, y - top);
                        var outside = Math.Max(Math.Max(-qx, qx - (w - 1)), Math.Max(-qy, qy - (h - 1)));
                        var v = luma[(Math.Clamp(qy, 0, h - 1) * w) + Math.Clamp(qx, 0, w - 1)];
                        if (outside > 0)
                        {
                            var a = decay <= 0 ? 0f : double.IsPositiveInfinity(decay) ? 1f : (float)Math.Exp(-outside / decay);
                            v = (a * v) + ((1 - a) * mean);
                        }

                        canvas[(y * cw) + x] = v;
                    }
                }

                return PdqHasher.HashLuma(canvas, cw, ch).Hash;
            }

            var faded = Canvas(PdqReframe.FadeShare * Math.Max(1, ring));
            var flat = Xor(faded, Canvas(0));
            var edge = Xor(faded, Canvas(double.PositiveInfinity));
            var mask = new Hash256(~(flat.W0 | edge.W0), ~(flat.W1 | edge.W1), ~(flat.W2 | edge.W2), ~(flat.W3 | edge.W3));
            result[k] = new Hypothesis(faded, mask, BitOperations.PopCount(mask.W0) + BitOperations.PopCount(mask.W1) + BitOperations.PopCount(mask.W2) + BitOperations.PopCount(mask.W3));
        }

        return result;
    }
}
