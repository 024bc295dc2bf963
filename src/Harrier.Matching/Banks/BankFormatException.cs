namespace Harrier.Matching.Banks;

/// <summary>A hash-set file that cannot be read as the format asked for (or as any format, for auto-detection).</summary>
public sealed class BankFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BankFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public BankFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BankFormatException()
    {
    }
}
