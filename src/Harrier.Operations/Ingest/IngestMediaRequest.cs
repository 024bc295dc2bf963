using Harrier.Media.Imaging;

namespace Harrier.Operations.Ingest;

/// <summary>Ingest every not-yet-ingested file of an exhibit (<see cref="IngestMedia"/>).</summary>
/// <param name="ExhibitId">The exhibit whose files to ingest.</param>
public sealed record IngestMediaRequest(string ExhibitId)
{
    /// <summary>How blurred greyscale thumbnails and keyframe strips are made; null: none are written.</summary>
    public ThumbnailOptions? Thumbnails { get; init; } = ThumbnailOptions.Default;

    /// <summary>Why this is being done (recorded in the audit log).</summary>
    public string? Justification { get; init; }

    /// <summary>Files processed at once; null: one per core.</summary>
    public int? Parallelism { get; init; }

    /// <summary>
    /// The memory the run's decodes may hold at once, whatever <see cref="Parallelism"/> is (each file reserves its
    /// estimated working set before it is decoded; a file that can never fit is refused with the reason); null: half the
    /// memory this process may use (<see cref="Harrier.Media.Features.MemoryBudget.DefaultCapacityBytes"/>).
    /// </summary>
    public long? MemoryBudgetBytes { get; init; }

    /// <summary>What is decoded and at what size (video pixel caps); null: the defaults.</summary>
    public Harrier.Media.Features.MediaLimits? Limits { get; init; }
}
