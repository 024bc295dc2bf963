namespace Harrier.Media.Video;

/// <summary>ffmpeg or ffprobe is not installed or cannot be started: an environment error, not a per-file one.</summary>
public sealed class FfmpegNotFoundException : Exception
{
    public FfmpegNotFoundException()
        : base("ffmpeg not found")
    {
    }

    public FfmpegNotFoundException(string message)
        : base(message)
    {
    }

    public FfmpegNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
