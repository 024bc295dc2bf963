namespace Harrier.Matching.Index;

/// <summary>An index file is not one, is of an unknown version, is truncated, or fails its checksum.</summary>
public sealed class IndexFormatException : Exception
{
    public IndexFormatException()
    {
    }

    public IndexFormatException(string message)
        : base(message)
    {
    }

    public IndexFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
