namespace Harrier.Media.Tmk;

/// <summary>A file that is not a valid <c>.tmk</c> hash; the message says what is wrong.</summary>
public sealed class TmkFormatException : Exception
{
    public TmkFormatException()
        : base("not a TMK file")
    {
    }

    public TmkFormatException(string message)
        : base(message)
    {
    }

    public TmkFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
