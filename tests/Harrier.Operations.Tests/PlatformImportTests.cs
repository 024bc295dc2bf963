using Harrier.Cases;
using Harrier.Cases.Platform;
using Harrier.Cases.Tests;
using Harrier.Operations.Cases;
using Harrier.Operations.Evidence;
using Harrier.Operations.Platform;
using Harrier.Scenario;
using Harrier.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Harrier.Operations.Tests;

/// <summary>One tiny scenario (its platform database, SQL dump and media) for the platform import tests.</summary>
public sealed class TinyPlatformFixture : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("harrier-platform-test-").FullName;

    public string Sqlite => Path.Combine(Root, "platform", "platform.sqlite");

    public string Dump => Path.Combine(Root, "platform", "platform.sql");

    public string Media => Path.Combine(Root, "media");

    public Task InitializeAsync() => ScenarioGenerator.GenerateAsync(
        new ScenarioOptions(5, ScenarioPreset.Tiny with { Items = 3, RenderedItems = 3 }, Root, TestPaths.Photos(), null, Environment.ProcessorCount),
        null, CancellationToken.None);

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Rows of <paramref name="table"/> in the scenario's platform database.</summary>
    public long Count(string table, string where = "1 = 1")
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Sqlite, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {table} WHERE {where}";
        return (long)cmd.ExecuteScalar()!;
    }
}

