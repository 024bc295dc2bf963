using Harrier.Matching.Video;

namespace Harrier.Matching.Triage;

/// <summary>Thresholds of triage. The defaults are the upstream PDQ/vPDQ ones.</summary>
public sealed record TriageOptions
{
    /// <summary>Default options.</summary>
    public static TriageOptions Default { get; } = new();

    /// <summary>PDQ match radius (inclusive).</summary>
    public int PdqRadius { get; init; } = 31;

    /// <summary>
    /// Radius (inclusive) for an image's reframed hashes (centre-crop hypotheses, <see cref="TriageInput.PdqReframed"/>,
    /// 18 an image) against bank PDQ hashes, tried only for images nothing else matched. 53: the largest radius with no
    /// false pair among the 11.6 M ordered pairs of 3,409 distractor photos (nearest 54; at the earlier 60 there were
    /// 10); docs/triage.md, "Reframed hashes", and docs/benchmarks.md for the recall at it.
    /// </summary>
    public int ReframedRadius { get; init; } = 53;

    /// <summary>
    /// Radius (inclusive) for a video's reframed frame hashes (<see cref="TriageInput.VpdqReframed"/>) against bank video
    /// frames, where a bank video is met only when a share of its frames is (<see cref="BankMatchPercent"/>): 60, the
    /// centre-crop radius before the photo-distractor measurement (which measures single images, not that rule).
    /// </summary>
    public int VideoReframedRadius { get; init; } = 60;

    /// <summary>
    /// Radius (inclusive) for off-centre crop hypotheses (<see cref="TriageInput.PdqOffCentre"/>, 24 an image) against
    /// bank PDQ hashes, tried only for images that neither the plain, trimmed nor centre-crop hashes matched. The largest
    /// radius with no false pair among the 11.6 M ordered pairs of 3,409 distractor photos (nearest 38); at it, one-side
    /// crops of 10 % were found for 96–98 % of 571 photos, of 15 % for 77–88 % (docs/triage.md, "Off-centre crops and
    /// small rotations"). Used for hypotheses without stable bits (stored before them); those with them are compared by
    /// <see cref="OffCentreMaskedRadius"/>.
    /// </summary>
    public int OffCentreRadius { get; init; } = 36;

    /// <summary>
    /// Radius (inclusive) of the masked distance (<see cref="Media.Pdq.PdqOffCentre.MaskedDistance"/>: the differing bits
    /// among those the guessed band does not decide, scaled to 256) for off-centre hypotheses that carry their stable
    /// bits (<see cref="TriageInput.PdqOffCentreStable"/>), in place of <see cref="OffCentreRadius"/>: 35, 1.6 bits inside
    /// the nearest of the 11.6 M distractor pairs (36.6, none within 36); at it one-side 15 % crops were found for 93–96 %
    /// of 571 photos against 77–88 % by the plain distance at 36 (docs/benchmarks.md, "One-side 15 % crops").
    /// </summary>
    public int OffCentreMaskedRadius { get; init; } = 35;

    /// <summary>
    /// Radius (inclusive) the bank index is searched at for off-centre hypotheses with stable bits, whose candidates are then
    /// kept within <see cref="OffCentreMaskedRadius"/> by the masked distance: 56 (a true one-side 15 % crop's plain
    /// distance was within 56 for 99.1–99.8 % of the photos; 19 distractor pairs of 11.6 M were, so the masked check
    /// sees few candidates).
    /// </summary>
    public int OffCentreSearchRadius { get; init; } = 56;

    /// <summary>
    /// Radius (inclusive) for de-rotation hypotheses (<see cref="TriageInput.PdqDerotated"/>, 6 an image), tried last,
    /// only for images nothing else matched. The largest radius with no pair among the same 11.6 M distractor pairs
    /// (nearest 30); with the centre crops before it, turns of 1 / 2 / 3° were found for 100 / 96.8 / 90.9 % of 571 photos.
    /// Used for hypotheses without stable bits (stored before them); those with them are compared by
    /// <see cref="DerotatedMaskedRadius"/>.
    /// </summary>
    public int DerotatedRadius { get; init; } = 28;

