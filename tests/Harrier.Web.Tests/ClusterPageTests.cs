using Harrier.Cases;
using Harrier.Cluster;
using Harrier.Operations.Cluster;
using Harrier.Testing;
using Harrier.Web.Accounts;
using Microsoft.Playwright;
using Npgsql;

namespace Harrier.Web.Tests;

/// <summary>
/// The workbench's view of a cluster run (issue 18 item 3) on a case on the test PostgreSQL: a run built through the
/// cluster's real work table (runs, leases and results as silos write them), shown in a browser with the numbers
/// <c>harrier cluster status</c> reads: files done and failed, per silo, rate, ETA, every failure with its reason. The
/// page only reads: before any run it says so and creates no cluster table.
/// </summary>
public sealed class ClusterPageTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-web-cluster-").FullName;
    private string _database = null!;
    private string _connectionString = null!;
    private CaseStore _store = null!;
    private Workbench _workbench = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _database = "harrier_web_cluster_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(TestPostgres.AdminConnection))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {_database}", admin);
            await cmd.ExecuteNonQueryAsync();
        }

        _connectionString = new NpgsqlConnectionStringBuilder(TestPostgres.AdminConnection) { Database = _database, Pooling = false }.ConnectionString;
        _store = await CaseStore.CreateAsync(Path.Combine(_root, "case"), "cluster page", _connectionString, "tester", TimeProvider.System, CancellationToken.None);
        _workbench = await Workbench.StartAsync(_store, new WorkbenchOptions { Port = 0, VendorDir = Environment.GetEnvironmentVariable("HARRIER_WEB_VENDOR") },
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _workbench.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(TestPostgres.AdminConnection))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
            await cmd.ExecuteNonQueryAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_cluster_runs_progress_is_shown_per_silo_with_rate_eta_and_every_failure()
    {
        var page = await SignedInAsync();
        await page.GotoAsync("/cluster");
        Assert.Contains("No cluster run", await page.InnerTextAsync("#cluster-none"), StringComparison.Ordinal);
        Assert.False(await SchemaExistsAsync(), "viewing the cluster page created the cluster's tables");

        // A run of ten items as silos leave it mid-way: silo A finished three and failed one, silo B holds two, four wait.
        await ClusterSchema.EnsureAsync(_connectionString, CancellationToken.None);
        using var queue = new WorkQueue(_connectionString);
        var spec = new RunSpec("empty-page-1", RunSpec.Empty, "EX-1", "tester", null, false);
        Assert.True(await queue.CreateRunAsync(spec, [.. Enumerable.Range(1, 10).Select(i => (long)i)], CancellationToken.None));
        const string A = "10.0.0.1:11111@1";
        const string B = "10.0.0.2:11111@1";
        var lease = TimeSpan.FromMinutes(5);
        var a = await queue.ClaimAsync(A, 4, lease, CancellationToken.None);
        var b = await queue.ClaimAsync(B, 2, lease, CancellationToken.None);
        Assert.Equal(4, await queue.CompleteAsync(A, [.. a.Take(3).Select(i => new WorkOutcome(i, false, "empty", null)), new WorkOutcome(a[3], true, null, "decoder gave up at frame 7")],
            CancellationToken.None));

        var status = (await queue.StatusAsync(spec.RunId, CancellationToken.None))!; // what `harrier cluster status` prints
        Assert.Equal((4, 1, 2, 4), (status.Done + status.Failed, status.Failed, status.Leased, status.Pending));

        await page.ReloadAsync();
        var run = page.Locator($"section.cluster-run[data-run='{spec.RunId}']");
        var summary = await run.Locator(".run-summary").InnerTextAsync();
        Assert.Contains("4 of 10 files done", summary, StringComparison.Ordinal);
        Assert.Contains("1 failed", summary, StringComparison.Ordinal);
        Assert.Contains("2 in work, 4 waiting", summary, StringComparison.Ordinal);
        Assert.Contains(" files/s", await run.Locator(".rate").InnerTextAsync(), StringComparison.Ordinal);
        Assert.StartsWith("ETA ", await run.Locator(".eta").InnerTextAsync(), StringComparison.Ordinal);
        var silos = await run.Locator("table.silos tbody tr, table.silos tr:not(:first-child)").AllInnerTextsAsync();
        Assert.Contains(silos, r => r.StartsWith(A, StringComparison.Ordinal) && r.Replace('\t', ' ').EndsWith("3 1 0", StringComparison.Ordinal));
        Assert.Contains(silos, r => r.StartsWith(B, StringComparison.Ordinal) && r.Replace('\t', ' ').EndsWith("0 0 2", StringComparison.Ordinal));
        var failure = await run.Locator("table.failures tr", new() { HasText = "decoder gave up" }).InnerTextAsync();
        Assert.Contains($"item {a[3].Item}", failure, StringComparison.Ordinal);
        await WorkbenchFixture.ScreenshotAsync(page, "cluster-run-in-progress");

        // The rest done (B's two, and the four waiting by A): complete, with the failure still listed.
        await queue.CompleteAsync(B, [.. b.Select(i => new WorkOutcome(i, false, "empty", null))], CancellationToken.None);
        var rest = await queue.ClaimAsync(A, 10, lease, CancellationToken.None);
        await queue.CompleteAsync(A, [.. rest.Select(i => new WorkOutcome(i, false, "empty", null))], CancellationToken.None);
        await page.ReloadAsync();
        summary = await run.Locator(".run-summary").InnerTextAsync();
        Assert.Contains("10 of 10 files done", summary, StringComparison.Ordinal);
        Assert.Equal("complete", await run.Locator(".eta").InnerTextAsync());
        Assert.Equal(1, await run.Locator("table.failures tr", new() { HasText = "decoder gave up" }).CountAsync());
    }

    private async Task<bool> SchemaExistsAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return await ClusterRuns.SchemaExistsAsync(connection, CancellationToken.None);
    }

    /// <summary>A browser page of a new coordinator, signed in through the real first-login flow.</summary>
    private async Task<IPage> SignedInAsync()
    {
        var added = await new AccountAdmin(_store).AddAsync("coord", WorkbenchRoles.Coordinator, null, "test", "cluster page test", CancellationToken.None);
        _playwright = await Playwright.CreateAsync();
        _browser = await WorkbenchFixture.LaunchChromiumAsync(_playwright);
        var page = await WorkbenchFixture.NewPageAsync(_browser, _workbench.Address);
        await page.GotoAsync("/login");
        await page.FillAsync("input[name=Name]", "coord");
        await page.FillAsync("input[name=Password]", added.OneTimePassword);
        await page.ClickAsync("form:has(input[name=Password]) button[type=submit]");
        await WorkbenchFixture.ReachesAsync(page, "/account/password");
        const string Password = "coord-correct-horse-battery";
        await page.FillAsync("input[name=Current]", added.OneTimePassword);
        await page.FillAsync("input[name=New]", Password);
        await page.FillAsync("input[name=Again]", Password);
        await page.ClickAsync("form:has(input[name=New]) button[type=submit]");
        await WorkbenchFixture.LeavesAsync(page, "/account/password");
        return page;
    }
}
