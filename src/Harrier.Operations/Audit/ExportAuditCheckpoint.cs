using Harrier.Cases;
using Harrier.Cases.Keys;

namespace Harrier.Operations.Audit;

/// <summary>
/// Exports a signed checkpoint of the audit chain, to be kept outside the case folder: the signed head that covers the
/// last entry, after the whole chain has verified. It needs no private key (the head was signed at its append). Not itself
/// audited: recording it would move the head past the checkpoint.
/// </summary>
public sealed class ExportAuditCheckpoint(CaseStore store)
{
    /// <summary>The checkpoint, written to <see cref="ExportAuditCheckpointRequest.OutFile"/> when given; none when the chain does not verify.</summary>
    public async Task<ExportAuditCheckpointResult> RunAsync(ExportAuditCheckpointRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!store.IsSigned)
        {
            throw new OperationException($"case {store.Manifest.CaseId} was made before case keys: its audit head is unsigned, so it has no signed checkpoint");
        }

        var verification = await store.Audit.VerifyAsync(cancellationToken);
        if (!verification.Ok)
        {
            return new ExportAuditCheckpointResult(null, null, verification);
        }

        SignedAuditHead checkpoint;
        try
        {
            checkpoint = await store.ReadSignedHeadAsync(cancellationToken);
        }
        catch (CaseStoreException e)
        {
            // The log changed between the two reads: report what the check now says rather than a stale head.
            return new ExportAuditCheckpointResult(null, null, verification with { Ok = false, Problem = e.Message });
        }

        string? written = null;
        if (request.OutFile is { } file)
        {
            written = Path.GetFullPath(file);
            try
            {
                checkpoint.WriteTo(written);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new OperationException($"cannot write the checkpoint {written}: {e.Message}");
            }
        }

        return new ExportAuditCheckpointResult(checkpoint, written, verification);
    }
}

/// <summary>Where to write the checkpoint.</summary>
/// <param name="OutFile">The checkpoint file to write (replaced if present), or null to only return it.</param>
public sealed record ExportAuditCheckpointRequest(string? OutFile = null);

/// <summary>The checkpoint and the check it followed.</summary>
/// <param name="Checkpoint">The signed head of the last entry; null when the chain does not verify.</param>
/// <param name="File">Where it was written, or null.</param>
/// <param name="Verification">The full check of the chain made before the export.</param>
public sealed record ExportAuditCheckpointResult(SignedAuditHead? Checkpoint, string? File, AuditVerification Verification);
