using Harrier.Media.Hashing;
using Harrier.Media.Imaging;

namespace Harrier.Media.Vpdq;

/// <summary>
/// One sampled video frame's hypothesis hashes (issue 21.2–21.4 for video): the frame as an off-centre crop of a larger
/// frame (<see cref="Pdq.PdqOffCentre.DefaultCrops"/> order), as a copy turned by a few degrees
/// (<see cref="Pdq.PdqDerotate.DefaultAngles"/> order), and the content regions found inside a surround
/// (<see cref="Pdq.PdqInset"/>: at most <see cref="Pdq.PdqInset.MaxRegions"/> found in this frame, then the regions the
/// video's other sampled frames found, hashed in this one: a picture-in-picture stays in place). Triage computes them only for videos
/// nothing else matched, for a bounded set of sampled frames, and matches one geometry for the whole video.
/// </summary>
/// <param name="FrameNumber">0-based index of the frame in decoder output (a multiple of the 1-per-second frame modulus: a frame a bank video is hashed at).</param>
/// <param name="TimestampSeconds">frameNumber / frame rate.</param>
/// <param name="Quality">The frame's plain PDQ quality (frames under 50 are not sampled).</param>
/// <param name="OffCentre">One hash per off-centre crop, in <see cref="Pdq.PdqOffCentre.DefaultCrops"/> order.</param>
/// <param name="Derotated">One hash per angle, in <see cref="Pdq.PdqDerotate.DefaultAngles"/> order.</param>
/// <param name="Inset">The content regions found (in the frame's pixels) and their hashes, this frame's own first, then those other sampled frames found; often none.</param>
public sealed record VpdqFrameHypotheses(
    int FrameNumber,
    double TimestampSeconds,
    int Quality,
    IReadOnlyList<Hash256> OffCentre,
    IReadOnlyList<Hash256> Derotated,
    IReadOnlyList<(PixelRegion Region, Hash256 Hash)> Inset)
{
    /// <summary>
    /// The stable bits of each of <see cref="OffCentre"/>'s hashes, in the same order (<see cref="Pdq.PdqOffCentre.HashWithStableBits"/>),
    /// which triage compares by <see cref="Pdq.PdqOffCentre.MaskedDistance"/>; empty when not computed (hypotheses stored before them).
    /// </summary>
    public IReadOnlyList<Hash256> OffCentreStable { get; init; } = [];

    /// <summary>
    /// The stable bits of each of <see cref="Derotated"/>'s hashes, in the same order (<see cref="Pdq.PdqDerotate.HashWithStableBits"/>);
    /// empty when not computed (hypotheses stored before them).
    /// </summary>
    public IReadOnlyList<Hash256> DerotatedStable { get; init; } = [];
}
