using System.CommandLine;
using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;

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
            var summary = await new TriageStore(store).RunAsync(ctx.Actor, parse.GetValue(justification), null, ct);
            Print(ctx, summary);
            return ExitCodes.Ok;
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
            var path = await WriteReportAsync(ctx, store, parse.GetValue(justification), ct);
            if (ctx.Json)
            {
                var rows = await new TriageStore(store).LoadAsync(ct);
                ctx.WriteJson(new
                {
                    report = path,
                    files = rows.Select(r => new
                    {
                        evidenceId = r.EvidenceId,
                        r.ExhibitId,
                        r.RelPath,
                        r.Kind,
                        r.Status,
                        r.Method,
                        r.Bank,
                        scheme = r.Category?.Scheme,
                        category = r.Category?.Code,
                        r.Distance,
                        r.Conflicts,
                        r.RenditionGroup,
                        r.SceneGroup,
                        r.Representative,
                        r.QueueRank,
                        r.Reasons,
                        r.Metadata,
                        r.Derived,
                    }),
                });
            }
            else
            {
                ctx.Out.WriteLine("report: " + path);
            }

            return ExitCodes.Ok;
        });
        command.Add(triage);
        return command;
    }

    internal static async Task<string> WriteReportAsync(CommandContext ctx, CaseStore store, string? justification, CancellationToken ct)
    {
        var rows = await new TriageStore(store).LoadAsync(ct);
        if (rows.Count == 0)
        {
            throw new CliException("no triage results in this case; run 'harrier triage' first");
        }

        var path = Path.Combine(store.CaseDir, TriageReport.FileName);
        TriageReport.Write(path, store.Manifest.Name, ctx.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), rows);
        await store.Audit.AppendAsync(ctx.Actor, "report.triage",
            string.Create(CultureInfo.InvariantCulture, $"{TriageReport.FileName}: {rows.Count} files"), justification, ct);
        return path;
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
    }
}
