namespace Harrier.Testing;

/// <summary>Where the repository and the read-only ../shared material are, from any test's output folder.</summary>
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

    /// <summary>The shared material: $HARRIER_SHARED, else ../shared beside the repository.</summary>
    public static string Shared
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("HARRIER_SHARED") ?? Path.Combine(RepoRoot, "..", "shared");
            path = Path.GetFullPath(path);
            return Directory.Exists(path)
                ? path
                : throw new DirectoryNotFoundException($"shared material not found at {path} (set HARRIER_SHARED)");
        }
    }

    /// <summary>A path under ../shared.</summary>
    public static string InShared(params string[] parts) => Path.Combine([Shared, .. parts]);
}
