using Harrier.Matching.Banks;
using Harrier.Media.Metadata;

namespace Harrier.Cases.Triage;

/// <summary>One stored triage result with its evidence file and media facts.</summary>
public sealed record TriageRow(
    long EvidenceId,
    string ExhibitId,
    string RelPath,
    long Size,
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
    IReadOnlyList<string> Reasons,
    string Kind,
    int? Width,
    int? Height,
    double? DurationSeconds,
    string? Codec)
{
    /// <summary>The file's embedded metadata (camera, GPS, dates); null when it had none.</summary>
    public MediaMetadata? Metadata { get; init; }

    /// <summary>The derived blurred thumbnail or keyframe strip, relative to the case folder.</summary>
    public string? Derived { get; init; }
}
