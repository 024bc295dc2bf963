using Harrier.Cases;
using Harrier.Media.Features;
using Harrier.Media.Imaging;
using Harrier.Operations;
using Harrier.Operations.Ingest;
using Harrier.Operations.Triage;

namespace Harrier.Cluster;

/// <summary>Runs one leased item of a run of its kind. Hosts no logic: each handler calls one operation.</summary>
internal interface IWorkHandler
{
    /// <summary>The run kind it handles (<see cref="RunSpec.Kind"/>).</summary>
    string Kind { get; }

    /// <summary>Runs <paramref name="item"/> of <paramref name="run"/>; an exception is recorded as the item's failure.</summary>
    Task<WorkOutcome> RunAsync(RunSpec run, WorkItem item, CancellationToken cancellationToken);

    /// <summary>
    /// Runs the <paramref name="items"/> of <paramref name="run"/> one lease holds (in order; one outcome each); an exception
    /// is recorded as the failure of all of them. A handler whose work writes to the case overrides it to write once for all.
    /// </summary>
    async Task<IReadOnlyList<WorkOutcome>> RunBatchAsync(RunSpec run, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        var outcomes = new List<WorkOutcome>(items.Count);
        foreach (var item in items)
        {
            outcomes.Add(await RunAsync(run, item, cancellationToken));
        }

        return outcomes;
    }
}

/// <summary>
/// Ingest items: the single-machine path's per-file operation, <see cref="IngestFile.RunBatchAsync"/> (per file its features
/// and derived picture; the facts rows of the files one lease holds in one sealed write, one audit entry for them), as the
/// run's actor.
/// </summary>
internal sealed class IngestWorkHandler(CaseAccess cases, TimeProvider time) : IWorkHandler
{
    public string Kind => RunSpec.Ingest;

    public async Task<WorkOutcome> RunAsync(RunSpec run, WorkItem item, CancellationToken cancellationToken) =>
        (await RunBatchAsync(run, [item], cancellationToken)).Single();

    public async Task<IReadOnlyList<WorkOutcome>> RunBatchAsync(RunSpec run, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        var store = await cases.StoreAsync(cancellationToken);
        var results = await IngestFile.RunBatchAsync(store, new OperationContext(run.Actor, time),
            new IngestFilesRequest(run.ExhibitId, [.. items.Select(i => i.Item)])
            {
                Thumbnails = run.Thumbnails ? ThumbnailOptions.Default : null,
                Justification = run.Justification,
            },
            cancellationToken);
        return [.. items.Zip(results, (item, r) => r.Result is { } x
            ? new WorkOutcome(item, false, x.Ingested ? x.Kind : "already " + x.Kind, x.Error)
            : new WorkOutcome(item, true, null, r.Failure))];
    }
}

/// <summary>
/// Hypotheses items of <c>cluster triage</c>: the very per-file step single-process triage runs for a file nothing else
/// matched, <see cref="HypothesiseFile.RunBatchAsync"/> (computed from the evidence read as ingest reads it; a lease's
/// files stored together, once, in their <c>media_facts</c> rows). The silo's jobs share one decode memory budget, as a
/// single-process triage's do.
/// </summary>
internal sealed class HypothesesWorkHandler(CaseAccess cases) : IWorkHandler
{
    private readonly MemoryBudget _budget = new(MemoryBudget.DefaultCapacityBytes());

    public string Kind => RunSpec.Hypotheses;

    public async Task<WorkOutcome> RunAsync(RunSpec run, WorkItem item, CancellationToken cancellationToken) =>
        (await RunBatchAsync(run, [item], cancellationToken)).Single();

    public async Task<IReadOnlyList<WorkOutcome>> RunBatchAsync(RunSpec run, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        var results = await HypothesiseFile.RunBatchAsync(await cases.StoreAsync(cancellationToken), run.ExhibitId, [.. items.Select(i => i.Item)], _budget,
            cancellationToken);
        return [.. items.Zip(results, (item, r) => new WorkOutcome(item, r.Error is not null, r.Stored ? "stored" : r.Error is null ? "stored before" : null, r.Error))];
    }
}

/// <summary>An item that does nothing: what a run costs the scheduler alone (docs/scale.md).</summary>
internal sealed class EmptyWorkHandler : IWorkHandler
{
    public string Kind => RunSpec.Empty;

    public Task<WorkOutcome> RunAsync(RunSpec run, WorkItem item, CancellationToken cancellationToken) =>
        Task.FromResult(new WorkOutcome(item, false, "empty", null));
}

/// <summary>The case a silo serves, opened once on first use (its folder and key are the silo's settings).</summary>
internal sealed class CaseAccess(SiloSettings settings) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CaseStore? _store;

    public async Task<CaseStore> StoreAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _store) is { } open)
        {
            return open;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _store ??= settings.Store ?? await CaseStore.OpenAsync(settings.CaseDir, settings.ConnectionString, settings.Time, settings.Keys, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
