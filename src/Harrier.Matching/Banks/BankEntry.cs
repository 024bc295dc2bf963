using Harrier.Media.Hashing;
using Harrier.Media.Vpdq;

namespace Harrier.Matching.Banks;

/// <summary>
/// One record of a hash set. Digests are lower-case hex whatever the source wrote. <see cref="Raw"/> keeps the
/// source record verbatim (for VICS the whole Media object, unknown properties included) so an export can write it
/// back unchanged.
/// </summary>
public sealed record BankEntry
{
    /// <summary>MD5, lower-case hex.</summary>
    public string? Md5 { get; init; }

    /// <summary>SHA-1, lower-case hex.</summary>
    public string? Sha1 { get; init; }

    /// <summary>SHA-256, lower-case hex.</summary>
    public string? Sha256 { get; init; }

    /// <summary>A PDQ hash.</summary>
    public Hash256? Pdq { get; init; }

    /// <summary>The PDQ hash's quality when the list gives one.</summary>
    public int? PdqQuality { get; init; }

    /// <summary>A video's vPDQ frame features.</summary>
    public IReadOnlyList<VpdqFeature>? Vpdq { get; init; }

    /// <summary>PhotoDNA as written (base64 or hex): opaque, never interpreted.</summary>
    public string? PhotoDna { get; init; }

    /// <summary>The category; null when the source gives none (uncategorised — never defaulted to 0).</summary>
    public BankCategory? Category { get; init; }

    /// <summary>True for reference data of known-good files (NSRL), which triage filters out first.</summary>
    public bool KnownGood { get; init; }

    /// <summary>The record's id in its source (VICS MediaID, ICSE Image ID, a file name).</summary>
    public string? ExternalId { get; init; }

    /// <summary>Series name, when the source has one.</summary>
    public string? Series { get; init; }

    /// <summary>The source record verbatim (VICS: the Media object as JSON); null for line formats.</summary>
    public string? Raw { get; init; }
}
