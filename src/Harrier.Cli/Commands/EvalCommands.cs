using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Chain.Tracing;
using Harrier.Matching.Triage;
using Harrier.Scenario.Evaluation;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier eval --truth truth.json</c>.</summary>
internal static class EvalCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var truth = new Option<string>("--truth") { Description = "The scenario's truth.json.", Required = true };
        var command = new Command("eval", "Compare the case's triage with a scenario's ground truth (definitions in docs/triage.md).") { truth };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var evaluation = await EvaluateAsync(ctx, store, parse.GetValue(truth)!, ct);
            var chain = await EvaluateChainAsync(ctx, store, parse.GetValue(truth)!, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(ToJson(evaluation, chain));
            }
            else
            {
                PrintTable(ctx.Out, evaluation, chain);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    internal static async Task<MediaEvaluation> EvaluateAsync(CommandContext ctx, CaseStore store, string truthPath, CancellationToken ct)
    {
        if (!File.Exists(truthPath))
        {
            throw new CliException($"no such file: {truthPath}");
        }

        var rows = await new TriageStore(store).LoadAsync(ct);
        if (rows.Count == 0)
        {
            throw new CliException("no triage results in this case; run 'harrier triage' first");
        }

        var predictions = rows.Select(r => new MediaPrediction(r.RelPath,
            r.Status is TriageStatus.Known or TriageStatus.NearDuplicate, r.Status == TriageStatus.KnownGood, r.RenditionGroup, r.SceneGroup)).ToList();
        MediaEvaluation evaluation;
        try
        {
            evaluation = MediaEvaluator.Evaluate(truthPath, predictions);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            throw new CliException($"{truthPath}: {e.Message}");
        }

        await store.Audit.AppendAsync(ctx.Actor, "eval.media", "against " + Path.GetFullPath(truthPath), null, ct);
        return evaluation;
    }

    /// <summary>
    /// Payer → exchange attribution of the case's last <c>chain trace</c> against the truth's payments; null when the
    /// case has no trace.
    /// </summary>
    internal static async Task<AttributionScore?> EvaluateChainAsync(CommandContext ctx, CaseStore store, string truthPath, CancellationToken ct)
    {
        var tracePath = ChainCommands.TracePath(store);
        if (!File.Exists(tracePath))
        {
            return null;
        }

        var report = JsonSerializer.Deserialize<TraceReport>(await File.ReadAllTextAsync(tracePath, ct), ChainCommands.TraceJson)
            ?? throw new CliException($"{tracePath} is empty");
        using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(truthPath, ct));
        var payments = truth.RootElement.GetProperty("payments").EnumerateArray()
            .Select(p => new PaymentTruth(p.GetProperty("txid").GetString()!, p.GetProperty("vout").GetInt32(), p.GetProperty("exchange").GetString()!,
                p.GetProperty("withdrawalTxid").GetString(), p.GetProperty("withdrawalVout").GetInt32()))
            .ToList();
        await store.Audit.AppendAsync(ctx.Actor, "eval.chain", "against " + Path.GetFullPath(truthPath), null, ct);
        return AttributionScore.Compute(report, payments);
    }

    internal static object ToJson(MediaEvaluation e, AttributionScore? chain = null) => new
    {
        chain = chain is null ? null : new
        {
            attribution = new
            {
                precision = chain.Precision,
                recall = chain.Recall,
                known = chain.Known,
                predicted = chain.Predicted,
                correct = chain.Correct,
                wrong = chain.Wrong,
                missed = chain.Missed,
                withdrawalExact = chain.WithdrawalExact,
            },
        },
        media = new
        {
            files = e.Files,
            missingFromCase = e.MissingFromCase,
            known = Score(e.Known),
            renditions = Score(e.Renditions),
            scenes = Score(e.Scenes),
            knownGood = new { decoys = e.Decoys, filtered = e.DecoysFiltered },
            firstSeenShare = e.FirstSeenShare,
            trueFirstSeenShare = e.TrueFirstSeenShare,
        },
    };

    private static object Score(PairScore s) => new
    {
        precision = s.Precision,
        recall = s.Recall,
        f1 = s.F1,
        truePositives = s.TruePositives,
        falsePositives = s.FalsePositives,
        falseNegatives = s.FalseNegatives,
    };

    internal static void PrintTable(TextWriter w, MediaEvaluation e, AttributionScore? chain = null)
    {
        if (chain is not null)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"chain: payer → exchange attribution precision {chain.Precision:F3}, recall {chain.Recall:F3} ({chain.Correct} of {chain.Known} payments; {chain.Wrong} wrong, {chain.Missed} missed)"));
        }

        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"media: {e.Files} files, {e.MissingFromCase} truth files missing from the case"));
        w.WriteLine("measure                precision  recall     F1     TP     FP     FN");
        foreach (var (name, s) in new[] { ("known vs unknown (files)", e.Known), ("renditions (pairs)", e.Renditions), ("scenes (pairs)", e.Scenes) })
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-24} {s.Precision,7:F4} {s.Recall,7:F4} {s.F1,7:F4} {s.TruePositives,6} {s.FalsePositives,6} {s.FalseNegatives,6}"));
        }

        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"known-good decoys filtered: {e.DecoysFiltered}/{e.Decoys}; first seen: {e.FirstSeenShare:P1} predicted, {e.TrueFirstSeenShare:P1} true"));
    }
}
