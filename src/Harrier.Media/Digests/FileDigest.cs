namespace Harrier.Media.Digests;

/// <summary>The evidence digests of one byte stream, as lowercase hex.</summary>
/// <param name="Length">Bytes read.</param>
/// <param name="Md5">MD5 (for exchange with hash sets that still use it; not for integrity).</param>
/// <param name="Sha1">SHA-1 (NSRL and older hash sets).</param>
/// <param name="Sha256">SHA-256 (the integrity digest Harrier verifies evidence with).</param>
public sealed record FileDigest(long Length, string Md5, string Sha1, string Sha256);
