namespace Harrier.Cli;

/// <summary>Finds the read-only ../shared material: $HARRIER_SHARED, else a "shared" folder beside the working directory or the build.</summary>
internal static class SharedFolder
{
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("HARRIER_SHARED") is { } env && Directory.Exists(env))
        {
            return Path.GetFullPath(env);
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "datasets")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
