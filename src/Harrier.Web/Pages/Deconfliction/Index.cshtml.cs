using Harrier.Cases;
using Harrier.Operations;
using Harrier.Operations.Deconfliction;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Harrier.Web.Pages.Deconfliction;

/// <summary>
/// The deconfliction register: other agencies' claims matched to the persons of the latest run, the conflicts, and a
/// claim's status change with its reason (coordinators; audited by SetClaimStatus). Coordinators and analysts only: a
/// claim names persons of several countries. A reader sees the claims on its own persons on their profiles.
/// </summary>
[Authorize(Policy = WorkbenchPolicies.AllCountries)]
public sealed class IndexModel(CaseStore store) : WorkbenchPage
{
    [BindProperty(SupportsGet = true)]
    public bool Conflicts { get; set; }

    public ListClaimsResult? Result { get; private set; }

    public string? Error { get; private set; }

    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostStatusAsync(string claim, string status, string? reason, CancellationToken cancellationToken)
    {
        if (!User.IsInRole(WorkbenchRoles.Coordinator))
        {
            return Forbid();
        }

        try
        {
            var r = await new SetClaimStatus(store).RunAsync(new SetClaimStatusRequest(claim, status, reason ?? ""), Operation(), cancellationToken);
            Message = $"claim {r.Claim.ClaimId}: {r.Change.From} → {r.Change.To}";
        }
        catch (OperationException e)
        {
            Error = e.Message;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            Result = await new ListClaims(store).RunAsync(new ListClaimsRequest(null, Conflicts), Operation(), cancellationToken);
        }
        catch (OperationException e)
        {
            Error = e.Message;
        }
    }
}
