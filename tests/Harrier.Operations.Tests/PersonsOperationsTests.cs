using Harrier.Analysis.Persons;
using Harrier.Cases;
using Harrier.Cases.Tests;
using Harrier.Operations.Cases;
using Harrier.Operations.Persons;
using Harrier.Operations.Platform;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>
/// The host side of persons on real SQLite and PostgreSQL cases, over the small differently shaped platform
/// (<see cref="OtherPlatform"/>): what <see cref="PersonsInputs"/> hands the engine (accounts, logins, KYC tied through
/// payment deposit addresses, subscribers, prior records, exit lists, provider rules, GeoIP; bad lines reported with
/// file and line), and <see cref="ListPersons"/> / <see cref="ShowPerson"/> over a stored run, each with its audit entry.
/// </summary>
public sealed class PersonsOperationsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private const string Addr11 = "bcrt1qsyntheticaddress0000000000000000000";

    internal static async Task<(TestCase Case, CaseStore Store, OperationContext Ctx, long ImportId)> CaseAsync(string backend)
    {
        var t = await TestCase.CreateAsync(backend);
        var ctx = new OperationContext("analyst", t.Time);
        await InitCase.RunAsync(new InitCaseRequest(t.CaseDir, "Operation Persons", t.ConnectionString), ctx, None);
        var store = await t.OpenAsync();
        var source = OtherPlatform.Write(Path.Combine(t.Root, "other.sqlite"));
        var mapping = Path.Combine(t.Root, "other.yaml");
        await File.WriteAllTextAsync(mapping, OtherPlatform.Mapping);
        var import = await new ImportPlatform(store).RunAsync(new ImportPlatformRequest("sqlite:" + source, mapping), ctx, None);
        return (t, store, ctx, import.ImportId);
    }

    /// <summary>
    /// Returns rows inserted with SQL inside the case's write scope (migration 8's tables), as the returns import writes
    /// them. Written when that import was not yet on main; kept because the import ties a KYC row to deposit addresses only
    /// through a chain trace, which this small platform has none of, and refuses the unreadable lease this test needs
    /// (the tiny-scenario test, PersonsScenarioTests, goes through the real import for ISP answers).
    /// </summary>
    internal static Task<int> InsertReturnsAsync(CaseStore store) =>
        store.WriteAsync(new AuditIntent("tester", "returns.import"), async (w, ct) =>
        {
            await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction, """
                INSERT INTO returns_imports (file_name, sha256, kind, format, rows_imported, rows_tied, imported_utc, imported_by)
                VALUES ('kraken.csv', 'aa', 'kyc', 'csv', 2, 1, @t, 'tester'), ('isp-a.csv', 'bb', 'isp', 'csv', 2, 2, @t, 'tester')
                """, ct, ("@t", w.NowUtc));
            await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction, $"""
                INSERT INTO returns_kyc (import_id, line, exchange, customer_id, withdrawal_txid, withdrawal_vout, full_name, given_name, surname, country,
                    id_type, id_number, registration_ip, deposit_addresses)
                VALUES (1, 17, 'kraken', 'C-1', 'ab', 0, 'Testa Quillfeather', 'Testa', 'Quillfeather', 'DE', 'passport', 'TEST-00000001', '203.0.113.9', '{Addr11}'),
                       (1, 18, 'kraken', 'C-2', 'cd', 1, 'Beispiel Sample', 'Beispiel', 'Sample', 'FR', NULL, NULL, NULL, 'bcrt1qnotonthisplatform')
                """, ct);
            await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction, """
                INSERT INTO returns_subscribers (import_id, line, isp, ip, lease_from_utc, lease_to_utc, customer_ref, subscriber_name, street, town, postcode, country)
                VALUES (2, 2, 'isp-a', '198.51.100.7', '2023-11-01T00:00:00.0000000Z', '2023-12-01T00:00:00.0000000Z', 'CR-9', 'Testa Quillfeather',
                        '1 Example Road', 'Sampleton', 'ZZ-0001', 'DE'),
                       (2, 3, 'isp-a', '198.51.100.8', 'soon', 'later', NULL, 'Nobody', NULL, NULL, NULL, NULL)
                """, ct);
            return 0;
        }, _ => "returns rows for the persons test", None);

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Inputs_are_read_from_the_platform_the_returns_and_the_named_files_with_bad_lines_reported(string backend)
    {
        var (t, store, _, importId) = await CaseAsync(backend);
        await using var _t = t;
        await InsertReturnsAsync(store);
        var prior = Path.Combine(t.Root, "prior-records.csv");
        await File.WriteAllTextAsync(prior, "record_id,type,value,earlier_case\nR000001,username,amber_fox,EC-2019-001\nR000002,email,,EC-2019-002\n" +
                                            "R000003,email,\"odd,one@example.invalid\",\n");
        var tor = Path.Combine(t.Root, "tor-exit-list.txt");
        await File.WriteAllTextAsync(tor, "# SYNTHETIC tor exit list\n10.250.9.1\n\nnot-an-ip\n10.250.9.2\n10.250.9.1\n");
        var other = Path.Combine(t.Root, "exits.txt");
        await File.WriteAllTextAsync(other, "10.250.0.5\n");
        var providers = Path.Combine(t.Root, "providers.csv");
        await File.WriteAllTextAsync(providers, "domain,ignores_dots,plus_tags\nmailbox.invalid,true,true\npost.invalid,no,yes\nbroken.invalid,maybe,true\n");
        var geo = Path.Combine(TestPaths.RepoRoot, ".cache", "geoip", "geo-whois-asn-country-ipv4.mmdb");
        var geoIp = Environment.GetEnvironmentVariable("HARRIER_GEOIP") is { } env && File.Exists(env) ? env
            : File.Exists(geo) ? geo
            : throw new InvalidOperationException("the IP-to-country database is missing: ./test.sh fetches it into .cache/geoip (or set HARRIER_GEOIP)");

        using var inputs = await PersonsInputs.LoadAsync(store, new ResolvePersonsRequest(
            PriorRecords: prior, ExitLists: [ExitListFile.Parse(tor), ExitListFile.Parse("vpn=" + other)], EmailProviders: providers, GeoIp: geoIp), None);
        var input = inputs.Input;

        Assert.Equal(importId, inputs.Import.ImportId);
        Assert.Equal(["10", "11", "12"], input.Accounts.Select(a => a.Key));
        Assert.Equal(new AccountInput("10", "quiet_heron", "quiet.heron@example.invalid", DateTimeOffset.FromUnixTimeSeconds(1700000000), true),
            input.Accounts[0]);
        Assert.Equal(new LoginInput("10", new DateTimeOffset(2023, 11, 14, 22, 0, 0, TimeSpan.Zero), "198.51.100.7", "Mozilla/5.0 (synthetic)"), input.Logins[0]);
        Assert.Equal(3, input.Logins.Count);

        // The first KYC row funded account 11's deposit address (seen in its payment); the second names no address of this platform.
        var kyc = Assert.Single(input.Kyc);
        Assert.Equal(("11", "kraken", "C-1", "203.0.113.9", "returns 1, kraken.csv line 17"), (kyc.AccountKey, kyc.Exchange, kyc.CustomerId, kyc.RegistrationIp, kyc.Reference));
        Assert.Equal(new IdentityRecord("Testa Quillfeather", "Testa", "Quillfeather", null, null, null, null, "DE", "passport", "TEST-00000001"), kyc.Holder);

        var subscriber = Assert.Single(input.Subscribers);
        Assert.Equal(("isp-a", "198.51.100.7", new DateTimeOffset(2023, 11, 1, 0, 0, 0, TimeSpan.Zero), "returns 2, isp-a.csv line 2"),
            (subscriber.Isp, subscriber.Ip, subscriber.LeaseFrom, subscriber.Reference));
        Assert.Equal("Testa Quillfeather", subscriber.Subscriber.FullName);

        Assert.Equal([new PriorRecordInput("R000001", "username", "amber_fox", "EC-2019-001"), new PriorRecordInput("R000003", "email", "odd,one@example.invalid", null)],
            input.PriorRecords);
        Assert.Equal([new SharedAddress("10.250.9.1", "tor", "tor-exit-list.txt"), new SharedAddress("10.250.9.2", "tor", "tor-exit-list.txt"),
            new SharedAddress("10.250.0.5", "vpn", "exits.txt")], input.SharedAddresses);
        Assert.Equal([new EmailProviderRule("mailbox.invalid", true, true), new EmailProviderRule("post.invalid", false, true)], input.EmailProviders);
        Assert.NotNull(input.Geo);
        Assert.Null(input.Geo!.CountryOf("10.250.9.1"));
        Assert.Matches("^[A-Z]{2}$", input.Geo.CountryOf("8.8.8.8") ?? "");

        // Bad lines: file and line, the rest used.
        Assert.Equal([(prior, 3L), (tor, 4L), (providers, 4L), ("isp-a.csv", 3L)],
            inputs.Problems.Select(p => (p.File, p.Line)).OrderBy(p => p.Item1 == "isp-a.csv").ToList());
        Assert.Equal(["prior-records", "exit-list", "exit-list", "email-providers", "geoip"], inputs.Files.Select(f => f.Kind));
        Assert.All(inputs.Files, f => Assert.Equal(PersonsInputs.Sha256Async(f.Path, None).Result, f.Sha256));
        Assert.Equal((2L, 1L), (inputs.Files[0].Rows, inputs.Files[0].BadLines));
        Assert.Equal(("tor", 2L, 1L), (inputs.Files[1].ListKind, inputs.Files[1].Rows, inputs.Files[1].BadLines));
        Assert.Equal("vpn", inputs.Files[2].ListKind);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Missing_files_unknown_imports_and_no_import_are_refused_before_anything_is_read(string backend)
    {
        var (t, store, _, _) = await CaseAsync(backend);
        await using var _t = t;
        var e = await Assert.ThrowsAsync<OperationException>(() => PersonsInputs.LoadAsync(store, new ResolvePersonsRequest(PriorRecords: Path.Combine(t.Root, "nope.csv")), None));
        Assert.Contains("nope.csv", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<OperationException>(() => PersonsInputs.LoadAsync(store, new ResolvePersonsRequest(ImportId: 99), None));
        var notMmdb = Path.Combine(t.Root, "x.mmdb");
        await File.WriteAllTextAsync(notMmdb, "not a database");
        await Assert.ThrowsAsync<OperationException>(() => PersonsInputs.LoadAsync(store, new ResolvePersonsRequest(GeoIp: notMmdb), None));
        var bad = Path.Combine(t.Root, "records.csv");
        await File.WriteAllTextAsync(bad, "id,kind\n1,email\n");
        await Assert.ThrowsAsync<OperationException>(() => PersonsInputs.LoadAsync(store, new ResolvePersonsRequest(PriorRecords: bad), None));
    }

    [Fact]
    public void Exit_list_option_names_a_kind_before_the_file_or_none()
    {
        Assert.Equal(new ExitListFile("/x/exits.txt", "tor"), ExitListFile.Parse("tor=/x/exits.txt"));
        Assert.Equal(new ExitListFile("/x/a=b.txt"), ExitListFile.Parse("/x/a=b.txt"));
        Assert.Equal(new ExitListFile("list.txt"), ExitListFile.Parse("list.txt"));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task List_and_show_read_the_latest_run_with_the_platform_activity_and_are_audited(string backend)
    {
        var (t, store, ctx, importId) = await CaseAsync(backend);
        await using var _t = t;
        await Audited.NothingAsync<OperationException>(store, () => new ListPersons(store).RunAsync(new ListPersonsRequest(), ctx, None));
        var runId = await PersonsRun.StoreAsync(store, importId);

        var list = await Audited.ExactlyAsync(store, () => new ListPersons(store).RunAsync(new ListPersonsRequest(MinAccounts: 2), ctx, None), "persons.list");
        Assert.Equal((runId, 1L), (list.RunId, list.Total));
        Assert.Equal(["10", "12"], Assert.Single(list.Persons).AccountKeys);
        Assert.Equal(2, (await new ListPersons(store).RunAsync(new ListPersonsRequest(), ctx, None)).Total);
        Assert.Empty((await new ListPersons(store).RunAsync(new ListPersonsRequest(Country: "fr"), ctx, None)).Persons);
        await Assert.ThrowsAsync<OperationException>(() => new ListPersons(store).RunAsync(new ListPersonsRequest(Country: "Germany"), ctx, None));

        var shown = await Audited.ExactlyAsync(store, () => new ShowPerson(store).RunAsync(new ShowPersonRequest(AccountKey: "12"), ctx, None), "persons.show");
        Assert.Contains("person 1 of persons run", (await store.Audit.ReadAsync(1, None)).Single().Target, StringComparison.Ordinal);
        Assert.Equal(1, shown.Number);
        Assert.Equal(["quiet_heron", "slow_comet"], shown.Accounts.Select(a => a.Username));
        Assert.True(shown.Accounts[0].IsAdmin);
        var heron = shown.Accounts[0].Activity;
        Assert.Equal((1L, 1, 1L, 0L), (heron.Logins, heron.DistinctIps, heron.Uploads, heron.Categorisations));
        Assert.Equal(["198.51.100.7"], heron.HouseholdIps);
        Assert.Equal("2023-11-14T22:00:00.0000000Z", heron.FirstLoginUtc);
        var comet = shown.Accounts[1].Activity;
        Assert.Equal(2, comet.Uploads);
        Assert.Equal(new Harrier.Cases.Platform.PlatformAmount("BTC", 1, "0.5"), Assert.Single(comet.Payments));
        Assert.Equal(9.5, shown.Links.Single().Evidence[0].Weight);
        Assert.Equal("under the threshold", Assert.Single(shown.Refused).Reason);
        Assert.Equal("DE", shown.Country!.Country);
        Assert.Single(shown.Identities);

        // Account 11 logged in only from the run's shared address: no household address.
        var alone = await new ShowPerson(store).RunAsync(new ShowPersonRequest(Number: 2), ctx, None);
        Assert.Equal((1, 0), (alone.Accounts[0].Activity.DistinctIps, alone.Accounts[0].Activity.HouseholdIps.Count));
        Assert.Equal("R000001", Assert.Single(alone.PriorHits).RecordId);

        await Audited.NothingAsync<OperationException>(store, () => new ShowPerson(store).RunAsync(new ShowPersonRequest(Number: 3), ctx, None));
        await Audited.NothingAsync<OperationException>(store, () => new ShowPerson(store).RunAsync(new ShowPersonRequest(AccountKey: "99"), ctx, None));
    }
}
