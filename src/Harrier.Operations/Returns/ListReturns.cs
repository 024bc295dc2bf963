using Harrier.Cases;
using Harrier.Cases.Returns;

namespace Harrier.Operations.Returns;

/// <summary>Lists the returns files imported into the case. Not audited (import metadata, no case content; like <c>banks list</c>).</summary>
public sealed class ListReturns(CaseStore store)
{
    /// <summary>The imports, oldest first.</summary>
    public async Task<ListReturnsResult> RunAsync(CancellationToken cancellationToken) =>
        new(await new ReturnsStore(store).ImportsAsync(cancellationToken));
}

/// <summary>The case's returns imports.</summary>
public sealed record ListReturnsResult(IReadOnlyList<ReturnsImportInfo> Imports);
