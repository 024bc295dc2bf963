namespace Harrier.Cases;

/// <summary>The outcome of checking the audit chain.</summary>
/// <param name="Entries">Entries read.</param>
/// <param name="Ok">True when the chain is intact and agrees with the anchor.</param>
/// <param name="FirstBadSeq">The sequence number (or position) of the first entry that breaks the chain.</param>
/// <param name="Problem">What is wrong with it, in words.</param>
/// <param name="UnanchoredEntries">Entries after the anchored head (a crash between commit and anchor write leaves one).</param>
public sealed record AuditVerification(long Entries, bool Ok, long? FirstBadSeq, string? Problem, long UnanchoredEntries);
