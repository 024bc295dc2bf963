namespace Harrier.Media.Video;

/// <summary>
/// One video file could not be read (empty, no video stream, corrupt, truncated, ffmpeg stalled). The message names the
/// file and what is wrong; other files in a batch are unaffected.
/// </summary>
public class VideoException : Exception
{
    public VideoException()
        : this("(unknown)", "could not read video")
    {
    }

    public VideoException(string message)
        : this("(unknown)", message)
    {
    }

    public VideoException(string message, Exception innerException)
        : this("(unknown)", message, innerException)
    {
    }

    public VideoException(string path, string detail, Exception? innerException = null)
        : base($"{path}: {detail}", innerException)
    {
        Path = path;
        Detail = detail;
    }

    /// <summary>The video file.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Detail { get; }
}
