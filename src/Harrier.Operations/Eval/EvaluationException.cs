namespace Harrier.Operations.Eval;

/// <summary>An evaluation that cannot run (no truth file, no triage, a file that is not what it should be); the message is for the user.</summary>
public sealed class EvaluationException : Exception
{
    public EvaluationException()
    {
    }

    public EvaluationException(string message)
        : base(message)
    {
    }

    public EvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
