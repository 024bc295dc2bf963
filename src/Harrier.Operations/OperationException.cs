namespace Harrier.Operations;

/// <summary>
/// The request cannot be carried out as given: a bad argument, a missing input file, or a step that must come first
/// (no chain imported, no trace yet). Hosts show the message as it is (the CLI exits 2; an API answers 4xx). Anything
/// else an operation throws is unexpected.
/// </summary>
public sealed class OperationException : Exception
{
    public OperationException(string message)
        : base(message)
    {
    }

    public OperationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