    /// <summary>
    /// Radius (inclusive) of the masked distance for de-rotation hypotheses that carry their stable bits
    /// (<see cref="TriageInput.PdqDerotatedStable"/>: the bits the guessed border a turn's crop removed does not decide),
    /// in place of <see cref="DerotatedRadius"/>: 28, as the plain radius, since the same 11.6 M distractor pairs have none
    /// within 29 by it either (nearest 30, the same duplicate photos); at it turns of 2 / 3° were found for 99.6–100 /
    /// 99.6 % of 571 photos against 95.8–96.0 / 88.1–88.4 % by the plain distance (docs/benchmarks.md, "Turns").
    /// </summary>
    public int DerotatedMaskedRadius { get; init; } = 28;

    /// <summary>
    /// Radius (inclusive) the bank index is searched at for de-rotation hypotheses with stable bits, whose candidates are
    /// then kept within <see cref="DerotatedMaskedRadius"/>: 56 (every true turn of up to 3° of the 571 photos was within it
    /// by the plain distance).
    /// </summary>
    public int DerotatedSearchRadius { get; init; } = 56;

    /// <summary>
    /// Radius (inclusive) for content-inside-content hypotheses (<see cref="TriageInput.PdqInset"/>, at most 3 an image),
    /// tried first of the hypotheses (a found region is the picture itself, not a guess at missing content), only for
    /// images the plain and trimmed hashes did not match: PDQ's own radius, since the region's hash is a plain hash of a
    /// rescaled copy (docs/triage.md, "Content inside other content").
    /// </summary>
    public int InsetRadius { get; init; } = 31;

    /// <summary>
    /// A video's frame hypotheses (<see cref="TriageInput.VpdqHypotheses"/>: off-centre crops within
    /// <see cref="VideoOffCentreRadius"/>, small rotations within <see cref="VideoDerotatedRadius"/>, content inside a
    /// surround within <see cref="VideoInsetRadius"/>) meet a bank video when, under one geometry for the whole video, at
    /// least this percentage of its sampled frames count: the nearest ones to that bank video's frames, while their mean
    /// distance is within the radius and none is beyond <see cref="VideoHypothesisFrameLimit"/>
    /// (docs/triage.md, "Off-centre, turned and inset video"). 60, a majority (5 of 8 frames), not the plain rule's 80:
    /// a re-encoded frame's hypothesis misses the radius in a frame or two of most cropped or turned videos (on the 16
    /// sources of benchmarks/video-hypotheses.sh, one-side crops of 15 % met by 27 of 64 videos at 80 %, 45 at 60 %), and
    /// what bounds false matches is the still video, every sampled frame alike, which meets any share or none. The
    /// mirrored and turned hypothesis (<c>vpdq-dihedral</c>) meets a bank video this way too, besides the plain share.
    /// </summary>
    public double VideoHypothesisPercent { get; init; } = 60;

    /// <summary>
    /// Radius (inclusive) for a sampled video frame's off-centre crop hypotheses against a bank video's frames, with the
    /// whole-video rule (<see cref="VideoHypothesisPercent"/>) on top. 44, looser than the image's 36: a re-encoded video
    /// frame's hypothesis lies further from its bank frame than a still's (on the 16 sources of
    /// benchmarks/video-hypotheses.sh, one-side crops of 10 % were met by 26 of 64 videos at 36, 46 at 44), while no
    /// hypothesis frame came within 82 bits of another source's bank frame. At 44 the image distractor measurement
    /// found 2 single-image pairs in 11.6 M, which bounds a still video (all its sampled frames alike) at about 1.7 false
    /// candidates per unmatched video against a 10 M-hash bank; a video whose frames differ must agree on 60 % of them
    /// under one geometry (docs/benchmarks.md "Video frame hypotheses").
    /// </summary>
    public int VideoOffCentreRadius { get; init; } = 44;

    /// <summary>
    /// Radius (inclusive) for a sampled video frame's de-rotation hypotheses against a bank video's frames: 44, as
    /// <see cref="VideoOffCentreRadius"/> (turns of 2° met by 9 of 32 videos at 36, 15 at 44). By the masked distance
    /// (compared with every bank frame since the frames' unstable bits stopped deciding which are compared), the image
    /// distractors' de-rotations gave 5 pairs within 44 of 11.6 M: about 4.3 false candidates per unmatched still video
    /// against a 10 M-hash bank (docs/triage.md, "Masked frame distances").
    /// </summary>
    public int VideoDerotatedRadius { get; init; } = 44;

