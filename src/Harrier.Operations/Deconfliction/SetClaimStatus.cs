using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Deconfliction;

namespace Harrier.Operations.Deconfliction;

/// <summary>
/// Moves a claim of the register to <c>open</c>, <c>confirmed</c> or <c>withdrawn</c> with a reason; the step (who, when,
/// from, to, why) is kept in the claim's history and audited as <c>deconflict.status</c> in the same transaction. A
/// withdrawn claim stays listed and raises no conflict.
/// </summary>
public sealed class SetClaimStatus(CaseStore store)
{
    /// <summary>Changes the status of <see cref="SetClaimStatusRequest.Claim"/>.</summary>
    public async Task<SetClaimStatusResult> RunAsync(SetClaimStatusRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var to = request.Status?.Trim().ToLowerInvariant() ?? "";
        if (!ClaimStatuses.All.Contains(to))
        {
            throw new OperationException($"--set '{request.Status}': say {string.Join(", ", ClaimStatuses.All)}");
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            throw new OperationException("--reason is required: say why the claim's status changes");
        }

        var register = new DeconflictionStore(store);
        var claim = Find(await register.ClaimsAsync(cancellationToken), request.Claim);
        if (claim.Status == to)
        {
            throw new OperationException(string.Create(CultureInfo.InvariantCulture, $"claim {claim.ClaimId} ({claim.Agency} {claim.ClaimReference}) is already {to}"));
        }

        var change = await store.WriteAsync(context.Intent("deconflict.status", request.Justification),
            (w, ct) => DeconflictionStore.SetStatusAsync(w, claim.ClaimId, to, request.Reason, context.Actor, ct),
            c => string.Create(CultureInfo.InvariantCulture,
                $"claim {claim.ClaimId} ({claim.Agency} ({claim.AgencyCountry}) claim {claim.ClaimReference}, case {claim.CaseReference}): {c.From} -> {c.To}: {c.Reason}"),
            cancellationToken);
        return new SetClaimStatusResult(claim with { Status = to }, change, await register.HistoryAsync(claim.ClaimId, cancellationToken));
    }

    /// <summary>The claim named by its id, or by its reference when one agency's claim has it.</summary>
    private static RegisteredClaim Find(IReadOnlyList<RegisteredClaim> claims, string given)
    {
        var text = given?.Trim() ?? "";
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && claims.FirstOrDefault(c => c.ClaimId == id) is { } byId)
        {
            return byId;
        }

        var byReference = claims.Where(c => c.ClaimReference == text).ToList();
        return byReference.Count switch
        {
            1 => byReference[0],
            0 => throw new OperationException($"no claim '{text}' in the register (give a claim id or reference; see deconflict list)"),
            _ => throw new OperationException(
                $"claim reference '{text}' is used by {string.Join(", ", byReference.Select(c => $"claim {c.ClaimId} ({c.Agency})"))}: give the claim id"),
        };
    }
}

/// <summary>Which claim (its id, or its reference when unique), the status to set (<c>open</c>, <c>confirmed</c>, <c>withdrawn</c>), and why.</summary>
public sealed record SetClaimStatusRequest(string Claim, string Status, string Reason, string? Justification = null);

/// <summary>The claim as it now is, the step just recorded, and the claim's whole history.</summary>
public sealed record SetClaimStatusResult(RegisteredClaim Claim, ClaimStatusChange Change, IReadOnlyList<ClaimStatusChange> History);
