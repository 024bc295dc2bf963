using Harrier.Media.Hashing;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;

namespace Harrier.Matching.Triage;

/// <summary>One file to triage: its digests and, for media, its perceptual hashes and facts.</summary>
/// <param name="Id">The caller's id (the evidence row).</param>
/// <param name="Md5">MD5, lower-case hex.</param>
/// <param name="Sha1">SHA-1, lower-case hex.</param>
/// <param name="Sha256">SHA-256, lower-case hex.</param>
/// <param name="Kind">image, video, other or unreadable.</param>
/// <param name="Pdq">An image's dihedral PDQ hashes.</param>
/// <param name="Vpdq">A video's vPDQ features.</param>
/// <param name="Width">Display width.</param>
/// <param name="Height">Display height.</param>
/// <param name="DurationSeconds">Video duration.</param>
/// <param name="FirstSeenUtc">The earliest time the file is known to have existed (its recorded modification time).</param>
public sealed record TriageInput(
    long Id,
    string? Md5,
    string? Sha1,
    string? Sha256,
    string Kind,
    PdqDihedralResult? Pdq,
    IReadOnlyList<VpdqFeature>? Vpdq,
    int? Width,
    int? Height,
    double? DurationSeconds,
    string? FirstSeenUtc)
{
    /// <summary>A video's frame rate, when known (renditions of one upload share it).</summary>
    public double? FrameRate { get; init; }

    /// <summary>An image's dihedral PDQ hashes of the content inside its uniform border, one set per trimmed region (matched as well as <see cref="Pdq"/>).</summary>
    public IReadOnlyList<PdqDihedralResult> PdqTrimmed { get; init; } = [];

    /// <summary>
    /// A video's frame features with a static overlay (a logo stamped on a re-upload) painted out, when it has one:
    /// matched in the same bag as <see cref="Vpdq"/>, but not counted as frame framing (letterbox) evidence.
    /// </summary>
    public IReadOnlyList<VpdqFeature>? VpdqOverlay { get; init; }

    /// <summary>
    /// An image's reframed PDQ hashes (the image as the centre of a larger picture, one per crop share tried): matched
    /// against bank PDQ hashes at <see cref="TriageOptions.ReframedRadius"/>, never used for grouping.
    /// </summary>
    public IReadOnlyList<Hash256> PdqReframed { get; init; } = [];

    /// <summary>
    /// An image's off-centre crop hypotheses (the image as what is left of a larger picture after one side, or two
    /// adjacent sides, were cut; <see cref="Media.Pdq.PdqOffCentre"/>): matched against bank PDQ hashes at
    /// <see cref="TriageOptions.OffCentreRadius"/> for images nothing else matched, never used for grouping.
    /// </summary>
    public IReadOnlyList<Hash256> PdqOffCentre { get; init; } = [];

    /// <summary>
    /// The stable bits of each of <see cref="PdqOffCentre"/>'s hashes, in the same order (<see cref="Media.Pdq.PdqOffCentre.HashWithStableBits"/>):
    /// with them, a hypothesis is compared by the masked distance within <see cref="TriageOptions.OffCentreMaskedRadius"/>;
    /// without them (empty, or a count that differs: hypotheses stored before them), by the plain distance within
    /// <see cref="TriageOptions.OffCentreRadius"/>.
    /// </summary>
    public IReadOnlyList<Hash256> PdqOffCentreStable { get; init; } = [];

    /// <summary>
    /// An image's de-rotation hypotheses (the image as a copy turned by a few degrees and cropped; <see cref="Media.Pdq.PdqDerotate"/>):
    /// matched against bank PDQ hashes at <see cref="TriageOptions.DerotatedRadius"/> for images nothing else matched,
    /// never used for grouping.
    /// </summary>
    public IReadOnlyList<Hash256> PdqDerotated { get; init; } = [];

    /// <summary>
    /// The stable bits of each of <see cref="PdqDerotated"/>'s hashes, in the same order (<see cref="Media.Pdq.PdqDerotate.HashWithStableBits"/>):
    /// with them, a hypothesis is compared by the masked distance within <see cref="TriageOptions.DerotatedMaskedRadius"/>;
    /// without them (empty, or a count that differs), by the plain distance within <see cref="TriageOptions.DerotatedRadius"/>.
    /// </summary>
    public IReadOnlyList<Hash256> PdqDerotatedStable { get; init; } = [];

    /// <summary>
    /// An image's content-inside-content hypotheses (the picture inside a screenshot's surround, a picture-in-picture
    /// inset; <see cref="Media.Pdq.PdqInset"/>, at most three): matched against bank PDQ hashes at
    /// <see cref="TriageOptions.InsetRadius"/>, only for images nothing else matched, never used for grouping.
    /// </summary>
    public IReadOnlyList<Hash256> PdqInset { get; init; } = [];

    /// <summary>A video's reframed frame hashes: matched against bank videos at <see cref="TriageOptions.VideoReframedRadius"/>, never used for grouping.</summary>
    public IReadOnlyList<VpdqFeature>? VpdqReframed { get; init; }

    /// <summary>
    /// A video's dihedral frame hashes (the eight dihedral PDQ hashes of one sampled frame a second): a video nothing
    /// else matched is matched against bank videos under each of the seven non-identity transforms, one transform for
    /// the whole video (a mirrored or rotated re-upload), never used for grouping.
    /// </summary>
    public IReadOnlyList<VpdqDihedralFrame>? VpdqDihedral { get; init; }

    /// <summary>
    /// A video's frame hypotheses (off-centre crops, small rotations, content inside a surround) for a bounded set of
    /// sampled frames, computed at triage only for videos nothing else matched: matched against bank videos one geometry
    /// for the whole video (<see cref="TriageOptions.VideoHypothesisPercent"/>), never used for grouping.
    /// </summary>
    public IReadOnlyList<VpdqFrameHypotheses>? VpdqHypotheses { get; init; }

    /// <summary>A video's TMK+PDQF level-1 feature (the average PDQF frame feature), when computed: the pre-filter of video pairs.</summary>
    public float[]? TmkLevel1 { get; init; }
}
