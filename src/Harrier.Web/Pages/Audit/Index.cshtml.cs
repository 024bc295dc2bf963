using Harrier.Cases;
using Harrier.Operations.Audit;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Harrier.Web.Pages.Audit;

/// <summary>The audit log: whether the chain verifies (the same check as <c>harrier audit verify</c>) and its latest entries, filtered by actor or action.</summary>
[Authorize(Policy = WorkbenchPolicies.AllCountries)]
public sealed class IndexModel(CaseStore store) : WorkbenchPage
{
    public const int Shown = 500;

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    public AuditVerification Verification { get; private set; } = null!;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await Audit.RecordAsync(User, "web.audit.view", $"actor {Actor ?? "any"}, action {Action ?? "any"}", cancellationToken);
        Verification = await new VerifyAudit(store).RunAsync(new VerifyAuditRequest(), cancellationToken);
        var tail = await store.Audit.ReadAsync(Actor is null && Action is null ? Shown : 20_000, cancellationToken);
        Entries = [.. tail.Where(e => (string.IsNullOrEmpty(Actor) || e.Actor.Contains(Actor, StringComparison.OrdinalIgnoreCase))
                                      && (string.IsNullOrEmpty(Action) || e.Action.StartsWith(Action, StringComparison.OrdinalIgnoreCase)))
            .OrderByDescending(e => e.Seq).Take(Shown)];
    }
}
