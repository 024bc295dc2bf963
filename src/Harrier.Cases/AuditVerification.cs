namespace Harrier.Cases;

/// <summary>The outcome of checking the audit chain.</summary>
/// <param name="Entries">Entries read.</param>
/// <param name="Ok">True when the chain is intact and agrees with its anchors (for a signed case: heads signed by the case key).</param>
/// <param name="FirstBadSeq">The sequence number (or position) of the first entry that breaks the chain.</param>
/// <param name="Problem">What is wrong with it, in words.</param>
/// <param name="UnanchoredEntries">Entries after <c>audit.head</c> (a crash between commit and head write leaves one; in a signed case <c>audit.head.next</c> signs it).</param>
/// <param name="HeadSigned">Whether the case has a case key and its heads were checked against it (false: made before case keys).</param>
/// <param name="KeyFingerprint">The case key's fingerprint as <c>case.json</c> records it (null for an unsigned case).</param>
/// <param name="Note">What the check could not cover, in words (an unsigned case; no local key file to compare with).</param>
/// <param name="CheckpointSeq">The entry of the checkpoint checked too, when one was given.</param>
/// <param name="TablesChecked">How many tables were recomputed from their rows and agree with the signed head (0: not checked; <see cref="Note"/> says why).</param>
public sealed record AuditVerification(
    long Entries,
    bool Ok,
    long? FirstBadSeq,
    string? Problem,
    long UnanchoredEntries,
    bool HeadSigned = false,
    string? KeyFingerprint = null,
    string? Note = null,
    long? CheckpointSeq = null,
    int TablesChecked = 0);
