using Harrier.Cases;

namespace Harrier.Operations.Evidence;

/// <summary>
/// Registers every file under a path as an exhibit (digests in one read, resumable, exactly once); audited as
/// <c>evidence.add.start</c> when registration begins and <c>evidence.add</c> with the counts when it ends.
/// </summary>
public sealed class AddEvidence(CaseStore store)
{
    /// <summary>Registers <see cref="AddEvidenceRequest.Path"/>.</summary>
    public async Task<AddEvidenceResult> RunAsync(AddEvidenceRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var progress = context.Progress is { } p ? new EvidenceProgressForward(p) : null;
        var r = await store.Evidence.AddAsync(request.Path, request.ExhibitId, request.Description, context.Actor, request.Justification, progress,
            cancellationToken);
        return new AddEvidenceResult(r.ExhibitId, r.Found, r.AlreadyRecorded, r.Registered, r.BytesHashed, r.Elapsed.TotalSeconds, r.Unreadable, r.Skipped);
    }
}

/// <summary>What to register.</summary>
/// <param name="Path">A file or folder tree (read only, never modified).</param>
/// <param name="ExhibitId">The exhibit id, e.g. <c>EX-001</c>.</param>
/// <param name="Description">What the exhibit is.</param>
/// <param name="Justification">Why, for the audit log.</param>
public sealed record AddEvidenceRequest(string Path, string ExhibitId, string? Description = null, string? Justification = null);

/// <summary>What registration found and recorded.</summary>
public sealed record AddEvidenceResult(
    string ExhibitId,
    int Found,
    int AlreadyRecorded,
    int Registered,
    long BytesHashed,
    double ElapsedSeconds,
    IReadOnlyList<EvidenceProblem> Unreadable,
    IReadOnlyList<EvidenceProblem> Skipped);
