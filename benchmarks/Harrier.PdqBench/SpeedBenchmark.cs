using System.Diagnostics;
using System.Globalization;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;

namespace Harrier.PdqBench;

/// <summary>
/// Images/s for decode only, decode + PDQ (both front ends) and PDQ on already-decoded pixels, on one thread and on
/// all cores, per image set. Files are read into memory first, so disk speed is not measured. Each figure is the
/// median of N rounds over the whole set.
/// </summary>
internal static class SpeedBenchmark
{
    public static int Run(string[] args)
    {
        var rounds = 3;
        var sets = new List<(string Name, string Folder)>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds")
            {
                rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else
            {
                var eq = args[i].IndexOf('=', StringComparison.Ordinal);
                sets.Add((args[i][..eq], args[i][(eq + 1)..]));
            }
        }

        var cores = Environment.ProcessorCount;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# {Environment.OSVersion}, .NET {Environment.Version}, {cores} cores, Vector<float>.Count={System.Numerics.Vector<float>.Count}, rounds={rounds} (median); load average at start: {LoadAverage()}"));
        Console.WriteLine("# img/s = wall clock, all threads; (n/CPU-s) = images per CPU-second of this process = per-core throughput; ms/img columns are CPU ms per image");
        Console.WriteLine("| set | images | mean MP | threads | decode img/s | decode + PDQ full img/s | decode + PDQ pre512 img/s | streamed decode → PDQ full img/s (CLI path) | PDQ full alone ms/img | PDQ pre512 alone ms/img | scalar reference port, full, ms/img | full PDQ cost / decode cost |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, folder) in sets)
        {
            var files = ImageFileFinder.Expand([folder])
                .Where(c => c.Problem is null && ImageSniffer.Detect(c.Path) is ImageFormat.Jpeg or ImageFormat.Png)
                .Select(c => File.ReadAllBytes(c.Path)).ToArray();
            var decoded = files.Select((b, i) => ImageDecoder.Decode(b, i.ToString(CultureInfo.InvariantCulture))).ToArray();
            var meanMp = decoded.Average(d => (double)d.Width * d.Height) / 1e6;

            // Warm-up: JIT every path once.
            foreach (var d in decoded.Take(2))
            {
                PdqImageHasher.Hash(d, PdqFrontEnd.Full);
                PdqImageHasher.Hash(d, PdqFrontEnd.Pre512);
            }

            foreach (var threads in cores > 1 ? new[] { 1, cores } : [1])
            {
                var decode = Rate(files.Length, rounds, threads, i => ImageDecoder.Decode(files[i], "x").Dispose());
                var full = Rate(files.Length, rounds, threads, i =>
                {
                    using var d = ImageDecoder.Decode(files[i], "x");
                    PdqImageHasher.Hash(d, PdqFrontEnd.Full);
                });
                var pre = Rate(files.Length, rounds, threads, i =>
                {
                    using var d = ImageDecoder.Decode(files[i], "x");
                    PdqImageHasher.Hash(d, PdqFrontEnd.Pre512);
                });
                var streamed = Rate(files.Length, rounds, threads, i =>
                {
                    using var reader = ImageDecoder.OpenRows(files[i], "x");
                    PdqImageHasher.Hash(reader, PdqFrontEnd.Full);
                });
                var hashFull = Rate(decoded.Length, rounds, threads, i => PdqImageHasher.Hash(decoded[i], PdqFrontEnd.Full));
                var hashPre = Rate(decoded.Length, rounds, threads, i => PdqImageHasher.Hash(decoded[i], PdqFrontEnd.Pre512));
                var reference = threads == 1 ? Rate(decoded.Length, 1, 1, i => ReferencePortHash(decoded[i])) : default;

                // Cost of PDQ on top of decode, from CPU time (robust when other processes share the cores).
                var costRatio = hashFull.CpuMsPerImage / decode.CpuMsPerImage;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {files.Length} | {meanMp:F1} | {threads} | {decode} | {full} | {pre} | {streamed} | {hashFull.CpuMsPerImage:F2} | {hashPre.CpuMsPerImage:F2} | {(threads == 1 ? reference.CpuMsPerImage.ToString("F2", CultureInfo.InvariantCulture) : "–")} | {costRatio:F2} |"));
            }

            foreach (var d in decoded)
            {
                d.Dispose();
            }
        }

        return 0;
    }

    /// <summary>Wall-clock images/s (all threads together) and CPU milliseconds per image (process CPU time).</summary>
    private readonly record struct Measured(double WallImagesPerSecond, double CpuMsPerImage)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{WallImagesPerSecond:F1} ({1000 / CpuMsPerImage:F1}/CPU-s)");
    }

    /// <summary>Median over <paramref name="rounds"/> passes over all items with <paramref name="threads"/> workers.</summary>
    private static Measured Rate(int count, int rounds, int threads, Action<int> work)
    {
        var results = new List<Measured>();
        var process = Process.GetCurrentProcess();
        for (var r = 0; r < rounds; r++)
        {
            var next = -1;
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    work(i);
                }
            })).ToArray();
            foreach (var t in workers)
            {
                t.Start();
            }

            foreach (var t in workers)
            {
                t.Join();
            }

            var wall = sw.Elapsed.TotalSeconds;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpu0).TotalMilliseconds;
            results.Add(new Measured(count / wall, cpu / count));
        }

        var byWall = results.OrderBy(m => m.WallImagesPerSecond).ToList();
        var byCpu = results.OrderBy(m => m.CpuMsPerImage).ToList();
        return new Measured(byWall[byWall.Count / 2].WallImagesPerSecond, byCpu[byCpu.Count / 2].CpuMsPerImage);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Full front end through the literal scalar port of the reference blur (what a naïve port costs).</summary>
    private static void ReferencePortHash(DecodedImage image)
    {
        var luma = new float[image.Width * image.Height];
        PdqHasher.ComputeLuma(image.Pixels, PdqImageHasher.PixelFormatOf(image), image.Width, image.Height, image.Stride, luma);
        var buffer = new float[64 * 64];
        PdqHasher.ComputeBuffer64Reference(luma, image.Width, image.Height, buffer);
        var dct = new float[256];
        PdqHasher.Dct16(buffer, dct);
        PdqHasher.HashFromDct(dct);
    }
}
