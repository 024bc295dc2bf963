namespace Harrier.Cases.Triage;

/// <summary>An imported bank.</summary>
public sealed record BankInfo(
    long BankId,
    string Name,
    string Format,
    string Version,
    string Source,
    string SourceSha256,
    int Entries,
    string ImportedUtc,
    string ImportedBy,
    IReadOnlyList<string> Warnings);
