namespace Harrier.Media.Imaging;

/// <summary>
/// A file to try as an image. <see cref="Explicit"/> files were named by the user (a failure to decode is an error);
/// files found inside a folder are only images if their content says so (others are skipped silently).
/// </summary>
public readonly record struct ImageCandidate(string Path, bool Explicit, string? Problem = null);
