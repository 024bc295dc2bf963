using Harrier.Cases.Persons;
using Harrier.Cases.Platform;
using Harrier.Cases.Tests;
using Harrier.Operations.Cases;
using Harrier.Operations.Evidence;
using Harrier.Operations.Persons;
using Harrier.Operations.Platform;
using Harrier.Operations.Returns;

namespace Harrier.Operations.Tests;

/// <summary>
/// End to end on the tiny scenario, with the engine: its platform imported into a real case (SQLite and PostgreSQL),
/// persons resolved from the logins, the prior records and the published exit lists, and the stored run read back:
/// every account of the platform is in exactly one person, and showing a person with several accounts gives the links
/// that made it, each with its evidence. The ISP answers go in through the returns import; the exchange answers are
/// left out here, since tying them to deposit addresses needs a chain trace (the Operations input test covers that tie).
/// </summary>
public sealed class PersonsScenarioTests(TinyPlatformFixture fixture) : IClassFixture<TinyPlatformFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Every_account_is_in_exactly_one_person_and_a_multi_account_person_shows_its_links_with_evidence(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var ctx = new OperationContext("analyst", t.Time);
        await InitCase.RunAsync(new InitCaseRequest(t.CaseDir, "Operation Persons", t.ConnectionString), ctx, None);
        var store = await t.OpenAsync();
        await new AddEvidence(store).RunAsync(new AddEvidenceRequest(fixture.Media, "MEDIA"), ctx, None);
        var import = await new ImportPlatform(store).RunAsync(new ImportPlatformRequest("sqlite:" + fixture.Sqlite), ctx, None);
        var isp = await new ImportReturns(store).RunAsync(new ImportReturnsRequest([Path.Combine(fixture.Root, "returns", "isp")]), ctx, None);
        var subscriberRows = isp.SubscriberRows;
        Assert.True(subscriberRows > 0, "the tiny scenario's ISP answers hold no rows");

        var network = Path.Combine(fixture.Root, "network");
        var request = new ResolvePersonsRequest(
            PriorRecords: Path.Combine(fixture.Root, "records", "prior-records.csv"),
            ExitLists: [new ExitListFile(Path.Combine(network, "tor-exit-list.txt")), new ExitListFile(Path.Combine(network, "vpn-exit-list.txt"))],
            Justification: "test");
        var result = await Audited.ExactlyAsync(store, () => new ResolvePersons(store).RunAsync(request, ctx, None), "persons.resolve");

        Assert.Empty(result.Problems);
        Assert.Equal(subscriberRows, result.SubscriberInputs);
        Assert.Equal(["prior-records", "exit-list", "exit-list"], result.Inputs.Select(i => i.Kind));
        Assert.Equal(["tor", "vpn"], result.Inputs.Skip(1).Select(i => i.ListKind));
        var entry = (await store.Audit.ReadAsync(1, None)).Single();
        Assert.All(result.Inputs, i => Assert.Contains(i.Sha256, entry.Target, StringComparison.Ordinal));

        var accounts = (await new PlatformStore(store).AccountsAsync(import.ImportId, None)).Select(a => a.AccountKey).Order(StringComparer.Ordinal).ToList();
        var persons = new PersonsStore(store);
        var stored = await persons.ReadResultAsync(result.RunId, None);
        var held = stored.Persons.SelectMany(p => p.AccountKeys).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(accounts, held); // every account, none twice
        Assert.Equal((accounts.Count, result.Persons), (result.Accounts, stored.Persons.Count));
        Assert.Equal(stored.Persons.Count(p => p.AccountKeys.Count > 1), result.MultiAccountPersons);

        // Subscribers whose address and lease match an account's logins name its person.
        Assert.Contains(stored.Persons, p => p.Identified && p.Identities.Any(i => i.Source == "isp"));
        Assert.All(stored.Persons.Where(p => p.Identified), p => Assert.NotEmpty(p.Identities));

        var multi = stored.Persons.FirstOrDefault(p => p.AccountKeys.Count > 1);
        Assert.True(multi is not null, "the tiny scenario (seed 5) has persons with several accounts; the engine found none");
        var shown = await Audited.ExactlyAsync(store, () => new ShowPerson(store).RunAsync(new ShowPersonRequest(AccountKey: multi!.AccountKeys[^1]), ctx, None),
            "persons.show");
        Assert.Equal(multi!.Number, shown.Number);
        Assert.Equal(multi.AccountKeys, shown.Accounts.Select(a => a.AccountKey));
        Assert.NotEmpty(shown.Links);
        Assert.All(shown.Links, l =>
        {
            Assert.Contains(l.AccountA, multi.AccountKeys);
            Assert.Contains(l.AccountB, multi.AccountKeys);
            Assert.NotEmpty(l.Evidence);
            Assert.All(l.Evidence, e => Assert.False(string.IsNullOrWhiteSpace(e.Detail)));
        });
        Assert.All(shown.Accounts, a => Assert.True(a.Activity.Logins > 0));
    }
}
