using System.Globalization;
using Harrier.Cases;
using Harrier.Operations;
using Harrier.Operations.Persons;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Harrier.Web.Pages.Persons;

/// <summary>The persons of the latest resolution run, paged; a national-unit reader sees only its own country's.</summary>
public sealed class IndexModel(CaseStore store) : WorkbenchPage
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Country { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Identified { get; set; }

    [BindProperty(SupportsGet = true)]
    public int MinAccounts { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "offset")]
    public int Offset { get; set; }

    public ListPersonsResult? Result { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // A reader's country is not a filter it can change: it is the only country it may see.
        var country = User.SeesAllCountries() ? (string.IsNullOrWhiteSpace(Country) ? null : Country) : User.ReaderCountry();
        try
        {
            Result = await new ListPersons(store).RunAsync(new ListPersonsRequest(country, Identified, Math.Max(1, MinAccounts), PageSize, Math.Max(0, Offset)),
                Operation(), cancellationToken);
        }
        catch (OperationException e)
        {
            Error = e.Message;
        }
    }

    public string PageLink(int offset) => string.Create(CultureInfo.InvariantCulture,
        $"/persons?country={Uri.EscapeDataString(Country ?? "")}&identified={(Identified ? "true" : "false")}&minAccounts={MinAccounts}&offset={offset}");
}
