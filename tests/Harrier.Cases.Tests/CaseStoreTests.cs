namespace Harrier.Cases.Tests;

public sealed class CaseStoreTests
{
    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Init_creates_a_case_that_opens_again(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var created = await t.InitAsync("Operation Stream");
        var reopened = await t.OpenAsync();

        var summary = await reopened.SummaryAsync(CancellationToken.None);
        Assert.Equal(created.Manifest.CaseId, summary.CaseId);
        Assert.Equal("Operation Stream", summary.Name);
        Assert.Equal("2025-03-12T06:00:00.0000000Z", summary.CreatedUtc);
        Assert.Equal(16, summary.SchemaVersion); // 13 workbench accounts, 14 analysts' categories, 15 evidence names as bytes, 16 table digests
        Assert.Equal(0, summary.Exhibits);
        Assert.Equal(1, summary.AuditEntries);
        var entry = Assert.Single(await reopened.Audit.ReadAsync(null, CancellationToken.None));
        Assert.Equal("case.init", entry.Action);
        Assert.Equal("tester", entry.Actor);
        Assert.True(File.Exists(Path.Combine(t.CaseDir, CaseFolder.ManifestFileName)));
        Assert.Equal(backend == TestCase.Sqlite, File.Exists(Path.Combine(t.CaseDir, CaseFolder.DatabaseFileName)));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Init_refuses_a_folder_that_already_holds_a_case(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        await t.InitAsync();
        var e = await Assert.ThrowsAsync<CaseStoreException>(() => t.InitAsync());
        Assert.Contains("already holds a case", e.Message);
    }

    [Fact]
    public async Task Open_without_a_case_names_the_folder()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var e = await Assert.ThrowsAsync<CaseStoreException>(() => t.OpenAsync());
        Assert.Contains(t.CaseDir, e.Message);
        Assert.Contains("case.json", e.Message);
    }

    [Fact]
    public async Task A_database_from_a_newer_harrier_is_refused()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var store = await t.InitAsync();
        await using (var conn = await store.Database.OpenAsync(CancellationToken.None))
        {
            await CaseDatabase.ExecuteAsync(conn, null, "INSERT INTO schema_migrations (version, description, applied_utc) VALUES (999, 'future', 'x')", CancellationToken.None);
        }

        var e = await Assert.ThrowsAsync<CaseStoreException>(() => t.OpenAsync());
        Assert.Contains("newer than this harrier", e.Message);
    }
}
