using System.Diagnostics;
using Harrier.Matching.Index;
namespace Harrier.Benchmarks.Index;

/// <summary>
/// `index-parts DATA N PARTS`: for each part count, the measured CPU time per query of one thread over the benchmark's
/// 1,000 queries (best of 15 batches: CPU time, not wall time, so that other load on the machine counts less) beside
/// the cost model's terms for the same queries (slots, key tests, distinct, near and repeated candidates, averaged over
/// every query) and its prediction. What docs/hamming-index.md's planner figures and fits come from.
/// </summary>
internal static class PartsFit
{
    public static int Run(string[] a)
    {
        if (a.Length != 3)
        {
            Console.Error.WriteLine("usage: index-parts uniform|clustered|realistic N P1,P2,... (prints: data N parts usPerQuery slots keyTests distinct near repeats model usPerQuery)");
            return 2;
        }

        var kind = a[0];
        var n = int.Parse(a[1], System.Globalization.CultureInfo.InvariantCulture);
        var ms = a[2].Split(',').Select(int.Parse).ToArray();
        var (refs, qs) = IndexBenchData.Make(kind, n, 1000, seed: 20261129, "tests/data/vectors/pdq");
        using var index = HammingIndex.Build(refs, new long[n]);
        var proc = Process.GetCurrentProcess();
        var c = index.Calibration;
        foreach (var m in ms)
        {
            index.EnsureTables(m, 2);
            var o = new IndexSearchOptions { Strategy = SearchStrategy.MultiIndex, MultiIndexParts = m, MaxDegreeOfParallelism = 1 };
            index.Search(qs.AsSpan(0, 50), 31, o);
            var best = BestCpuSeconds(() => index.Search(qs, 31, o)) * 1000;

            index.DropTables();
            double total = 0, distinct = 0, near = 0, scanned = 0;
            var chunks = 0;
            for (var q0 = 0; q0 + 16 <= qs.Length; q0 += 16, chunks++)
            {
                var e = CostModel.EstimateCandidates(index.Store, qs.AsSpan(q0, 16), 31, m);
                (total, distinct, near, scanned) = (total + e.Total, distinct + e.Distinct, near + e.Near, scanned + e.Scanned);
            }

            double slots = 0;
            for (var t = 0; t < m; t++)
            {
                var rt = MultiIndexTable.PartRadius(31, m, t);
                if (rt >= 0)
                {
                    slots += MultiIndexTable.PerTable(MultiIndexTable.DirectoryBits(MultiIndexTable.Width(m, t), n), rt);
                }
            }

            var est = new CandidateEstimate(total / chunks, distinct / chunks, near / chunks, scanned / chunks);
            var model = CostModel.MultiIndexSeconds(c, n, 1, 31, m, est, false, 1) * 1e6;
            Console.WriteLine($"{kind} {n} {m} {best * 1000 / qs.Length:F2} {slots:F0} {est.Scanned:F0} {est.Distinct:F0} {est.Near:F0} {est.Total - est.Distinct:F0} model {model:F1}");
        }

        Console.WriteLine($"calibration {c}");
        return 0;
    }

    /// <summary>
    /// The least process CPU time of <paramref name="reps"/> runs of <paramref name="run"/>, in seconds: CPU time, not wall
    /// time, so that other load on a shared machine counts less; the least, so that a run another process slowed counts not at all.
    /// </summary>
    internal static double BestCpuSeconds(Action run, int reps = 15)
    {
        var proc = Process.GetCurrentProcess();
        var best = double.MaxValue;
        for (var rep = 0; rep < reps; rep++)
        {
            proc.Refresh();
            var cpu0 = proc.TotalProcessorTime;
            run();
            proc.Refresh();
            best = Math.Min(best, (proc.TotalProcessorTime - cpu0).TotalSeconds);
        }

        return best;
    }
}
