namespace Harrier.Operations.Ingest;

/// <summary>What <see cref="IngestFile"/> did with one evidence file.</summary>
/// <param name="EvidenceId">The evidence file's row id.</param>
/// <param name="RelPath">Its path in the exhibit.</param>
/// <param name="Kind">What it turned out to be (<see cref="Harrier.Media.Features.MediaKinds"/>); that already stored when it was ingested before.</param>
/// <param name="Ingested">Whether this call stored its facts (false: they were stored before, and are left as they are).</param>
public sealed record IngestFileResult(long EvidenceId, string RelPath, string Kind, bool Ingested)
{
    /// <summary>Why the media could not be hashed (kind unreadable).</summary>
    public string? Error { get; init; }

    /// <summary>The derived thumbnail or keyframe strip, relative to the case folder; null when none was written.</summary>
    public string? Derived { get; init; }

    /// <summary>What went wrong short of making the file unreadable.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>One file of <see cref="IngestFile.RunBatchAsync"/>: its result, or why it is not a file that can be ingested.</summary>
/// <param name="EvidenceId">The file asked for.</param>
/// <param name="Result">What ingest made of it; null on a failure.</param>
/// <param name="Failure">Why it was not ingested (no such readable evidence file in the exhibit); null when it has a result.</param>
public sealed record IngestBatchItem(long EvidenceId, IngestFileResult? Result, string? Failure);
