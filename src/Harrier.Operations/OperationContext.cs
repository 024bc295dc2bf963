using Harrier.Cases;

namespace Harrier.Operations;

/// <summary>
/// What every use case needs from its host: who acts (recorded in the audit log), the clock, and where progress goes.
/// Hosts build one per call; operations never read the console, the environment or the wall clock themselves.
/// </summary>
/// <param name="Actor">The person or service acting, as written into the audit log.</param>
/// <param name="Time">The injected clock.</param>
/// <param name="Progress">Optional progress sink for long work; null when the host shows none.</param>
public sealed record OperationContext(string Actor, TimeProvider Time, IProgress<OperationProgress>? Progress = null)
{
    /// <summary>The audit intent of an act by this context's actor.</summary>
    public AuditIntent Intent(string action, string? justification) => new(Actor, action, justification);
}
