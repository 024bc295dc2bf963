using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Metadata;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;

namespace Harrier.Media.Features;

/// <summary>
/// What <see cref="MediaFeatureExtractor"/> learns about one media file: its kind and format from the content, the
/// perceptual hashes and facts triage needs, embedded metadata and a blurred greyscale picture (never its pixels).
/// </summary>
/// <param name="Kind"><see cref="MediaKinds"/>: image, video, other or unreadable.</param>
/// <param name="Format">Container or image format as sniffed from the content.</param>
/// <remarks>Metadata values are case data: stored and shown, never logged.</remarks>
public sealed record MediaFeatures(string Kind, string? Format)
{
    /// <summary>Display width in pixels.</summary>
    public int? Width { get; init; }

    /// <summary>Display height in pixels.</summary>
    public int? Height { get; init; }

    /// <summary>Video duration in seconds.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Video frame rate.</summary>
    public double? FrameRate { get; init; }

    /// <summary>Video codec.</summary>
    public string? Codec { get; init; }

    /// <summary>An image's eight dihedral PDQ hashes and quality (what a bank's PDQ list holds).</summary>
    public PdqDihedralResult? Pdq { get; init; }

    /// <summary>An image's dihedral PDQ hashes of the content inside its uniform border (outermost layer, all layers, even frame); empty when it has none.</summary>
    public IReadOnlyList<PdqDihedralResult> PdqTrimmed { get; init; } = [];

    /// <summary>An image's reframed PDQ hashes (<see cref="PdqReframe"/>), one per crop share and fill tried; empty when not computed.</summary>
    public IReadOnlyList<Hash256> PdqReframed { get; init; } = [];

    /// <summary>An image's off-centre crop hypotheses (<see cref="Pdq.PdqOffCentre"/>), one per crop tried; empty when not computed.</summary>
    public IReadOnlyList<Hash256> PdqOffCentre { get; init; } = [];

    /// <summary>
    /// The stable bits of each of <see cref="PdqOffCentre"/>'s hashes, in the same order
    /// (<see cref="Pdq.PdqOffCentre.HashWithStableBits"/>: the bits the guessed band does not decide), which triage
    /// compares by <see cref="Pdq.PdqOffCentre.MaskedDistance"/>; empty when not computed (hypotheses stored before them).
    /// </summary>
    public IReadOnlyList<Hash256> PdqOffCentreStable { get; init; } = [];

    /// <summary>An image's de-rotation hypotheses (<see cref="Pdq.PdqDerotate"/>), one per angle tried; empty when not computed.</summary>
    public IReadOnlyList<Hash256> PdqDerotated { get; init; } = [];

    /// <summary>
    /// The stable bits of each of <see cref="PdqDerotated"/>'s hashes, in the same order (<see cref="Pdq.PdqDerotate.HashWithStableBits"/>),
    /// which triage compares by <see cref="Pdq.PdqOffCentre.MaskedDistance"/>; empty when not computed (hypotheses stored before them).
    /// </summary>
    public IReadOnlyList<Hash256> PdqDerotatedStable { get; init; } = [];

    /// <summary>
    /// An image's content-inside-content hypotheses (<see cref="Pdq.PdqInset"/>): the regions found (a picture inside a
    /// screenshot's surround, a picture-in-picture inset) and each one's hash, at most <see cref="Pdq.PdqInset.MaxRegions"/>;
    /// empty when none was found or not computed.
    /// </summary>
    public IReadOnlyList<(PixelRegion Region, Hash256 Hash)> PdqInset { get; init; } = [];

    /// <summary>A video's frame features: each sampled frame's vPDQ hash, then, for a frame with a dark border, the hash inside it.</summary>
    public IReadOnlyList<VpdqFeature>? Vpdq { get; init; }

    /// <summary>A video's frame features with a static overlay (a stamped logo) painted out; null when it has none.</summary>
    public IReadOnlyList<VpdqFeature>? VpdqOverlay { get; init; }

    /// <summary>A video's reframed frame hashes, every crop share and fill for one sampled frame a second; null when not computed.</summary>
    public IReadOnlyList<VpdqFeature>? VpdqReframed { get; init; }

    /// <summary>
    /// A video's dihedral frame hashes: the eight dihedral PDQ hashes of the frame at each whole second (what the frame
    /// hashes to mirrored or rotated by a multiple of 90°; in videos ingested before 2026-12-07, the sampled frame nearest
    /// each whole second); null when not computed.
    /// </summary>
    public IReadOnlyList<VpdqDihedralFrame>? VpdqDihedral { get; init; }

    /// <summary>
    /// A video's frame hypotheses (off-centre crops, small rotations, content inside a surround) for a bounded set of
    /// sampled frames, computed at triage for videos nothing else matched (<see cref="MediaFeatureExtractor.HypothesesAsync"/>);
    /// null when not computed, empty when computed and no frame was usable (all near-blank).
    /// </summary>
    public IReadOnlyList<VpdqFrameHypotheses>? VpdqHypotheses { get; init; }

    /// <summary>A video's TMK+PDQF level-1 feature (the average PDQF frame feature, 256 values); null when not computed.</summary>
    public float[]? TmkLevel1 { get; init; }

    /// <summary>Embedded metadata (EXIF, QuickTime): camera, GPS, dates; null when the format carries none that is read.</summary>
    public MediaMetadata? Metadata { get; init; }

    /// <summary>
    /// The blurred greyscale thumbnail (an image) or keyframe strip (a video) when thumbnails were asked for; the caller
    /// decides where it is kept. Not part of the stored facts.
    /// </summary>
    public GreyImage? Thumbnail { get; init; }

    /// <summary>Why the media could not be hashed (kind unreadable).</summary>
    public string? Error { get; init; }

    /// <summary>What went wrong short of making the file unreadable: malformed metadata, a strip that could not be made.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
