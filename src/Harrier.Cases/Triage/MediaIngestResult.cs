namespace Harrier.Cases.Triage;

/// <summary>What one <c>ingest media</c> did.</summary>
public sealed record MediaIngestResult(
    string ExhibitId,
    int Files,
    int AlreadyIngested,
    int Ingested,
    IReadOnlyDictionary<string, int> Kinds,
    IReadOnlyList<EvidenceProblem> Unreadable,
    TimeSpan Elapsed)
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
}
