using System.Diagnostics;
using System.Globalization;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using SkiaSharp;

namespace Harrier.PdqBench;

/// <summary>
/// PDQ robustness per hash-benchmarks.md §2: every original gets each transform (made here, deterministically, with
/// Skia), is decoded with Harrier's decoder and hashed (full front end). Per transform: recall at distance 31, recall
/// at the threshold that keeps ≥ 99.99 % of distinct-original pairs apart, with dihedral lookup for flips and 90°, and
/// with the optional border trim deployed as a second hash per image (a pair matches when the plain hashes or the
/// trimmed hashes are within the threshold).
/// </summary>
internal static class RobustnessBenchmark
{
    private const int MatchDistance = 31;
    private const double MaxFalsePairFraction = 1e-4;

    /// <summary>The radius triage gives reframed hashes (TriageOptions.ReframedRadius in Harrier.Matching).</summary>
    private const int ReframedRadius = 53;

    private sealed record Transform(string Name, Func<SKImage, byte[]> Apply, bool Dihedral = false, bool Reframe = false);

    private readonly record struct Hashes(PdqDihedralResult Plain, PdqDihedralResult Trimmed);

    public static int Run(string[] args)
    {
        var folders = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var originals = folders.SelectMany(f => ImageFileFinder.Expand([f]))
            .Where(c => c.Problem is null && ImageSniffer.Detect(c.Path) == ImageFormat.Jpeg)
            .Select(c => c.Path).ToArray();
        var transforms = Transforms();
        var sw = Stopwatch.StartNew();
        var original = new Hashes[originals.Length];
        var variants = new Hashes[transforms.Length, originals.Length];
        var reframedOriginal = new Hash256[originals.Length][];
        var reframedVariants = new Hash256[transforms.Length, originals.Length][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, originals.Length, options, i =>
        {
            var bytes = File.ReadAllBytes(originals[i]);
            using var decoded = ImageDecoder.Decode(bytes, originals[i]);
            original[i] = HashBoth(decoded);
            reframedOriginal[i] = Reframed(decoded);
            using var src = ToSkImage(decoded);
            for (var t = 0; t < transforms.Length; t++)
            {
                var encoded = transforms[t].Apply(src);
                using var v = ImageDecoder.Decode(encoded, $"{originals[i]}#{transforms[t].Name}");
                variants[t, i] = HashBoth(v);
                reframedVariants[t, i] = transforms[t].Reframe ? Reframed(v) : [];
            }
        });

        var n = originals.Length;
        var plainPairs = new List<int>(n * (n - 1) / 2);
        var trimPairs = new List<int>(n * (n - 1) / 2);
        var dihedralPairs = new List<int>(n * (n - 1));
        var reframedPairs = new List<int>(n * (n - 1));
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (i == j)
                {
                    continue;
                }

                if (i < j)
                {
                    plainPairs.Add(original[i].Plain.Original.DistanceTo(original[j].Plain.Original));
                    trimPairs.Add(Math.Min(original[i].Plain.Original.DistanceTo(original[j].Plain.Original), original[i].Trimmed.Original.DistanceTo(original[j].Trimmed.Original)));
                }

                dihedralPairs.Add(MinDistance(original[i].Plain, original[j].Plain.Original));
                reframedPairs.Add(reframedOriginal[i].Min(h => h.DistanceTo(original[j].Plain.Original)));
            }
        }

        var tPlain = Threshold(plainPairs);
        var tTrim = Threshold(trimPairs);
        var tDih = Threshold(dihedralPairs);
        var tReframed = Threshold(reframedPairs);
        var lowQualityOriginals = original.Count(o => o.Plain.Quality < PdqFormats.QualityThreshold);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# {n} originals ({string.Join(", ", folders)}), {transforms.Length} transforms, {sw.Elapsed.TotalSeconds:F0} s on {Environment.ProcessorCount} cores; {lowQualityOriginals} originals have quality < 50"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# distinct-original pairs: {plainPairs.Count}; ≤ 31: {plainPairs.Count(d => d <= MatchDistance)} plain, {trimPairs.Count(d => d <= MatchDistance)} with the trimmed hash added (match on plain or trimmed), {dihedralPairs.Count(d => d <= MatchDistance)} of {dihedralPairs.Count} ordered pairs with dihedral lookup; min distance {plainPairs.Min()} plain, {dihedralPairs.Min()} dihedral"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# 99.99 % threshold (largest t with ≤ 0.01 % of distinct-original pairs at distance ≤ t): plain {tPlain}, plain or trimmed {tTrim}, dihedral lookup {tDih}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# reframed (triage's second chance: an image's {PdqReframe.DefaultCrops.Count * PdqReframe.DefaultFills.Count} centre-crop hypotheses against every other original's plain hash): {reframedPairs.Count(d => d <= ReframedRadius)} of {reframedPairs.Count} ordered pairs ≤ {ReframedRadius}, min {reframedPairs.Min()}, 99.99 % threshold {tReframed}"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| transform | recall @31 | recall @{tPlain} (99.99 %) | median distance | quality < 50 | recall @31, dihedral lookup | recall @{tDih}, dihedral | recall @31, + trimmed hash | recall @{tTrim}, + trimmed hash |"));
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var reframedRows = new List<string>();
        for (var t = 0; t < transforms.Length; t++)
        {
            var plain = new int[n];
            var dih = new int[n];
            var trim = new int[n];
            var lowQ = 0;
            for (var i = 0; i < n; i++)
            {
                plain[i] = variants[t, i].Plain.Original.DistanceTo(original[i].Plain.Original);
                dih[i] = MinDistance(variants[t, i].Plain, original[i].Plain.Original);
                trim[i] = Math.Min(plain[i], variants[t, i].Trimmed.Original.DistanceTo(original[i].Trimmed.Original));
                lowQ += variants[t, i].Plain.Quality < PdqFormats.QualityThreshold ? 1 : 0;
            }

            if (transforms[t].Reframe)
            {
                var second = Enumerable.Range(0, n).Select(i => plain[i] <= MatchDistance ? 0 : reframedVariants[t, i].Min(h => h.DistanceTo(original[i].Plain.Original))).ToArray();
                reframedRows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {transforms[t].Name} | {Recall(plain, MatchDistance)} | {Recall(second, ReframedRadius)} | {Recall(second, tReframed)} | {second.Order().ElementAt(n / 2)} |"));
            }

            var sorted = plain.Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {transforms[t].Name} | {Recall(plain, MatchDistance)} | {Recall(plain, tPlain)} | {sorted[n / 2]} | {100.0 * lowQ / n:F1} % | {(transforms[t].Dihedral ? Recall(dih, MatchDistance) : "–")} | {(transforms[t].Dihedral ? Recall(dih, tDih) : "–")} | {Recall(trim, MatchDistance)} | {Recall(trim, tTrim)} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| transform | recall @31 | + reframed @{ReframedRadius} | + reframed @{tReframed} (99.99 %) | median best distance |"));
        Console.WriteLine("|---|---|---|---|---|");
        reframedRows.ForEach(Console.WriteLine);
        return 0;
    }

    private static Hash256[] Reframed(DecodedImage image) =>
        [.. PdqReframe.Hash(image, PdqReframe.DefaultCrops, PdqReframe.DefaultFills).Select(r => r.Hash)];

    private static Hashes HashBoth(DecodedImage image) =>
        new(PdqImageHasher.HashDihedral(image), PdqImageHasher.HashDihedral(image, BorderTrimmer.FindContent(image)));

    private static int MinDistance(PdqDihedralResult query, Hash256 target) =>
        query.ToArray().Min(h => h.DistanceTo(target));

    private static string Recall(int[] distances, int threshold) =>
        (100.0 * distances.Count(d => d <= threshold) / distances.Length).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static int Threshold(List<int> pairDistances)
    {
        var histogram = new int[257];
        foreach (var d in pairDistances)
        {
            histogram[d]++;
        }

        var allowed = MaxFalsePairFraction * pairDistances.Count;
        var cumulative = 0L;
        for (var t = 0; t <= 256; t++)
        {
            cumulative += histogram[t];
            if (cumulative > allowed)
            {
                return t - 1;
            }
        }

        return 256;
    }

    // ------------------------------------------------------------------ transforms

    private static Transform[] Transforms() =>
    [
        new("JPEG q90", s => Encode(s, SKEncodedImageFormat.Jpeg, 90)),
        new("JPEG q70", s => Encode(s, SKEncodedImageFormat.Jpeg, 70)),
        new("JPEG q50", s => Encode(s, SKEncodedImageFormat.Jpeg, 50)),
        new("JPEG q30", s => Encode(s, SKEncodedImageFormat.Jpeg, 30)),
        new("resize 0.5×", s => Resize(s, 0.5)),
        new("resize 0.25×", s => Resize(s, 0.25)),
        new("resize 2×", s => Resize(s, 2)),
        new("crop 2 %", s => Crop(s, 0.02), Reframe: true),
        new("crop 5 %", s => Crop(s, 0.05), Reframe: true),
        new("crop 10 %", s => Crop(s, 0.10), Reframe: true),
        new("crop 20 %", s => Crop(s, 0.20), Reframe: true),
        new("crop 25 %", s => Crop(s, 0.25), Reframe: true),
        new("crop 30 %", s => Crop(s, 0.30), Reframe: true),
        new("rotate 2°", s => Rotate(s, 2)),
        new("rotate 5°", s => Rotate(s, 5)),
        new("rotate 90°", Rotate90, Dihedral: true),
        new("flip left↔right", s => Flip(s, horizontal: true), Dihedral: true),
        new("flip top↔bottom", s => Flip(s, horizontal: false), Dihedral: true),
        new("text overlay", TextOverlay),
        new("logo overlay", LogoOverlay),
        new("brightness ×1.2", s => PixelOp(s, (r, g, b) => (r * 1.2, g * 1.2, b * 1.2))),
        new("brightness ×0.8", s => PixelOp(s, (r, g, b) => (r * 0.8, g * 0.8, b * 0.8))),
        new("contrast ×1.5", s => PixelOp(s, (r, g, b) => (Contrast(r, 1.5), Contrast(g, 1.5), Contrast(b, 1.5)))),
        new("contrast ×0.5", s => PixelOp(s, (r, g, b) => (Contrast(r, 0.5), Contrast(g, 0.5), Contrast(b, 0.5)))),
        new("saturation ×2", s => PixelOp(s, (r, g, b) => Saturate(r, g, b, 2))),
        new("greyscale", s => PixelOp(s, (r, g, b) => Saturate(r, g, b, 0))),
        new("border 5 %", s => Pad(s, 0.05, 0.05)),
        new("border 20 %", s => Pad(s, 0.20, 0.20)),
        new("letterbox 5 %", s => Pad(s, 0, 0.05)),
        new("letterbox 20 %", s => Pad(s, 0, 0.20)),
        new("screenshot-like", Screenshot),
    ];

    private static readonly SKSamplingOptions Linear = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    internal static readonly SKSamplingOptions Nearest = new(SKFilterMode.Nearest, SKMipmapMode.None);

    internal static SKImage ToSkImage(DecodedImage d)
    {
        var rgba = new byte[d.Width * d.Height * 4];
        var px = d.Pixels;
        for (var i = 0; i < d.Width * d.Height; i++)
        {
            if (d.Format == DecodedPixelFormat.Gray8)
            {
                rgba[4 * i] = rgba[(4 * i) + 1] = rgba[(4 * i) + 2] = px[i];
            }
            else
            {
                px.Slice(4 * i, 3).CopyTo(rgba.AsSpan(4 * i));
            }

            rgba[(4 * i) + 3] = 255;
        }

        return SKImage.FromPixelCopy(new SKImageInfo(d.Width, d.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), rgba, d.Width * 4);
    }

    private static byte[] Encode(SKImage image, SKEncodedImageFormat format, int quality)
    {
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    internal static byte[] Render(int width, int height, Action<SKCanvas> draw)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.Black);
        draw(surface.Canvas);
        using var snapshot = surface.Snapshot();
        return Encode(snapshot, SKEncodedImageFormat.Png, 100);
    }

    private static byte[] Resize(SKImage s, double f)
    {
        var w = Math.Max(1, (int)Math.Round(s.Width * f));
        var h = Math.Max(1, (int)Math.Round(s.Height * f));
        return Render(w, h, c => c.DrawImage(s, new SKRect(0, 0, w, h), Linear));
    }

    /// <summary>Keeps the centre (1 − f) of each dimension.</summary>
    private static byte[] Crop(SKImage s, double f)
    {
        var dx = (int)Math.Round(s.Width * f / 2);
        var dy = (int)Math.Round(s.Height * f / 2);
        return Render(s.Width - (2 * dx), s.Height - (2 * dy), c => c.DrawImage(s, -dx, -dy, Nearest));
    }

    /// <summary>Rotates about the centre (either way) and zooms just enough that no corner is left empty (same canvas size).</summary>
    internal static byte[] Rotate(SKImage s, float degrees)
    {
        var rad = degrees * Math.PI / 180;
        var aspect = Math.Max(s.Width, s.Height) / (double)Math.Min(s.Width, s.Height);
        var zoom = (float)(Math.Cos(rad) + (Math.Abs(Math.Sin(rad)) * aspect));
        return Render(s.Width, s.Height, c =>
        {
            c.Translate(s.Width / 2f, s.Height / 2f);
            c.RotateDegrees(degrees);
            c.Scale(zoom);
            c.Translate(-s.Width / 2f, -s.Height / 2f);
            c.DrawImage(s, 0, 0, Linear);
        });
    }

    private static byte[] Rotate90(SKImage s) => Render(s.Height, s.Width, c =>
    {
        c.Translate(s.Height, 0);
        c.RotateDegrees(90);
        c.DrawImage(s, 0, 0, Nearest);
    });

    private static byte[] Flip(SKImage s, bool horizontal) => Render(s.Width, s.Height, c =>
    {
        if (horizontal)
        {
            c.Translate(s.Width, 0);
            c.Scale(-1, 1);
        }
        else
        {
            c.Translate(0, s.Height);
            c.Scale(1, -1);
        }

        c.DrawImage(s, 0, 0, Nearest);
    });

    private static SKTypeface Typeface { get; } =
        File.Exists("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
            ? SKTypeface.FromFile("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
            : SKTypeface.Default;

    /// <summary>A caption bar over the bottom 10 % (60 % black) with white text, and a timestamp top left.</summary>
    private static byte[] TextOverlay(SKImage s) => Render(s.Width, s.Height, c =>
    {
        c.DrawImage(s, 0, 0, Nearest);
        var bar = s.Height * 0.10f;
        using var barPaint = new SKPaint { Color = new SKColor(0, 0, 0, 153) };
        c.DrawRect(0, s.Height - bar, s.Width, bar, barPaint);
        using var font = new SKFont(Typeface, bar * 0.55f);
        using var white = new SKPaint { Color = SKColors.White, IsAntialias = true };
        c.DrawText("so proud of this one!! #weekend", s.Width * 0.03f, s.Height - (bar * 0.3f), SKTextAlign.Left, font, white);
        using var small = new SKFont(Typeface, s.Height * 0.045f);
        using var yellow = new SKPaint { Color = SKColors.Yellow, IsAntialias = true };
        c.DrawText("2026-11-29 10:42", s.Width * 0.03f, s.Height * 0.07f, SKTextAlign.Left, small, yellow);
    });

    /// <summary>A semi-transparent (α 0.5) logo 15 % of the width, bottom right.</summary>
    private static byte[] LogoOverlay(SKImage s) => Render(s.Width, s.Height, c =>
    {
        c.DrawImage(s, 0, 0, Nearest);
        var size = s.Width * 0.15f;
        var x = s.Width - size - (s.Width * 0.03f);
        var y = s.Height - size - (s.Height * 0.03f);
        using var disc = new SKPaint { Color = new SKColor(255, 140, 0, 128), IsAntialias = true };
        c.DrawCircle(x + (size / 2), y + (size / 2), size / 2, disc);
        using var font = new SKFont(Typeface, size * 0.3f);
        using var text = new SKPaint { Color = new SKColor(255, 255, 255, 128), IsAntialias = true };
        c.DrawText("TV", x + (size / 2), y + (size * 0.62f), SKTextAlign.Center, font, text);
    });

    /// <summary>Black border of fx·width left and right and fy·height top and bottom, around the whole image.</summary>
    private static byte[] Pad(SKImage s, double fx, double fy)
    {
        var bx = (int)Math.Round(s.Width * fx);
        var by = (int)Math.Round(s.Height * fy);
        return Render(s.Width + (2 * bx), s.Height + (2 * by), c => c.DrawImage(s, bx, by, Nearest));
    }

    /// <summary>Downscale to 80 % (bilinear) inside grey UI chrome (top bar 8 %, side bars 4 %), saved as PNG.</summary>
    private static byte[] Screenshot(SKImage s) => Render(s.Width, s.Height, c =>
    {
        c.Clear(new SKColor(240, 240, 240));
        using var top = new SKPaint { Color = new SKColor(60, 60, 60) };
        using var side = new SKPaint { Color = new SKColor(200, 200, 200) };
        c.DrawRect(0, 0, s.Width, s.Height * 0.08f, top);
        c.DrawRect(0, s.Height * 0.08f, s.Width * 0.04f, s.Height, side);
        c.DrawRect(s.Width * 0.96f, s.Height * 0.08f, s.Width * 0.04f, s.Height, side);
        c.DrawImage(s, SKRect.Create(s.Width * 0.1f, s.Height * 0.1f, s.Width * 0.8f, s.Height * 0.8f), Linear);
    });

    private static double Contrast(double v, double k) => ((v - 128) * k) + 128;

    private static (double, double, double) Saturate(double r, double g, double b, double k)
    {
        var l = (0.299 * r) + (0.587 * g) + (0.114 * b);
        return (l + (k * (r - l)), l + (k * (g - l)), l + (k * (b - l)));
    }

    private static byte[] PixelOp(SKImage s, Func<double, double, double, (double R, double G, double B)> op)
    {
        var info = new SKImageInfo(s.Width, s.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var px = new byte[s.Width * s.Height * 4];
        unsafe
        {
            fixed (byte* p = px)
            {
                s.ReadPixels(info, (IntPtr)p, s.Width * 4, 0, 0);
            }
        }

        for (var i = 0; i < px.Length; i += 4)
        {
            var (r, g, b) = op(px[i], px[i + 1], px[i + 2]);
            px[i] = Clamp(r);
            px[i + 1] = Clamp(g);
            px[i + 2] = Clamp(b);
        }

        using var image = SKImage.FromPixelCopy(info, px, s.Width * 4);
        return Encode(image, SKEncodedImageFormat.Png, 100);
    }

    private static byte Clamp(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);
}
