using System.Globalization;
using Harrier.Cases;

namespace Harrier.Operations.Evidence;

/// <summary>Lists registered files with their digests; audited as <c>evidence.list</c> (it reveals case content).</summary>
public sealed class ListEvidence(CaseStore store)
{
    /// <summary>The files of one exhibit, or of all.</summary>
    public async Task<ListEvidenceResult> RunAsync(ListEvidenceRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.ExhibitId is { } exhibitId && !(await store.Evidence.ExhibitsAsync(cancellationToken)).Any(x => x.ExhibitId == exhibitId))
        {
            throw new CaseStoreException($"no exhibit {exhibitId} in this case");
        }

        var files = await store.Evidence.ListAsync(request.ExhibitId, cancellationToken);
        await store.RecordAsync(context.Intent("evidence.list", request.Justification),
            string.Create(CultureInfo.InvariantCulture, $"{request.ExhibitId ?? "all exhibits"}: {files.Count} rows"), cancellationToken);
        return new ListEvidenceResult(files);
    }
}

/// <summary>Which exhibit to list (null: all).</summary>
public sealed record ListEvidenceRequest(string? ExhibitId = null, string? Justification = null);

/// <summary>The registered files, ordered by exhibit and path.</summary>
public sealed record ListEvidenceResult(IReadOnlyList<EvidenceFile> Files);
