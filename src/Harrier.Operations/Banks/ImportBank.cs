using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Matching.Banks;

namespace Harrier.Operations.Banks;

/// <summary>Imports a hash set as a named bank; audited as <c>banks.import</c> with the file's SHA-256, in the import's transaction.</summary>
public sealed class ImportBank(CaseStore store)
{
    /// <summary>Imports <see cref="ImportBankRequest.File"/>.</summary>
    public Task<BankInfo> RunAsync(ImportBankRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        return new BankStore(store).ImportAsync(request.File, request.Name, request.Format, context.Actor, request.Justification, cancellationToken);
    }
}

/// <summary>The hash-set file, the bank's name (unique in the case) and its format (auto: recognised from the content).</summary>
public sealed record ImportBankRequest(string File, string Name, BankFormat Format = BankFormat.Auto, string? Justification = null);
