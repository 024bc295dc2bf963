namespace Harrier.Media.Imaging;

/// <summary>A file that could not be decoded as an image; the message names the file and what is wrong.</summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException()
        : this("(unknown)", ImageDecodeError.Corrupt, "could not decode")
    {
    }

    public ImageDecodeException(string message)
        : this("(unknown)", ImageDecodeError.Corrupt, message)
    {
    }

    public ImageDecodeException(string message, Exception innerException)
        : this("(unknown)", ImageDecodeError.Corrupt, message, innerException)
    {
    }

    public ImageDecodeException(string path, ImageDecodeError error, string detail, Exception? innerException = null)
        : base($"{path}: {Describe(error)}: {detail}", innerException)
    {
        Path = path;
        Error = error;
        Detail = detail;
    }

    /// <summary>The file (or the name given to an in-memory buffer).</summary>
    public string Path { get; }

    /// <summary>The kind of failure.</summary>
    public ImageDecodeError Error { get; }

    /// <summary>What exactly is wrong, without the path.</summary>
    public string Detail { get; }

    private static string Describe(ImageDecodeError error) => error switch
    {
        ImageDecodeError.Empty => "empty file",
        ImageDecodeError.UnrecognisedFormat => "not a recognised image",
        ImageDecodeError.UnsupportedFormat => "unsupported image format",
        ImageDecodeError.TooLarge => "image too large",
        ImageDecodeError.FileTooLarge => "file too large",
        ImageDecodeError.Truncated => "truncated image",
        ImageDecodeError.Corrupt => "corrupt image",
        ImageDecodeError.Io => "read error",
        _ => error.ToString(),
    };
}
