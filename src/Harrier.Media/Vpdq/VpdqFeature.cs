using Harrier.Media.Hashing;

namespace Harrier.Media.Vpdq;

/// <summary>One hashed video frame (vPDQ spec §2.1).</summary>
/// <param name="FrameNumber">0-based index of the frame in decoder output.</param>
/// <param name="Quality">PDQ quality 0..100 (kept at hash time; filtering happens at match time).</param>
/// <param name="Hash">The frame's PDQ hash.</param>
/// <param name="TimestampSeconds">frameNumber / frame rate.</param>
public readonly record struct VpdqFeature(int FrameNumber, int Quality, Hash256 Hash, double TimestampSeconds);
