using System.CommandLine;
using System.Globalization;
using Harrier.Cases.Triage;
using Harrier.Operations.Triage;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier triage</c> and <c>harrier report triage</c>.</summary>
internal static class TriageCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("triage",
            "Match every registered file against the banks: known-good filtered, exact digests, PDQ (dihedral, distance ≤ 31, quality ≥ 50), " +
            "vPDQ (pytx); group renditions and near-duplicate scenes; rank the first-seen queue. Replaces the previous results.")
        {
            justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var summary = await WorkProgress.RunAsync(ctx, "triage", p =>
                new RunTriage(store).RunAsync(new RunTriageRequest(parse.GetValue(justification)), ctx.Operation(p), ct));
            Print(ctx, summary);
            return summary.Errors.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateReport(GlobalOptions options, CliHost host)
    {
        var command = new Command("report", "Write reports into the case folder.");
        var justification = EvidenceCommands.JustificationOption();
        var triage = new Command("triage", $"Write the triage report ({TriageReport.FileName}: one self-contained HTML page, no media) into the case folder; --json prints the results.")
        {
            justification,
        };
        triage.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var result = await new WriteTriageReport(store).RunAsync(new WriteTriageReportRequest(parse.GetValue(justification)), ctx.Operation(), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                ctx.Out.WriteLine("report: " + result.Report);
            }

            return ExitCodes.Ok;
        });
        command.Add(triage);
        return command;
    }

    internal static void Print(CommandContext ctx, TriageSummary summary)
    {
        if (ctx.Json)
        {
            ctx.WriteJson(summary);
            return;
        }

        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary.Files} files: {string.Join(", ", summary.ByStatus.Select(s => $"{s.Value} {s.Key}"))}"));
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary.SceneGroups} scene groups, {summary.RenditionGroups} rendition groups, {summary.QueuedGroups} in the first-seen queue, {summary.FilesWithConflicts} files with bank conflicts; video pairs: {summary.VideoPairsCompared} compared, {summary.VideoPairsSkippedByTmk} skipped by the TMK pre-filter"));
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"image hypotheses for images nothing else matched: {summary.ImagesHypothesised} computed, {summary.ImagesHypothesesStored} stored before, {summary.Errors.Count} failed; video frame hypotheses for videos nothing else matched: {summary.VideosHypothesised} computed, {summary.VideosHypothesesStored} stored before"));
        foreach (var e in summary.Errors)
        {
            ctx.Error($"{e.ExhibitId}/{e.RelPath}: {e.Error}");
        }
    }
}
