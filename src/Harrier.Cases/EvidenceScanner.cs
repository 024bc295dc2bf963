namespace Harrier.Cases;

/// <summary>A file found under an exhibit's root, or a path that could not be listed or will not be read.</summary>
internal sealed record ScannedEntry(string RelPath, string FullPath, string? Problem, bool Skip);

/// <summary>
/// Walks an exhibit's root in a stable order (ordinal, depth first) without following links, and turns every
/// directory it cannot list into an entry with the reason instead of stopping.
/// </summary>
internal static class EvidenceScanner
{
    public static List<ScannedEntry> Scan(string root, CancellationToken cancellationToken)
    {
        var result = new List<ScannedEntry>();
        if (File.Exists(root))
        {
            result.Add(Classify(new FileInfo(root), Path.GetFileName(root)));
            return result;
        }

        if (!Directory.Exists(root))
        {
            throw new CaseStoreException($"evidence path not found: {root}");
        }

        Walk(new DirectoryInfo(root), string.Empty, result, cancellationToken);
        return result;
    }

    private static void Walk(DirectoryInfo dir, string relDir, List<ScannedEntry> result, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FileSystemInfo[] entries;
        try
        {
            entries = dir.GetFileSystemInfos();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            result.Add(new ScannedEntry(relDir.Length == 0 ? "." : relDir, dir.FullName, $"directory cannot be listed: {e.Message}", Skip: false));
            return;
        }

        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var entry in entries)
        {
            var rel = relDir.Length == 0 ? entry.Name : relDir + "/" + entry.Name;
            if (entry is DirectoryInfo sub && entry.LinkTarget is null)
            {
                Walk(sub, rel, result, cancellationToken);
            }
            else
            {
                result.Add(Classify(entry, rel));
            }
        }
    }

    private static ScannedEntry Classify(FileSystemInfo entry, string rel)
    {
        if (entry.LinkTarget is { } target)
        {
            return new ScannedEntry(rel, entry.FullName, $"symbolic link to {target} (not followed)", Skip: true);
        }

        return new ScannedEntry(rel, entry.FullName, null, Skip: false);
    }
}
