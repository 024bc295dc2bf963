using System.Text.Json;
using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Persons;
using Harrier.Cases.Targets;
using Harrier.Cases.Triage;
using Harrier.Chain.Tracing;
using Harrier.Matching.Triage;
using Harrier.Scenario.Evaluation;
using Harrier.Scenario.Truth;

namespace Harrier.Operations.Eval;

/// <summary>
/// The <c>eval</c> use case: the case's triage results scored against a scenario's truth.json (definitions in
/// docs/triage.md), and, when the case has a trace, its payer → exchange attribution scored against the truth's
/// payments, and, when the case has a persons run and the truth a people section, its persons scored against that.
/// Audited as <c>eval.media</c>, <c>eval.chain</c>, <c>eval.people</c> and <c>eval.targets</c>.
/// </summary>
public sealed class Evaluate(CaseStore store)
{
    /// <summary>Runs the evaluation.</summary>
    public async Task<EvaluateResult> RunAsync(OperationContext context, EvaluateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var truthPath = request.TruthPath;
        if (!File.Exists(truthPath))
        {
            throw new EvaluationException($"no such file: {truthPath}");
        }

        var rows = await new TriageStore(store).LoadAsync(cancellationToken);
        if (rows.Count == 0)
        {
            throw new EvaluationException("no triage results in this case; run 'harrier triage' first");
        }

        ScenarioTruth truth;
        MediaEvaluation media;
        try
        {
            truth = await TruthJson.ReadAsync(truthPath, cancellationToken);
            var predictions = rows.Select(r => new MediaPrediction(r.RelPath,
                r.Status is TriageStatus.Known or TriageStatus.NearDuplicate, r.Status == TriageStatus.KnownGood, r.RenditionGroup, r.SceneGroup)).ToList();
            media = MediaEvaluator.Evaluate(truth, predictions);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or KeyNotFoundException)
        {
            throw new EvaluationException($"{truthPath}: {e.Message}", e);
        }

        await store.RecordAsync(context.Intent("eval.media", null), "against " + Path.GetFullPath(truthPath), cancellationToken);

        AttributionScore? chain = null;
        if (request.TracePath is { } tracePath && File.Exists(tracePath))
        {
            TraceReport report;
            try
            {
                report = await TraceReportJson.ReadAsync(tracePath, cancellationToken);
            }
            catch (Exception e) when (e is InvalidDataException or JsonException)
            {
                throw new EvaluationException(e is InvalidDataException ? e.Message : $"{tracePath}: {e.Message}", e);
            }

            var payments = truth.Payments?.ToList() ?? throw new EvaluationException($"{truthPath}: no payments[] to score the trace against");
            await store.RecordAsync(context.Intent("eval.chain", null), "against " + Path.GetFullPath(truthPath), cancellationToken);
            chain = AttributionScore.Compute(report, payments);
        }

        PeopleScore? people = null;
        TargetsScore? targets = null;
        var personsStore = new PersonsStore(store);
        if (truth.People is not null && await personsStore.LatestRunAsync(cancellationToken) is { } run)
        {
            var page = await personsStore.ListAsync(run.RunId, new PersonsFilter(), 0, int.MaxValue, cancellationToken);
            people = PeopleScore.Compute(truth.People, [.. page.Persons.Select(p => new PredictedPerson(p.AccountKeys, p.Country, p.Identified))]);
            await store.RecordAsync(context.Intent("eval.people", null),
                string.Create(CultureInfo.InvariantCulture, $"persons run {run.RunId} against {Path.GetFullPath(truthPath)}"), cancellationToken);
            var targetsStore = new TargetsStore(store);
            if (await targetsStore.LatestRunAsync(cancellationToken) is { } ranking && ranking.PersonsRunId == run.RunId)
            {
                // Persons the ranking stored nothing for are tier 4 (no factor); the tier that holds includes analysts' moves.
                var ranked = (await targetsStore.ListAsync(ranking, new TargetsFilter(MaxTier: 4), cancellationToken)).ToDictionary(t => t.PersonNumber);
                targets = TargetsScore.Compute(truth.People, [.. page.Persons.Select(p => ranked.TryGetValue(p.Number, out var t)
                    ? new PredictedTarget(p.AccountKeys, t.Tier, t.Country)
                    : new PredictedTarget(p.AccountKeys, 4, p.Country))]);
                await store.RecordAsync(context.Intent("eval.targets", null),
                    string.Create(CultureInfo.InvariantCulture, $"targets run {ranking.RunId} of persons run {run.RunId} against {Path.GetFullPath(truthPath)}"), cancellationToken);
            }
        }

        return new EvaluateResult(media, chain, people, targets);
    }
}
