using System.Globalization;
using System.Numerics;

namespace Harrier.PdqBench;

/// <summary>The recall-by-radius table the masked benchmarks print: per transform, two distances' recall at each radius.</summary>
internal static class RecallTable
{
    /// <summary>
    /// Writes a markdown table: one row per label, one column per radius, each cell "first / second" (the share, in %, of
    /// the <paramref name="n"/> originals whose distance in that row of <paramref name="first"/> and of <paramref name="second"/>
    /// is within the radius).
    /// </summary>
    public static void Write<T>(string corner, IReadOnlyList<string> labels, T[,] first, T[,] second, int n, IReadOnlyList<int> radii)
        where T : INumber<T>
    {
        Console.WriteLine($"| {corner} | " + string.Join(" | ", radii.Select(r => $"@{r}")) + " |");
        Console.WriteLine("|---|" + string.Concat(radii.Select(_ => "---|")));
        for (var row = 0; row < labels.Count; row++)
        {
            var k = row;
            double Share(T[,] d, int r) => 100.0 * Enumerable.Range(0, n).Count(i => d[k, i] <= T.CreateChecked(r)) / n;
            Console.WriteLine($"| {labels[row]} | " + string.Join(" | ", radii.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{Share(first, r):F1} / {Share(second, r):F1}"))) + " |");
        }
    }
}
