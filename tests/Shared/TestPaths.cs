namespace Harrier.Testing;

/// <summary>
/// Where the repository and its data are, from any test's output folder. Tests read only what the repository
/// carries: the product's data in <c>data/</c> and test-only data in <c>tests/data/</c> (each with its licence).
/// </summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Harrier.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Harrier.slnx not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root (the folder holding Harrier.slnx).</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>A path inside the repository; throws when it does not exist, so a missing fixture fails loudly.</summary>
    public static string InRepo(params string[] parts)
    {
        var path = Path.Combine([RepoRoot, .. parts]);
        return File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new FileNotFoundException($"test data not found in the repository: {path}", path);
    }

    /// <summary>The shipped benign photos (<c>data/photos</c>), or a file under them.</summary>
    public static string Photos(params string[] parts) => InRepo(["data", "photos", .. parts]);

    /// <summary>The conformance vectors (<c>tests/data/vectors</c>): <c>pdq</c>, <c>vpdq</c>, <c>tmk</c>.</summary>
    public static string Vectors(params string[] parts) => InRepo(["tests", "data", "vectors", .. parts]);

    /// <summary>Real block files (<c>tests/data/bitcoin/blocks</c>).</summary>
    public static string Blocks(params string[] parts) => InRepo(["tests", "data", "bitcoin", "blocks", .. parts]);

    /// <summary>The shipped GraphSense tag and actor packs (<c>data/tagpacks/graphsense</c>).</summary>
    public static string TagPacks(params string[] parts) => InRepo(["data", "tagpacks", "graphsense", .. parts]);

    /// <summary>Exchange-format samples (<c>tests/data/formats</c>).</summary>
    public static string Formats(params string[] parts) => InRepo(["tests", "data", "formats", .. parts]);
}
