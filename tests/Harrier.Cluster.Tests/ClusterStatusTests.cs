using Harrier.Cli.Tests;

namespace Harrier.Cluster.Tests;

/// <summary><c>harrier cluster status</c> is a read: on a case that never had a silo or a run it says so and creates nothing.</summary>
public sealed class ClusterStatusTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private string _root = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _root = Directory.CreateTempSubdirectory("harrier-cluster-status-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Status_on_a_case_without_a_cluster_reports_no_run_and_creates_no_table()
    {
        var caseDir = Path.Combine(_root, "case");
        var init = await CliRunner.RunAsync(["case", "init", caseDir, "--name", "no cluster", "--db", _db.ConnectionString]);
        Assert.True(init.ExitCode == 0, init.Err);

        var status = await CliRunner.RunAsync(["cluster", "status", "--case", caseDir, "--db", _db.ConnectionString]);
        Assert.NotEqual(0, status.ExitCode);
        Assert.Contains("no cluster run in this case yet", status.Err, StringComparison.Ordinal);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT COUNT(*) FROM pg_namespace WHERE nspname = 'harrier_cluster'"));
    }
}
