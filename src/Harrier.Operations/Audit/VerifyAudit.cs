using Harrier.Cases;
using Harrier.Cases.Keys;

namespace Harrier.Operations.Audit;

/// <summary>
/// Recomputes the audit hash chain and checks it against its anchors (the heads signed by the case key, <c>case.json</c>'s
/// key and entry-1 hash, and a checkpoint when given). Not itself audited.
/// </summary>
public sealed class VerifyAudit(CaseStore store)
{
    /// <summary>The chain's state, naming the first entry that breaks it (an unsigned case is refused; see <see cref="VerifyAuditRequest"/>).</summary>
    public Task<AuditVerification> RunAsync(CancellationToken cancellationToken) => RunAsync(new VerifyAuditRequest(), cancellationToken);

    /// <summary>The chain's state, naming the first entry that breaks it, checked against <paramref name="request"/>'s checkpoint too.</summary>
    public async Task<AuditVerification> RunAsync(VerifyAuditRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        SignedAuditHead? checkpoint = null;
        if (request.CheckpointFile is { } file)
        {
            checkpoint = ReadCheckpoint(file);
        }

        var result = await store.Audit.VerifyAsync(checkpoint, cancellationToken);
        if (result.Ok && !result.HeadSigned && !request.AllowUnsigned)
        {
            // Nothing outside the folder anchors an unsigned chain, and a signed case stripped of its key looks the same.
            return result with
            {
                Ok = false,
                Problem = "the chain is intact but unsigned (made before case keys): nothing outside the case folder anchors it; " +
                    "pass --allow-unsigned to accept an unsigned chain",
            };
        }

        return result;
    }

    /// <summary>Reads a checkpoint file that <see cref="ExportAuditCheckpoint"/> wrote.</summary>
    public static SignedAuditHead ReadCheckpoint(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OperationException($"cannot read the checkpoint {file}: {e.Message}");
        }

        return SignedAuditHead.TryParse(text)
            ?? throw new OperationException($"{file} is not an audit checkpoint (a JSON document with format \"{SignedAuditHead.FormatName}\" or \"{SignedAuditHead.FormatWithTables}\")");
    }
}

/// <summary>What to check beyond the chain itself.</summary>
/// <param name="CheckpointFile">A checkpoint file (<c>harrier audit checkpoint</c>) the chain must agree with, or null.</param>
/// <param name="AllowUnsigned">Accept an intact chain of a case made before case keys (otherwise it is reported as not ok).</param>
public sealed record VerifyAuditRequest(string? CheckpointFile = null, bool AllowUnsigned = false);
