using System.Text.Json;
using Harrier.Analysis.Persons;
using Harrier.Cases.Persons;
using Harrier.Cases.Platform;

namespace Harrier.Cases.Tests;

/// <summary>
/// <see cref="PersonsStore"/> on both backends, against a hand-built <see cref="ResolutionResult"/> (the engine's output
/// written by hand, so the store is tested apart from the engine): a run reads back exactly as written, and the plain
/// queries (persons of a country, identified ones, with several accounts, the person of an account, refused links
/// touching a person) answer from the tables.
/// </summary>
public sealed class PersonsStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    /// <summary>Three persons: two accounts linked with evidence (KYC-identified, German); one alone (French, a prior hit); one alone with no country.</summary>
    internal static ResolutionResult HandBuilt()
    {
        var holder = new IdentityRecord("Testa Quillfeather", "Testa", "Quillfeather", "1990-01-02", "1 Example Road", "Sampleton", "ZZ-0001", "DE",
            "passport", "TEST-00000001");
        return new ResolutionResult(
            [
                new ResolvedPerson(1, ["10", "12"],
                    [
                        new PersonLink("10", "12", 14.732050807568877,
                        [
                            new LinkEvidence("household_ip", "within_1h", 9.1, "198.51.100.7 at 2023-11-14T22:00Z and 22:40Z"),
                            new LinkEvidence("email", "normalised_equal", 7.0 / 3.0, "quiet.heron@mailbox.invalid ~ quietheron+x@mailbox.invalid"),
                            new LinkEvidence("username", "different", -0.6, "quiet_heron vs slow_comet"),
                        ]),
                    ],
                    new CountryFinding("DE", 0.9375,
                    [
                        new CountryEvidence("kyc", "DE", 4, "kraken.csv line 17"),
                        new CountryEvidence("geoip", "FR", 0.5, "203.0.113.9"),
                    ]),
                    [new IdentityFinding("kyc", "12", holder, "returns 1, kraken.csv line 17", "the payer, not necessarily the user")],
                    [],
                    Identified: true),
                new ResolvedPerson(2, ["11"], [], new CountryFinding("FR", 1.0 / 3.0, [new CountryEvidence("isp", "FR", 3, "isp-a.csv line 2")]), [],
                    [new PriorRecordHit("11", "R000001", "username", "amber_fox", "exact", "username equal")], Identified: false),
                new ResolvedPerson(3, ["13"], [], null, [], [], Identified: false),
            ],
            [
                new RefusedLink("11", "13", -3.25, "shared infrastructure only", [new LinkEvidence("household_ip", "shared_exit", 0, "10.250.9.1 (tor)")]),
                new RefusedLink("12", "11", 1.5, "under the threshold", []),
            ],
            [new SharedAddress("10.250.9.1", "tor", "tor-exit-list.txt"), new SharedAddress("10.9.9.9", "cgnat", "detected: 6 accounts in 7 days")],
            new ResolutionStats(4, 3, 6, 1, 2, 1, 1));
    }

    private static async Task<(TestCase Case, CaseStore Store, long ImportId)> CaseWithImportAsync(string backend)
    {
        var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var importId = await store.WriteAsync(new AuditIntent("tester", "platform.import"), async (w, ct) =>
        {
            var writer = await PlatformStore.BeginImportAsync(w, new PlatformImportSource("sqlite:x", "sqlite", "sha256:00", "00", "version: 1"), "tester", ct);
            await writer.CompleteAsync(0, ct);
            return writer.ImportId;
        }, id => $"platform import {id}", None);
        return (t, store, importId);
    }

    private static Task<long> WriteAsync(CaseStore store, long importId, ResolutionResult result, IReadOnlyList<PersonsRunInput> inputs) =>
        store.WriteAsync(new AuditIntent("tester", "persons.resolve"),
            (w, ct) => PersonsStore.WriteRunAsync(w, importId, inputs, new ResolutionOptions { LinkThreshold = 6.5 }, result, "tester", ct),
            id => $"persons run {id}", None);

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_run_reads_back_exactly_as_written(string backend)
    {
        var (t, store, importId) = await CaseWithImportAsync(backend);
        await using var _ = t;
        var written = HandBuilt();
        PersonsRunInput[] inputs = [new("exit-list", "tor", "/x/tor-exit-list.txt", new string('a', 64), 3, 1), new("prior-records", null, "/x/p.csv", new string('b', 64), 2, 0)];

        var runId = await WriteAsync(store, importId, written, inputs);
        var persons = new PersonsStore(store);
        var read = await persons.ReadResultAsync(runId, None);

        Assert.Equal(JsonSerializer.Serialize(written, Json), JsonSerializer.Serialize(read, Json));
        var run = Assert.Single(await persons.RunsAsync(None));
        Assert.Equal((runId, importId, "tester", "2025-03-12T06:00:00.0000000Z"), (run.RunId, run.ImportId, run.CreatedBy, run.CreatedUtc));
        Assert.Equal(inputs, run.Inputs);
        Assert.Equal(new ResolutionOptions { LinkThreshold = 6.5 }, run.Options);
        Assert.Equal(written.Stats, run.Stats);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_run_larger_than_one_insert_batch_reads_back_exactly(string backend)
    {
        // 450 persons, 900 accounts, 450 links, 451 refused: full batches of rows and a shorter last one in every table.
        var (t, store, importId) = await CaseWithImportAsync(backend);
        await using var _ = t;
        var persons = Enumerable.Range(1, 450).Select(n =>
        {
            string a = $"a{n:D4}", b = $"b{n:D4}";
            return new ResolvedPerson(n, [a, b], [new PersonLink(a, b, n / 7.0, [new LinkEvidence("username", "same_stem", n / 3.0, $"{a} ~ {b}")])],
                n % 3 == 0 ? null : new CountryFinding(n % 2 == 0 ? "DE" : "FR", 1.0 / n, []), [], [], n % 5 == 0);
        }).ToList();
        var refused = Enumerable.Range(0, 451).Select(i => new RefusedLink($"a{i % 450 + 1:D4}", $"b{(i + 1) % 450 + 1:D4}", -i / 9.0, "under the threshold", [])).ToList();
        var written = new ResolutionResult(persons, refused, [], new ResolutionStats(900, 450, 2000, 450, 451, 0, 0));

        var runId = await WriteAsync(store, importId, written, []);

        var read = await new PersonsStore(store).ReadResultAsync(runId, None);
        Assert.Equal(JsonSerializer.Serialize(written, Json), JsonSerializer.Serialize(read, Json));
        Assert.Equal(300, (await new PersonsStore(store).ListAsync(runId, new PersonsFilter(), 0, 1000, None)).Persons.Count(p => p.Country is not null));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Listing_filters_by_country_identified_and_accounts_pages_and_the_latest_run_answers(string backend)
    {
        var (t, store, importId) = await CaseWithImportAsync(backend);
        await using var _ = t;
        await WriteAsync(store, importId, HandBuilt(), []);
        // A second run over the same import: the latest is what the queries below read, the first stays as it was.
        var second = HandBuilt() with { Persons = [.. HandBuilt().Persons.Select(p => p with { Identified = false })] };
        var latest = await WriteAsync(store, importId, second, []);
        var persons = new PersonsStore(store);
        Assert.Equal(latest, (await persons.LatestRunAsync(None))!.RunId);
        Assert.True((await persons.ReadResultAsync(latest - 1, None)).Persons[0].Identified);

        var all = await persons.ListAsync(latest, new PersonsFilter(), 0, 100, None);
        Assert.Equal(3, all.Total);
        Assert.Equal([[ "10", "12" ], [ "11" ], [ "13" ]], all.Persons.Select(p => p.AccountKeys));
        Assert.Equal(new PersonSummary(2, ["11"], "FR", 1.0 / 3.0, false) with { AccountKeys = all.Persons[1].AccountKeys }, all.Persons[1]);

        Assert.Equal([1], (await persons.ListAsync(latest, new PersonsFilter(Country: "DE"), 0, 100, None)).Persons.Select(p => p.Number));
        Assert.Equal([1], (await persons.ListAsync(latest, new PersonsFilter(MinAccounts: 2), 0, 100, None)).Persons.Select(p => p.Number));
        Assert.Empty((await persons.ListAsync(latest, new PersonsFilter(IdentifiedOnly: true), 0, 100, None)).Persons);
        Assert.Equal([1], (await persons.ListAsync(latest - 1, new PersonsFilter(IdentifiedOnly: true), 0, 100, None)).Persons.Select(p => p.Number));
        var page = await persons.ListAsync(latest, new PersonsFilter(), 1, 1, None);
        Assert.Equal((3L, 2), (page.Total, Assert.Single(page.Persons).Number));

        Assert.Equal(1, await persons.PersonOfAccountAsync(latest, "12", None));
        Assert.Null(await persons.PersonOfAccountAsync(latest, "99", None));
        Assert.Null(await persons.PersonAsync(latest, 4, None));
        Assert.Equal(["shared infrastructure only", "under the threshold"],
            (await persons.RefusedTouchingAsync(latest, ["11"], None)).Select(r => r.Reason));
        Assert.Equal(["under the threshold"], (await persons.RefusedTouchingAsync(latest, ["10", "12"], None)).Select(r => r.Reason));
    }
}
