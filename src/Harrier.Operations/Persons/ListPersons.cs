using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Persons;

namespace Harrier.Operations.Persons;

/// <summary>Lists the persons of the case's latest resolution run, filtered and paged; audited as <c>persons.list</c> (it reveals case data).</summary>
public sealed class ListPersons(CaseStore store)
{
    /// <summary>One page of persons.</summary>
    public async Task<ListPersonsResult> RunAsync(ListPersonsRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Limit < 1 || request.Offset < 0 || request.MinAccounts < 1)
        {
            throw new OperationException("--limit and --min-accounts must be at least 1, --offset at least 0");
        }

        var country = request.Country?.Trim().ToUpperInvariant();
        if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
        {
            throw new OperationException($"--country takes an ISO 3166 two-letter code (DE, FR, …), not '{request.Country}'");
        }

        var persons = new PersonsStore(store);
        var run = await persons.LatestRunAsync(cancellationToken) ?? throw NoRun();
        var filter = new PersonsFilter(country, request.IdentifiedOnly, request.MinAccounts);
        var page = await persons.ListAsync(run.RunId, filter, request.Offset, request.Limit, cancellationToken);
        var shown = page.Persons.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"persons {page.Persons[0].Number}-{page.Persons[^1].Number}");
        await store.RecordAsync(context.Intent("persons.list", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"persons run {run.RunId} (country {country ?? "any"}, {(request.IdentifiedOnly ? "identified only" : "identified or not")}, at least {request.MinAccounts} accounts): " +
            $"{page.Persons.Count} of {page.Total} shown from {request.Offset} ({shown})"), cancellationToken);
        return new ListPersonsResult(run.RunId, run.ImportId, run.CreatedUtc, page.Total, request.Offset, page.Persons);
    }

    internal static OperationException NoRun() => new("no persons in this case yet; run 'harrier persons resolve' first");
}

/// <summary>Filters (country ISO alpha-2, identified only, at least so many accounts) and the page.</summary>
public sealed record ListPersonsRequest(string? Country = null, bool IdentifiedOnly = false, int MinAccounts = 1, int Limit = 50, int Offset = 0,
    string? Justification = null);

/// <summary>The run listed, how many persons match in all, and this page of them (by number).</summary>
public sealed record ListPersonsResult(long RunId, long ImportId, string RunUtc, long Total, int Offset, IReadOnlyList<PersonSummary> Persons);
