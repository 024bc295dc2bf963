namespace Harrier.Cases;

/// <summary>
/// Where a case's derived pictures (blurred thumbnails, keyframe strips) are kept. A picture is recorded in
/// <c>media_facts.derived</c> by its path relative to the case folder (<c>derived/thumbs/ID.png</c>), whatever the store;
/// every machine that ingests for the case must reach the same store (a cluster's silos: docs/cluster.md).
/// <see cref="FolderDerivedStore"/> is the default; an object store is another implementation.
/// </summary>
public interface IDerivedStore
{
    /// <summary>
    /// Stores <paramref name="content"/> as <paramref name="folder"/>/<paramref name="name"/> (<c>thumbs</c> or <c>strips</c>), whole or not at all (a reader
    /// never sees a part), replacing what was there; returns the path recorded for it.
    /// </summary>
    /// <exception cref="IOException">It could not be stored.</exception>
    string Write(string folder, string name, byte[] content);

    /// <summary>A local file holding the picture recorded as <paramref name="recorded"/>; null when there is none or the path leaves the store.</summary>
    string? Locate(string recorded);
}

/// <summary>
/// Derived pictures as files under <c>CASE/derived/</c>: on one machine, or in a folder every machine of a cluster
/// mounts at the same path. Written through a temporary file and a rename, so a killed writer leaves no half file under
/// the final name.
/// </summary>
/// <param name="caseDir">The case folder.</param>
public sealed class FolderDerivedStore(string caseDir) : IDerivedStore
{
    /// <inheritdoc/>
    public string Write(string folder, string name, byte[] content)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var directory = Path.Combine(caseDir, CaseFolder.DerivedFolderName, folder);
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, name);
        // The temporary name is this process's own, so two machines writing the same picture never share one.
        var temp = Path.Combine(directory, $".{name}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp");
        File.WriteAllBytes(temp, content);
        File.Move(temp, target, overwrite: true);
        return $"{CaseFolder.DerivedFolderName}/{folder}/{name}";
    }

    /// <inheritdoc/>
    public string? Locate(string recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var root = Path.GetFullPath(Path.Combine(caseDir, CaseFolder.DerivedFolderName)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(caseDir, recorded));
        return full.StartsWith(root, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }
}
