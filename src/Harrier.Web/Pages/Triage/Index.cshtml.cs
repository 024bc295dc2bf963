using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Harrier.Web.Pages.Triage;

/// <summary>
/// The triage grid: blurred thumbnails and keyframe strips of the whole case a page at a time (keyset paging on the
/// evidence id), filtered by status, bank, category, rendition or scene group and first-seen; keyboard categorisation and
/// one-at-a-time reveal in triage.js.
/// </summary>
[Authorize(Policy = WorkbenchPolicies.Media)]
public sealed class IndexModel(CaseStore store, WorkbenchOptions options) : PageModel
{
    /// <summary>Tiles per page.</summary>
    public const int PageSize = 60;

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Bank { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Rendition { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Scene { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool FirstSeen { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? After { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public TriagePage Result { get; private set; } = new([], 0, null, null);

    public TriageFilterValues Values { get; private set; } = new([], []);

    public string? Problem { get; private set; }

    /// <summary>Seconds a revealed item stays unblurred.</summary>
    public string RevealSeconds => options.RevealFor.TotalSeconds.ToString(CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var grid = new TriageGridStore(store);
        Values = await grid.FilterValuesAsync(cancellationToken);
        try
        {
            Result = await grid.PageAsync(new TriageFilter(Status, Bank, Category, Rendition, Scene, FirstSeen), After, Before, PageSize, cancellationToken);
        }
        catch (CaseStoreException e)
        {
            Problem = e.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    /// <summary>This grid's address with the same filters, at another page.</summary>
    public string Link(long? after, long? before)
    {
        var q = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null && !(value is string s && s.Length == 0))
            {
                q.Add(name + "=" + Uri.EscapeDataString(Convert.ToString(value, CultureInfo.InvariantCulture)!));
            }
        }

        Add("status", Status);
        Add("bank", Bank);
        Add("category", Category);
        Add("rendition", Rendition);
        Add("scene", Scene);
        Add("firstSeen", FirstSeen ? "true" : null);
        Add("after", after);
        Add("before", before);
        return "/triage" + (q.Count == 0 ? string.Empty : "?" + string.Join("&", q));
    }
}
