namespace Harrier.Matching.Triage;

/// <summary>Everything triage decided.</summary>
/// <param name="Files">One result per input, in input order.</param>
/// <param name="Groups">The scene groups with their rendition groups, representative and queue rank.</param>
public sealed record TriageOutcome(IReadOnlyList<TriageResult> Files, IReadOnlyList<SceneGroup> Groups);
