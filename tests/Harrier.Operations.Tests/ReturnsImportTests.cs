using System.Text.Json;
using CsvHelper;
using Harrier.Cases;
using Harrier.Cases.Returns;
using Harrier.Cases.Tests;
using Harrier.Chain.Tracing;
using Harrier.Operations.Cases;
using Harrier.Operations.Chain;
using Harrier.Operations.Platform;
using Harrier.Operations.Returns;
using Harrier.Scenario;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>The tiny scenario (one item) for the returns end-to-end test: its platform, chain, tags and returns/ folders.</summary>
public sealed class TinyReturnsFixture : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("harrier-returns-test-").FullName;

    public string Exchanges => Path.Combine(Root, "returns", "exchanges");

    public string Isp => Path.Combine(Root, "returns", "isp");

    public Task InitializeAsync() => ScenarioGenerator.GenerateAsync(
        new ScenarioOptions(1, ScenarioPreset.Tiny with { Items = 1, RenderedItems = 1 }, Root, TestPaths.Photos(), null, Environment.ProcessorCount),
        null, CancellationToken.None);

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// <see cref="ImportReturns"/> on real SQLite and PostgreSQL cases: CSV and JSON KYC and ISP files with exact counts,
/// tolerant column names, a file with a bad row rejected whole while a good one imports, a file imported once, KYC rows
/// tied to a hand-made trace's requests, and the tiny scenario's returns tied to its own chain trace.
/// </summary>
public sealed class ReturnsImportTests(TinyReturnsFixture fixture) : IClassFixture<TinyReturnsFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private const string TxA = "aa00000000000000000000000000000000000000000000000000000000000001";
    private const string TxB = "BB00000000000000000000000000000000000000000000000000000000000002";
    private const string TxC = "cc00000000000000000000000000000000000000000000000000000000000003";

    private static async Task<(TestCase Case, CaseStore Store, OperationContext Ctx)> InitAsync(string backend)
    {
        var t = await TestCase.CreateAsync(backend);
        var ctx = new OperationContext("analyst", t.Time);
        await InitCase.RunAsync(new InitCaseRequest(t.CaseDir, "Operation Returns", t.ConnectionString), ctx, None);
        return (t, await t.OpenAsync(), ctx);
    }

    private static string Write(TestCase t, string name, string text)
    {
        var path = Path.Combine(t.Root, "in", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static Task<ImportReturnsResult> Import(CaseStore store, OperationContext ctx, ImportReturnsRequest request) =>
        new ImportReturns(store).RunAsync(request, ctx, None);

    private const string KycCsv = """"
        exchange,customer_id,withdrawal_txid,withdrawal_vout,withdrawal_address,full_name,given_name,surname,date_of_birth,street,town,postcode,country,id_type,id_number,registration_ip,registered_at,risk_score
        nordcoin,C-1,aa00000000000000000000000000000000000000000000000000000000000001,0,bcrt1qexample1,Testa Quillfeather,Testa,Quillfeather,1980-01-02,1 Example Road,Sampletown,ZZ-0001,SE,passport,TEST-00000001,10.1.2.3,2024-01-02T03:04:05Z,low
        nordcoin,C-2,BB00000000000000000000000000000000000000000000000000000000000002,1,,Beispiel Quillfeather,,,,,,,,,,,2024-01-02 03:04:05,
        nordcoin,"C-3, ""quoted""",cc00000000000000000000000000000000000000000000000000000000000003,2,,,,,,,,,,,,,2024-01-02T05:04:05+02:00,
        """";

    private const string KycJson = """
        [
          { "exchange": "alpinex", "customer_id": "A-1", "withdrawal_txid": "aa00000000000000000000000000000000000000000000000000000000000001", "withdrawal_vout": 5, "full_name": "Testa Beispiel", "tier": 2 },
          { "exchange": "alpinex", "customer_id": "A-2", "withdrawal_txid": "cc00000000000000000000000000000000000000000000000000000000000003", "withdrawal_vout": "7", "full_name": null }
        ]
        """;

    private const string IspCsv = """
        isp,ip,lease_from,lease_to,customer_ref,subscriber_name,street,town,postcode,country,service,subscriber_since
        de-net1,10.1.0.42,2024-05-05T03:58:36Z,2024-05-28T03:58:36Z,SUB-1,Proxima Fennelfeather,88 Sample Way,Mockford,ZZ-4872,DE,fixed broadband,2018-08-08T00:00:00Z
        de-net1,2001:DB8:0:0:0:0:0:1,2024-06-01 00:00:00,2024-06-30 00:00:00,SUB-2,Dummo Bramblebrook,,,,,,
        """;

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Csv_and_json_KYC_and_an_ISP_csv_import_with_exact_counts_one_audit_entry_per_file(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        var kyc = Write(t, "kyc/nordcoin.csv", KycCsv);
        Write(t, "kyc/alpinex.json", KycJson);
        Write(t, "kyc/notes.txt", "not a returns file\n");
        var isp = Write(t, "isp.csv", IspCsv);

        var result = await Audited.ExactlyAsync(store,
            () => Import(store, ctx, new ImportReturnsRequest([Path.GetDirectoryName(kyc)!, isp], Justification: "returns")),
            "returns.import", "returns.import", "returns.import");

        Assert.Equal(["alpinex.json", "nordcoin.csv", "isp.csv"], result.Files.Select(f => f.FileName)); // a folder's files by name, .txt left out
        Assert.Equal([("json", "kyc", 2L), ("csv", "kyc", 3L), ("csv", "isp", 2L)], result.Files.Select(f => (f.Format!, f.Kind!, f.Rows)));
        Assert.Equal((3, 0, 5L, 2L, 0L), (result.FilesImported, result.FilesRejected, result.KycRows, result.SubscriberRows, result.RowsTied));
        Assert.False(result.TraceFound);
        Assert.Contains("no trace", result.Warning, StringComparison.Ordinal);
        Assert.Equal(["tier"], result.Files[0].UnknownColumns);
        Assert.Equal(["risk_score"], result.Files[1].UnknownColumns);

        var returns = new ReturnsStore(store);
        var imports = await returns.ImportsAsync(None);
        Assert.Equal(result.Files.Select(f => (f.ImportId!.Value, f.FileName, f.Sha256, f.Kind!, f.Format!, f.Rows, 0L)),
            imports.Select(i => (i.ImportId, i.FileName, i.Sha256, i.Kind, i.Format, i.Rows, i.RowsTied)));
        Assert.All(imports, i => Assert.Equal(("analyst", Timestamps.Format(t.Time.GetUtcNow())), (i.ImportedBy, i.ImportedUtc)));

        var rows = await returns.KycAsync(None);
        Assert.Equal(5, rows.Count);
        var first = rows.Single(r => r.CustomerId == "C-1");
        Assert.Equal(("nordcoin", TxA, 0L, "bcrt1qexample1", "Testa Quillfeather", "1980-01-02", "10.1.2.3", "2024-01-02T03:04:05.0000000Z", 2L),
            (first.Exchange, first.WithdrawalTxid, first.WithdrawalVout, first.WithdrawalAddress, first.FullName, first.DateOfBirth, first.RegistrationIp,
                first.RegisteredUtc, first.Line));
        Assert.Equal(("nordcoin.csv", (string?)null, 0), (first.FileName, first.RequestActor, first.DepositAddresses.Count));
        var second = rows.Single(r => r.CustomerId == "C-2");
        Assert.Equal((TxB.ToLowerInvariant(), (string?)null, "2024-01-02T03:04:05.0000000Z"), (second.WithdrawalTxid, second.GivenName, second.RegisteredUtc));
        Assert.Equal("2024-01-02T03:04:05.0000000Z", rows.Single(r => r.CustomerId == "C-3, \"quoted\"").RegisteredUtc); // +02:00 taken to UTC
        var json = rows.Where(r => r.Exchange == "alpinex").ToList();
        Assert.Equal([(0L, 5L, "Testa Beispiel"), (1L, 7L, null)], json.Select(r => (r.Line, r.WithdrawalVout, r.FullName))); // JSON: line is the array index

        var subscribers = await returns.SubscribersAsync(None);
        Assert.Equal(2, subscribers.Count);
        Assert.Equal(("de-net1", "10.1.0.42", "2024-05-05T03:58:36.0000000Z", "2024-05-28T03:58:36.0000000Z", "SUB-1", "fixed broadband", "2018-08-08T00:00:00.0000000Z"),
            (subscribers[0].Isp, subscribers[0].Ip, subscribers[0].LeaseFromUtc, subscribers[0].LeaseToUtc, subscribers[0].CustomerRef, subscribers[0].Service,
                subscribers[0].SubscriberSinceUtc));
        Assert.Equal(("2001:db8::1", "2024-06-01T00:00:00.0000000Z", (string?)null), (subscribers[1].Ip, subscribers[1].LeaseFromUtc, subscribers[1].Street));

        var entries = (await store.Audit.ReadAsync(3, None)).Select(e => e.Target).ToList();
        Assert.Contains(entries, e => e.Contains("nordcoin.csv", StringComparison.Ordinal) && e.Contains(result.Files[1].Sha256, StringComparison.Ordinal)
            && e.Contains("kyc, csv): 3 rows, 0 tied", StringComparison.Ordinal));

        var listed = await Audited.NoneAsync(store, () => new ListReturns(store).RunAsync(None));
        Assert.Equal(imports, listed.Imports);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Column_names_match_by_alias_without_regard_to_case_separators_or_spaces_and_the_source_may_come_from_an_option(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        var kyc = Write(t, "kyc.csv", $"""
            Exchange Name,CUSTOMER-ID,Tx_Hash,Output Index,Name,DOB,Date of Birth Note
            lionx,L-1,{TxA},3,Testa Sample,1990-12-31,x
            """);
        var noExchange = Write(t, "no-exchange.json", $$"""{ "customers": [ { "Customer": "M-1", "TXID": "{{TxC}}", "vout": 0, "birth_date": "2001-02-03" } ] }""");
        var isp = Write(t, "isp.txt", """
            IP Address,Start,Assigned_To,Customer Ref,Subscriber
            10.9.8.7,2024-01-01T00:00Z,2024-01-31T23:59:59.5Z,S-9,Muster Pebblewick
            """);

        // Without an exchange column or --exchange, the JSON file is refused, saying how to name it; the others import.
        var first = await Import(store, ctx, new ImportReturnsRequest([kyc, noExchange, isp], Isp: "gb-net2"));
        Assert.Equal([true, false, true], first.Files.Select(f => f.Imported));
        var refused = Assert.Single(first.Files[1].Problems);
        Assert.Equal(("no-exchange.json", "file", "(file)"), (refused.File, refused.At, refused.Field));
        Assert.Contains("--exchange NAME", refused.Problem, StringComparison.Ordinal);
        Assert.Equal(["Date of Birth Note"], first.Files[0].UnknownColumns);
        Assert.Equal("isp", first.Files[2].Kind); // told by the columns, whatever the extension

        var second = await Import(store, ctx, new ImportReturnsRequest([noExchange], Exchange: "maplex"));
        Assert.Equal(1, second.FilesImported);

        // An answer with no records: its kind cannot be told from columns it does not have, so --kind says it.
        var empty = Write(t, "empty.json", """{ "customers": [] }""");
        Assert.Contains("--kind", (await Import(store, ctx, new ImportReturnsRequest([empty]))).Files[0].Problems[0].Problem, StringComparison.Ordinal);
        var emptyKyc = await Import(store, ctx, new ImportReturnsRequest([empty], Kind: "kyc"));
        Assert.Equal((1, 0L), (emptyKyc.FilesImported, emptyKyc.KycRows));

        var rows = await new ReturnsStore(store).KycAsync(None);
        Assert.Equal([("lionx", "L-1", TxA, 3L, "Testa Sample", "1990-12-31"), ("maplex", "M-1", TxC, 0L, null, "2001-02-03")],
            rows.Select(r => (r.Exchange, r.CustomerId, r.WithdrawalTxid, r.WithdrawalVout, r.FullName, r.DateOfBirth)));
        var s = Assert.Single(await new ReturnsStore(store).SubscribersAsync(None));
        Assert.Equal(("gb-net2", "10.9.8.7", "2024-01-01T00:00:00.0000000Z", "2024-01-31T23:59:59.5000000Z", "S-9", "Muster Pebblewick"),
            (s.Isp, s.Ip, s.LeaseFromUtc, s.LeaseToUtc, s.CustomerRef, s.SubscriberName));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_file_with_one_bad_row_is_rejected_whole_naming_file_line_and_field_while_a_good_file_imports(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        const string KycHeader = "exchange,customer_id,withdrawal_txid,withdrawal_vout\n";
        const string IspHeader = "isp,ip,lease_from,lease_to\n";
        var files = new[]
        {
            Write(t, "1-bad-txid.csv", KycHeader + $"x,1,{TxA},0\nx,2,{TxA[..63]}g,1\nx,3,{TxC},2\n"),
            Write(t, "2-missing-vout.json", $$"""[{"exchange":"x","customer_id":"1","withdrawal_txid":"{{TxA}}","withdrawal_vout":0},{"exchange":"x","customer_id":"2","withdrawal_txid":"{{TxC}}"}]"""),
            Write(t, "3-bad-time.csv", IspHeader + "p,10.0.0.1,2024-13-01T00:00:00Z,2024-12-02T00:00:00Z\n"),
            Write(t, "4-lease-backwards.csv", IspHeader + "p,10.0.0.1,2024-01-01T00:00:00Z,2024-01-02T00:00:00Z\np,10.0.0.2,2024-02-02T00:00:00Z,2024-02-01T00:00:00Z\n"),
            Write(t, "5-bad-ip.csv", IspHeader + "p,10.0.0.256,2024-01-01T00:00:00Z,2024-01-02T00:00:00Z\np,010.0.0.1,2024-01-01T00:00:00Z,2024-01-02T00:00:00Z\n"),
            Write(t, "6-negative-vout.csv", KycHeader + $"x,1,{TxA},-1\n"),
            Write(t, "7-good.csv", KycHeader + $"x,1,{TxA},0\nx,2,{TxC},1\n"),
        };

        var result = await Audited.ExactlyAsync(store, () => Import(store, ctx, new ImportReturnsRequest(files)), "returns.import");

        Assert.Equal((1, 6, 2L), (result.FilesImported, result.FilesRejected, result.KycRows));
        Assert.Equal([false, false, false, false, false, false, true], result.Files.Select(f => f.Imported));
        Assert.Equal([3L, 2L, 1L, 2L, 2L, 1L, 2L], result.Files.Select(f => f.Rows)); // a rejected file's rows read are reported
        (string File, string At, string Field)[] expected =
        [
            ("1-bad-txid.csv", "line 3", "withdrawal_txid"),
            ("2-missing-vout.json", "record 1", "withdrawal_vout"),
            ("3-bad-time.csv", "line 2", "lease_from"),
            ("4-lease-backwards.csv", "line 3", "lease_to"),
            ("5-bad-ip.csv", "line 2", "ip"),
            ("5-bad-ip.csv", "line 3", "ip"),
            ("6-negative-vout.csv", "line 2", "withdrawal_vout"),
        ];
        Assert.Equal(expected, result.Files.SelectMany(f => f.Problems).Select(p => (p.File, p.At, p.Field)));
        Assert.Equal([1L, 1L, 1L, 1L, 2L, 1L, 0L], result.Files.Select(f => f.ProblemCount));
        Assert.Contains("is not a transaction id", result.Files[0].Problems[0].Problem, StringComparison.Ordinal);
        Assert.Contains("withdrawal_vout is missing", result.Files[1].Problems[0].Problem, StringComparison.Ordinal);
        Assert.Contains("is before lease_from", result.Files[3].Problems[0].Problem, StringComparison.Ordinal);

        var imports = await new ReturnsStore(store).ImportsAsync(None);
        Assert.Equal("7-good.csv", Assert.Single(imports).FileName);
        Assert.Equal(2, (await new ReturnsStore(store).KycAsync(None)).Count);
        Assert.Empty(await new ReturnsStore(store).SubscribersAsync(None));

        // The rejected file, mended, imports.
        File.WriteAllText(files[0], KycHeader + $"x,1,{TxA},0\nx,2,{TxB},1\nx,3,{TxC},2\n");
        Assert.Equal(3, (await Import(store, ctx, new ImportReturnsRequest([files[0]]))).KycRows);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_file_is_imported_once_and_a_missing_path_refuses_the_call_before_anything_is_written(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        var kyc = Write(t, "kyc.csv", KycCsv);
        var isp = Write(t, "isp.csv", IspCsv);
        var first = await Import(store, ctx, new ImportReturnsRequest([kyc]));

        var again = await Audited.NothingAsync<OperationException>(store, () => Import(store, ctx, new ImportReturnsRequest([isp, kyc])));
        Assert.Contains($"already imported (returns import {first.Files[0].ImportId}", again.Message, StringComparison.Ordinal);
        var copy = Write(t, "copy-of-isp.csv", IspCsv);
        var twice = await Audited.NothingAsync<OperationException>(store, () => Import(store, ctx, new ImportReturnsRequest([isp, copy])));
        Assert.Contains("same content", twice.Message, StringComparison.Ordinal);
        var missing = await Audited.NothingAsync<OperationException>(store,
            () => Import(store, ctx, new ImportReturnsRequest([isp, Path.Combine(t.Root, "nowhere.csv")])));
        Assert.Contains("no such file or folder", missing.Message, StringComparison.Ordinal);
        await Audited.NothingAsync<OperationException>(store, () => Import(store, ctx, new ImportReturnsRequest([isp], Kind: "bank")));
        Assert.Single(await new ReturnsStore(store).ImportsAsync(None));

        // Too large a file, or too long a value, rejects that file with a clear message.
        var limited = new ImportReturns(store) { MaxFileBytes = 100, MaxFieldChars = 20 };
        var big = await limited.RunAsync(new ImportReturnsRequest([isp]), ctx, None);
        Assert.Contains("over the limit of 100 bytes", Assert.Single(big.Files[0].Problems).Problem, StringComparison.Ordinal);
        var longField = Write(t, "long.csv", "isp,ip,lease_from,lease_to,note\np,10.0.0.1,2024-01-01T00:00:00Z,2024-01-02T00:00:00Z," + new string('n', 21) + "\n");
        var tooLong = await new ImportReturns(store) { MaxFieldChars = 20 }.RunAsync(new ImportReturnsRequest([longField]), ctx, None);
        Assert.Equal(("line 2", "note"), (tooLong.Files[0].Problems[0].At, tooLong.Files[0].Problems[0].Field));
        Assert.Contains("over the limit of 20", tooLong.Files[0].Problems[0].Problem, StringComparison.Ordinal);

        // Subscribers alone need no trace: no warning.
        var ispOnly = await Import(store, ctx, new ImportReturnsRequest([isp]));
        Assert.Equal((1, false, (string?)null), (ispOnly.FilesImported, ispOnly.TraceFound, ispOnly.Warning));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task KYC_rows_are_tied_to_the_request_leads_with_their_withdrawal_and_the_rest_is_imported_as_not_asked_for(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        static Lead L(string actor, string txid, int vout, params string[] deposits) =>
            new() { Actor = actor, Txid = txid, Vout = vout, Address = "bcrt1qpayout", TagLabel = actor, TagPack = "test", Deposits = deposits, LegalName = actor + " Ltd" };
        var workspace = new ChainWorkspace(store);
        Directory.CreateDirectory(workspace.ChainDirectory); // made by chain import in a real case
        workspace.WriteTrace(new TraceReport
        {
            Options = new TraceOptions(),
            Tip = "00",
            Requests =
            [
                new ExchangeRequest("nordcoin", null, null, ["SE"], [L("nordcoin", TxA, 0, "dep-2", "dep-1"), L("nordcoin", TxB.ToLowerInvariant(), 1, "dep-3")]),
                new ExchangeRequest("alpinex", null, null, ["CH"], [L("alpinex", TxA, 0, "dep-4")]),
            ],
        });
        var kyc = Write(t, "kyc.csv", $"""
            exchange,customer_id,withdrawal_txid,withdrawal_vout
            nordcoin,C-1,{TxA},0
            Alpinex Ltd,C-2,{TxB},1
            nordcoin,C-3,{TxC},2
            NORDCOIN,C-4,{TxA},1
            """);

        var result = await Audited.ExactlyAsync(store, () => Import(store, ctx, new ImportReturnsRequest([kyc])), "returns.import");

        Assert.True(result.TraceFound);
        Assert.Null(result.Warning);
        Assert.Equal((4L, 2L, 2L, 1L), (result.KycRows, result.RowsTied, result.RowsNotAskedFor, result.ExchangeMismatchCount));
        Assert.Equal([("line 4", "C-3", TxC, 2L), ("line 5", "C-4", TxA, 1L)],
            result.NotAskedFor.Select(n => (n.At, n.CustomerId, n.WithdrawalTxid, n.WithdrawalVout)));
        var mismatch = Assert.Single(result.ExchangeMismatches);
        Assert.Equal(("line 3", "Alpinex Ltd", "nordcoin"), (mismatch.At, mismatch.Exchange, mismatch.RequestActor));

        var rows = await new ReturnsStore(store).KycAsync(None);
        Assert.Equal(
        [
            ("C-1", "nordcoin", (IReadOnlyList<string>)["dep-1", "dep-2", "dep-4"]), // the union over the leads of that withdrawal
            ("C-2", "nordcoin", ["dep-3"]),
            ("C-3", null, []),
            ("C-4", null, []),
        ], rows.Select(r => (r.CustomerId, r.RequestActor, r.DepositAddresses)));
        Assert.Equal(2, Assert.Single(await new ReturnsStore(store).ImportsAsync(None)).RowsTied);
        Assert.Contains("2 tied to a request, 2 not asked for", (await store.Audit.ReadAsync(1, None)).Single().Target, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Tiny_scenario_returns_after_its_chain_trace_tie_every_KYC_row_and_import_every_subscriber(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        await new ImportPlatform(store).RunAsync(new ImportPlatformRequest("sqlite:" + Path.Combine(fixture.Root, "platform", "platform.sqlite")), ctx, None);
        var deposits = Path.Combine(t.Root, "deposits.csv");
        await new WriteDeposits(store).RunAsync(new WriteDepositsRequest(deposits), ctx, None);
        await new ImportChain(store).RunAsync(new ImportChainRequest(Path.Combine(fixture.Root, "chain")), ctx, None);
        await new ClusterChain(store).RunAsync(new ClusterChainRequest(Deposits: deposits), ctx, None);
        await new ImportTags(store).RunAsync(new ImportTagsRequest(Path.Combine(fixture.Root, "tags")), ctx, None);
        await new TraceChain(store).RunAsync(new TraceChainRequest(deposits), ctx, None);

        // What the files hold, counted from the files themselves.
        var kycFiles = Directory.GetFiles(fixture.Exchanges);
        var kycRows = kycFiles.Sum(f => f.EndsWith(".json", StringComparison.Ordinal) ? JsonRecords(f) : CsvRecords(f));
        var ispFiles = Directory.GetFiles(fixture.Isp);
        var ispRows = ispFiles.Sum(CsvRecords);
        Assert.True(kycRows > 0 && ispRows > 0);

        var result = await Audited.ExactlyAsync(store, () => Import(store, ctx, new ImportReturnsRequest([fixture.Exchanges, fixture.Isp])),
            [.. Enumerable.Repeat("returns.import", kycFiles.Length + ispFiles.Length)]);

        Assert.Equal((kycFiles.Length + ispFiles.Length, 0), (result.FilesImported, result.FilesRejected));
        Assert.Equal((kycRows, kycRows, 0L, 0L), (result.KycRows, result.RowsTied, result.RowsNotAskedFor, result.ExchangeMismatchCount));
        Assert.Equal(ispRows, result.SubscriberRows);
        var rows = await new ReturnsStore(store).KycAsync(None);
        Assert.Equal(kycRows, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(r.Exchange, r.RequestActor);
            Assert.NotEmpty(r.DepositAddresses);
        });
        Assert.Equal(ispRows, (await new ReturnsStore(store).SubscribersAsync(None)).Count);
    }

    /// <summary>The objects of a JSON array file.</summary>
    private static long JsonRecords(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetArrayLength();
    }

    /// <summary>The data records of a CSV file (after its header).</summary>
    private static long CsvRecords(string path)
    {
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions { HasHeader = true });
        var n = 0L;
        while (reader.Read())
        {
            n++;
        }

        return n;
    }
}
