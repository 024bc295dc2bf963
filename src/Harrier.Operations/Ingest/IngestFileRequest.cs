using Harrier.Media.Imaging;

namespace Harrier.Operations.Ingest;

/// <summary>Ingest one registered evidence file (<see cref="IngestFile"/>).</summary>
/// <param name="ExhibitId">The exhibit the file belongs to.</param>
/// <param name="EvidenceId">The evidence file's row id.</param>
public sealed record IngestFileRequest(string ExhibitId, long EvidenceId)
{
    /// <summary>How the blurred greyscale thumbnail or keyframe strip is made; null: none is written.</summary>
    public ThumbnailOptions? Thumbnails { get; init; } = ThumbnailOptions.Default;

    /// <summary>Why this is being done (recorded in the audit log).</summary>
    public string? Justification { get; init; }
}

/// <summary>Several files of one exhibit to ingest in one write (<see cref="IngestFile.RunBatchAsync"/>): the cluster's lease of a few files.</summary>
/// <param name="ExhibitId">The exhibit.</param>
/// <param name="EvidenceIds">Its files' ids, in the order they are done.</param>
public sealed record IngestFilesRequest(string ExhibitId, IReadOnlyList<long> EvidenceIds)
{
    /// <summary>How the blurred greyscale thumbnail or keyframe strip is made; null: none is written.</summary>
    public ThumbnailOptions? Thumbnails { get; init; } = ThumbnailOptions.Default;

    /// <summary>Why this is being done (recorded in the audit log).</summary>
    public string? Justification { get; init; }
}
