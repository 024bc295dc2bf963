using System.Globalization;
using Harrier.Matching.Index;
using Harrier.Media.Hashing;
using Harrier.Testing;

namespace Harrier.Matching.Tests.Index;

/// <summary>The upstream needles/haystack lists: every expected (needle, haystack, distance) at d ≤ 31, through every path.</summary>
public class HashlistVectorTests
{
    private static Hash256[] Read(string name) =>
        [.. File.ReadAllLines(TestPaths.Vectors("pdq", "hashlists", name))
            .Where(l => l.Length > 0).Select(l => Hash256.Parse(l))];

    public static TheoryData<SearchStrategy, int> Paths()
    {
        var data = new TheoryData<SearchStrategy, int>();
        foreach (var strategy in Enum.GetValues<SearchStrategy>())
        {
            // Only kernels this CPU runs: the scan kernel theories report the others as not applicable.
            foreach (var kernel in Enum.GetValues<KernelKind>().Where(ScanKernel.IsSupported))
            {
                data.Add(strategy, (int)kernel);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Needles_against_haystack_at_31_match_the_expected_file_exactly(SearchStrategy strategy, int kernel)
    {
        var haystack = Read("haystack.txt");
        var needles = Read("needles.txt");
        var expected = File.ReadAllLines(TestPaths.Vectors("pdq", "hashlists", "expected-matches-needles-vs-haystack-d31.tsv"))
            .Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(f => (Needle: int.Parse(f[0], CultureInfo.InvariantCulture), Hay: long.Parse(f[2], CultureInfo.InvariantCulture),
                Distance: int.Parse(f[4], CultureInfo.InvariantCulture)))
            .Order()
            .ToList();
        Assert.Equal(250, expected.Count);

        // Ids are the 1-based haystack line numbers, query indexes become 1-based needle lines.
        using var index = HammingIndex.Build(haystack, [.. Enumerable.Range(1, haystack.Length).Select(i => (long)i)]);
        var options = new IndexSearchOptions { Strategy = strategy, Kernel = (KernelKind)kernel };
        Assert.Equal((KernelKind)kernel, options.ScanKernelKind);
        var got = index.Search(needles, 31, options)
            .Select(m => (Needle: m.QueryIndex + 1, Hay: m.Id, m.Distance))
            .Order()
            .ToList();

        Assert.Equal(expected, got);
    }
}
