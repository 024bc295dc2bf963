using Harrier.Matching.Banks;

namespace Harrier.Matching.Triage;

/// <summary>The outcome for one file.</summary>
/// <param name="Id">The input's id.</param>
/// <param name="Status">A <see cref="TriageStatus"/> value.</param>
/// <param name="Method">How it was matched: md5, sha1, sha256, pdq, pdq-inset, pdq-reframed, pdq-offcentre, pdq-derotated (image hypotheses: weaker evidence than pdq, for an analyst to confirm), vpdq, vpdq-clip, vpdq-dihedral, vpdq-reframed, vpdq-inset, vpdq-offcentre, vpdq-derotated (video frame hypotheses, one geometry for the whole video: weaker evidence, for an analyst to confirm), rendition or scene (near-duplicates).</param>
/// <param name="Bank">The bank of the match.</param>
/// <param name="Category">The category of the match (null: uncategorised).</param>
/// <param name="Distance">PDQ distance (for pdq-offcentre and pdq-derotated with stable bits, the masked distance: the differing bits among those the guessed border does not decide, scaled to 256), or 100 − the vPDQ match percentage rounded; 0 for exact matches.</param>
/// <param name="Conflicts">Other (bank, category) pairs matching the same file that disagree with <paramref name="Category"/>.</param>
/// <param name="RenditionGroup">The rendition group (renditions of one upload); null when alone.</param>
/// <param name="SceneGroup">The scene group (near-duplicates of one scene); null for non-media.</param>
/// <param name="Representative">True for the representative of its scene group.</param>
/// <param name="QueueRank">1-based rank in the unknown queue (its scene's rank); null when not queued.</param>
/// <param name="Reasons">Why it is ranked where it is.</param>
public sealed record TriageResult(
    long Id,
    string Status,
    string? Method,
    string? Bank,
    BankCategory? Category,
    int? Distance,
    IReadOnlyList<string> Conflicts,
    int? RenditionGroup,
    int? SceneGroup,
    bool Representative,
    int? QueueRank,
    IReadOnlyList<string> Reasons);
