using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Harrier.Cluster;

/// <summary>
/// The workers of one silo: <see cref="SiloSettings.Jobs"/> loops that lease items from the <see cref="WorkQueue"/>, run
/// each with the handler of its run's kind, and record the outcome under the lease's token; and one loop that renews this
/// silo's leases while it lives. A silo that stops cleanly hands its unfinished leases back; one that dies stops renewing,
/// and Orleans' failure detector (<see cref="MembershipWatcher"/>) or the lease's expiry hands them to another silo.
/// </summary>
internal sealed partial class WorkerService(WorkQueue queue, IEnumerable<IWorkHandler> handlers, SiloSettings settings,
    ILocalSiloDetails silo, ILogger<WorkerService> log) : BackgroundService
{
    private readonly Dictionary<string, IWorkHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RunSpec?> _runs = new(StringComparer.Ordinal);

    /// <summary>This silo's name in the work table: its Orleans address, <c>IP:PORT@GENERATION</c>.</summary>
    public string SiloId => silo.SiloAddress.ToParsableString();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = Enumerable.Range(0, Math.Max(1, settings.Jobs)).Select(_ => WorkLoopAsync(stoppingToken)).Append(RenewLoopAsync(stoppingToken)).ToList();
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // A clean stop: what this silo holds goes back to the table at once, for another silo.
            try
            {
                await queue.ReleaseAsync(SiloId, CancellationToken.None);
            }
            catch (NpgsqlException e)
            {
                LogReleaseFailed(e.Message);
            }
        }
    }

    private async Task WorkLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<WorkItem> items;
            try
            {
                items = await queue.ClaimAsync(SiloId, Math.Max(1, settings.ClaimBatch), settings.Lease, ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogQueueUnavailable(e.Message);
                await Task.Delay(settings.IdlePoll, settings.Time, ct);
                continue;
            }

            if (items.Count == 0)
            {
                await Task.Delay(settings.IdlePoll, settings.Time, ct);
                continue;
            }

            var outcomes = new List<WorkOutcome>(items.Count);
            foreach (var run in items.GroupBy(i => i.RunId, StringComparer.Ordinal))
            {
                outcomes.AddRange(await RunLeaseAsync(run.Key, [.. run], ct));
            }

            var counted = await queue.CompleteAsync(SiloId, outcomes, CancellationToken.None);
            if (counted < outcomes.Count)
            {
                LogLeasesLost(outcomes.Count - counted);
            }
        }
    }

    /// <summary>The items of run <paramref name="runId"/> one claim leased, run together by the run's handler.</summary>
    private async Task<IReadOnlyList<WorkOutcome>> RunLeaseAsync(string runId, IReadOnlyList<WorkItem> items, CancellationToken ct)
    {
        var outcomes = new List<WorkOutcome>(items.Count);
        var todo = new List<WorkItem>(items.Count);
        foreach (var item in items)
        {
            if (item.Attempts > WorkQueue.MaxAttempts)
            {
                outcomes.Add(new WorkOutcome(item, true, null,
                    $"leased {item.Attempts - 1} times without a result (each silo that took it died or stopped renewing); not tried again"));
            }
            else
            {
                todo.Add(item);
            }
        }

        if (todo.Count == 0)
        {
            return outcomes;
        }

        var run = _runs.TryGetValue(runId, out var known) ? known : _runs[runId] = await queue.FindRunAsync(runId, ct);
        if (run is null || !_handlers.TryGetValue(run.Kind, out var handler))
        {
            outcomes.AddRange(todo.Select(item => new WorkOutcome(item, true, null, $"run {runId} of kind '{run?.Kind}' has no handler in this silo")));
            return outcomes;
        }

        try
        {
            outcomes.AddRange(await handler.RunBatchAsync(run, todo, ct));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            outcomes.AddRange(todo.Select(item => new WorkOutcome(item, true, null, e.Message)));
        }

        return outcomes;
    }

    private async Task RenewLoopAsync(CancellationToken ct)
    {
        var every = settings.Lease / 3;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(every, settings.Time, ct);
            try
            {
                await queue.RenewAsync(SiloId, settings.Lease, ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogQueueUnavailable(e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "work table unavailable, trying again: {Reason}")]
    private partial void LogQueueUnavailable(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} results not counted: their lease had passed to another silo (that silo's result stands)")]
    private partial void LogLeasesLost(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not hand back this silo's leases at stop (they expire): {Reason}")]
    private partial void LogReleaseFailed(string reason);
}

/// <summary>
/// Watches Orleans' membership: when a silo is declared dead (by the other silos' probes), its leased items are made
/// pending again at once, without waiting for their leases to run out.
/// </summary>
internal sealed partial class MembershipWatcher(IClusterMembershipService membership, WorkQueue queue, ILogger<MembershipWatcher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var released = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                foreach (var member in snapshot.Members.Values)
                {
                    if (member.Status == SiloStatus.Dead && released.Add(member.SiloAddress))
                    {
                        try
                        {
                            var count = await queue.ReleaseAsync(member.SiloAddress.ToParsableString(), stoppingToken);
                            if (count > 0)
                            {
                                LogReleased(member.SiloAddress.ToParsableString(), count);
                            }
                        }
                        catch (Exception e) when (e is NpgsqlException or TimeoutException)
                        {
                            released.Remove(member.SiloAddress);
                            LogReleaseFailed(e.Message);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "silo {Silo} declared dead: {Count} of its items handed back for another silo")]
    private partial void LogReleased(string silo, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not hand back a dead silo's items (their leases expire): {Reason}")]
    private partial void LogReleaseFailed(string reason);
}
