using Harrier.Cases;

namespace Harrier.Operations.Cases;

/// <summary>Creates a case: <c>case.json</c>, its database (SQLite <c>case.db</c> or PostgreSQL) and the audit log (<c>case.init</c>).</summary>
public static class InitCase
{
    /// <summary>Creates the case <paramref name="request"/> names.</summary>
    public static async Task<InitCaseResult> RunAsync(InitCaseRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var store = await CaseStore.CreateAsync(request.CaseDir, request.Name, request.Postgres, context.Actor, context.Time, cancellationToken);
        return new InitCaseResult(store.CaseDir, await store.SummaryAsync(cancellationToken));
    }
}

/// <summary>What <see cref="InitCase"/> creates.</summary>
/// <param name="CaseDir">The case folder (created if absent; must not hold a case).</param>
/// <param name="Name">The case's name, e.g. an operation name.</param>
/// <param name="Postgres">A PostgreSQL connection string, or null for the folder's SQLite <c>case.db</c>.</param>
public sealed record InitCaseRequest(string CaseDir, string Name, string? Postgres = null);

/// <summary>The created case.</summary>
public sealed record InitCaseResult(string CaseDir, CaseSummary Summary);
