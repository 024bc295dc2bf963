using Harrier.Media.Hashing;
using Harrier.Media.Metadata;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;

namespace Harrier.Cases.Triage;

/// <summary>What ingest learned about one evidence file (never its pixels).</summary>
/// <param name="EvidenceId">The evidence file's row id.</param>
/// <param name="Kind"><see cref="MediaKinds"/>: image, video, other or unreadable.</param>
/// <param name="Format">Container or image format as sniffed from the content.</param>
/// <param name="Width">Display width in pixels.</param>
/// <param name="Height">Display height in pixels.</param>
/// <param name="DurationSeconds">Video duration.</param>
/// <param name="FrameRate">Video frame rate.</param>
/// <param name="Codec">Video codec.</param>
/// <param name="Pdq">An image's eight dihedral PDQ hashes and quality.</param>
/// <param name="Vpdq">A video's vPDQ features (one per second).</param>
/// <param name="Error">Why the media could not be hashed (kind unreadable).</param>
/// <remarks>Metadata values are case data: stored and shown in JSON, never logged; the HTML report shows counts only.</remarks>
public sealed record MediaFacts(
    long EvidenceId,
    string Kind,
    string? Format,
    int? Width,
    int? Height,
    double? DurationSeconds,
    double? FrameRate,
    string? Codec,
    PdqDihedralResult? Pdq,
    IReadOnlyList<VpdqFeature>? Vpdq,
    string? Error)
{
    /// <summary>Embedded metadata (EXIF, QuickTime): camera, GPS, dates; null when the format carries none that is read.</summary>
    public MediaMetadata? Metadata { get; init; }

    /// <summary>A video's TMK+PDQF level-1 feature (the average PDQF frame feature, 256 values); null when not computed.</summary>
    public float[]? TmkLevel1 { get; init; }

    /// <summary>A video's frame features with a static overlay (a stamped logo) painted out; null when it has none.</summary>
    public IReadOnlyList<VpdqFeature>? VpdqOverlay { get; init; }

    /// <summary>An image's dihedral PDQ hashes of the content inside its uniform border (outermost layer, all layers); empty when it has none.</summary>
    public IReadOnlyList<PdqDihedralResult> PdqTrimmed { get; init; } = [];

    /// <summary>An image's reframed PDQ hashes (<see cref="Harrier.Media.Pdq.PdqReframe"/>), one per crop share tried; empty when not computed.</summary>
    public IReadOnlyList<Hash256> PdqReframed { get; init; } = [];

    /// <summary>A video's reframed frame hashes, every crop share for every sampled frame; null when not computed.</summary>
    public IReadOnlyList<VpdqFeature>? VpdqReframed { get; init; }

    /// <summary>The derived blurred greyscale thumbnail or keyframe strip, relative to the case folder ('/' separated).</summary>
    public string? Derived { get; init; }

    /// <summary>What went wrong short of making the file unreadable: malformed metadata, a strip that could not be made.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
