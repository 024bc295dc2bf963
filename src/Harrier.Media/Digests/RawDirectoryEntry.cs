namespace Harrier.Media.Digests;

/// <summary>One entry of a directory listed by <see cref="RawPaths.ReadDirectory"/>: its name exactly as stored, and its kind.</summary>
/// <param name="Name">The name's bytes (never '/' or NUL; not necessarily UTF-8).</param>
/// <param name="Kind">What it is, without following a link.</param>
public readonly record struct RawDirectoryEntry(byte[] Name, RawEntryKind Kind);
