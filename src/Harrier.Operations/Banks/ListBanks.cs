using Harrier.Cases;
using Harrier.Cases.Triage;

namespace Harrier.Operations.Banks;

/// <summary>Lists the case's banks. Not audited (bank metadata, no case content).</summary>
public sealed class ListBanks(CaseStore store)
{
    /// <summary>The banks in import order.</summary>
    public async Task<ListBanksResult> RunAsync(CancellationToken cancellationToken) =>
        new([.. (await new BankStore(store).ListAsync(cancellationToken))
            .Select(b => new BankListing(b.Name, b.Format, b.Version, b.Entries, b.Source, b.SourceSha256, b.ImportedUtc, b.ImportedBy))]);
}

/// <summary>The case's banks.</summary>
public sealed record ListBanksResult(IReadOnlyList<BankListing> Banks);

/// <summary>One bank as listed.</summary>
public sealed record BankListing(string Name, string Format, string Version, int Entries, string Source, string SourceSha256, string ImportedUtc, string ImportedBy);
