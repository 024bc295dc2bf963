using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Harrier.Web.Pages.Triage;

/// <summary>The first-seen queue: scenes with no known member, in rank order, each file with the reasons of its rank.</summary>
[Authorize(Policy = WorkbenchPolicies.Media)]
public sealed class FirstSeenModel(CaseStore store, WorkbenchOptions options) : PageModel
{
    public const int PageSize = 60;

    [BindProperty(SupportsGet = true)]
    public int From { get; set; }

    public IReadOnlyList<TriageTile> Tiles { get; private set; } = [];

    public long Total { get; private set; }

    public string RevealSeconds => options.RevealFor.TotalSeconds.ToString(CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        From = Math.Max(0, From);
        (Tiles, Total) = await new TriageGridStore(store).FirstSeenAsync(From, PageSize, cancellationToken);
        return Page();
    }
}
