namespace Harrier.Matching.Triage;

/// <summary>The status triage gives a file.</summary>
public static class TriageStatus
{
    /// <summary>In a known-good (NSRL-style) list: filtered out first.</summary>
    public const string KnownGood = "known-good";

    /// <summary>Matches a bank entry (exact digest, PDQ or vPDQ).</summary>
    public const string Known = "known";

    /// <summary>Matches no bank itself, but is a rendition or near-duplicate of a known file.</summary>
    public const string NearDuplicate = "near-duplicate";

    /// <summary>Media that matches nothing known: first seen, for victim identification.</summary>
    public const string Unknown = "unknown";

    /// <summary>Not media and in no bank.</summary>
    public const string NotMedia = "not-media";

    /// <summary>Media that could not be decoded.</summary>
    public const string Unreadable = "unreadable";
}
