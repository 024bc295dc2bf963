using Harrier.Cases;
using Harrier.Cases.Keys;

namespace Harrier.Operations.Cases;

/// <summary>
/// Creates a case: <c>case.json</c>, its database (SQLite <c>case.db</c> or PostgreSQL), its case key (outside the case
/// folder) and the audit log (<c>case.init</c>).
/// </summary>
public static class InitCase
{
    /// <summary>Creates the case <paramref name="request"/> names, its key in the per-user key store (<see cref="CaseKeyStore.FromEnvironment"/>).</summary>
    public static Task<InitCaseResult> RunAsync(InitCaseRequest request, OperationContext context, CancellationToken cancellationToken) =>
        RunAsync(request, context, CaseKeyStore.FromEnvironment(), cancellationToken);

    /// <summary>Creates the case <paramref name="request"/> names, its key in <paramref name="keys"/>.</summary>
    public static async Task<InitCaseResult> RunAsync(InitCaseRequest request, OperationContext context, CaseKeyStore keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(keys);
        var store = await CaseStore.CreateAsync(request.CaseDir, request.Name, request.Postgres, context.Actor, context.Time, keys, cancellationToken);
        return new InitCaseResult(store.CaseDir, await store.SummaryAsync(cancellationToken), store.Key.Fingerprint,
            store.KeyStore.PathFor(store.Manifest.CaseId));
    }
}

/// <summary>What <see cref="InitCase"/> creates.</summary>
/// <param name="CaseDir">The case folder (created if absent; must not hold a case).</param>
/// <param name="Name">The case's name, e.g. an operation name.</param>
/// <param name="Postgres">A PostgreSQL connection string, or null for the folder's SQLite <c>case.db</c>.</param>
public sealed record InitCaseRequest(string CaseDir, string Name, string? Postgres = null);

/// <summary>The created case.</summary>
/// <param name="CaseDir">The case folder.</param>
/// <param name="Summary">What it holds.</param>
/// <param name="KeyFingerprint">The case key's fingerprint: write it down, or send it, apart from the case folder.</param>
/// <param name="KeyFile">Where the case key was created (outside the case folder, mode 0600).</param>
public sealed record InitCaseResult(string CaseDir, CaseSummary Summary, string KeyFingerprint, string KeyFile);
