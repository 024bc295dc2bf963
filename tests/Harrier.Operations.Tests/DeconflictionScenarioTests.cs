using System.Globalization;
using Harrier.Cases.Deconfliction;
using Harrier.Cases.Persons;
using Harrier.Cases.Tests;
using Harrier.Operations.Cases;
using Harrier.Operations.Deconfliction;
using Harrier.Operations.Persons;
using Harrier.Operations.Platform;
using Harrier.Scenario.Truth;

namespace Harrier.Operations.Tests;

/// <summary>
/// End to end on the tiny scenario: its platform imported, persons resolved, and both of its claims files
/// (deconfliction/claims.csv and claims.json) imported; every claim is checked against truth.json's <c>people.claims</c>.
/// No exchange answer is imported here (tying it needs a chain trace), so a claim by name and birth date matches nobody,
/// and the test says so rather than skipping those claims.
/// </summary>
public sealed class DeconflictionScenarioTests(TinyPlatformFixture fixture) : IClassFixture<TinyPlatformFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Every_claim_of_the_tiny_scenario_matches_its_true_person_or_is_reported_unmatched(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var ctx = new OperationContext("analyst", t.Time);
        await InitCase.RunAsync(new InitCaseRequest(t.CaseDir, "Operation Deconflict", t.ConnectionString), ctx, None);
        var store = await t.OpenAsync();
        await new ImportPlatform(store).RunAsync(new ImportPlatformRequest("sqlite:" + fixture.Sqlite), ctx, None);
        var network = Path.Combine(fixture.Root, "network");
        var run = await new ResolvePersons(store).RunAsync(new ResolvePersonsRequest(
            ExitLists: [new ExitListFile(Path.Combine(network, "tor-exit-list.txt")), new ExitListFile(Path.Combine(network, "vpn-exit-list.txt"))]), ctx, None);

        var truth = TruthJson.Read(Path.Combine(fixture.Root, "truth.json"));
        var claims = truth.People!.Claims.ToList();
        Assert.True(claims.Count >= 7, $"the tiny scenario has {claims.Count} claims: at least 4 persons and 3 unknown identifiers were expected");
        Assert.Equal(3, claims.Count(c => c.PersonId is null));
        Assert.Contains(claims, c => c.Kind == "other-country");
        Assert.Contains(claims, c => c.Kind == "second-agency");
        Assert.Contains(claims, c => c.Status == "withdrawn");
        Assert.True(claims.Select(c => c.Agency).Distinct().Count() >= 3);

        var csv = await new ImportClaims(store).RunAsync(new ImportClaimsRequest(Path.Combine(fixture.Root, "deconfliction", "claims.csv")), ctx, None);
        var json = await new ImportClaims(store).RunAsync(new ImportClaimsRequest(Path.Combine(fixture.Root, "deconfliction", "claims.json")), ctx, None);
        Assert.Equal((0L, 0L), (csv.BadRecords, json.BadRecords));
        Assert.Equal(claims.Count, csv.Claims + json.Claims);
        Assert.Equal(claims.Count(c => c.File == "deconfliction/claims.csv"), csv.Claims);

        var stored = await new PersonsStore(store).ReadResultAsync(run.RunId, None);
        var accountsOf = stored.Persons.ToDictionary(p => p.Number, p => p.AccountKeys.ToHashSet(StringComparer.Ordinal));
        var truthAccounts = truth.People.Persons.ToDictionary(p => p.Id, p => p.Accounts.Select(a => a.Id.ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal));
        var matches = await new DeconflictionStore(store).MatchAsync(None);
        foreach (var tc in claims)
        {
            var m = matches.Claims.Single(c => c.Claim.ClaimReference == tc.ClaimReference && c.Claim.Agency == tc.Agency);
            Assert.Equal((tc.Status, tc.AgencyCountry), (m.Claim.Status, m.Claim.AgencyCountry));
            if (tc.PersonId is null || tc.IdentifierType == "name_dob")
            {
                Assert.Empty(m.Persons);
                Assert.Equal($"{tc.IdentifierType}:{tc.Identifier}", Assert.Single(m.Unmatched).Identifier);
                continue;
            }

            var p = Assert.Single(m.Persons);
            Assert.True(accountsOf[p.PersonNumber].Overlaps(truthAccounts[tc.PersonId.Value]),
                $"{tc.ClaimReference} matched person {p.PersonNumber}, who holds none of truth person {tc.PersonId}'s accounts");
            if (tc.Status != ClaimStatuses.Withdrawn && p.PersonCountry is { } country && country != tc.AgencyCountry)
            {
                Assert.Contains(ConflictKinds.OtherCountry, p.Conflicts);
            }
        }

        // A truth person claimed by two agencies through identifiers the persons engine put in one person: a two-agency conflict.
        foreach (var group in claims.Where(c => c.PersonId is not null && c.IdentifierType != "name_dob" && c.Status != ClaimStatuses.Withdrawn).GroupBy(c => c.PersonId))
        {
            var persons = group.Select(c => matches.Claims.Single(m => m.Claim.ClaimReference == c.ClaimReference).Persons.Single().PersonNumber).Distinct().ToList();
            if (group.Select(c => c.Agency).Distinct().Count() >= 2 && persons.Count == 1)
            {
                Assert.Contains(matches.Conflicts, k => k.Kind == ConflictKinds.TwoAgencies && k.PersonNumber == persons[0]);
            }
        }

        Assert.Equal(3 + claims.Count(c => c.PersonId is not null && c.IdentifierType == "name_dob"), matches.UnmatchedIdentifiers);
    }
}
