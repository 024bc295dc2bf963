using Harrier.Cases;
using Orleans.TestingHost;

namespace Harrier.Cluster.Tests;

/// <summary>
/// The grain and scheduling logic on Orleans' in-process TestCluster (two silos, one process) against a real PostgreSQL
/// database: runs are created once, every item gets one result, both silos take work, and an item whose lease runs out
/// (its silo stopped renewing) is taken by a live silo.
/// </summary>
public sealed class RunGrainTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private TestDatabase _db = null!;
    private string _root = null!;
    private TestCluster _cluster = null!;
    private WorkQueue _queue = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _root = Directory.CreateTempSubdirectory("harrier-cluster-test-").FullName;
        var store = await CaseStore.CreateAsync(Path.Combine(_root, "case"), "cluster grains", _db.ConnectionString, "tester", TimeProvider.System, CancellationToken.None);
        Configurator.Settings = new SiloSettings
        {
            ConnectionString = _db.ConnectionString,
            CaseDir = store.CaseDir,
            ClusterId = "unused-in-test-cluster",
            Keys = store.KeyStore,
            Store = store,
            Jobs = 2,
            ClaimBatch = 4,
            Lease = TimeSpan.FromSeconds(30),
            IdlePoll = TimeSpan.FromMilliseconds(50),
        };
        await ClusterSchema.EnsureAsync(_db.ConnectionString, CancellationToken.None);
        _queue = new WorkQueue(_db.ConnectionString);
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<Configurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        await _db.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    public void Dispose() => _queue?.Dispose();

    [Fact]
    public async Task A_run_is_created_once_and_every_item_gets_one_result_from_the_silos()
    {
        var grain = _cluster.GrainFactory.GetGrain<IRunGrain>("empty-1");
        var spec = new RunSpec("empty-1", RunSpec.Empty, "X", "tester", null, false);
        var first = await grain.StartAsync(spec, 2_000);
        Assert.Equal(2_000, first.Files);
        // Started again (a client that reconnects): the same run, no second set of items.
        var again = await grain.StartAsync(spec, 2_000);
        Assert.Equal(2_000, again.Files);

        var done = await Eventually.WaitAsync(async () => await grain.StatusAsync() is { Complete: true } s ? s : null, Deadline, "every item done");
        Assert.Equal(2_000, done.Done);
        Assert.Equal(0, done.Failed);
        Assert.Equal(2_000, await _db.ScalarAsync<long>("SELECT COUNT(*) FROM harrier_cluster.work WHERE state = 'done' AND done_by IS NOT NULL"));
        Assert.Equal(2_000, done.Silos.Sum(s => s.Done));
        Assert.All(done.Silos, s => Assert.StartsWith("127.0.0.1:", s.Silo, StringComparison.Ordinal));
        Assert.Equal(0, done.Retried);
    }

    [Fact]
    public async Task A_hypotheses_run_takes_the_items_it_is_given_once_and_records_why_an_item_failed()
    {
        var grain = _cluster.GrainFactory.GetGrain<IRunGrain>("hypotheses-X-1");
        var spec = new RunSpec("hypotheses-X-1", RunSpec.Hypotheses, "X", "tester", null, false);

        // A hypotheses run is only ever given its items (the files its client's triage found to need them)...
        await Assert.ThrowsAsync<ArgumentException>(() => grain.StartAsync(spec, 0));
        // ...and an ingest run chooses its own.
        await Assert.ThrowsAsync<ArgumentException>(() => _cluster.GrainFactory.GetGrain<IRunGrain>("ingest-X-1")
            .StartWithItemsAsync(new RunSpec("ingest-X-1", RunSpec.Ingest, "X", "tester", null, false), [1]));

        Assert.Equal(3, (await grain.StartWithItemsAsync(spec, [11, 12, 12, 13])).Files);
        Assert.Equal(3, (await grain.StartWithItemsAsync(spec, [11, 12, 13, 14, 15])).Files); // started again: joined, not extended

        // This case has no exhibit X: each item fails with the operation's reason, recorded once, and the run completes.
        var done = await Eventually.WaitAsync(async () => await grain.StatusAsync() is { Complete: true } s ? s : null, Deadline, "every item has a result");
        Assert.Equal(3, done.Failed);
        Assert.Equal([11L, 12L, 13L], done.Failures.Select(f => f.Item));
        Assert.All(done.Failures, f => Assert.Equal($"no readable evidence file {f.Item} in exhibit X", f.Reason));
    }

    [Fact]
    public async Task A_client_that_disconnects_and_reconnects_sees_the_runs_true_state()
    {
        var spec = new RunSpec("reconnect-1", RunSpec.Empty, "X", "tester", null, false);
        Assert.Equal(500, (await _cluster.Client.GetGrain<IRunGrain>(spec.RunId).StartAsync(spec, 500)).Files);

        // The client goes away without a word; the silos go on and finish the run with no client connected.
        await _cluster.KillClientAsync();
        var done = await Eventually.WaitAsync(async () => await _queue.StatusAsync(spec.RunId, CancellationToken.None) is { Complete: true } s ? s : null, Deadline, "the run done with no client");

        // A new client: the run's state through its grain is the table's, and starting it again joins it (no new items).
        await _cluster.InitializeClientAsync();
        var grain = _cluster.Client.GetGrain<IRunGrain>(spec.RunId);
        var seen = (await grain.StatusAsync())!;
        Assert.Equal((done.Files, done.Done, done.Failed, done.Pending, done.Leased, done.Retried), (seen.Files, seen.Done, seen.Failed, seen.Pending, seen.Leased, seen.Retried));
        Assert.Equal(500, seen.Done);
        Assert.Equal(done.Silos, seen.Silos);
        Assert.Equal(500, (await grain.StartAsync(spec, 500)).Files);
        Assert.Equal(500, await _db.ScalarAsync<long>("SELECT COUNT(*) FROM harrier_cluster.work WHERE run_id = 'reconnect-1'"));
    }

    [Fact]
    public async Task An_item_whose_silo_stopped_renewing_its_lease_is_done_by_a_live_silo()
    {
        // A silo that leased two items and died: its leases are in the table, short, and never renewed. Nothing else is
        // pending, so the live silos take the items only when the leases have run out (on the server's clock).
        // (Written as leased in the run's own transaction: the live silos would take pending items first.)
        var claimed = await LeasedRunAsync("lost-1", "10.0.0.9:11111@1", TimeSpan.FromSeconds(2), leased: [1, 2], pending: [3]);

        var status = await Eventually.WaitAsync(async () => await _queue.StatusAsync("lost-1", CancellationToken.None) is { Complete: true } s ? s : null, Deadline, "the lost items done");
        Assert.Equal(3, status.Done);
        Assert.Equal(2, status.Retried);
        Assert.DoesNotContain(status.Silos, s => s.Silo == "10.0.0.9:11111@1");

        // The dead silo's late result is refused: its lease token is no longer the item's.
        Assert.Equal(0, await _queue.CompleteAsync("10.0.0.9:11111@1", [.. claimed.Select(c => new WorkOutcome(c, false, "late", null))], CancellationToken.None));
        Assert.Equal(0, await _db.ScalarAsync<long>("SELECT COUNT(*) FROM harrier_cluster.work WHERE outcome = 'late'"));
    }

    [Fact]
    public async Task A_dead_silos_leases_are_handed_back_at_once()
    {
        await LeasedRunAsync("dead-1", "10.0.0.9:11111@2", TimeSpan.FromHours(1), leased: [1], pending: []);
        Assert.Equal(1, await _queue.ReleaseAsync("10.0.0.9:11111@2", CancellationToken.None));
        var status = await Eventually.WaitAsync(async () => await _queue.StatusAsync("dead-1", CancellationToken.None) is { Complete: true } s ? s : null, Deadline, "the released item done");
        Assert.Equal(1, status.Done);
        Assert.Equal(1, status.Retried);
    }

    /// <summary>A run of empty jobs whose <paramref name="leased"/> items a silo that is gone holds; returns its leases.</summary>
    private async Task<List<WorkItem>> LeasedRunAsync(string runId, string silo, TimeSpan lease, long[] leased, long[] pending)
    {
        var items = string.Join(", ", leased.Select(i => $"('{runId}', {i}, 'leased', 1, '{silo}', gen_random_uuid(), clock_timestamp() + interval '{lease.TotalSeconds} seconds')")
            .Concat(pending.Select(i => $"('{runId}', {i}, 'pending', 0, NULL, NULL, NULL)")));
        await _db.RowsAsync($"""
            INSERT INTO harrier_cluster.runs (run_id, kind, exhibit_id, actor, thumbnails, files) VALUES ('{runId}', 'empty', 'X', 'tester', false, {leased.Length + pending.Length});
            INSERT INTO harrier_cluster.work (run_id, item, state, attempts, leased_by, lease_token, lease_until) VALUES {items};
            """);
        return [.. (await _db.RowsAsync($"SELECT item, lease_token FROM harrier_cluster.work WHERE run_id = '{runId}' AND state = 'leased' ORDER BY item"))
            .Select(r => r.Split(" | ")).Select(p => new WorkItem(runId, long.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), 1, Guid.Parse(p[1])))];
    }

    /// <summary>The cluster's services in each test silo (TestCluster makes configurators with their default constructor).</summary>
    public sealed class Configurator : ISiloConfigurator
    {
        internal static SiloSettings Settings { get; set; } = null!;

        public void Configure(ISiloBuilder siloBuilder) => ClusterSilo.Configure(siloBuilder.Services, Settings);
    }
}
