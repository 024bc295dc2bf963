using System.Globalization;
using Harrier.Media.Hashing;
using Harrier.Testing;

namespace Harrier.Media.Tests.Pdq;

/// <summary>Loads tests/data/vectors/pdq expected outputs.</summary>
internal static class PdqVectors
{
    public sealed record Row(string File, Hash256 Hash, int Quality);

    public sealed record DihedralRow(string File, int Width, int Height, int Channels, int Quality, Hash256[] Hashes);

    public static string Dir => TestPaths.Vectors("pdq");

    public static string PathOf(string file) => Path.Combine(Dir, file);

    public static IReadOnlyList<Row> Expected(string tsv) =>
        File.ReadLines(Path.Combine(Dir, tsv)).Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split('\t');
            return new Row(f[0], Hash256.Parse(f[1]), int.Parse(f[2], CultureInfo.InvariantCulture));
        }).ToList();

    public static IReadOnlyList<DihedralRow> ExpectedDihedral(string tsv) =>
        File.ReadLines(Path.Combine(Dir, tsv)).Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split('\t');
            return new DihedralRow(f[0], Int(f[1]), Int(f[2]), Int(f[3]), Int(f[4]), f[5..13].Select(h => Hash256.Parse(h)).ToArray());
        }).ToList();

    /// <summary>A %.9g float dump: every value parses back to the exact float32 that was printed.</summary>
    public static float[] Floats(string file) =>
        File.ReadLines(Path.Combine(Dir, "intermediates", file)).Where(l => l.Length > 0)
            .SelectMany(l => l.Split('\t')).Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();

    public static string Tsv(string frontEnd) => frontEnd == "full" ? "expected-full-resolution.tsv" : "expected-cli-pre512.tsv";

    public static string DihedralTsv(string frontEnd) => frontEnd == "full" ? "expected-full-resolution-dihedral.tsv" : "expected-cli-pre512-dihedral.tsv";

    public static bool IsLossless(string file) => file.EndsWith(".png", StringComparison.OrdinalIgnoreCase);

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
