namespace Harrier.Matching.Triage;

/// <summary>Everything triage decided.</summary>
/// <param name="Files">One result per input, in input order.</param>
/// <param name="Groups">The scene groups with their rendition groups, representative and queue rank.</param>
public sealed record TriageOutcome(IReadOnlyList<TriageResult> Files, IReadOnlyList<SceneGroup> Groups)
{
    /// <summary>Candidate video pairs (sharing a close frame) compared frame by frame.</summary>
    public int VideoPairsCompared { get; init; }

    /// <summary>Candidate video pairs skipped because their TMK level-1 features disagree (<see cref="TriageOptions.TmkPrefilter"/>).</summary>
    public int VideoPairsSkippedByTmk { get; init; }
}
