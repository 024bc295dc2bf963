namespace Harrier.Media.Video;

/// <summary>Facts about the first video stream of a file, from ffprobe.</summary>
/// <param name="Codec">Codec name (h264, vp9, …).</param>
/// <param name="Width">Coded width in pixels (before any rotation).</param>
/// <param name="Height">Coded height in pixels (before any rotation).</param>
/// <param name="PixelFormat">Decoder pixel format (yuv420p, …).</param>
/// <param name="AverageFrameRate">Stream <c>avg_frame_rate</c>.</param>
/// <param name="RealFrameRate">Stream <c>r_frame_rate</c> (the fallback when the average is unknown).</param>
/// <param name="DurationSeconds">Stream duration, else the container's; null when neither is known.</param>
/// <param name="FrameCount">Declared frame count (<c>nb_frames</c>); null when the container does not say.</param>
/// <param name="Rotation">Display rotation in degrees from the display matrix or the <c>rotate</c> tag, normalised to 0, 90, 180 or 270.</param>
public sealed record VideoStreamInfo(
    string Codec,
    int Width,
    int Height,
    string PixelFormat,
    FrameRate AverageFrameRate,
    FrameRate RealFrameRate,
    double? DurationSeconds,
    long? FrameCount,
    int Rotation)
{
    /// <summary>
    /// The frame rate vPDQ uses: <c>avg_frame_rate</c>, falling back to <c>r_frame_rate</c> (spec §2.1); 0 when neither
    /// is known.
    /// </summary>
    public double FramesPerSecond => AverageFrameRate.IsValid ? AverageFrameRate.PerSecond : RealFrameRate.PerSecond;

    /// <summary>Width after applying the rotation (what a player shows).</summary>
    public int DisplayWidth => Rotation is 90 or 270 ? Height : Width;

    /// <summary>Height after applying the rotation.</summary>
    public int DisplayHeight => Rotation is 90 or 270 ? Width : Height;
}
