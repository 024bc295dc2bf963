namespace Harrier.Cases;

/// <summary>Another process holds the case's writer lock (<see cref="CaseStore.LockForWritingAsync(CaseWriter, TimeSpan, CancellationToken)"/>): one writer at a time.</summary>
public sealed class CaseLockedException : CaseStoreException
{
    public CaseLockedException(string message, CaseWriter? holder)
        : base(message)
    {
        Holder = holder;
    }

    public CaseLockedException(string message, CaseWriter? holder, Exception inner)
        : base(message, inner)
    {
        Holder = holder;
    }

    /// <summary>Who holds the lock, when it could be read (null when the holder had not yet written its name, or has just ended).</summary>
    public CaseWriter? Holder { get; }
}
