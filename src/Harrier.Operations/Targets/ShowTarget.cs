using System.Globalization;
using Harrier.Analysis.Targets;
using Harrier.Cases;
using Harrier.Cases.Targets;

namespace Harrier.Operations.Targets;

/// <summary>One person's score as its sum (every factor, weight and evidence), the tier rule, and the analysts' moves; audited as <c>targets.show</c>.</summary>
public sealed class ShowTarget(CaseStore store)
{
    public async Task<ShowTargetResult> RunAsync(ShowTargetRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var targets = new TargetsStore(store);
        var run = await targets.LatestRunAsync(cancellationToken) ?? throw ListTargets.NoRun();
        var row = await targets.PersonAsync(run, request.Person, cancellationToken)
                  ?? throw new OperationException(string.Create(CultureInfo.InvariantCulture, $"persons run {run.PersonsRunId} has no person {request.Person}"));
        var moves = (await targets.MovesAsync(run.PersonsRunId, cancellationToken)).Where(m => m.PersonNumber == request.Person).ToList();
        await store.RecordAsync(context.Intent("targets.show", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"person {request.Person} of targets run {run.RunId}: tier {row.Tier}, score {row.Score}, {row.Factors.Count} factors"), cancellationToken);
        return new ShowTargetResult(run.RunId, run.PersonsRunId, row, moves, run.Weights, TierRule(run.Weights));
    }

    /// <summary>The tier rule in words, with the thresholds of <paramref name="w"/>.</summary>
    public static string TierRule(RankingWeights w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return string.Create(CultureInfo.InvariantCulture,
            $"tier 1: score >= {w.Tier1Score} with an admin or first-seen-upload factor; tier 2: score >= {w.Tier2Score}; tier 3: score >= {w.Tier3Score}; tier 4: the rest");
    }
}

/// <summary>Which person (number in the latest persons run), and why the analyst looks.</summary>
public sealed record ShowTargetRequest(int Person, string? Justification = null);

/// <summary>The person's row, its moves (oldest first), the weights and the tier rule of the ranking.</summary>
public sealed record ShowTargetResult(long RunId, long PersonsRunId, TargetRow Target, IReadOnlyList<TargetMove> Moves, RankingWeights Weights, string TierRule);
