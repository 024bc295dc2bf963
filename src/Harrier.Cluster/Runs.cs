using Harrier.Operations.Cluster;

namespace Harrier.Cluster;

/// <summary>What a cluster run does: its kind (<c>ingest</c>), over which exhibit, for whom (the audit log's actor), why.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Kind"><c>ingest</c>; <c>hypotheses</c> (the per-file step of <c>cluster triage</c>: the hypotheses of files nothing else
/// matched); or <c>empty</c> (jobs that do nothing: the scheduler's own cost, docs/scale.md).</param>
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

    /// <summary>The kind of a run that computes and stores the hypotheses of files triage found unmatched (<c>cluster triage</c>).</summary>
    public const string Hypotheses = "hypotheses";

    /// <summary>The kind of a run of jobs that do nothing.</summary>
    public const string Empty = "empty";
}

/// <summary>Orleans' wire form of <see cref="RunStatus"/> (an Operations record, free of Orleans attributes).</summary>
[GenerateSerializer]
internal struct RunStatusSurrogate
{
    [Id(0)] public string RunId;
    [Id(1)] public string Kind;
    [Id(2)] public string ExhibitId;
    [Id(3)] public int Files;
    [Id(4)] public int Pending;
    [Id(5)] public int Leased;
    [Id(6)] public int Done;
    [Id(7)] public int Failed;
    [Id(8)] public int Retried;
    [Id(9)] public double ActiveSeconds;
    [Id(10)] public double AgeSeconds;
    [Id(11)] public SiloProgress[] Silos;
    [Id(12)] public RunFailure[] Failures;
}

[RegisterConverter]
internal sealed class RunStatusConverter : IConverter<RunStatus, RunStatusSurrogate>
{
    public RunStatus ConvertFromSurrogate(in RunStatusSurrogate s) =>
        new(s.RunId, s.Kind, s.ExhibitId, s.Files, s.Pending, s.Leased, s.Done, s.Failed)
        {
            Retried = s.Retried,
            ActiveSeconds = s.ActiveSeconds,
            AgeSeconds = s.AgeSeconds,
            Silos = s.Silos,
            Failures = s.Failures,
        };

    public RunStatusSurrogate ConvertToSurrogate(in RunStatus value) => new()
    {
        RunId = value.RunId,
        Kind = value.Kind,
        ExhibitId = value.ExhibitId,
        Files = value.Files,
        Pending = value.Pending,
        Leased = value.Leased,
        Done = value.Done,
        Failed = value.Failed,
        Retried = value.Retried,
        ActiveSeconds = value.ActiveSeconds,
        AgeSeconds = value.AgeSeconds,
        Silos = [.. value.Silos],
        Failures = [.. value.Failures],
    };
}

/// <summary>Orleans' wire form of <see cref="SiloProgress"/>.</summary>
[GenerateSerializer]
internal struct SiloProgressSurrogate
{
    [Id(0)] public string Silo;
    [Id(1)] public int Done;
    [Id(2)] public int Failed;
    [Id(3)] public int Leased;
    [Id(4)] public string? Status;
    [Id(5)] public string? HostName;
}

[RegisterConverter]
internal sealed class SiloProgressConverter : IConverter<SiloProgress, SiloProgressSurrogate>
{
    public SiloProgress ConvertFromSurrogate(in SiloProgressSurrogate s) => new(s.Silo, s.Done, s.Failed, s.Leased, s.Status, s.HostName);

    public SiloProgressSurrogate ConvertToSurrogate(in SiloProgress v) =>
        new() { Silo = v.Silo, Done = v.Done, Failed = v.Failed, Leased = v.Leased, Status = v.Status, HostName = v.HostName };
}

/// <summary>Orleans' wire form of <see cref="RunFailure"/>.</summary>
[GenerateSerializer]
internal struct RunFailureSurrogate
{
    [Id(0)] public long Item;
    [Id(1)] public string? RelPath;
    [Id(2)] public string Reason;
}

[RegisterConverter]
internal sealed class RunFailureConverter : IConverter<RunFailure, RunFailureSurrogate>
{
    public RunFailure ConvertFromSurrogate(in RunFailureSurrogate s) => new(s.Item, s.RelPath, s.Reason);

    public RunFailureSurrogate ConvertToSurrogate(in RunFailure v) => new() { Item = v.Item, RelPath = v.RelPath, Reason = v.Reason };
}
