using System.Globalization;
using Harrier.Analysis.Persons;
using Harrier.Cases;
using Harrier.Cases.Persons;
using Harrier.Cases.Platform;

namespace Harrier.Operations.Persons;

/// <summary>
/// One person of the latest resolution run, by number or by one of its accounts: each account with what it did on the
/// platform, the links that made the person with their evidence, refused links touching it, the country with its
/// evidence, identities from returns and prior-record hits. Audited as <c>persons.show</c>, naming the person.
/// </summary>
public sealed class ShowPerson(CaseStore store)
{
    /// <summary>Shows the person; refuses an unknown number or account, or a case with no run.</summary>
    public async Task<ShowPersonResult> RunAsync(ShowPersonRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Number is null == request.AccountKey is null)
        {
            throw new OperationException("give a person number or an account key, not both");
        }

        var persons = new PersonsStore(store);
        var run = await persons.LatestRunAsync(cancellationToken) ?? throw ListPersons.NoRun();
        var number = request.Number
                     ?? await persons.PersonOfAccountAsync(run.RunId, request.AccountKey!, cancellationToken)
                     ?? throw new OperationException($"no account {request.AccountKey} in persons run {run.RunId.ToString(CultureInfo.InvariantCulture)}");
        var person = await persons.PersonAsync(run.RunId, number, cancellationToken)
                     ?? throw new OperationException(string.Create(CultureInfo.InvariantCulture, $"no person {number} in persons run {run.RunId}"));

        var shared = (await persons.SharedAddressesAsync(run.RunId, cancellationToken)).Select(s => s.Ip).ToHashSet(StringComparer.Ordinal);
        var platform = new PlatformStore(store);
        var accounts = new List<PersonAccount>();
        foreach (var key in person.AccountKeys)
        {
            var account = await platform.AccountAsync(run.ImportId, key, cancellationToken);
            var activity = await platform.ActivityAsync(run.ImportId, key, cancellationToken);
            var household = activity.LoginIps.Where(ip => !shared.Contains(ip)).ToList();
            accounts.Add(new PersonAccount(key, account?.Username, account?.Email, account?.RegisteredUtc, account?.IsAdmin ?? false, account?.Role,
                new AccountActivity(activity.FirstLoginUtc, activity.LastLoginUtc, activity.Logins, activity.LoginIps.Count, household, activity.Uploads,
                    activity.Categorisations, activity.Payments, activity.LedgerSpend)));
        }

        var refused = await persons.RefusedTouchingAsync(run.RunId, person.AccountKeys, cancellationToken);
        await store.RecordAsync(context.Intent("persons.show", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"person {number} of persons run {run.RunId} (accounts {string.Join(", ", person.AccountKeys)}): {person.Links.Count} links, {refused.Count} refused, " +
            $"{person.Identities.Count} identities, {person.PriorHits.Count} prior-record hits"), cancellationToken);
        return new ShowPersonResult(run.RunId, run.ImportId, number, person.Identified, accounts, person.Links, refused, person.Country, person.Identities,
            person.PriorHits);
    }
}

/// <summary>A person number, or an account key whose person to show.</summary>
public sealed record ShowPersonRequest(int? Number = null, string? AccountKey = null, string? Justification = null);

/// <summary>What the platform's tables say an account did: login span and count, distinct login addresses and the household ones among them (not a shared address of the run), uploads, categorisations, payments and ledger spend per currency.</summary>
public sealed record AccountActivity(
    string? FirstLoginUtc,
    string? LastLoginUtc,
    long Logins,
    int DistinctIps,
    IReadOnlyList<string> HouseholdIps,
    long Uploads,
    long Categorisations,
    IReadOnlyList<PlatformAmount> Payments,
    IReadOnlyList<PlatformAmount> LedgerSpend);

/// <summary>One account of the person as the platform stored it, with its activity.</summary>
public sealed record PersonAccount(string AccountKey, string? Username, string? Email, string? RegisteredUtc, bool IsAdmin, string? Role, AccountActivity Activity);

/// <summary>The person and its explanation.</summary>
public sealed record ShowPersonResult(
    long RunId,
    long ImportId,
    int Number,
    bool Identified,
    IReadOnlyList<PersonAccount> Accounts,
    IReadOnlyList<PersonLink> Links,
    IReadOnlyList<RefusedLink> Refused,
    CountryFinding? Country,
    IReadOnlyList<IdentityFinding> Identities,
    IReadOnlyList<PriorRecordHit> PriorHits);
