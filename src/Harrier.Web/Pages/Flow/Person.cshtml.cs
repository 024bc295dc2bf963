using Harrier.Cases;
using Harrier.Cases.Persons;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Harrier.Web.Pages.Flow;

/// <summary>One person's payment flow; the graph's data comes from /api/persons/{n}/flow (which audits). A reader gets 403 for another country's person here too.</summary>
public sealed class PersonModel(CaseStore store) : WorkbenchPage
{
    [BindProperty(SupportsGet = true)]
    public int Number { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var persons = new PersonsStore(store);
        var run = await persons.LatestRunAsync(cancellationToken);
        var person = run is null ? null : await persons.PersonAsync(run.RunId, Number, cancellationToken);
        if (person is null)
        {
            return NotFound();
        }

        return User.MaySee(person.Country?.Country) ? Page() : Forbid();
    }
}
