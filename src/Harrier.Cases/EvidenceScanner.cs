using System.Text;
using Harrier.Media.Digests;

namespace Harrier.Cases;

/// <summary>
/// A file found under an exhibit's root, or a path that could not be listed or will not be read. <paramref name="RelPathBytes"/>
/// is the relative path exactly as the file system holds it, <paramref name="RelPath"/> its shown form
/// (<see cref="EvidenceName"/>), and <paramref name="FullPath"/> the bytes to open it by.
/// </summary>
internal sealed record ScannedEntry(byte[] RelPathBytes, string RelPath, byte[] FullPath, string? Problem, bool Skip);

/// <summary>
/// Walks an exhibit's root in a stable order (by name bytes, depth first) without following links, and turns every
/// directory it cannot list into an entry with the reason instead of stopping. Names are bytes: on Linux (x86-64, arm64)
/// directories are listed with readdir (<see cref="RawPaths"/>), because .NET's listing decodes names as UTF-8 with U+FFFD,
/// which merges names that differ only in non-UTF-8 bytes and yields a string that opens neither file. Elsewhere names
/// are Unicode and the managed listing is exact.
/// </summary>
internal static class EvidenceScanner
{
    public static List<ScannedEntry> Scan(string root, CancellationToken cancellationToken)
    {
        var result = new List<ScannedEntry>();
        if (File.Exists(root))
        {
            // An exhibit registered as one file: its name is the last part of a path given as text.
            var name = Encoding.UTF8.GetBytes(Path.GetFileName(root));
            var full = Encoding.UTF8.GetBytes(root);
            result.Add(new FileInfo(root).LinkTarget is { } target
                ? Entry(name, full, $"symbolic link to {EvidenceName.Display(target)} (not followed)", skip: true)
                : Entry(name, full, null, skip: false));
            return result;
        }

        if (!Directory.Exists(root))
        {
            throw new CaseStoreException($"evidence path not found: {EvidenceName.Display(root)}");
        }

        Walk(Encoding.UTF8.GetBytes(Path.TrimEndingDirectorySeparator(root)), [], result, cancellationToken);
        return result;
    }

    /// <summary>Opens a scanned file read-only by its bytes (or, off Linux, by its name as text).</summary>
    public static FileStream Open(ScannedEntry entry) => RawPaths.Supported
        ? RawPaths.OpenEvidence(entry.FullPath, entry.RelPath)
        : FileDigester.OpenEvidence(Encoding.UTF8.GetString(entry.FullPath));

    private static ScannedEntry Entry(byte[] rel, byte[] full, string? problem, bool skip) =>
        new(rel, EvidenceName.Display(rel), full, problem, skip);

    private static void Walk(byte[] dir, byte[] relDir, List<ScannedEntry> result, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        List<RawDirectoryEntry> entries;
        try
        {
            entries = [.. List(dir)];
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            result.Add(Entry(relDir.Length == 0 ? "."u8.ToArray() : relDir, dir, $"directory cannot be listed: {e.Message}", skip: false));
            return;
        }

        // Byte order: a total order on names, whatever they hold.
        entries.Sort(static (a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        foreach (var entry in entries)
        {
            byte[] rel = relDir.Length == 0 ? entry.Name : [.. relDir, (byte)'/', .. entry.Name];
            byte[] full = [.. dir, (byte)'/', .. entry.Name];
            switch (entry.Kind)
            {
                case RawEntryKind.Directory:
                    Walk(full, rel, result, cancellationToken);
                    break;
                case RawEntryKind.SymbolicLink:
                    result.Add(Entry(rel, full, $"symbolic link to {LinkTarget(full)} (not followed)", skip: true));
                    break;
                case RawEntryKind.Unknown:
                    result.Add(Entry(rel, full, "its type could not be read (not read)", skip: false));
                    break;
                default:
                    // Regular files, and FIFOs, sockets and devices, which opening classifies (block devices are read as disk images).
                    result.Add(Entry(rel, full, null, skip: false));
                    break;
            }
        }
    }

    private static IReadOnlyList<RawDirectoryEntry> List(byte[] dir)
    {
        if (RawPaths.Supported)
        {
            return RawPaths.ReadDirectory(dir);
        }

        // Off Linux names are Unicode, so their UTF-8 is exact.
        return [.. new DirectoryInfo(Encoding.UTF8.GetString(dir)).GetFileSystemInfos().Select(i => new RawDirectoryEntry(
            Encoding.UTF8.GetBytes(i.Name),
            i.LinkTarget is not null ? RawEntryKind.SymbolicLink : i is DirectoryInfo ? RawEntryKind.Directory : RawEntryKind.File))];
    }

    private static string LinkTarget(byte[] full)
    {
        try
        {
            return EvidenceName.Display(RawPaths.Supported
                ? RawPaths.ReadLink(full)
                : Encoding.UTF8.GetBytes(new FileInfo(Encoding.UTF8.GetString(full)).LinkTarget ?? string.Empty));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return $"a target that cannot be read ({e.Message})";
        }
    }
}
