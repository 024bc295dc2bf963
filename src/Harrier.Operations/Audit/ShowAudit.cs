using Harrier.Cases;

namespace Harrier.Operations.Audit;

/// <summary>Reads the audit log. Not itself audited.</summary>
public sealed class ShowAudit(CaseStore store)
{
    /// <summary>The entries in sequence order (the last <see cref="ShowAuditRequest.Tail"/> only, when given).</summary>
    public async Task<ShowAuditResult> RunAsync(ShowAuditRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Tail is < 1)
        {
            throw new OperationException($"--tail must be at least 1 (got {request.Tail})");
        }

        return new ShowAuditResult(await store.Audit.ReadAsync(request.Tail, cancellationToken));
    }
}

/// <summary>How much of the log to read.</summary>
public sealed record ShowAuditRequest(int? Tail = null);

/// <summary>The entries read.</summary>
public sealed record ShowAuditResult(IReadOnlyList<AuditEntry> Entries);
