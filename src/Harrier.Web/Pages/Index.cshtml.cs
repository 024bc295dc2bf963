using Harrier.Cases;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Harrier.Web.Pages;

/// <summary>The case at a glance.</summary>
public sealed class IndexModel(CaseStore store) : PageModel
{
    public CaseSummary Summary { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Summary = await store.SummaryAsync(cancellationToken);
}
