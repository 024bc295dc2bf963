using System.Globalization;
using Harrier.Analysis.Targets;
using Harrier.Cases;
using Harrier.Cases.Persons;
using Harrier.Cases.Targets;
using Harrier.Operations.Persons;

namespace Harrier.Operations.Targets;

/// <summary>
/// Ranks the persons of the case's latest persons run by what the platform data shows they did (docs/targets.md) and
/// stores the ranking with every factor; audited as <c>targets.rank</c>. Earlier rankings are kept; analysts' moves
/// of the same persons run still hold.
/// </summary>
public sealed class RankTargets(CaseStore store)
{
    public async Task<RankTargetsResult> RunAsync(RankTargetsRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var started = context.Time.GetTimestamp();
        var run = await new PersonsStore(store).LatestRunAsync(cancellationToken) ?? throw ListPersons.NoRun();
        context.Progress?.Report(new OperationProgress("read", 0, 0));
        var activity = await new TargetsStore(store).ReadActivityAsync(run, cancellationToken);
        context.Progress?.Report(new OperationProgress("rank", 0, activity.Count));
        var weights = RankingWeights.Default;
        var ranked = TargetRanker.Rank(activity, weights);
        var tiers = Enumerable.Range(1, 3).Select(t => ranked.Count(x => x.Tier == t)).ToArray();
        var runId = await store.WriteAsync(context.Intent("targets.rank", request.Justification),
            (w, ct) => TargetsStore.WriteRunAsync(w, run.RunId, weights, ranked, context.Actor, ct),
            id => string.Create(CultureInfo.InvariantCulture,
                $"targets run {id} of persons run {run.RunId}: {ranked.Count} persons with a factor; tier 1 {tiers[0]}, tier 2 {tiers[1]}, tier 3 {tiers[2]}"),
            cancellationToken);
        return new RankTargetsResult(runId, run.RunId, run.Stats.Persons, ranked.Count(x => x.Factors.Count > 0), tiers[0], tiers[1], tiers[2],
            run.Stats.Persons - tiers.Sum(), weights, context.Time.GetElapsedTime(started).TotalSeconds);
    }
}

/// <summary>What to rank: the latest persons run (the only choice today), and why.</summary>
public sealed record RankTargetsRequest(string? Justification = null);

/// <summary>The ranking stored: its id, the persons run it ranked, how many persons each tier got (tier 4: everyone else), and the weights used.</summary>
public sealed record RankTargetsResult(long RunId, long PersonsRunId, int Persons, int WithFactors, int Tier1, int Tier2, int Tier3, int Tier4, RankingWeights Weights,
    double ElapsedSeconds);
