namespace Harrier.Cases.Triage;

/// <summary>An imported bank.</summary>
/// <param name="BankId">Its id in the case.</param>
/// <param name="Name">Its name, unique in the case.</param>
/// <param name="Format">The format it was read as (lower case).</param>
/// <param name="Version">The format's version or dialect as found.</param>
/// <param name="Source">The file's full path.</param>
/// <param name="SourceSha256">The file's SHA-256.</param>
/// <param name="Entries">The records kept.</param>
/// <param name="ImportedUtc">When it was imported.</param>
/// <param name="ImportedBy">Who imported it.</param>
/// <param name="Warnings">At import: the records skipped, each with its line or record and why (empty when listed).</param>
/// <param name="Degraded">At import: the fields left out of kept records, each with its line or record, field and why (empty when listed).</param>
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
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Degraded);
