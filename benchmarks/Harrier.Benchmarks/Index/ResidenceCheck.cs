using System.Diagnostics;
using System.Globalization;
using Harrier.Matching.Index;
namespace Harrier.Benchmarks.Index;

/// <summary>
/// `index-residence DATA N DIR [ROUNDS]`: what a restarted server pays and serves at. Builds the benchmark's data set
/// (the same hashes and 1,000 queries as `index-parts`), saves it with the planner's tables to DIR, then for ROUNDS
/// rounds measures, alternately, the index as built in memory (huge-page-advised arrays) and the saved file opened
/// mapped with the full payload check and with the header check only. For each: the open's wall and CPU seconds, the
/// first query's latency after the open started, and the CPU time per query of one thread over the 1,000 queries (best
/// of 15 batches after one warm-up batch: CPU time, so that other load on the machine counts less), with the process's
/// resident memory and the kernel's file-backed huge pages (/proc/meminfo FileHugePages) after them.
/// </summary>
internal static class ResidenceCheck
{
    public static int Run(string[] a)
    {
        if (a.Length is < 3 or > 4)
        {
            Console.Error.WriteLine("usage: index-residence uniform|clustered|realistic N DIR [ROUNDS=2] (prints per round: in-memory, mapped (full check), mapped-h (header check))");
            return 2;
        }

        var kind = a[0];
        var n = int.Parse(a[1], CultureInfo.InvariantCulture);
        var rounds = a.Length > 3 ? int.Parse(a[3], CultureInfo.InvariantCulture) : 2;
        Directory.CreateDirectory(a[2]);
        var file = Path.Combine(a[2], $"residence-{kind}-{n}.hidx");
        var (refs, qs) = IndexBenchData.Make(kind, n, 1000, seed: 20261129, "tests/data/vectors/pdq");
        var proc = Process.GetCurrentProcess();
        var o = new IndexSearchOptions { MaxDegreeOfParallelism = 1 };
        using (var built = HammingIndex.Build(refs, new long[n]))
        {
            built.PrepareTables(threads: Environment.ProcessorCount);
            built.Save(file);
            var parts = built.DefaultParts();
            for (var round = 0; round < rounds; round++)
            {
                Print(kind, n, round, "in-memory", parts, 0, 0, 0, BestCpuPerQuery(built), Rss());
                foreach (var verification in new[] { IndexVerification.Full, IndexVerification.HeaderOnly })
                {
                    GC.Collect();
                    proc.Refresh();
                    var cpu0 = proc.TotalProcessorTime;
                    var sw = Stopwatch.StartNew();
                    using var opened = HammingIndex.Open(file, verification);
                    var openWall = sw.Elapsed.TotalSeconds;
                    proc.Refresh();
                    var openCpu = (proc.TotalProcessorTime - cpu0).TotalSeconds;
                    opened.Search(qs[1], 31, o);
                    var first = sw.Elapsed.TotalSeconds;
                    Print(kind, n, round, verification == IndexVerification.Full ? "mapped" : "mapped-h", opened.DefaultParts(), openWall, openCpu, first, BestCpuPerQuery(opened), Rss());
                }
            }
        }

        File.Delete(file);
        File.Delete(file + ".calibration");
        return 0;

        double BestCpuPerQuery(HammingIndex index)
        {
            index.Search(qs.AsSpan(0, 100), 31, o);
            return PartsFit.BestCpuSeconds(() => index.Search(qs, 31, o)) / qs.Length;
        }
    }

    private static long Rss() => Kb("/proc/self/status", "VmRSS:") * 1024;

    private static long Kb(string file, string key)
    {
        var line = File.ReadAllLines(file).First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static void Print(string kind, int n, int round, string residence, int parts, double openWall, double openCpu, double first, double cpuPerQuery, long rss) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind} {n} round {round} {residence,-9} parts {parts} open {openWall:F3} s wall {openCpu:F3} s CPU, first answer {first:F3} s; {1 / cpuPerQuery:F0} q/CPU-s; VmRSS {rss / 1e6:F0} MB; FileHugePages {Kb("/proc/meminfo", "FileHugePages:") / 1024} MiB; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
}
