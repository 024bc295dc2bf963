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

    /// <summary>
    /// Frames of more pixels than this are scaled down by ffmpeg (area scaling, aspect ratio kept) to fit before they are
    /// hashed, so a huge frame never reaches this process at its native size; null hashes every frame at native size (the
    /// reference's behaviour). PDQ reduces every frame to 64×64, so a frame over a few megapixels carries no more of what
    /// the hash sees; the hashes of a scaled file may differ by a few bits from a native-size reference.
    /// Ignored when <see cref="DownsampleSize"/> is set.
    /// </summary>
    public long? MaxFramePixels { get; init; }

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

    /// <summary>
    /// The size frames of a <paramref name="width"/>×<paramref name="height"/> stream are hashed at: native, N×N for
    /// <see cref="DownsampleSize"/>, or scaled to fit <see cref="MaxFramePixels"/> with the aspect ratio kept.
    /// </summary>
    public (int Width, int Height) FrameSize(int width, int height)
    {
        if (DownsampleSize is { } n)
        {
            return (n, n);
        }

        return MaxFramePixels is { } max ? FitPixels(width, height, max) : (width, height);
    }

    /// <summary>The largest size of the same aspect ratio as <paramref name="width"/>×<paramref name="height"/> with at most <paramref name="maxPixels"/> pixels (at least 1×1; unchanged when it fits).</summary>
    public static (int Width, int Height) FitPixels(int width, int height, long maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        if (width < 1 || height < 1 || (long)width * height <= maxPixels)
        {
            return (width, height);
        }

        var scale = Math.Sqrt((double)maxPixels / ((long)width * height));
        var w = Math.Max(1, (int)Math.Floor(width * scale));
        var h = Math.Max(1, (int)Math.Floor(height * scale));
        while ((long)w * h > maxPixels)
        {
            if (w >= h) { w--; } else { h--; }
        }

        return (w, h);
    }

    /// <summary>The frame modulus for a frame rate (spec §2.1).</summary>
    public int FrameModulus(double framesPerSecond)
    {
        var mod = SecondsPerHash * framesPerSecond;
        return mod >= int.MaxValue ? int.MaxValue : mod < 1 ? 1 : (int)mod;
    }
}
