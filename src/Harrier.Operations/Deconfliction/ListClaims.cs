using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Deconfliction;
using Harrier.Cases.Persons;
using Harrier.Operations.Persons;

namespace Harrier.Operations.Deconfliction;

/// <summary>
/// Lists the register's claims matched to the persons of the latest run, with the conflicts; filtered to the claims on
/// one person or to the claims in conflict. Audited as <c>deconflict.list</c> (it reveals who is claimed by whom).
/// </summary>
public sealed class ListClaims(CaseStore store)
{
    /// <summary>The claims and conflicts asked for.</summary>
    public async Task<ListClaimsResult> RunAsync(ListClaimsRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Person is { } n)
        {
            var persons = new PersonsStore(store);
            var run = await persons.LatestRunAsync(cancellationToken) ?? throw ListPersons.NoRun();
            if (n < 1 || await persons.PersonAsync(run.RunId, n, cancellationToken) is null)
            {
                throw new OperationException(string.Create(CultureInfo.InvariantCulture, $"no person {n} in persons run {run.RunId}"));
            }
        }

        var matches = await new DeconflictionStore(store).MatchAsync(cancellationToken);
        IEnumerable<MatchedClaim> shown = matches.Claims;
        IEnumerable<DeconflictionConflict> conflicts = matches.Conflicts;
        if (request.Person is { } person)
        {
            shown = shown.Where(c => c.Persons.Any(p => p.PersonNumber == person));
        }

        if (request.ConflictsOnly)
        {
            shown = shown.Where(c => c.Conflicts.Count > 0);
        }

        var list = shown.ToList();
        var ids = list.Select(c => c.Claim.ClaimId).ToHashSet();
        var conflictList = conflicts.Where(c => c.ClaimIds.Any(ids.Contains) && (request.Person is null || c.PersonNumber is null || c.PersonNumber == request.Person)).ToList();
        var unmatched = list.SelectMany(m => m.Unmatched.Select(u => new UnmatchedClaimIdentifier(m.Claim.ClaimId, m.Claim.Agency, m.Claim.ClaimReference, u.Identifier, u.Why)))
            .ToList();
        var filter = string.Create(CultureInfo.InvariantCulture,
            $"{(request.Person is { } p ? $"person {p}" : "every person")}, {(request.ConflictsOnly ? "in conflict only" : "in conflict or not")}");
        await store.RecordAsync(context.Intent("deconflict.list", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"deconfliction register against persons run {(matches.RunId is { } r ? r.ToString(CultureInfo.InvariantCulture) : "none")} ({filter}): " +
            $"{list.Count} of {matches.Claims.Count} claims shown ({(list.Count == 0 ? "none" : "claims " + string.Join(", ", list.Select(c => c.Claim.ClaimId)))}), " +
            $"{conflictList.Count} conflicts, {unmatched.Count} identifiers matching no person"), cancellationToken);
        return new ListClaimsResult(matches.RunId, matches.Claims.Count, list, conflictList, unmatched.Count, unmatched);
    }
}

/// <summary>Filters: the claims on person <c>Person</c> of the latest run, the claims in conflict only.</summary>
public sealed record ListClaimsRequest(int? Person = null, bool ConflictsOnly = false, string? Justification = null);

/// <summary>
/// The claims shown, each with the persons it matches (by which identifiers, with the conflicts on each), the conflicts
/// among them, and the identifiers of the shown claims that match no person (counted and listed). <c>RunId</c>: the
/// persons run matched against (null: none yet); <c>TotalClaims</c>: claims in the register.
/// </summary>
public sealed record ListClaimsResult(long? RunId, int TotalClaims, IReadOnlyList<MatchedClaim> Claims, IReadOnlyList<DeconflictionConflict> Conflicts,
    long UnmatchedIdentifierCount, IReadOnlyList<UnmatchedClaimIdentifier> UnmatchedIdentifiers);