    /// <summary>Radius (inclusive) for a sampled video frame's inset-region hashes against a bank video's frames: 44, as <see cref="VideoOffCentreRadius"/> (a picture-in-picture at half the width met by 4 of 16 videos at 36, 6 at 44).</summary>
    public int VideoInsetRadius { get; init; } = 44;

    /// <summary>…and at least this many of them (a video of one or two usable seconds is not matched on its hypotheses).</summary>
    public int VideoHypothesisMinFrames { get; init; } = 3;

    /// <summary>
    /// The whole-video rule for frame hypotheses counts a video's nearest frames while their <b>mean</b> distance stays
    /// within the method's radius (<see cref="VideoOffCentreRadius"/>, <see cref="VideoDerotatedRadius"/>,
    /// <see cref="VideoInsetRadius"/>), so that a re-encode's per-frame noise averages out; no frame farther than this
    /// counts, whatever the others (docs/triage.md, "Why the mean"). 56: no frame of another source came within 82 bits
    /// on benchmarks/video-hypotheses.sh (69 by the masked distance against every bank frame, which the off-centre and
    /// de-rotation frames use since), and its recall was the same for every limit from 52 to 64 on both its source
    /// sets; what the limit is for is a video sharing a few near-identical frames with a bank video (an intro, a title
    /// card), whose unrelated frames it keeps from counting.
    /// </summary>
    public int VideoHypothesisFrameLimit { get; init; } = 56;

    /// <summary>PDQ hashes under this quality are not matched.</summary>
    public int PdqMinQuality { get; init; } = 50;

    /// <summary>
    /// vPDQ frame matching with pytx semantics (exact-duplicate frames dropped, quality ≥ 50, frames as a bag, distance
    /// inclusive) at a frame distance of 45 rather than pytx's 31: heavily compressed low renditions (90 lines, mpeg4)
    /// put the same frame 32–45 bits apart, while unrelated frames measured ≥ 88 apart (docs/triage.md).
    /// </summary>
    public VpdqMatchOptions Vpdq { get; init; } = new() { LocateClips = false, QueryMatchPercent = 0, ComparedMatchPercent = 0, Distance = 45 };

    /// <summary>
    /// TMK pre-filter: two videos that both carry a TMK level-1 feature are compared frame by frame only when the cosine
    /// of those features reaches this. Far under TMK's own match threshold (0.7): on the demo preset the renditions of one
    /// upload were ≥ 0.986, but re-uploads of one item went down to 0.31 (a frame-rate change of an automaton) while the
    /// candidate pairs of different items were 0.65–0.67; at 0.25 it skipped 62 compilation-versus-part pairs and no pair
    /// that groups. The average feature cannot separate what frame matching cannot, so it only saves work.
    /// </summary>
    public double TmkPrefilter { get; init; } = 0.25;

    /// <summary>A video matches a bank video when either side's matched share reaches this percentage (containment either way).</summary>
    public double BankMatchPercent { get; init; } = 80;

    /// <summary>
    /// A video also matches a bank video when it holds at least this percentage of the bank video's frames within
    /// <see cref="PdqRadius"/> (a clip of a known video inside a compilation, which covers neither side at
    /// <see cref="BankMatchPercent"/>).
    /// </summary>
    public double BankClipPercent { get; init; } = 50;

    /// <summary>Two videos are renditions of one upload when both sides match at least this percentage…</summary>
    public double RenditionPercent { get; init; } = 60;

    /// <summary>
    /// …or (instead of <see cref="RenditionPercent"/>) the frames with the same frame number are at most this far apart
    /// on average (a heavily compressed low rendition of fine texture misses the frame threshold on some frames).
    /// </summary>
    public double RenditionAlignedDistance { get; init; } = 56;

    /// <summary>…their durations differ by at most this fraction…</summary>
    public double RenditionDurationTolerance { get; init; } = 0.02;

    /// <summary>…their aspect ratios by at most this fraction…</summary>
    public double RenditionAspectTolerance { get; init; } = 0.05;

    /// <summary>…and their shares of frames with a dark border (letterbox) by at most this much: one upload has one framing.</summary>
    public double RenditionBorderTolerance { get; init; } = 0.25;

    /// <summary>Two videos show one scene when the larger match share reaches this percentage…</summary>
    public double ScenePercent { get; init; } = 80;

    /// <summary>…and the smaller one this (so a compilation does not merge the scenes it contains).</summary>
    public double SceneMinPercent { get; init; } = 40;
}
