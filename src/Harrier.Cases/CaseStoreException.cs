namespace Harrier.Cases;

/// <summary>The case store cannot do what was asked: no case here, a database it cannot open, a bad argument.</summary>
public class CaseStoreException : Exception
{
    public CaseStoreException(string message)
        : base(message)
    {
    }

    public CaseStoreException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
