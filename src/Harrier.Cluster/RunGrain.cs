using Harrier.Operations.Cluster;
using Harrier.Cases;
using Harrier.Cases.Triage;

namespace Harrier.Cluster;

/// <summary>
/// A cluster run, one grain per run id, on whichever silo Orleans places it (and again on another when that silo dies: it
/// keeps no state of its own). It is the one entry point that creates a run (its items, in the work table, in one
/// transaction, at most once) and answers for its state, which it reads from the table: a client that reconnects, to any
/// silo, sees the run's true state.
/// </summary>
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Creates the run (unless it exists) and returns its state.</summary>
    Task<RunStatus> StartAsync(RunSpec spec, int emptyJobs);

    /// <summary>
    /// Creates the run with the given <paramref name="items"/> (a <see cref="RunSpec.Hypotheses"/> run: the files its client's
    /// triage found to need them) unless it exists, and returns its state.
    /// </summary>
    Task<RunStatus> StartWithItemsAsync(RunSpec spec, long[] items);

    /// <summary>The run's state; null when there is no such run.</summary>
    Task<RunStatus?> StatusAsync();
}

internal sealed class RunGrain(WorkQueue queue, CaseAccess cases) : Grain, IRunGrain
{
    public Task<RunStatus> StartAsync(RunSpec spec, int emptyJobs) => StartAsync(spec, () => ItemsAsync(spec, emptyJobs));

    public Task<RunStatus> StartWithItemsAsync(RunSpec spec, long[] items)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(items);
        if (spec.Kind != RunSpec.Hypotheses)
        {
            throw new ArgumentException($"a run of kind '{spec.Kind}' chooses its own items; only a {RunSpec.Hypotheses} run is given them", nameof(spec));
        }

        return StartAsync(spec, () => Task.FromResult<IReadOnlyList<long>>([.. items.Distinct()]));
    }

    private async Task<RunStatus> StartAsync(RunSpec spec, Func<Task<IReadOnlyList<long>>> items)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var runId = this.GetPrimaryKeyString();
        if (!string.Equals(spec.RunId, runId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"run {spec.RunId} asked of the grain of run {runId}", nameof(spec));
        }

        if (await queue.FindRunAsync(runId, CancellationToken.None) is null)
        {
            await queue.CreateRunAsync(spec, await items(), CancellationToken.None);
        }

        return (await queue.StatusAsync(runId, CancellationToken.None))!;
    }

    public Task<RunStatus?> StatusAsync() => queue.StatusAsync(this.GetPrimaryKeyString(), CancellationToken.None);

    private async Task<IReadOnlyList<long>> ItemsAsync(RunSpec spec, int emptyJobs)
    {
        if (spec.Kind == RunSpec.Empty)
        {
            return [.. Enumerable.Range(1, emptyJobs).Select(i => (long)i)];
        }

        if (spec.Kind != RunSpec.Ingest)
        {
            throw new ArgumentException(spec.Kind == RunSpec.Hypotheses
                ? "a hypotheses run is started with its items (StartWithItemsAsync)"
                : $"no run kind '{spec.Kind}' (ingest, hypotheses or empty)", nameof(spec));
        }

        // The files single-machine ingest would take: registered, readable, not ingested for good yet.
        var store = await cases.StoreAsync(CancellationToken.None);
        var files = await store.Evidence.ListAsync(spec.ExhibitId, CancellationToken.None);
        var done = await new MediaFactsStore(store).IngestedAsync(CancellationToken.None);
        return [.. files.Where(f => f.Status == EvidenceStatus.Ok && !done.Contains(f.Id)).Select(f => f.Id)];
    }
}
