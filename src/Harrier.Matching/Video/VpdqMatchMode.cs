namespace Harrier.Matching.Video;

/// <summary>Which reference matcher's rules to follow (spec §2.2).</summary>
public enum VpdqMatchMode
{
    /// <summary>
    /// python-threatexchange / HMA (<c>match_VPDQ_hash_brute</c>): exact-duplicate hashes dropped (first kept), then
    /// quality ≥ F, then a frame matches when some frame on the other side is at distance ≤ D.
    /// </summary>
    Pytx = 0,

    /// <summary>The C++ <c>match-hashes-brute</c>: no dedupe, quality ≥ F, distance strictly &lt; D.</summary>
    Cpp = 1,

    /// <summary>
    /// Harrier's rendition matcher: pytx's frames and matches, plus frames at distance ≤
    /// <see cref="VpdqMatchOptions.AlignedDistance"/> whose pair lies on the dominant time offset between the two videos
    /// (the same offset within one sampling step). Re-encodes of high-frequency content move frame hashes past D while
    /// staying in time with the original; unrelated frames that happen to be close do not line up in time.
    /// </summary>
    Aligned = 2,
}
