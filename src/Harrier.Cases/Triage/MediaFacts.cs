using Harrier.Media.Features;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Metadata;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;

namespace Harrier.Cases.Triage;

/// <summary>
/// One <c>media_facts</c> row: what ingest learned about one evidence file (<see cref="MediaFeatures"/>, computed by
/// the media engine) and where its derived picture lies in the case folder. The properties below the features only
/// read through to them.
/// </summary>
/// <param name="EvidenceId">The evidence file's row id.</param>
/// <param name="Features">The file's features as stored (never its pixels: <see cref="MediaFeatures.Thumbnail"/> is not stored).</param>
/// <remarks>Metadata values are case data: stored and shown in JSON, never logged; the HTML report shows counts only.</remarks>
public sealed record MediaFacts(long EvidenceId, MediaFeatures Features)
{
    /// <summary>The derived blurred greyscale thumbnail or keyframe strip, relative to the case folder ('/' separated).</summary>
    public string? Derived { get; init; }

    /// <summary><see cref="MediaKinds"/>: image, video, other or unreadable.</summary>
    public string Kind => Features.Kind;

    /// <summary>Container or image format as sniffed from the content.</summary>
    public string? Format => Features.Format;

    /// <summary>Display width in pixels.</summary>
    public int? Width => Features.Width;

    /// <summary>Display height in pixels.</summary>
    public int? Height => Features.Height;

    /// <summary>Video duration.</summary>
    public double? DurationSeconds => Features.DurationSeconds;

    /// <summary>Video frame rate.</summary>
    public double? FrameRate => Features.FrameRate;

    /// <summary>Video codec.</summary>
    public string? Codec => Features.Codec;

    /// <summary>An image's eight dihedral PDQ hashes and quality.</summary>
    public PdqDihedralResult? Pdq => Features.Pdq;

    /// <summary>A video's frame features.</summary>
    public IReadOnlyList<VpdqFeature>? Vpdq => Features.Vpdq;

    /// <summary>Why the media could not be hashed (kind unreadable).</summary>
    public string? Error => Features.Error;

    /// <summary>Embedded metadata; null when the format carries none that is read.</summary>
    public MediaMetadata? Metadata => Features.Metadata;

    /// <summary>A video's TMK+PDQF level-1 feature; null when not computed.</summary>
    public float[]? TmkLevel1 => Features.TmkLevel1;

    /// <summary>A video's frame features with a static overlay painted out; null when it has none.</summary>
    public IReadOnlyList<VpdqFeature>? VpdqOverlay => Features.VpdqOverlay;

    /// <summary>An image's dihedral PDQ hashes inside its uniform border; empty when it has none.</summary>
    public IReadOnlyList<PdqDihedralResult> PdqTrimmed => Features.PdqTrimmed;

    /// <summary>An image's reframed PDQ hashes; empty when not computed.</summary>
    public IReadOnlyList<Hash256> PdqReframed => Features.PdqReframed;

    /// <summary>An image's off-centre crop hypotheses; empty when not computed (rows ingested before issue 21.2).</summary>
    public IReadOnlyList<Hash256> PdqOffCentre => Features.PdqOffCentre;

    /// <summary>The stable bits of each off-centre hash, in the same order; empty when not computed (hypotheses stored before them).</summary>
    public IReadOnlyList<Hash256> PdqOffCentreStable => Features.PdqOffCentreStable;

    /// <summary>An image's de-rotation hypotheses; empty when not computed (rows ingested before issue 21.4).</summary>
    public IReadOnlyList<Hash256> PdqDerotated => Features.PdqDerotated;

    /// <summary>The stable bits of each de-rotation hash, in the same order; empty when not computed (hypotheses stored before them).</summary>
    public IReadOnlyList<Hash256> PdqDerotatedStable => Features.PdqDerotatedStable;

    /// <summary>An image's content-inside-content hypotheses (region, hash); empty when none was found or not computed (rows ingested before issue 21.3).</summary>
    public IReadOnlyList<(PixelRegion Region, Hash256 Hash)> PdqInset => Features.PdqInset;

    /// <summary>A video's reframed frame hashes; null when not computed.</summary>
    public IReadOnlyList<VpdqFeature>? VpdqReframed => Features.VpdqReframed;

    /// <summary>A video's dihedral frame hashes (one sampled frame a second); null when not computed (rows ingested before issue 21.1).</summary>
    public IReadOnlyList<VpdqDihedralFrame>? VpdqDihedral => Features.VpdqDihedral;

    /// <summary>A video's frame hypotheses, once triage computed them (it found nothing else for the video); null before.</summary>
    public IReadOnlyList<VpdqFrameHypotheses>? VpdqHypotheses => Features.VpdqHypotheses;

    /// <summary>What went wrong short of making the file unreadable.</summary>
    public IReadOnlyList<string> Notes => Features.Notes;
}
