namespace Harrier.Matching.Triage;

/// <summary>A group of near-duplicate media (one scene), made of rendition groups and stills.</summary>
/// <param name="Id">The group's number (1-based).</param>
/// <param name="Members">The input ids in the group.</param>
/// <param name="RenditionGroups">How many distinct uploads (rendition groups or single files) it holds.</param>
/// <param name="Representative">The member shown for the group (largest frame, then longest, then the first in input order).</param>
/// <param name="Status">known, near-duplicate-of-known or unknown (first seen), for the group as a whole.</param>
/// <param name="QueueRank">Rank in the unknown queue (1 = review first); null for known groups.</param>
/// <param name="Reasons">Why it is ranked there.</param>
public sealed record SceneGroup(
    int Id,
    IReadOnlyList<long> Members,
    int RenditionGroups,
    long Representative,
    string Status,
    int? QueueRank,
    IReadOnlyList<string> Reasons);
