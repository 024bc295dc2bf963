using Harrier.Cases;

namespace Harrier.Operations.Cases;

/// <summary>What a case holds: name, database, schema version, exhibits, files, audit entries. Not audited (no case content).</summary>
public sealed class ShowCase(CaseStore store)
{
    /// <summary>The case's summary and exhibits.</summary>
    public async Task<ShowCaseResult> RunAsync(CancellationToken cancellationToken) =>
        new(store.CaseDir, await store.SummaryAsync(cancellationToken), await store.Evidence.ExhibitsAsync(cancellationToken));
}

/// <summary>The case folder, its summary and its exhibits.</summary>
public sealed record ShowCaseResult(string CaseDir, CaseSummary Summary, IReadOnlyList<Exhibit> Exhibits);
