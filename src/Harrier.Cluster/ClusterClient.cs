using Harrier.Operations.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Harrier.Cluster;

/// <summary>
/// A connection to a case's cluster (<c>harrier cluster ingest</c>): finds the gateways through the membership table and
/// calls the run grains. A call that fails because its silo went away is tried again (the grain comes back on another silo).
/// </summary>
public sealed class ClusterClient : IAsyncDisposable
{
    private readonly IHost? _host;
    private readonly IClusterClient _client;
    private readonly TimeProvider _time;

    private ClusterClient(IHost host, TimeProvider time)
        : this(host.Services.GetRequiredService<IClusterClient>(), time) => _host = host;

    /// <summary>A client over an Orleans client someone else owns (in-process tests: the TestCluster's client).</summary>
    internal ClusterClient(IClusterClient client, TimeProvider time)
    {
        _client = client;
        _time = time;
        Lookups = new ClusterPdqLookup(_client, time);
    }

    /// <summary>The case's bank lookups served by the silos (any silo answers; <c>harrier serve --cluster</c>).</summary>
    public Harrier.Operations.Banks.IPdqLookup Lookups { get; }


    /// <summary>How long a call is tried again while silos come and go before it fails.</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Connects to the cluster <paramref name="clusterId"/> whose membership is in <paramref name="connectionString"/>.</summary>
    public static async Task<ClusterClient> ConnectAsync(string connectionString, string clusterId, TimeProvider time, CancellationToken cancellationToken)
    {
        await ClusterSchema.EnsureAsync(connectionString, cancellationToken);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = ClusterSchema.OrleansConnectionString(connectionString);
            });
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = ClusterSilo.ServiceId;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new ClusterClient(host, time);
    }

    /// <summary>Creates the run (unless it exists) through its grain; returns its state.</summary>
    public Task<RunStatus> StartAsync(RunSpec spec, int emptyJobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return RetryAsync(() => _client.GetGrain<IRunGrain>(spec.RunId).StartAsync(spec, emptyJobs), cancellationToken);
    }

    /// <summary>Creates the <see cref="RunSpec.Hypotheses"/> run of <paramref name="items"/> (unless it exists) through its grain; returns its state.</summary>
    public Task<RunStatus> StartAsync(RunSpec spec, IReadOnlyList<long> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(items);
        return RetryAsync(() => _client.GetGrain<IRunGrain>(spec.RunId).StartWithItemsAsync(spec, [.. items]), cancellationToken);
    }

    /// <summary>The run's state through its grain; null when there is no such run.</summary>
    public Task<RunStatus?> StatusAsync(string runId, CancellationToken cancellationToken) =>
        RetryAsync(() => _client.GetGrain<IRunGrain>(runId).StatusAsync(), cancellationToken);

    private Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken) => ClusterCalls.RetryAsync(call, _time, RetryFor, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_host is null)
        {
            return;
        }

        try
        {
            await _host.StopAsync(CancellationToken.None);
        }
        finally
        {
            _host.Dispose();
        }
    }
}

/// <summary>Calls to grains from a client, tried again while silos come and go.</summary>
internal static class ClusterCalls
{
    /// <summary>Runs <paramref name="call"/>, again each second while it fails because its silo went away, for up to <paramref name="retryFor"/>.</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, TimeProvider time, TimeSpan retryFor, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + retryFor;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException
                && time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
    }
}
