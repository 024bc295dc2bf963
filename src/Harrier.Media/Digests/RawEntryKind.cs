namespace Harrier.Media.Digests;

/// <summary>What a directory entry is, without following a link.</summary>
public enum RawEntryKind
{
    /// <summary>The file system did not say, and statx could not tell.</summary>
    Unknown,

    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (never followed).</summary>
    SymbolicLink,

    /// <summary>A FIFO, socket, character or block device.</summary>
    Other,
}
