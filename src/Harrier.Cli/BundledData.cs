namespace Harrier.Cli;

/// <summary>
/// The benign data the repository ships in <c>data/</c> (photos, public tag packs; each with its licence), found by
/// walking up from the built <c>harrier.dll</c> (the launcher builds into <c>.build/cli</c> inside the repository).
/// Nothing outside the repository is ever searched.
/// </summary>
internal static class BundledData
{
    /// <summary>The <c>data</c> folder, or null when this build does not sit inside a Harrier repository.</summary>
    public static string? Root { get; } = Find(AppContext.BaseDirectory);

    /// <summary>The shipped photos (<c>data/photos</c>), or null.</summary>
    public static string? Photos => Root is null ? null : Path.Combine(Root, "photos");

    /// <summary>The shipped GraphSense packs the scenario copies as public noise (<c>data/tagpacks/graphsense/packs</c>), or null.</summary>
    public static string? PublicTagPacks => Root is null ? null : Path.Combine(Root, "tagpacks", "graphsense", "packs");

    /// <summary>The photos folder to use: the one given, else the shipped one; a usage error naming both when neither exists.</summary>
    public static string PhotosOr(string? given)
    {
        if (given is not null)
        {
            return Directory.Exists(given) ? Path.GetFullPath(given) : throw new CliException($"--photos {given}: no such folder");
        }

        return Photos ?? throw new CliException(
            $"the shipped photos (data/photos) were not found above {AppContext.BaseDirectory}; pass --photos DIR (any folder of benign .jpg photos)");
    }

    internal static string? Find(string start)
    {
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
        {
            var data = Path.Combine(d.FullName, "data");
            if (File.Exists(Path.Combine(data, "photos", "MANIFEST.sha256")) && File.Exists(Path.Combine(d.FullName, "Harrier.slnx")))
            {
                return data;
            }
        }

        return null;
    }
}
