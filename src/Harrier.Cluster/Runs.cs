
namespace Harrier.Cluster;

/// <summary>What a cluster run does: its kind (<c>ingest</c>), over which exhibit, for whom (the audit log's actor), why.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Kind"><c>ingest</c>, or <c>empty</c> (jobs that do nothing: the scheduler's own cost, docs/scale.md).</param>
/// <param name="ExhibitId">The exhibit whose files are the run's items.</param>
/// <param name="Actor">Who started it; each file's audit entry names them.</param>
/// <param name="Justification">Why (recorded in the audit log).</param>
/// <param name="Thumbnails">Whether derived pictures are written (the default thumbnails and strips).</param>
[GenerateSerializer, Immutable]
public sealed record RunSpec(
    [property: Id(0)] string RunId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string ExhibitId,
    [property: Id(3)] string Actor,
    [property: Id(4)] string? Justification,
    [property: Id(5)] bool Thumbnails)
{
    /// <summary>The kind of an ingest run.</summary>
    public const string Ingest = "ingest";

    /// <summary>The kind of a run of jobs that do nothing.</summary>
    public const string Empty = "empty";
}

/// <summary>A cluster run's state as the work table holds it (the JSON of <c>harrier cluster status --json</c>).</summary>
/// <param name="RunId">The run.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="ExhibitId">Its exhibit.</param>
/// <param name="Files">Items it was created with.</param>
/// <param name="Pending">Items waiting for a silo.</param>
/// <param name="Leased">Items a silo is working on.</param>
/// <param name="Done">Items with a result.</param>
/// <param name="Failed">Items that failed (the reason in <see cref="Failures"/>).</param>
[GenerateSerializer, Immutable]
public sealed record RunStatus(
    [property: Id(0)] string RunId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string ExhibitId,
    [property: Id(3)] int Files,
    [property: Id(4)] int Pending,
    [property: Id(5)] int Leased,
    [property: Id(6)] int Done,
    [property: Id(7)] int Failed)
{
    /// <summary>Whether every item has a result (done or failed).</summary>
    public bool Complete => Pending == 0 && Leased == 0;

    /// <summary>Items leased more than once (their first silo died or stopped renewing before it finished).</summary>
    [Id(8)]
    public int Retried { get; init; }

    /// <summary>Seconds from the run's creation to its last result (server clock).</summary>
    [Id(9)]
    public double ActiveSeconds { get; init; }

    /// <summary>Seconds since the run was created (server clock).</summary>
    [Id(10)]
    public double AgeSeconds { get; init; }

    /// <summary>Results per second since the run was created (null before the first).</summary>
    public double? Rate => Done + Failed > 0 && ActiveSeconds > 0 ? (Done + Failed) / ActiveSeconds : null;

    /// <summary>Seconds left at <see cref="Rate"/> (null without a rate; 0 when complete).</summary>
    public double? EtaSeconds => Complete ? 0 : Rate is { } r ? (Pending + Leased) / r : null;

    /// <summary>Per silo: what it finished and what it holds.</summary>
    [Id(11)]
    public IReadOnlyList<SiloProgress> Silos { get; init; } = [];

    /// <summary>Every item that failed or whose file was unreadable, with the reason.</summary>
    [Id(12)]
    public IReadOnlyList<RunFailure> Failures { get; init; } = [];
}

/// <summary>One silo's part of a run.</summary>
/// <param name="Silo">Its Orleans address (<c>IP:PORT@GENERATION</c>).</param>
/// <param name="Done">Items it finished.</param>
/// <param name="Failed">Items that failed on it.</param>
/// <param name="Leased">Items it holds now.</param>
/// <param name="Status">Its membership status (<c>active</c>, <c>dead</c>, …), null when it has left the membership table.</param>
/// <param name="HostName">Its host.</param>
[GenerateSerializer, Immutable]
public sealed record SiloProgress(
    [property: Id(0)] string Silo,
    [property: Id(1)] int Done,
    [property: Id(2)] int Failed,
    [property: Id(3)] int Leased,
    [property: Id(4)] string? Status,
    [property: Id(5)] string? HostName);

/// <summary>One failed item.</summary>
/// <param name="Item">The item (ingest: the evidence id).</param>
/// <param name="RelPath">The evidence file's path in its exhibit (ingest).</param>
/// <param name="Reason">What went wrong.</param>
[GenerateSerializer, Immutable]
public sealed record RunFailure([property: Id(0)] long Item, [property: Id(1)] string? RelPath, [property: Id(2)] string Reason);

/// <summary>Orleans' membership status numbers as words.</summary>
internal static class SiloStates
{
    public static string Name(int status) => status switch
    {
        1 => "created",
        2 => "joining",
        3 => "active",
        4 => "shutting_down",
        5 => "stopping",
        6 => "dead",
        _ => "none",
    };
}
