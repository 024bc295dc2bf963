using Harrier.Media.Video;

namespace Harrier.Media.Vpdq;

/// <summary>The vPDQ hash of one video: its frame features (sorted by frame number) and how they were made.</summary>
/// <param name="Path">The video file.</param>
/// <param name="Stream">ffprobe's facts about the stream hashed.</param>
/// <param name="FrameModulus">Every frameModulus-th decoder frame was hashed.</param>
/// <param name="Features">One feature per hashed frame.</param>
/// <param name="Warnings">Decoder messages from a file that still decoded (e.g. truncated); empty when clean.</param>
public sealed record VpdqVideoHash(
    string Path,
    VideoStreamInfo Stream,
    int FrameModulus,
    IReadOnlyList<VpdqFeature> Features,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Whether only keyframes were decoded (every sampled frame was a keyframe); false for a full decode.</summary>
    public bool KeyframeDecoding { get; init; }

    /// <summary>Why keyframe-only decoding was or was not used (empty when it was not considered).</summary>
    public string DecodingReason { get; init; } = "";

    /// <summary>The width of the frames hashed (the coded width unless they were scaled).</summary>
    public int FrameWidth { get; init; }

    /// <summary>The height of the frames hashed.</summary>
    public int FrameHeight { get; init; }

    /// <summary>Whether the frames were scaled from the coded size before hashing.</summary>
    public bool Scaled => (FrameWidth, FrameHeight) != (Stream.Width, Stream.Height);
}
