using System.CommandLine;
using System.Globalization;
using Harrier.Cases;
using Harrier.Media.Imaging;
using Harrier.Operations.Ingest;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier ingest media</c>: parses, runs <see cref="IngestMedia"/>, renders its result.</summary>
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
        var noThumbnails = new Option<bool>("--no-thumbnails")
        {
            Description = "Do not write the blurred greyscale thumbnails and keyframe strips (CASE/derived/).",
        };
        var blur = new Option<double>("--thumbnail-blur")
        {
            Description = $"Gaussian blur of thumbnails in pixels at ≤ {ThumbnailOptions.Default.MaxSide} px (at least {ThumbnailOptions.MinimumBlurSigma}).",
            DefaultValueFactory = _ => ThumbnailOptions.Default.BlurSigma,
        };
        var media = new Command("media",
            "Sniff every registered file's type from its content; PDQ (all 8 dihedral variants) for images, vPDQ for videos, dimensions, " +
            "duration and codec; embedded metadata (camera make, model and serial, GPS, dates, software); a blurred greyscale thumbnail " +
            "(images) or keyframe strip (videos) under CASE/derived/. Resumable: a rerun ingests only what is missing.")
        {
            exhibit, justification, noThumbnails, blur,
        };
        media.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var sigma = parse.GetValue(blur);
            if (!(sigma >= ThumbnailOptions.MinimumBlurSigma) || sigma > 64)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"--thumbnail-blur must be between {ThumbnailOptions.MinimumBlurSigma} and 64 (a weaker blur shows detail)"));
            }

            var thumbnails = parse.GetValue(noThumbnails) ? null : ThumbnailOptions.Default with { BlurSigma = sigma };
            var store = await CaseOpener.OpenAsync(ctx, ct);
            IngestMediaResult result;
            try
            {
                result = await RunAsync(ctx, store, parse.GetValue(exhibit)!, parse.GetValue(justification), thumbnails, ct);
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

    /// <summary>Ingests with the default thumbnails (the demo's path).</summary>
    internal static Task<IngestMediaResult> RunAsync(CommandContext ctx, CaseStore store, string exhibit, string? justification, CancellationToken ct) =>
        RunAsync(ctx, store, exhibit, justification, ThumbnailOptions.Default, ct);

    /// <summary>Ingests with <paramref name="thumbnails"/>; null writes no derived files.</summary>
    internal static Task<IngestMediaResult> RunAsync(CommandContext ctx, CaseStore store, string exhibit, string? justification,
        ThumbnailOptions? thumbnails, CancellationToken ct) =>
        WorkProgress.RunAsync(ctx, "ingesting media", p =>
            IngestMedia.RunAsync(store, ctx.Operation(p),
                new IngestMediaRequest(exhibit) { Thumbnails = thumbnails, Justification = justification }, ct));

    internal static void Print(CommandContext ctx, IngestMediaResult result)
    {
        if (ctx.Json)
        {
            ctx.WriteJson(result);
            return;
        }

        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exhibit {result.ExhibitId}: {result.Ingested} ingested, {result.AlreadyIngested} already ingested ({string.Join(", ", result.Kinds.Select(k => $"{k.Value} {k.Key}"))}) in {result.ElapsedSeconds:F1} s"));
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"metadata: {result.WithMetadata} files with facts, {result.WithGps} with GPS, {result.WithCameraSerial} with a camera serial; derived: {result.Thumbnails} thumbnails, {result.KeyframeStrips} keyframe strips"));
        foreach (var p in result.Unreadable)
        {
            ctx.Out.WriteLine($"  unreadable: {p.RelPath}: {p.Reason}");
        }

        foreach (var p in result.Notes)
        {
            ctx.Out.WriteLine($"  note: {p.RelPath}: {p.Reason}");
        }
    }
}
