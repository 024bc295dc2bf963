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
        var jobs = new Option<int?>("--jobs")
        {
            Description = "Files decoded at once (default: one per core). Memory is bounded by --memory-budget whatever this is.",
        };
        var memoryBudget = new Option<string?>("--memory-budget")
        {
            Description = "Memory the run's decodes may hold at once, e.g. 2G or 512M (default: half of this machine's memory). Each file reserves its " +
                "estimated working set before it is decoded and waits for room; a file that needs more than the whole budget is refused with the reason.",
        };
        var media = new Command("media",
            "Sniff every registered file's type from its content; PDQ (all 8 dihedral variants) for images, vPDQ for videos, dimensions, " +
            "duration and codec; embedded metadata (camera make, model and serial, GPS, dates, software); a blurred greyscale thumbnail " +
            "(images) or keyframe strip (videos) under CASE/derived/. Resumable: a rerun ingests only what is missing.")
        {
            exhibit, justification, noThumbnails, blur, jobs, memoryBudget,
        };
        media.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var sigma = parse.GetValue(blur);
            if (!(sigma >= ThumbnailOptions.MinimumBlurSigma) || sigma > 64)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"--thumbnail-blur must be between {ThumbnailOptions.MinimumBlurSigma} and 64 (a weaker blur shows detail)"));
            }

            if (parse.GetValue(jobs) is < 1 or > 1024)
            {
                throw new CliException("--jobs must be between 1 and 1024");
            }

            long? budget = parse.GetValue(memoryBudget) is { } text
                ? ParseSize(text) is { } b and >= 64L << 20 ? b : throw new CliException($"--memory-budget {text}: expected a size of at least 64M, such as 512M, 2G or 1.5G")
                : null;
            var thumbnails = parse.GetValue(noThumbnails) ? null : ThumbnailOptions.Default with { BlurSigma = sigma };
            var store = await CaseOpener.OpenAsync(ctx, ct);
            IngestMediaResult result;
            try
            {
                result = await WorkProgress.RunAsync(ctx, "ingesting media", p =>
                    IngestMedia.RunAsync(store, ctx.Operation(p), new IngestMediaRequest(parse.GetValue(exhibit)!)
                    {
                        Thumbnails = thumbnails, Justification = parse.GetValue(justification), Parallelism = parse.GetValue(jobs), MemoryBudgetBytes = budget,
                    }, ct));
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

    /// <summary>A size such as <c>512M</c>, <c>2G</c>, <c>1.5G</c>, <c>900K</c> or plain bytes (binary units); null when it is not one.</summary>
    internal static long? ParseSize(string text)
    {
        var t = text.Trim();
        var unit = t.Length > 0 ? char.ToUpperInvariant(t[^1]) : ' ';
        var shift = unit switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
        var number = shift == 0 ? t : t[..^1];
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !(value > 0))
        {
            return null;
        }

        var bytes = value * Math.Pow(2, shift);
        return bytes < long.MaxValue / 2 ? (long)bytes : null;
    }

    internal static void Print(CommandContext ctx, IngestMediaResult result)
    {
        if (ctx.Json)
        {
            ctx.WriteJson(result);
            return;
        }

        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exhibit {result.ExhibitId}: {result.Ingested} ingested, {result.AlreadyIngested} already ingested ({string.Join(", ", result.Kinds.Select(k => $"{k.Value} {k.Key}"))}) in {result.ElapsedSeconds:F1} s"));
        if (result.Jobs > 0)
        {
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"memory: {result.Jobs} files at once within a budget of {result.MemoryBudgetBytes >> 20} MiB; decodes reserved at most {result.PeakReservedBytes >> 20} MiB at once"));
        }

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
