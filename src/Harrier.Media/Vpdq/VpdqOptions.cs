using Harrier.Media.Video;

namespace Harrier.Media.Vpdq;

/// <summary>How a video is sampled for vPDQ.</summary>
public sealed record VpdqOptions
{
    /// <summary>
    /// Seconds between hashed frames: frameMod = (int)(S · fps), at least 1, and frames whose number is a multiple of
    /// frameMod are hashed. 0 hashes every frame (the C++ CLI default); 1 is the pytx/Python default and ours.
    /// </summary>
    public double SecondsPerHash { get; init; } = 1.0;

    /// <summary>Scale each frame to N×N before hashing (the CLI's <c>-s N</c>); null hashes at native size.</summary>
    public int? DownsampleSize { get; init; }

    /// <summary>Frames hashed in parallel while ffmpeg decodes the next ones (default: number of cores).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Decode keyframes only (<c>-skip_frame nokey</c>) for a file whose packet table shows that every sampled frame is a
    /// keyframe, so the hashes are those of a full decode (<see cref="VideoFrameReader.PlanKeyframesAsync"/>); other
    /// files are decoded fully. False always decodes fully. Default true.
    /// </summary>
    public bool KeyframeDecoding { get; init; } = true;

    /// <summary>ffmpeg location and stall timeout.</summary>
    public FfmpegOptions Ffmpeg { get; init; } = FfmpegOptions.Default;

    /// <summary>The frame modulus for a frame rate (spec §2.1).</summary>
    public int FrameModulus(double framesPerSecond)
    {
        var mod = SecondsPerHash * framesPerSecond;
        return mod >= int.MaxValue ? int.MaxValue : mod < 1 ? 1 : (int)mod;
    }
}
