using System.Diagnostics;
using System.Globalization;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using SkiaSharp;

namespace Harrier.PdqBench;

/// <summary>
/// The off-centre crop and de-rotation hypotheses (issue 21, items 2, 4 and 5), in two parts.
/// <para>Recall: every JPEG original under the photo folder is cut 10 or 15 % on one side (each side), or 10 % on two
/// adjacent sides (a corner kept), or turned 1, 2 or 3° with the crop that removes the empty corners (the same Skia
/// transform as `robustness`), saved losslessly, decoded and hashed. A transformed photo is found by a step when the step's
/// nearest hash to its original's plain hash is within the step's radius; the table gives the share found by the plain
/// hash (31), by plain or the centre-crop hypotheses (as triage does today), and by the whole chain with the new step.</para>
/// <para>False matches (with <c>--distractors DIR</c>): every hypothesis hash of each distractor photo against every other
/// distractor photo's plain hash (ordered pairs); a pair counts once, at the nearest of the photo's hashes. The
/// distractor folder is only ever read here, named on the command line.</para>
/// </summary>
internal static class HypothesesBenchmark
{
    private const int PlainRadius = 31;

    /// <summary>The radii triage gives each step (TriageOptions in Harrier.Matching).</summary>
    private const int ReframedRadius = 60;

    private static int offCentreRadius = 36;
    private static int derotatedRadius = 28;

    /// <summary>Radii the recall table also shows for the new step, to see what each radius buys.</summary>
    private static readonly int[] Radii = [28, 32, 36, 40, 44, 48, 56];

    private sealed record Transform(string Name, Func<SKImage, byte[]> Apply, bool Rotation);

    private readonly record struct Hashes(Hash256 Plain, Hash256[] Reframed, Hash256[] OffCentre, Hash256[] Derotated);

