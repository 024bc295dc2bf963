using System.Globalization;
using Harrier.Cases;
using Harrier.Operations;
using Harrier.Operations.Targets;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Harrier.Web.Pages.Targets;

/// <summary>
/// The ranking by country: how many persons each country has in tiers 1–3, and the persons of the country chosen (a
/// reader: its own, always), every score with its factors. A coordinator moves a person's tier with a reason (audited).
/// </summary>
public sealed class IndexModel(CaseStore store) : WorkbenchPage
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? Country { get; set; }

    [BindProperty(SupportsGet = true)]
    public int MaxTier { get; set; } = 3;

    [BindProperty(SupportsGet = true, Name = "offset")]
    public int Offset { get; set; }

    public ListTargetsResult? Result { get; private set; }

    public IReadOnlyList<(string Country, int Tier1, int Tier2, int Tier3)> ByCountry { get; private set; } = [];

    public string? Error { get; private set; }

    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>A coordinator's move of one person's tier, with the reason (MoveTarget audits it as targets.move).</summary>
    public async Task<IActionResult> OnPostMoveAsync(int person, int tier, string? reason, CancellationToken cancellationToken)
    {
        if (!User.IsInRole(WorkbenchRoles.Coordinator))
        {
            return Forbid();
        }

        try
        {
            var moved = await new MoveTarget(store).RunAsync(new MoveTargetRequest(person, tier, reason ?? ""), Operation(), cancellationToken);
            Message = string.Create(CultureInfo.InvariantCulture, $"person {moved.Person} moved from tier {moved.FromTier} to tier {moved.ToTier}");
        }
        catch (OperationException e)
        {
            Error = e.Message;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public string PageLink(int offset) => string.Create(CultureInfo.InvariantCulture,
        $"/targets?country={Uri.EscapeDataString(Country ?? "")}&maxTier={MaxTier}&offset={offset}");

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var country = User.SeesAllCountries() ? (string.IsNullOrWhiteSpace(Country) ? null : Country) : User.ReaderCountry();
        try
        {
            var all = await new ListTargets(store).RunAsync(new ListTargetsRequest(country, Math.Clamp(MaxTier, 1, 4), int.MaxValue, 0), Operation(), cancellationToken);
            ByCountry = [.. all.Targets.GroupBy(t => t.Country ?? "??")
                .Select(g => (g.Key, g.Count(t => t.Tier == 1), g.Count(t => t.Tier == 2), g.Count(t => t.Tier == 3)))
                .OrderByDescending(g => g.Item2).ThenByDescending(g => g.Item3).ThenBy(g => g.Key, StringComparer.Ordinal)];
            Result = all with { Offset = Math.Max(0, Offset), Targets = [.. all.Targets.Skip(Math.Max(0, Offset)).Take(PageSize)] };
        }
        catch (OperationException e)
        {
            Error = e.Message;
        }
    }
}
