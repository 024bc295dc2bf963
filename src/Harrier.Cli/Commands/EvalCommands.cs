using System.CommandLine;
using System.Globalization;
using Harrier.Cases;
using Harrier.Operations;
using Harrier.Operations.Eval;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier eval --truth truth.json</c>: parses, calls <see cref="Evaluate"/>, renders.</summary>
internal static class EvalCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var truth = new Option<string>("--truth") { Description = "The scenario's truth.json.", Required = true };
        var command = new Command("eval", "Compare the case's triage with a scenario's ground truth (definitions in docs/triage.md).") { truth };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await RunAsync(ctx, store, parse.GetValue(truth)!, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result.Report);
            }
            else
            {
                PrintTable(ctx.Out, result);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Runs the <see cref="Evaluate"/> use case on the case's triage and its last <c>chain trace</c>.</summary>
    internal static async Task<EvaluateResult> RunAsync(CommandContext ctx, CaseStore store, string truthPath, CancellationToken ct)
    {
        try
        {
            return await new Evaluate(store).RunAsync(new OperationContext(ctx.Actor, ctx.Time),
                new EvaluateRequest(truthPath, ChainCommands.TracePath(store)), ct);
        }
        catch (EvaluationException e)
        {
            throw new CliException(e.Message);
        }
    }

    internal static void PrintTable(TextWriter w, EvaluateResult result)
    {
        var (e, chain) = (result.Media, result.Chain);
        if (chain is not null)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"chain: payer → exchange attribution precision {chain.Precision:F3}, recall {chain.Recall:F3} ({chain.Correct} of {chain.Known} payments; {chain.Wrong} wrong, {chain.Missed} missed)"));
            if (chain.NonAttributable > 0)
            {
                w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"chain: abstention rate {chain.AbstentionRate:F3} over {chain.NonAttributable} payments that cannot be attributed on chain ({chain.Abstained} left unattributed; {chain.AttributedAnyway} attributed anyway, {chain.AttributedThroughCoinJoin} of them through a CoinJoin)"));
            }
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
        if (result.People is { } p)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"people: account pairs precision {p.Pairs.Precision:F4}, recall {p.Pairs.Recall:F4}, F1 {p.Pairs.F1:F4} (TP {p.Pairs.TruePositives}, FP {p.Pairs.FalsePositives}, FN {p.Pairs.FalseNegatives}); {p.Persons} persons"));
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"people: country accuracy {p.CountryAccuracy:F4} ({p.CountryCorrect} of {p.PersonsWithCountry} given one); paying persons identified by a return {p.IdentifiedShare:P1} ({p.PayingIdentified} of {p.PayingPersons})"));
        }

        if (result.Targets is { } t)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"targets: tier 1 precision {t.Tier1Precision:F4} ({t.Tier1Wrong} of {t.Tier1} only viewed or paid), producer/admin recall in tier 1 {t.ProducerRecall:F4} ({t.ProducersInTier1} of {t.Producers})"));
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"targets: package membership precision {t.Packages.Precision:F4}, recall {t.Packages.Recall:F4}, F1 {t.Packages.F1:F4} (TP {t.Packages.TruePositives}, FP {t.Packages.FalsePositives}, FN {t.Packages.FalseNegatives})"));
        }
    }
}