    public static int Run(string[] args)
    {
        string? distractors = null;
        var folders = new List<string>();
        for (var k = 0; k < args.Length; k++)
        {
            switch (args[k])
            {
                case "--distractors": distractors = args[++k]; break;
                case "--offcentre-radius": offCentreRadius = int.Parse(args[++k], CultureInfo.InvariantCulture); break;
                case "--derotated-radius": derotatedRadius = int.Parse(args[++k], CultureInfo.InvariantCulture); break;
                case "--no-recall": folders.Clear(); folders.Add("-"); break;
                default: folders.Add(args[k]); break;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# hypotheses per image: {PdqReframe.DefaultCrops.Count * PdqReframe.DefaultFills.Count} centre-crop (radius {ReframedRadius}), {PdqOffCentre.DefaultCrops.Count} off-centre (radius {offCentreRadius}), {PdqDerotate.DefaultAngles.Count} de-rotated (radius {derotatedRadius}); {Environment.ProcessorCount} cores"));
        if (!folders.Contains("-"))
        {
            Recall([.. folders.SelectMany(f => Jpegs(f))]);
        }

        if (distractors is not null)
        {
            FalseMatches(distractors, [.. Jpegs(distractors)]);
        }

        return 0;
    }

    private static IEnumerable<string> Jpegs(string folder) => ImageFileFinder.Expand([folder])
        .Where(c => c.Problem is null && ImageSniffer.Detect(c.Path) == ImageFormat.Jpeg).Select(c => c.Path).Order(StringComparer.Ordinal);

    private static Hashes HashAll(DecodedImage image, bool reframed = true, bool offCentre = true, bool derotated = true) => new(
        PdqImageHasher.Hash(image).Hash,
        reframed ? [.. PdqReframe.Hash(image, PdqReframe.DefaultCrops, PdqReframe.DefaultFills).Select(r => r.Hash)] : [],
        offCentre ? [.. PdqOffCentre.Hash(image, PdqOffCentre.DefaultCrops).Select(r => r.Hash)] : [],
        derotated ? [.. PdqDerotate.Hash(image, PdqDerotate.DefaultAngles).Select(r => r.Hash)] : []);

    private static int Nearest(Hash256[] hashes, Hash256 target)
    {
        var best = 256;
        foreach (var h in hashes)
        {
            best = Math.Min(best, h.DistanceTo(target));
        }

        return best;
    }

    private static void Recall(string[] originals)
    {
        var transforms = Transforms();
        var sw = Stopwatch.StartNew();
        var original = new Hash256[originals.Length];
        var variants = new Hashes[transforms.Length, originals.Length];
        Parallel.For(0, originals.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var decoded = ImageDecoder.Decode(File.ReadAllBytes(originals[i]), originals[i]);
            original[i] = PdqImageHasher.Hash(decoded).Hash;
            using var src = RobustnessBenchmark.ToSkImage(decoded);
            for (var t = 0; t < transforms.Length; t++)
            {
                using var v = ImageDecoder.Decode(transforms[t].Apply(src), $"{originals[i]}#{transforms[t].Name}");
                // The centre-crop hypotheses only for the turns: on a first 12 photos they found none of the one-side or
                // corner crops, and they are 18 of the hashes (the run takes half as long without them).
                variants[t, i] = HashAll(v, reframed: transforms[t].Rotation, offCentre: !transforms[t].Rotation, derotated: transforms[t].Rotation);
            }
        });

        var n = originals.Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# recall: {n} originals, {transforms.Length} transforms, {sw.Elapsed.TotalSeconds:F0} s"));
        Console.WriteLine();
        Console.WriteLine("| transform | plain @31 | + centre-crop @60 | + new step @its radius | new step's median nearest distance | " + string.Join(" | ", Radii.Select(r => $"plain or step @{r}")) + " |");
        Console.WriteLine("|---|---|---|---|---|" + string.Concat(Radii.Select(_ => "---|")));
        for (var t = 0; t < transforms.Length; t++)
        {
            var plain = 0;
            var reframed = 0;
            var chain = 0;
            var step = new int[n];
            var plainDistance = new int[n];
            var radius = transforms[t].Rotation ? derotatedRadius : offCentreRadius;
            for (var i = 0; i < n; i++)
            {
                var v = variants[t, i];
                plainDistance[i] = v.Plain.DistanceTo(original[i]);
                var p = plainDistance[i] <= PlainRadius;
                var r = p || Nearest(v.Reframed, original[i]) <= ReframedRadius;
                step[i] = Nearest(transforms[t].Rotation ? v.Derotated : v.OffCentre, original[i]);
                plain += p ? 1 : 0;
                reframed += r ? 1 : 0;
                chain += r || step[i] <= radius ? 1 : 0;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {transforms[t].Name} | {Pct(plain, n)} | {(transforms[t].Rotation ? Pct(reframed, n) : "–")} | {Pct(chain, n)} @{radius} | {step.Order().ElementAt(n / 2)} | ")
                + string.Join(" | ", Radii.Select(r => Pct(Enumerable.Range(0, n).Count(i => plainDistance[i] <= PlainRadius || step[i] <= r), n))) + " |");
        }

        Console.WriteLine();
    }

    private static void FalseMatches(string folder, string[] photos)
    {
        var sw = Stopwatch.StartNew();
        var hashes = new Hashes[photos.Length];
        Parallel.For(0, photos.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var decoded = ImageDecoder.Decode(File.ReadAllBytes(photos[i]), photos[i]);
            hashes[i] = HashAll(decoded);
        });
        var hashing = sw.Elapsed.TotalSeconds;
        var n = photos.Length;
        var plainOf = hashes.Select(h => h.Plain).ToArray();
        // Per step, a histogram over ordered pairs (i ≠ j) of the nearest of i's hashes to j's plain hash.
        var steps = new (string Name, Func<Hashes, Hash256[]> Of, int Radius)[]
        {
            ("plain (for scale)", h => [h.Plain], PlainRadius),
            ("centre-crop (reframed)", h => h.Reframed, ReframedRadius),
            ("off-centre", h => h.OffCentre, offCentreRadius),
            ("de-rotated", h => h.Derotated, derotatedRadius),
        };
        var histograms = new long[steps.Length][];
        for (var s = 0; s < steps.Length; s++)
        {
            var local = new long[257];
            var of = steps[s].Of;
            var sync = new object();
            Parallel.For(0, n, () => new long[257], (i, _, h) =>
            {
                var mine = of(hashes[i]);
                for (var j = 0; j < n; j++)
                {
                    if (j != i)
                    {
                        h[Nearest(mine, plainOf[j])]++;
                    }
                }

                return h;
            }, h =>
            {
                lock (sync)
                {
                    for (var d = 0; d <= 256; d++)
                    {
                        local[d] += h[d];
                    }
                }
            });
            histograms[s] = local;
        }

        var pairs = (long)n * (n - 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# false matches: {n} distractor photos ({folder}), {pairs:N0} ordered pairs; hashing {hashing:F0} s, total {sw.Elapsed.TotalSeconds:F0} s"));
        Console.WriteLine();
        Console.WriteLine("| step | hashes per photo | radius | pairs within radius | nearest pair | pairs ≤ 40 | ≤ 50 | ≤ 56 | ≤ 60 | ≤ 64 | ≤ 70 | ≤ 76 |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (var s = 0; s < steps.Length; s++)
        {
            var h = histograms[s];
            long Within(int r) => h.Take(r + 1).Sum();
            var nearest = Array.FindIndex(h, c => c > 0);
            var count = steps[s].Of(hashes[0]).Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {steps[s].Name} | {count} | {steps[s].Radius} | {Within(steps[s].Radius)} | {nearest} | {Within(40)} | {Within(50)} | {Within(56)} | {Within(60)} | {Within(64)} | {Within(70)} | {Within(76)} |"));
        }

        Console.WriteLine();
        for (var s = 0; s < steps.Length; s++)
        {
            Console.WriteLine($"# {steps[s].Name}, pairs by distance up to 80: " + string.Join(' ', Enumerable.Range(0, 81)
                .Where(d => histograms[s][d] > 0).Select(d => string.Create(CultureInfo.InvariantCulture, $"{d}:{histograms[s][d]}"))));
        }

        Console.WriteLine();
        // The nearest pairs of each hypothesis step, for a look at what comes near (never printed for the plain step).
        for (var s = 1; s < steps.Length; s++)
        {
            var of = steps[s].Of;
            var near = Enumerable.Range(0, n).AsParallel()
                .SelectMany(i => Enumerable.Range(0, n).Where(j => j != i).Select(j => (i, j, d: Nearest(of(hashes[i]), plainOf[j]))).Where(p => p.d <= steps[s].Radius + 10))
                .OrderBy(p => p.d).ThenBy(p => p.i).ThenBy(p => p.j).Take(5).ToList();
            foreach (var (i, j, d) in near)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"# {steps[s].Name}: {d} bits from {Path.GetRelativePath(folder, photos[i])} (quality {Quality(photos[i])}) to {Path.GetRelativePath(folder, photos[j])}"));
            }
        }

