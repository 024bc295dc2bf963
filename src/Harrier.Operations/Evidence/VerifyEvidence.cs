using Harrier.Cases;

namespace Harrier.Operations.Evidence;

/// <summary>Re-hashes registered evidence and reports what changed since registration; audited as <c>evidence.verify</c>.</summary>
public sealed class VerifyEvidence(CaseStore store)
{
    /// <summary>Verifies one exhibit, or all.</summary>
    public async Task<VerifyEvidenceResult> RunAsync(VerifyEvidenceRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var progress = context.Progress is { } p ? new EvidenceProgressForward(p) : null;
        var r = await store.Evidence.VerifyAsync(request.ExhibitId, context.Actor, request.Justification, progress, cancellationToken);
        return new VerifyEvidenceResult(r.Intact, r.Checked, r.Unchanged, r.Changed, r.Missing, r.Added, r.Unreadable);
    }
}

/// <summary>Which exhibit to verify (null: all).</summary>
public sealed record VerifyEvidenceRequest(string? ExhibitId = null, string? Justification = null);

/// <summary>
/// The files checked, and those changed, missing, added or unreadable since registration; <c>Intact</c> when every
/// registered file is present and unchanged and nothing was added.
/// </summary>
public sealed record VerifyEvidenceResult(
    bool Intact,
    int Checked,
    int Unchanged,
    IReadOnlyList<EvidenceProblem> Changed,
    IReadOnlyList<EvidenceProblem> Missing,
    IReadOnlyList<EvidenceProblem> Added,
    IReadOnlyList<EvidenceProblem> Unreadable);
