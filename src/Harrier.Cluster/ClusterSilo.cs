using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Harrier.Cluster;

/// <summary>
/// One silo of a case's cluster (<c>harrier cluster silo</c>): Orleans with ADO.NET membership on the case's PostgreSQL,
/// the run grains, the workers and the membership watcher. A host that is stopped leaves the cluster cleanly (its
/// unfinished leases handed back); one that is killed loses its leases to the other silos.
/// </summary>
public static class ClusterSilo
{
    /// <summary>The cluster id of the case with id <paramref name="caseId"/>.</summary>
    public static string ClusterIdOf(string caseId) => "harrier-" + caseId;

    /// <summary>The Orleans service id of every Harrier cluster.</summary>
    public const string ServiceId = "harrier";

    /// <summary>Builds the silo's host (not started).</summary>
    public static async Task<IHost> BuildAsync(SiloSettings settings, LogLevel logLevel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await ClusterSchema.EnsureAsync(settings.ConnectionString, cancellationToken);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.UseOrleans(silo =>
        {
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = ClusterSchema.OrleansConnectionString(settings.ConnectionString);
            });
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = ServiceId;
            });
            silo.ConfigureEndpoints(settings.Address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(settings.Address));
            Configure(silo.Services, settings);
        });
        return builder.Build();
    }

    /// <summary>The cluster's own services in a silo (also used by the in-process test cluster).</summary>
    internal static void Configure(IServiceCollection services, SiloSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton(new WorkQueue(settings.ConnectionString));
        services.AddSingleton<CaseAccess>();
        services.AddSingleton(settings.Time);
        services.AddSingleton<IWorkHandler, IngestWorkHandler>();
        services.AddSingleton<IWorkHandler, HypothesesWorkHandler>();
        services.AddSingleton<IWorkHandler, EmptyWorkHandler>();
        services.AddHostedService<WorkerService>();
        services.AddHostedService<MembershipWatcher>();
        services.AddSingleton<SiloBankIndex>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloBankIndex>());
    }
}