        Console.WriteLine();
    }

    private static int Quality(string path)
    {
        using var decoded = ImageDecoder.Decode(File.ReadAllBytes(path), path);
        return PdqImageHasher.Hash(decoded).Quality;
    }

    private static string Pct(int k, int n) => (100.0 * k / n).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static Transform[] Transforms() =>
    [
        new("crop 10 % left", s => CutSides(s, 0.10, 0, 0, 0), false),
        new("crop 10 % right", s => CutSides(s, 0, 0, 0.10, 0), false),
        new("crop 10 % top", s => CutSides(s, 0, 0.10, 0, 0), false),
        new("crop 10 % bottom", s => CutSides(s, 0, 0, 0, 0.10), false),
        new("crop 15 % left", s => CutSides(s, 0.15, 0, 0, 0), false),
        new("crop 15 % right", s => CutSides(s, 0, 0, 0.15, 0), false),
        new("crop 15 % top", s => CutSides(s, 0, 0.15, 0, 0), false),
        new("crop 15 % bottom", s => CutSides(s, 0, 0, 0, 0.15), false),
        new("crop 12 % left (between steps)", s => CutSides(s, 0.12, 0, 0, 0), false),
        new("crop 10 % top + left (corner)", s => CutSides(s, 0.10, 0.10, 0, 0), false),
        new("crop 15 % bottom + right (corner)", s => CutSides(s, 0, 0, 0.15, 0.15), false),
        new("rotate 1°", s => RobustnessBenchmark.Rotate(s, 1), true),
        new("rotate 2°", s => RobustnessBenchmark.Rotate(s, 2), true),
        new("rotate 3°", s => RobustnessBenchmark.Rotate(s, 3), true),
        new("rotate −2°", s => RobustnessBenchmark.Rotate(s, -2), true),
        new("rotate 1.5° (between steps)", s => RobustnessBenchmark.Rotate(s, 1.5f), true),
    ];

    /// <summary>Keeps what is left after cutting the given shares of the width (left, right) and height (top, bottom).</summary>
    private static byte[] CutSides(SKImage s, double left, double top, double right, double bottom)
    {
        var x0 = (int)Math.Round(s.Width * left);
        var y0 = (int)Math.Round(s.Height * top);
        var w = s.Width - x0 - (int)Math.Round(s.Width * right);
        var h = s.Height - y0 - (int)Math.Round(s.Height * bottom);
        return RobustnessBenchmark.Render(w, h, c => c.DrawImage(s, -x0, -y0, RobustnessBenchmark.Nearest));
    }
}
