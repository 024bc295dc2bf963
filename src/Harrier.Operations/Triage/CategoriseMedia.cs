using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Matching.Banks;

namespace Harrier.Operations.Triage;

/// <summary>
/// An analyst sets a file's category in a scheme (VICS-US by default): stored as a new row with the previous category
/// (history kept) and audited as <see cref="AuditAction"/> in the same transaction.
/// </summary>
public sealed class CategoriseMedia(CaseStore store)
{
    /// <summary>The audit action: categorising is done through the workbench.</summary>
    public const string AuditAction = "web.categorise";

    /// <summary>Stores the category; refuses an unknown scheme or code or a file the case does not have, naming which.</summary>
    public async Task<MediaCategorisation> RunAsync(CategoriseMediaRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await new MediaCategoryStore(store).SetAsync(request.EvidenceId, new BankCategory(request.Scheme ?? CategoryScheme.VicsUs.Id, request.Code ?? string.Empty),
                context.Intent(AuditAction, request.Justification), cancellationToken);
        }
        catch (CaseStoreException e)
        {
            throw new OperationException(e.Message);
        }
    }
}

/// <summary>Which file, which code in which scheme (null: VICS-US), and why.</summary>
public sealed record CategoriseMediaRequest(long EvidenceId, string? Code, string? Scheme = null, string? Justification = null);
