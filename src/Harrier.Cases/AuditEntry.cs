namespace Harrier.Cases;

/// <summary>One entry of the hash-chained audit log.</summary>
/// <param name="Seq">1, 2, 3, … without gaps.</param>
/// <param name="TimeUtc">When, as <see cref="Timestamps.Format"/> text (hashed as stored).</param>
/// <param name="Actor">Who.</param>
/// <param name="Action">What, a dotted verb such as <c>evidence.add</c>.</param>
/// <param name="Target">On what (an exhibit, a file id, a query) — never media content.</param>
/// <param name="Justification">Why, as the actor gave it (may be empty).</param>
/// <param name="PrevHash">The hash of entry Seq−1; for entry 1, the case's genesis hash.</param>
/// <param name="Hash">SHA-256 over all the fields above.</param>
public sealed record AuditEntry(
    long Seq,
    string TimeUtc,
    string Actor,
    string Action,
    string Target,
    string Justification,
    string PrevHash,
    string Hash);