/// <summary>
/// <see cref="ImportPlatform"/> on real SQLite and PostgreSQL cases: the scenario's platform through the default mapping
/// (from the SQLite file, a PostgreSQL database and a dump through scratch PostgreSQL), a differently shaped platform
/// through its own mapping, a mapping that does not fit refused before any write, and bad rows reported.
/// </summary>
public sealed class PlatformImportTests(TinyPlatformFixture fixture) : IClassFixture<TinyPlatformFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<(TestCase Case, CaseStore Store, OperationContext Ctx)> InitAsync(string backend)
    {
        var t = await TestCase.CreateAsync(backend);
        var ctx = new OperationContext("analyst", t.Time);
        await InitCase.RunAsync(new InitCaseRequest(t.CaseDir, "Operation Platform", t.ConnectionString), ctx, None);
        return (t, await t.OpenAsync(), ctx);
    }

    private PlatformCounts SourceCounts(long linked) => new(
        fixture.Count("users"), fixture.Count("logins"), fixture.Count("videos"), fixture.Count("video_files"), linked, fixture.Count("video_categories"),
        fixture.Count("token_ledger"), fixture.Count("payments"), fixture.Count("messages"));

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Scenario_platform_imports_every_row_links_every_upload_file_to_its_evidence_and_a_second_import_is_refused(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        await new AddEvidence(store).RunAsync(new AddEvidenceRequest(fixture.Media, "MEDIA"), ctx, None);

        var result = await Audited.ExactlyAsync(store,
            () => new ImportPlatform(store).RunAsync(new ImportPlatformRequest("sqlite:" + fixture.Sqlite, Justification: "test"), ctx, None), "platform.import");

        Assert.Equal(SourceCounts(fixture.Count("video_files")), result.Counts);
        Assert.Equal(result.Counts, await new PlatformStore(store).CountRowsAsync(result.ImportId, None));
        Assert.Equal(0, result.RejectedRows);
        Assert.Equal(("sqlite", PlatformMappingFormat.Sha256(PlatformMapping.Default)), (result.SourceKind, result.MappingSha256));
        var entry = (await store.Audit.ReadAsync(1, None)).Single();
        Assert.Contains(result.MappingSha256, entry.Target, StringComparison.Ordinal);
        Assert.Contains(result.SourceId, entry.Target, StringComparison.Ordinal);
        Assert.Contains($"{result.Counts.Accounts} accounts", entry.Target, StringComparison.Ordinal);

        // Every file the platform stored is the evidence file at the same path under the seized media folder (the
        // platform's path carries the folder the exhibit was registered at: a path tail links it).
        var evidence = (await new ListEvidence(store).RunAsync(new ListEvidenceRequest("MEDIA"), ctx, None)).Files.ToDictionary(f => f.Id);
        var files = await new PlatformStore(store).UploadFilesAsync(result.ImportId, None);
        Assert.All(files, f =>
        {
            Assert.Equal("path", f.LinkedBy);
            Assert.EndsWith("/" + evidence[f.EvidenceId!.Value].RelPath, "/" + f.Path, StringComparison.Ordinal);
        });

        var accounts = await new PlatformStore(store).AccountsAsync(result.ImportId, None);
        Assert.Equal(fixture.Count("users", "role = 'admin'"), accounts.Count(a => a.IsAdmin));
        Assert.All(accounts, a => Assert.NotNull(a.RegisteredUtc));

        // The same file again is refused, before and without writing anything.
        var refused = await Audited.NothingAsync<OperationException>(store,
            () => new ImportPlatform(store).RunAsync(new ImportPlatformRequest("sqlite:" + fixture.Sqlite), ctx, None));
        Assert.Contains("already imported", refused.Message, StringComparison.Ordinal);
        Assert.Single(await new PlatformStore(store).ListAsync(None));
    }

    [Fact]
    public async Task Scenario_dump_is_loaded_into_a_scratch_PostgreSQL_database_imported_and_the_scratch_database_dropped()
    {
        var (t, store, ctx) = await InitAsync(TestCase.Sqlite);
        await using var _ = t;
        var admin = TestPostgres.AdminConnection;

        await Assert.ThrowsAsync<OperationException>(() => new ImportPlatform(store).RunAsync(new ImportPlatformRequest("dump:" + fixture.Dump), ctx, None));
        var result = await Audited.ExactlyAsync(store,
            () => new ImportPlatform(store).RunAsync(new ImportPlatformRequest("dump:" + fixture.Dump, Scratch: admin), ctx, None), "platform.import");

        Assert.Equal(SourceCounts(0), result.Counts); // no evidence registered in this case: nothing to link
        Assert.Equal((0L, "dump"), (result.RejectedRows, result.SourceKind));
        Assert.Empty(await ScratchDatabasesAsync(admin));
    }

    [Fact]
    public async Task Scenario_platform_in_a_live_PostgreSQL_database_imports_the_same_as_the_SQLite_file()
    {
        var (t, store, ctx) = await InitAsync(TestCase.Sqlite);
        await using var _ = t;
        await using var platform = await ScratchDatabase.LoadAsync(TestPostgres.AdminConnection, fixture.Dump, None);

        // A password (ignored by the test server's trust authentication) is never shown or recorded.
        var result = await Audited.ExactlyAsync(store, () => new ImportPlatform(store).RunAsync(
            new ImportPlatformRequest("postgres:" + platform.ConnectionString + ";Password=synthetic-secret"), ctx, None), "platform.import");

        Assert.Equal(SourceCounts(0), result.Counts);
        Assert.DoesNotContain("synthetic-secret", result.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("synthetic-secret", (await store.Audit.ReadAsync(1, None)).Single().Target, StringComparison.Ordinal);
        Assert.Equal("postgres", result.SourceKind);
        Assert.StartsWith("postgres:", result.SourceId, StringComparison.Ordinal);
        Assert.EndsWith("/" + platform.Name, result.SourceId, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Differently_shaped_platform_imports_through_its_own_mapping_with_upper_case_digests_linked(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        OtherPlatform.WriteEvidence(t.EvidenceDir);
        await new AddEvidence(store).RunAsync(new AddEvidenceRequest(t.EvidenceDir, "SERVER"), ctx, None);
        var source = OtherPlatform.Write(Path.Combine(t.Root, "other.sqlite"));
        var mapping = Path.Combine(t.Root, "other.yaml");
        File.WriteAllText(mapping, OtherPlatform.Mapping);

        var result = await Audited.ExactlyAsync(store,
            () => new ImportPlatform(store).RunAsync(new ImportPlatformRequest("sqlite:" + source, mapping), ctx, None), "platform.import");

        Assert.Equal(new PlatformCounts(3, 3, 3, 3, 2, 0, 0, 2, 2), result.Counts);
        Assert.Equal(PlatformMappingFormat.Sha256(PlatformMappingFormat.Parse(OtherPlatform.Mapping)), result.MappingSha256);
        var platform = new PlatformStore(store);
        var accounts = await platform.AccountsAsync(result.ImportId, None);
        Assert.Equal(["10"], accounts.Where(a => a.IsAdmin).Select(a => a.AccountKey));
        Assert.Equal("2023-11-14T22:13:20.0000000Z", accounts.Single(a => a.AccountKey == "10").RegisteredUtc); // unix seconds
        Assert.Null(accounts.Single(a => a.AccountKey == "11").Email);

        var evidence = (await new ListEvidence(store).RunAsync(new ListEvidenceRequest("SERVER"), ctx, None)).Files.ToDictionary(f => f.Id, f => f.RelPath);
        var files = (await platform.UploadFilesAsync(result.ImportId, None)).ToDictionary(f => f.UploadKey);
        Assert.Equal(("sha256", "up/renamed-by-seizure.bin"), (files["100"].LinkedBy, evidence[files["100"].EvidenceId!.Value]));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(OtherPlatform.ByDigest)), files["100"].Sha256);
        Assert.Equal(("path", "up/nested/b2.bin"), (files["101"].LinkedBy, evidence[files["101"].EvidenceId!.Value]));
        Assert.Null(files["102"].EvidenceId);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Mapping_naming_a_missing_table_or_column_is_refused_naming_them_before_any_row_is_written(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        var source = OtherPlatform.Write(Path.Combine(t.Root, "other.sqlite"));
        var mapping = Path.Combine(t.Root, "wrong.yaml");
        File.WriteAllText(mapping, OtherPlatform.Mapping.Replace("email: mail", "email: e_mail", StringComparison.Ordinal)
            .Replace("table: pm", "table: private_messages", StringComparison.Ordinal));
        var before = await store.SummaryAsync(None);

        var e = await Audited.NothingAsync<OperationException>(store,
            () => new ImportPlatform(store).RunAsync(new ImportPlatformRequest("sqlite:" + source, mapping), ctx, None));

        Assert.Contains("table 'members' has no column 'e_mail'", e.Message, StringComparison.Ordinal);
        Assert.Contains("no table 'private_messages'", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", e.Message, StringComparison.Ordinal);
        Assert.Empty(await new PlatformStore(store).ListAsync(None));
        Assert.Equal(before, await store.SummaryAsync(None));

        // A mapping that is wrong in itself (an unknown field) is refused the same way.
        File.WriteAllText(mapping, OtherPlatform.Mapping.Replace("ip: remote_addr", "ipaddr: remote_addr", StringComparison.Ordinal));
        var unknown = await Audited.NothingAsync<OperationException>(store,
            () => new ImportPlatform(store).RunAsync(new ImportPlatformRequest("sqlite:" + source, mapping), ctx, None));
        Assert.Contains("logins: unknown field 'ipaddr'", unknown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Rows_that_break_the_mapping_are_reported_with_table_and_key_and_the_rest_is_imported(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        var source = OtherPlatform.Write(Path.Combine(t.Root, "other.sqlite"), bad: true);
        var mapping = Path.Combine(t.Root, "other.yaml");
        File.WriteAllText(mapping, OtherPlatform.Mapping);

        var result = await Audited.ExactlyAsync(store,
            () => new ImportPlatform(store).RunAsync(new ImportPlatformRequest("sqlite:" + source, mapping), ctx, None), "platform.import");

        Assert.Equal(new PlatformCounts(3, 2, 3, 2, 0, 0, 0, 1, 2), result.Counts);
        Assert.Equal(result.Counts, await new PlatformStore(store).CountRowsAsync(result.ImportId, None));
        Assert.Equal(3, result.RejectedRows);
        Assert.Equal(
            [("logins", "sessions", "sid=3", "time"), ("upload_files", "media_posts", "post_id=102", "sha256"), ("payments", "wallet_deposits", "dep_id=2", "amount")],
            result.Rejected.Select(p => (p.Entity, p.Table, p.Row, p.Field)));
        Assert.Contains("'yesterday' is not a time", result.Rejected[0].Problem, StringComparison.Ordinal);
        Assert.Contains("'lots' is not an amount", result.Rejected[2].Problem, StringComparison.Ordinal);
        Assert.Equal(3, Assert.Single(await new PlatformStore(store).ListAsync(None)).RejectedRows);
    }

    [Fact]
    public void Mapping_format_round_trips_and_its_digest_ignores_layout()
    {
        var text = PlatformMappingFormat.Write(PlatformMapping.Default);
        Assert.Equal(text, PlatformMappingFormat.Write(PlatformMappingFormat.Parse(text)));
        Snapshot.Match("platform-mapping.default.yaml", text);

        var other = PlatformMappingFormat.Parse(OtherPlatform.Mapping);
        var canonical = PlatformMappingFormat.Write(other);
        Assert.Equal(canonical, PlatformMappingFormat.Write(PlatformMappingFormat.Parse(canonical)));
        Assert.Equal(PlatformMappingFormat.Sha256(other), PlatformMappingFormat.Sha256(PlatformMappingFormat.Parse(canonical)));
        Assert.Equal("DIGEST", other.UploadFiles!.Columns["sha256"]);
        Assert.Equal("BTC", other.Payments!.Constants["currency"]);
        Assert.Equal(["sid"], other.Logins!.Key);
        Assert.NotEqual(PlatformMappingFormat.Sha256(PlatformMapping.Default), PlatformMappingFormat.Sha256(other));

        Assert.Contains("required, but mapped to no column",
            Assert.Throws<OperationException>(() => PlatformMappingFormat.Parse("accounts:\n  table: t\n  columns:\n    username: u\n")).Message, StringComparison.Ordinal);
        Assert.Contains("not a platform mapping", Assert.Throws<OperationException>(() => PlatformMappingFormat.Parse("accounts: [1, 2")).Message, StringComparison.Ordinal);
        Assert.Contains("no_such_entity", Assert.Throws<OperationException>(() => PlatformMappingFormat.Parse("no_such_entity: {}\n")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2023-11-14 22:13:20", null, "2023-11-14T22:13:20.0000000Z")]
    [InlineData("2023-11-14T23:13:20+01:00", null, "2023-11-14T22:13:20.0000000Z")]
    [InlineData("1700000000", null, "2023-11-14T22:13:20.0000000Z")]
    [InlineData("1700000000000", "unix_ms", "2023-11-14T22:13:20.0000000Z")]
    [InlineData("14/11/2023 22:13", "dd/MM/yyyy HH:mm", "2023-11-14T22:13:00.0000000Z")]
    public void Times_are_read_as_UTC(string value, string? format, string expected)
    {
        Assert.True(PlatformValues.TryTime(value, format, out var utc, out var problem), problem);
        Assert.Equal(expected, utc);
    }

    private static async Task<List<string>> ScratchDatabasesAsync(string admin)
    {
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'harrier_scratch_%'", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await reader.ReadAsync())
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    [Fact]
    public async Task Deposit_list_holds_every_users_deposit_address_from_the_import_once_in_account_order()
    {
        var (t, store, ctx) = await InitAsync("sqlite");
        await using var _ = t;
        await Assert.ThrowsAsync<OperationException>(() => new WriteDeposits(store).RunAsync(new WriteDepositsRequest(Path.Combine(t.CaseDir, "d.csv")), ctx, None));
        var import = await new ImportPlatform(store).RunAsync(new ImportPlatformRequest("sqlite:" + fixture.Sqlite), ctx, None);
        await Assert.ThrowsAsync<OperationException>(() => new WriteDeposits(store).RunAsync(new WriteDepositsRequest(Path.Combine(t.CaseDir, "d.csv"), import.ImportId + 1), ctx, None));

        var result = await Audited.ExactlyAsync(store,
            () => new WriteDeposits(store).RunAsync(new WriteDepositsRequest(Path.Combine(t.CaseDir, "deposits.csv")), ctx, None), "platform.deposits");

        // The source's users, read here straight from the platform database, in id order.
        var expected = new List<string>();
        using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = fixture.Sqlite, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT deposit_address, id FROM users ORDER BY id";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                expected.Add($"{reader.GetString(0)},{reader.GetInt64(1)}");
            }
        }

        Assert.Equal(expected, File.ReadAllLines(result.Path));
        Assert.Equal(expected.Count, result.Deposits);
        Assert.Equal((import.ImportId, 0, 0), (result.ImportId, result.AccountsWithoutAddress, result.SharedAddresses));
        Assert.Equal(expected.Count, Harrier.Chain.Tracing.DepositList.Read(result.Path).Count);
    }
}
