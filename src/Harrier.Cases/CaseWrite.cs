using System.Data.Common;

namespace Harrier.Cases;

/// <summary>
/// One open write transaction of the case, handed to a change by <see cref="CaseStore.WriteAsync{T}"/>. Only the case's
/// stores reach its connection and transaction; everyone else passes it on to them. It never outlives the scope.
/// </summary>
public sealed class CaseWrite
{
    internal CaseWrite(CaseStore store, DbConnection connection, DbTransaction transaction, string nowUtc)
    {
        Store = store;
        Connection = connection;
        Transaction = transaction;
        NowUtc = nowUtc;
    }

    /// <summary>The case written to.</summary>
    public CaseStore Store { get; }

    /// <summary>The time of the change, as <see cref="Timestamps.Format"/> text (the same for every row it writes).</summary>
    public string NowUtc { get; }

    internal DbConnection Connection { get; }

    internal DbTransaction Transaction { get; }
}
