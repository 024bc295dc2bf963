using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Targets;

namespace Harrier.Operations.Targets;

/// <summary>
/// An analyst moves a person to another tier (the ranking is advice): the reason is required, the move is stored with
/// the actor and time and audited as <c>targets.move</c>; the computed score and factors stay as they were.
/// </summary>
public sealed class MoveTarget(CaseStore store)
{
    public async Task<MoveTargetResult> RunAsync(MoveTargetRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Tier is < 1 or > 4)
        {
            throw new OperationException(string.Create(CultureInfo.InvariantCulture, $"--tier must be 1 to 4, not {request.Tier}"));
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            throw new OperationException("a move needs --reason: why this person belongs in another tier");
        }

        var targets = new TargetsStore(store);
        var run = await targets.LatestRunAsync(cancellationToken) ?? throw ListTargets.NoRun();
        var row = await targets.PersonAsync(run, request.Person, cancellationToken)
                  ?? throw new OperationException(string.Create(CultureInfo.InvariantCulture, $"persons run {run.PersonsRunId} has no person {request.Person}"));
        var reason = request.Reason.Trim();
        var id = await store.WriteAsync(context.Intent("targets.move", reason),
            (w, ct) => TargetsStore.WriteMoveAsync(w, run.PersonsRunId, request.Person, row.Tier, request.Tier, reason, context.Actor, ct),
            _ => string.Create(CultureInfo.InvariantCulture,
                $"person {request.Person} of persons run {run.PersonsRunId} moved from tier {row.Tier} to tier {request.Tier} (computed tier {row.ComputedTier}, score {row.Score}): {reason}"),
            cancellationToken);
        return new MoveTargetResult(id, run.PersonsRunId, request.Person, row.Tier, request.Tier, row.ComputedTier, row.Score, reason);
    }
}

/// <summary>Which person (number in the latest persons run), to which tier, and why.</summary>
public sealed record MoveTargetRequest(int Person, int Tier, string Reason);

/// <summary>The move recorded.</summary>
public sealed record MoveTargetResult(long MoveId, long PersonsRunId, int Person, int FromTier, int ToTier, int ComputedTier, int Score, string Reason);
