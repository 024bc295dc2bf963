using Harrier.Cases;

namespace Harrier.Operations.Ingest;

/// <summary>What one <see cref="IngestMedia"/> run did (the JSON of <c>harrier ingest media --json</c>).</summary>
/// <param name="ExhibitId">The exhibit.</param>
/// <param name="Files">Its registered readable files.</param>
/// <param name="AlreadyIngested">Files ingested before this run stored them (by an earlier run, or by another writer meanwhile), left as they were.</param>
/// <param name="Ingested">Files ingested by this run.</param>
/// <param name="Kinds">This run's files by kind.</param>
/// <param name="Unreadable">This run's files that looked like media but did not decode, with the reason.</param>
public sealed record IngestMediaResult(
    string ExhibitId,
    int Files,
    int AlreadyIngested,
    int Ingested,
    IReadOnlyDictionary<string, int> Kinds,
    IReadOnlyList<EvidenceProblem> Unreadable)
{
    /// <summary>Files of this run whose metadata gave at least one fact (camera, GPS, dates, software).</summary>
    public int WithMetadata { get; init; }

    /// <summary>Files of this run whose metadata gave a GPS position.</summary>
    public int WithGps { get; init; }

    /// <summary>Files of this run whose metadata gave a camera body serial number.</summary>
    public int WithCameraSerial { get; init; }

    /// <summary>Blurred greyscale image thumbnails written under the case folder.</summary>
    public int Thumbnails { get; init; }

    /// <summary>Blurred greyscale video keyframe strips written under the case folder.</summary>
    public int KeyframeStrips { get; init; }

    /// <summary>Per-file notes short of unreadable (malformed metadata, a thumbnail not made), by path.</summary>
    public IReadOnlyList<EvidenceProblem> Notes { get; init; } = [];

    /// <summary>Files decoded at once at most (the run's parallelism).</summary>
    public int Jobs { get; init; }

    /// <summary>The run's memory budget in bytes.</summary>
    public long MemoryBudgetBytes { get; init; }

    /// <summary>The most memory the run's decodes had reserved at once (estimates, never above the budget).</summary>
    public long PeakReservedBytes { get; init; }

    /// <summary>How long the run took, by the operation's clock.</summary>
    public double ElapsedSeconds { get; init; }
}
