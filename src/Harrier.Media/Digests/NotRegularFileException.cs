namespace Harrier.Media.Digests;

/// <summary>The path is a FIFO, socket or character device: there is no fixed content to digest, so it is not read.</summary>
public sealed class NotRegularFileException : IOException
{
    public NotRegularFileException(string path)
        : base($"{path}: not a regular file (FIFO, socket or character device); not read")
    {
        Path = path;
    }

    /// <summary>The path.</summary>
    public string Path { get; }
}
