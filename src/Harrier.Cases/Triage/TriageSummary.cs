namespace Harrier.Cases.Triage;

/// <summary>What one triage run decided, in counts (no names, no content).</summary>
public sealed record TriageSummary(
    int Files,
    IReadOnlyDictionary<string, int> ByStatus,
    int SceneGroups,
    int RenditionGroups,
    int QueuedGroups,
    int FilesWithConflicts)
{
    /// <summary>Candidate video pairs compared frame by frame.</summary>
    public int VideoPairsCompared { get; init; }

    /// <summary>Candidate video pairs the TMK pre-filter skipped.</summary>
    public int VideoPairsSkippedByTmk { get; init; }
}
