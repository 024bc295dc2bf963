using System.Diagnostics;
using System.Globalization;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Testing;
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
    private const int ReframedRadius = 53;

    private static int offCentreRadius = 36;
    private static int derotatedRadius = 28;
    private static int insetRadius = 31;

    /// <summary>Radii the recall table also shows for the new step, to see what each radius buys.</summary>
    private static readonly int[] Radii = [28, 32, 36, 40, 44, 48, 56];

    private sealed record Transform(string Name, Func<SKImage, byte[]> Apply, bool Rotation);

    private readonly record struct Hashes(Hash256 Plain, Hash256[] Reframed, Hash256[] OffCentre, Hash256[] Derotated, Hash256[] Inset);

    /// <summary>With <c>--inset</c>: only the plain, centre-crop and content-inside-content hashes (issue 21.3 and the centre-crop radius).</summary>
    private static bool insetOnly;

    /// <summary>With <c>--inset-rows-only</c>: as <c>--inset</c> without the centre-crop rows (seconds instead of minutes).</summary>
    private static bool insetRowsOnly;

    /// <summary>With <c>--crop-rows-only</c>: the recall table's one-side and corner crops only, off-centre hashes only (minutes instead of most of an hour).</summary>
    private static bool cropRowsOnly;

    /// <summary>Only the masked off-centre measurement (<see cref="MaskedOffCentreBenchmark"/>).</summary>
    private static bool masked;

    /// <summary>Only the masked de-rotation measurement (<see cref="MaskedDerotatedBenchmark"/>).</summary>
    private static bool maskedDerotated;

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
                case "--inset-radius": insetRadius = int.Parse(args[++k], CultureInfo.InvariantCulture); break;
                case "--inset": insetOnly = true; break;
                case "--inset-rows-only": insetOnly = insetRowsOnly = true; break;
                case "--crop-rows-only": cropRowsOnly = true; break;
                case "--masked": masked = true; break;
                case "--masked-derotated": maskedDerotated = true; break;
                case "--cost": return Cost([.. args.Skip(k + 1).SelectMany(f => Jpegs(f))]);
                case "--no-recall": folders.Clear(); folders.Add("-"); break;
                default: folders.Add(args[k]); break;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# hypotheses per image: {PdqReframe.DefaultCrops.Count * PdqReframe.DefaultFills.Count} centre-crop (radius {ReframedRadius}), {PdqOffCentre.DefaultCrops.Count} off-centre (radius {offCentreRadius}), {PdqDerotate.DefaultAngles.Count} de-rotated (radius {derotatedRadius}); {Environment.ProcessorCount} cores"));
        if (masked || maskedDerotated)
        {
            Action<string[]> recall = masked ? MaskedOffCentreBenchmark.Recall : MaskedDerotatedBenchmark.Recall;
            Action<string[]> falseMatches = masked ? MaskedOffCentreBenchmark.FalseMatches : MaskedDerotatedBenchmark.FalseMatches;
            if (!folders.Contains("-"))
            {
                recall([.. folders.SelectMany(f => Jpegs(f))]);
            }

            if (distractors is not null)
            {
                falseMatches([.. Jpegs(distractors)]);
            }

            return 0;
        }

        if (!folders.Contains("-"))
        {
            if (insetOnly)
            {
                InsetRecall([.. folders.SelectMany(f => Jpegs(f))]);
            }
            else
            {
                Recall([.. folders.SelectMany(f => Jpegs(f))]);
            }
        }

        if (distractors is not null)
        {
            FalseMatches(distractors, [.. Jpegs(distractors)]);
        }

        return 0;
    }

    private static IEnumerable<string> Jpegs(string folder) => ImageFileFinder.Expand([folder])
        .Where(c => c.Problem is null && ImageSniffer.Detect(c.Path) == ImageFormat.Jpeg).Select(c => c.Path).Order(StringComparer.Ordinal);

    private static Hashes HashAll(DecodedImage image, bool reframed = true, bool offCentre = true, bool derotated = true, bool inset = true) => new(
        PdqImageHasher.Hash(image).Hash,
        reframed ? [.. PdqReframe.Hash(image, PdqReframe.DefaultCrops, PdqReframe.DefaultFills).Select(r => r.Hash)] : [],
        offCentre && !insetOnly ? [.. PdqOffCentre.Hash(image, PdqOffCentre.DefaultCrops).Select(r => r.Hash)] : [],
        derotated && !insetOnly ? [.. PdqDerotate.Hash(image, PdqDerotate.DefaultAngles).Select(r => r.Hash)] : [],
        inset ? [.. PdqInset.Hash(image).Select(r => r.Result.Hash)] : []);

    /// <summary>
    /// The CPU time of each of ingest's image hashes on the photos (issue 21.6's cost, per image): one thread, each step
    /// over every photo in turn, timed by the process's CPU time (user + sys), so load from other processes does not
    /// count; two rounds, the second reported (the first warms the JIT and the caches).
    /// </summary>
    private static int Cost(string[] photos)
    {
        var decoded = photos.Select(p => ImageDecoder.Decode(File.ReadAllBytes(p), p)).ToArray();
        (string Name, Action<DecodedImage> Run)[] steps =
        [
            ("decode (JPEG)", _ => { }),
            ("plain dihedral PDQ", d => PdqImageHasher.HashDihedral(d)),
            ("centre crops (18)", d => PdqReframe.Hash(d, PdqReframe.DefaultCrops, PdqReframe.DefaultFills)),
            ("off-centre (24)", d => PdqOffCentre.Hash(d, PdqOffCentre.DefaultCrops)),
            ("off-centre with stable bits (24, three fills; what triage computes)",
                d => PdqOffCentre.HashWithStableBits(d.Pixels, PdqImageHasher.PixelFormatOf(d), d.Width, d.Height, d.Stride, PdqOffCentre.DefaultCrops)),
            ("de-rotation (6)", d => PdqDerotate.Hash(d, PdqDerotate.DefaultAngles)),
            ("de-rotation with stable bits (6, three fills; what triage computes)",
                d => PdqDerotate.HashWithStableBits(d.Pixels, PdqImageHasher.PixelFormatOf(d), d.Width, d.Height, d.Stride, PdqDerotate.DefaultAngles)),
            ("inset (≤ 3)", d => PdqInset.Hash(d)),
        ];
        var cpu = new double[steps.Length];
        for (var round = 0; round < 2; round++)
        {
            for (var s = 0; s < steps.Length; s++)
            {
                var before = Process.GetCurrentProcess().TotalProcessorTime;
                foreach (var (d, k) in decoded.Select((d, k) => (d, k)))
                {
                    if (s == 0)
                    {
                        ImageDecoder.Decode(File.ReadAllBytes(photos[k]), photos[k]).Dispose();
                    }
                    else
                    {
                        steps[s].Run(d);
                    }
                }

                cpu[s] = (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds / photos.Length;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# cost: {photos.Length} photos, CPU ms per image (one thread, second round)"));
        Console.WriteLine("| step | CPU ms / image | share of decode + plain |");
        Console.WriteLine("|---|---|---|");
        for (var s = 0; s < steps.Length; s++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {steps[s].Name} | {cpu[s]:F2} | {cpu[s] / (cpu[0] + cpu[1]):P0} |"));
        }

        foreach (var d in decoded)
        {
            d.Dispose();
        }

        return 0;
    }

    /// <summary>
    /// Recall of the content-inside-content step (issue 21.3) and of the centre-crop step at its radius: each original
    /// shown as a picture-in-picture at 50 % and at 30 % of the width of the next original (a corner in turn), inside a
    /// screenshot's surround made from the next original (desktop, bars, a title bar, text-like dashes), the same three
    /// saved as JPEG and decoded again (a re-encoded screenshot), and cut 5, 10 and 15 % a side (the centre crops). The
    /// transforms are the tests' (tests/Shared/Photos/PhotoTransforms.cs), on decoded pixels, hashed as ingest hashes
    /// (lossless but for the JPEG rows).
    /// </summary>
    private static void InsetRecall(string[] originals)
    {
        var sw = Stopwatch.StartNew();
        var n = originals.Length;
        string[] names = ["picture-in-picture 50 %", "picture-in-picture 30 %", "screenshot surround",
            $"picture-in-picture 50 %, JPEG q{ReencodeQuality}", $"picture-in-picture 30 %, JPEG q{ReencodeQuality}", $"screenshot surround, JPEG q{ReencodeQuality}",
            "centre crop 5 %", "centre crop 10 %", "centre crop 15 %"];
        const int Inset = 6;
        var original = new Hash256[n];
        var plain = new int[names.Length, n];
        var step = new int[names.Length, n];
        var none = new bool[names.Length, n];
        var regions = new int[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var content = ImageDecoder.Decode(File.ReadAllBytes(originals[i]), originals[i]);
            using var background = ImageDecoder.Decode(File.ReadAllBytes(originals[(i + 1) % n]), originals[(i + 1) % n]);
            original[i] = PdqImageHasher.Hash(content).Hash;
            regions[i] = PdqInset.Hash(content).Length;
            var format = PdqImageHasher.PixelFormatOf(content);
            var bpp = content.BytesPerPixel;
            for (var t = 0; t < (insetRowsOnly ? Inset : names.Length); t++)
            {
                var (pixels, w, h) = (t % 3, t < Inset) switch
                {
                    (0, true) => PhotoTransforms.PictureInPicture(content, background, 0.5, i % 4),
                    (1, true) => PhotoTransforms.PictureInPicture(content, background, 0.3, i % 4),
                    (2, true) => PhotoTransforms.Screenshot(content, background, i),
                    _ => PhotoTransforms.Cut(content, 0.05 * (t - Inset + 1), 0.05 * (t - Inset + 1), 0.05 * (t - Inset + 1), 0.05 * (t - Inset + 1)),
                };
                if (t is >= 3 and < Inset)
                {
                    // A re-encoded screenshot: what a site or a chat app makes of the screenshot, decoded as ingest decodes it.
                    using var reencoded = JpegRoundTrip(pixels, w, h, bpp, $"{originals[i]}#{names[t]}");
                    plain[t, i] = PdqImageHasher.Hash(reencoded).Hash.DistanceTo(original[i]);
                    var found = PdqInset.Hash(reencoded);
                    (step[t, i], none[t, i]) = (Nearest([.. found.Select(r => r.Result.Hash)], original[i]), found.Length == 0);
                    continue;
                }

                plain[t, i] = PdqHasher.Hash(pixels, format, w, h, w * bpp).Hash.DistanceTo(original[i]);
                var insets = t < Inset ? PdqInset.Hash(pixels, format, w, h, w * bpp) : [];
                none[t, i] = t < Inset && insets.Length == 0;
                step[t, i] = t < Inset
                    ? Nearest([.. insets.Select(r => r.Result.Hash)], original[i])
                    : Nearest([.. PdqReframe.Hash(pixels, format, w, h, w * bpp, PdqReframe.DefaultCrops, PdqReframe.DefaultFills).Select(r => r.Hash)], original[i]);
            }
        });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# inset recall: {n} originals, {sw.Elapsed.TotalSeconds:F0} s; regions found in the untouched originals: {string.Join(", ", Enumerable.Range(0, PdqInset.MaxRegions + 1).Select(k => $"{k}: {regions.Count(r => r == k)}"))}"));
        Console.WriteLine();
        int[] radii = [24, 28, 31, 36, 40, 48, 53, 60];
        Console.WriteLine("| transform | plain @31 | step | plain or step @its radius | step's median nearest | inset: no region found | " + string.Join(" | ", radii.Select(r => $"@{r}")) + " |");
        Console.WriteLine("|---|---|---|---|---|---|" + string.Concat(radii.Select(_ => "---|")));
        for (var t = 0; t < (insetRowsOnly ? Inset : names.Length); t++)
        {
            var radius = t < Inset ? insetRadius : ReframedRadius;
            var tt = t;
            int Found(int r) => Enumerable.Range(0, n).Count(i => plain[tt, i] <= PlainRadius || step[tt, i] <= r);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {names[t]} | {Pct(Enumerable.Range(0, n).Count(i => plain[tt, i] <= PlainRadius), n)} | {(t < Inset ? "inset" : "centre-crop")} | {Pct(Found(radius), n)} @{radius} | {Enumerable.Range(0, n).Select(i => step[tt, i]).Order().ElementAt(n / 2)} | {(t < Inset ? Pct(Enumerable.Range(0, n).Count(i => none[tt, i]), n) : "–")} | ")
                + string.Join(" | ", radii.Select(r => Pct(Found(r), n))) + " |");
        }

        Console.WriteLine();
    }

    /// <summary>The quality the re-encoded screenshot rows save at: a middling JPEG, as upload sites and chat apps re-encode.</summary>
    private const int ReencodeQuality = 75;

    /// <summary>Pixels (RGBA or grey, as decoded) saved as a JPEG at <see cref="ReencodeQuality"/> with Skia and decoded again.</summary>
    private static DecodedImage JpegRoundTrip(byte[] pixels, int w, int h, int bpp, string name)
    {
        var rgba = new byte[w * h * 4];
        for (var k = 0; k < w * h; k++)
        {
            if (bpp == 1)
            {
                rgba[4 * k] = rgba[(4 * k) + 1] = rgba[(4 * k) + 2] = pixels[k];
            }
            else
            {
                pixels.AsSpan(bpp * k, 3).CopyTo(rgba.AsSpan(4 * k));
            }

            rgba[(4 * k) + 3] = 255;
        }

        using var image = SKImage.FromPixelCopy(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul), rgba, w * 4);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, ReencodeQuality);
        return ImageDecoder.Decode(data.ToArray(), name);
    }

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
        var transforms = cropRowsOnly ? [.. Transforms().Where(t => !t.Rotation)] : Transforms();
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
                variants[t, i] = HashAll(v, reframed: transforms[t].Rotation, offCentre: !transforms[t].Rotation, derotated: transforms[t].Rotation, inset: !cropRowsOnly);
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
            hashes[i] = HashAll(decoded, reframed: !insetOnly);
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
            ("inset (content inside content)", h => h.Inset, insetRadius),
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
        Console.WriteLine("| step | hashes per photo (max, mean) | radius | pairs within radius | nearest pair | pairs ≤ 40 | ≤ 50 | ≤ 56 | ≤ 60 | ≤ 64 | ≤ 70 | ≤ 76 |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (var s = 0; s < steps.Length; s++)
        {
            var h = histograms[s];
            long Within(int r) => h.Take(r + 1).Sum();
            var nearest = Array.FindIndex(h, c => c > 0);
            var of = steps[s].Of;
            var count = string.Create(CultureInfo.InvariantCulture, $"{hashes.Max(x => of(x).Length)} (mean {hashes.Average(x => of(x).Length):F2})");
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
