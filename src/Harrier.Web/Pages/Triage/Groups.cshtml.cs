using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Harrier.Web.Pages.Triage;

/// <summary>Rendition groups (one upload's quality levels) or scene groups, each with its representative's blurred thumbnail.</summary>
[Authorize(Policy = WorkbenchPolicies.Media)]
public sealed class GroupsModel(CaseStore store) : PageModel
{
    public const int PageSize = 60;

    /// <summary><c>rendition</c> (default) or <c>scene</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public int From { get; set; }

    public bool Scenes => Kind == "scene";

    public IReadOnlyList<TriageGroup> Groups { get; private set; } = [];

    public long Total { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Kind is not (null or "rendition" or "scene"))
        {
            return BadRequest($"kind must be rendition or scene, not '{Kind}'");
        }

        From = Math.Max(0, From);
        (Groups, Total) = await new TriageGridStore(store).GroupsAsync(Scenes, From, PageSize, cancellationToken);
        return Page();
    }
}
