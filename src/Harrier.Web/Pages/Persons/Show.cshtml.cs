using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Deconfliction;
using Harrier.Cases.Persons;
using Harrier.Cases.Platform;
using Harrier.Cases.Targets;
using Harrier.Operations.Persons;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Harrier.Web.Pages.Persons;

/// <summary>
/// One person: accounts, the timeline of what they did, the links that made the person with their weights, the
/// country with its evidence, identities from returns, prior records, the target ranking and other agencies' claims.
/// Every view is audited (<c>persons.show</c>, actor web:NAME); a reader asking for another country's person gets 403
/// and the refusal is audited too.
/// </summary>
public sealed class ShowModel(CaseStore store) : WorkbenchPage
{
    /// <summary>Events of each kind shown on the timeline (the earliest; the totals say how many there are).</summary>
    public const int TimelinePerKind = 200;

    public ShowPersonResult Person { get; private set; } = null!;

    public PlatformTimelinePage Timeline { get; private set; } = null!;

    public TargetRow? Target { get; private set; }

    public IReadOnlyList<ClaimOnPerson> Claims { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int number, CancellationToken cancellationToken)
    {
        var persons = new PersonsStore(store);
        var run = await persons.LatestRunAsync(cancellationToken);
        var found = run is null ? null : await persons.PersonAsync(run.RunId, number, cancellationToken);
        if (run is null || found is null)
        {
            return NotFound();
        }

        if (!User.MaySee(found.Country?.Country))
        {
            await Audit.RecordAsync(User, "web.denied", string.Create(CultureInfo.InvariantCulture,
                $"person {number} of persons run {run.RunId}: placed in {found.Country?.Country ?? "no country"}, not the reader's {User.ReaderCountry()}"), cancellationToken);
            return Forbid();
        }

        Person = await new ShowPerson(store).RunAsync(new ShowPersonRequest(number), Operation(), cancellationToken);
        Timeline = await new PlatformTimeline(store).EventsAsync(run.ImportId, found.AccountKeys, TimelinePerKind, cancellationToken);
        var targets = new TargetsStore(store);
        if (await targets.LatestRunAsync(cancellationToken) is { } ranking && ranking.PersonsRunId == run.RunId)
        {
            Target = await targets.PersonAsync(ranking, number, cancellationToken);
        }

        Claims = (await new DeconflictionStore(store).ClaimsByPersonAsync(cancellationToken)).GetValueOrDefault(number) ?? [];
        return Page();
    }
}
