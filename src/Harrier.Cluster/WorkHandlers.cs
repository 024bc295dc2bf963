using Harrier.Cases;
using Harrier.Media.Imaging;
using Harrier.Operations;
using Harrier.Operations.Ingest;

namespace Harrier.Cluster;

/// <summary>Runs one leased item of a run of its kind. Hosts no logic: each handler calls one operation.</summary>
internal interface IWorkHandler
{
    /// <summary>The run kind it handles (<see cref="RunSpec.Kind"/>).</summary>
    string Kind { get; }

    /// <summary>Runs <paramref name="item"/> of <paramref name="run"/>; an exception is recorded as the item's failure.</summary>
    Task<WorkOutcome> RunAsync(RunSpec run, WorkItem item, CancellationToken cancellationToken);
}

/// <summary>
/// An ingest item: the very operation the single-machine path runs per file, <see cref="IngestFile.RunAsync"/> (features,
/// derived picture, the file's <c>media_facts</c> row in one statement, its audit entry), as the run's actor.
/// </summary>
internal sealed class IngestWorkHandler(CaseAccess cases, TimeProvider time) : IWorkHandler
{
    public string Kind => RunSpec.Ingest;

    public async Task<WorkOutcome> RunAsync(RunSpec run, WorkItem item, CancellationToken cancellationToken)
    {
        var store = await cases.StoreAsync(cancellationToken);
        var result = await IngestFile.RunAsync(store, new OperationContext(run.Actor, time),
            new IngestFileRequest(run.ExhibitId, item.Item) { Thumbnails = run.Thumbnails ? ThumbnailOptions.Default : null, Justification = run.Justification },
            cancellationToken);
        return new WorkOutcome(item, false, result.Ingested ? result.Kind : "already " + result.Kind, result.Error);
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
