namespace Harrier.Cases.Triage;

/// <summary>What one <c>ingest media</c> did.</summary>
public sealed record MediaIngestResult(
    string ExhibitId,
    int Files,
    int AlreadyIngested,
    int Ingested,
    IReadOnlyDictionary<string, int> Kinds,
    IReadOnlyList<EvidenceProblem> Unreadable,
    TimeSpan Elapsed);
