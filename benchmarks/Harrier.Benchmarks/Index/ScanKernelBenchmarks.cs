using BenchmarkDotNet.Attributes;
using Harrier.Matching.Index;
using Harrier.Media.Hashing;

namespace Harrier.Benchmarks.Index;

/// <summary>
/// The scan's distance kernels against the plain scalar loop, one thread: 64 queries against 256k
/// hashes (8 MiB, so the tiles come from L2/L3 as in a batch), radius 31.
/// </summary>
[MemoryDiagnoser]
public class ScanKernelBenchmarks
{
    private const int N = 1 << 18;
    private Hash256[] _refs = [];
    private Hash256[] _queries = [];
    private HammingIndex? _index;

    [Params("Scalar", "Avx2", "Avx512")]
    public string Kernel { get; set; } = "Scalar";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _refs = [.. Enumerable.Range(0, N).Select(_ => IndexBenchData.Uniform(rng))];
        _queries = [.. Enumerable.Range(0, 64).Select(i => IndexBenchData.Flip(_refs[i * 97], 20, rng))];
        _index = HammingIndex.Build(_refs, [.. Enumerable.Range(0, N).Select(i => (long)i)]);
    }

    [GlobalCleanup]
    public void Cleanup() => _index?.Dispose();

    [Benchmark(Baseline = true)]
    public int PlainScalarLoop()
    {
        var count = 0;
        foreach (var q in _queries)
        {
            foreach (var h in _refs)
            {
                if (h.DistanceTo(q) <= 31)
                {
                    count++;
                }
            }
        }

        return count;
    }

    [Benchmark]
    public int BlockedScan() => _index!.Search(_queries, 31, new IndexSearchOptions
    {
        Strategy = SearchStrategy.Scan,
        MaxDegreeOfParallelism = 1,
        Kernel = Enum.Parse<KernelKind>(Kernel),
    }).Count;
}
