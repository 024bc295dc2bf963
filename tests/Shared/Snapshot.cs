using System.Text;

namespace Harrier.Testing;

/// <summary>
/// Snapshot tests without a snapshot library: the approved output of a writer is a plain file committed under the test
/// project's <c>Snapshots/</c> folder and compared byte for byte. On a mismatch (or when there is no approved file yet)
/// the actual output is written beside it as <c>NAME.received</c> (git-ignored) and the test fails with the approved
/// file's path and the first line that differs. Approving is a deliberate act: review the received file and rename it;
/// never to make a test pass (AGENTS.md).
/// </summary>
internal static class Snapshot
{
    /// <summary>The approved file for <paramref name="name"/> in this test project.</summary>
    public static string ApprovedPath(string name) =>
        Path.Combine(TestPaths.RepoRoot, "tests", typeof(Snapshot).Assembly.GetName().Name!, "Snapshots", name);

    /// <summary>Asserts that <paramref name="actual"/> (UTF-8, no BOM) equals the approved file byte for byte.</summary>
    public static void Match(string name, string actual) => Match(name, new UTF8Encoding(false).GetBytes(actual));

    /// <summary>Asserts that <paramref name="actual"/> equals the approved file byte for byte.</summary>
    public static void Match(string name, byte[] actual)
    {
        var approved = ApprovedPath(name);
        var received = approved + ".received";
        if (!File.Exists(approved))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(approved)!);
            File.WriteAllBytes(received, actual);
            Assert.Fail($"no approved snapshot {approved}; review {received} and rename it to approve it");
        }

        var expected = File.ReadAllBytes(approved);
        if (expected.AsSpan().SequenceEqual(actual))
        {
            if (File.Exists(received))
            {
                File.Delete(received);
            }

            return;
        }

        File.WriteAllBytes(received, actual);
        Assert.Fail($"snapshot {approved} differs from the output (written to {received}): {FirstDifference(expected, actual)}");
    }

    /// <summary>Asserts that the file at <paramref name="path"/> equals the approved file byte for byte.</summary>
    public static void MatchFile(string name, string path) => Match(name, File.ReadAllBytes(path));

    private static string FirstDifference(byte[] expected, byte[] actual)
    {
        var e = Encoding.UTF8.GetString(expected).Split('\n');
        var a = Encoding.UTF8.GetString(actual).Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : null;
            var al = i < a.Length ? a[i] : null;
            if (el != al)
            {
                return $"first difference at line {i + 1}:\n  approved: {Show(el)}\n  actual:   {Show(al)}";
            }
        }

        return $"the bytes differ ({expected.Length} approved, {actual.Length} actual) but every line is equal (encoding or BOM)";
    }

    private static string Show(string? line) => line is null ? "(end of file)" : line.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
}
