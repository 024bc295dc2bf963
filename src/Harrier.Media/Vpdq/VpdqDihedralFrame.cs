using Harrier.Media.Pdq;

namespace Harrier.Media.Vpdq;

/// <summary>
/// One sampled video frame's eight dihedral PDQ hashes (one DCT, spec §1.9): what the frame hashes to mirrored or turned
/// by a multiple of 90°, so a mirrored or rotated re-upload can be matched against its bank video frame by frame.
/// </summary>
/// <param name="FrameNumber">0-based index of the frame in decoder output.</param>
/// <param name="Hashes">The frame's eight dihedral hashes and their shared quality.</param>
/// <param name="TimestampSeconds">frameNumber / frame rate.</param>
public readonly record struct VpdqDihedralFrame(int FrameNumber, PdqDihedralResult Hashes, double TimestampSeconds)
{
    /// <summary>The frame's <paramref name="variant"/> as a vPDQ feature (what the frame transformed that way hashes to).</summary>
    public VpdqFeature Variant(PdqDihedral variant) => new(FrameNumber, Hashes.Quality, Hashes[variant], TimestampSeconds);
}
