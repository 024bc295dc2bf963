using System.CommandLine;
using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier ingest media</c>.</summary>
internal static class IngestCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("ingest", "Derive facts and perceptual hashes from registered evidence.");
        command.Add(Media(options, host));
        return command;
    }

    private static Command Media(GlobalOptions options, CliHost host)
    {
        var exhibit = new Option<string>("--exhibit") { Description = "The exhibit whose files to ingest.", Required = true };
        var justification = EvidenceCommands.JustificationOption();
        var media = new Command("media",
            "Sniff every registered file's type from its content; PDQ (all 8 dihedral variants) for images, vPDQ for videos, dimensions, " +
            "duration and codec. Resumable: a rerun ingests only what is missing.")
        {
            exhibit, justification,
        };
        media.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            MediaIngestResult result;
            try
            {
                result = await RunAsync(ctx, store, parse.GetValue(exhibit)!, parse.GetValue(justification), ct);
            }
            catch (CaseStoreException e)
            {
                throw new CliException(e.Message);
            }

            Print(ctx, result);
            return result.Unreadable.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return media;
    }

    internal static Task<MediaIngestResult> RunAsync(CommandContext ctx, CaseStore store, string exhibit, string? justification, CancellationToken ct) =>
        WorkProgress.RunAsync(ctx, "ingesting media", p =>
            new MediaIngest(store).RunAsync(exhibit, ctx.Actor, justification, new Forward(p), ct));

    internal static void Print(CommandContext ctx, MediaIngestResult result)
    {
        if (ctx.Json)
        {
            ctx.WriteJson(new
            {
                result.ExhibitId,
                result.Files,
                result.AlreadyIngested,
                result.Ingested,
                result.Kinds,
                result.Unreadable,
                elapsedSeconds = result.Elapsed.TotalSeconds,
            });
            return;
        }

        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exhibit {result.ExhibitId}: {result.Ingested} ingested, {result.AlreadyIngested} already ingested ({string.Join(", ", result.Kinds.Select(k => $"{k.Value} {k.Key}"))}) in {result.Elapsed.TotalSeconds:F1} s"));
        foreach (var p in result.Unreadable)
        {
            ctx.Out.WriteLine($"  unreadable: {p.RelPath}: {p.Reason}");
        }
    }

    private sealed class Forward(IProgress<WorkReport> inner) : IProgress<EvidenceProgress>
    {
        public void Report(EvidenceProgress value) => inner.Report(new WorkReport(value.Stage, value.Done, value.Total, value.Bytes));
    }
}
