namespace Harrier.Cases;

/// <summary>
/// The part of an audit entry known before a change runs: who acts, what kind of act it is, and why. The entry's
/// object (what was acted on, with counts) usually depends on the change's outcome and is given by the write scope's
/// caller from that outcome; see <see cref="CaseStore.WriteAsync{T}"/>.
/// </summary>
/// <param name="Actor">Who acts.</param>
/// <param name="Action">A dotted verb such as <c>evidence.add</c>.</param>
/// <param name="Justification">Why, as the actor gave it (may be null).</param>
public sealed record AuditIntent(string Actor, string Action, string? Justification = null);
