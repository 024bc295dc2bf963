namespace Harrier.Cases.Triage;

/// <summary>What one triage run decided, in counts (no names, no content).</summary>
public sealed record TriageSummary(
    int Files,
    IReadOnlyDictionary<string, int> ByStatus,
    int SceneGroups,
    int RenditionGroups,
    int QueuedGroups,
    int FilesWithConflicts);
