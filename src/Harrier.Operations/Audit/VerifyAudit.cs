using Harrier.Cases;

namespace Harrier.Operations.Audit;

/// <summary>Recomputes the audit hash chain and checks it against <c>audit.head</c>. Not itself audited.</summary>
public sealed class VerifyAudit(CaseStore store)
{
    /// <summary>The chain's state, naming the first entry that breaks it.</summary>
    public Task<AuditVerification> RunAsync(CancellationToken cancellationToken) => store.Audit.VerifyAsync(cancellationToken);
}
