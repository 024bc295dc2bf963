using System.CommandLine;
using System.Globalization;
using Harrier.Media.Tmk;
using Harrier.Media.Video;
using Harrier.Media.Vpdq;

namespace Harrier.Cli.Commands;

/// <summary>
/// <c>harrier hash vpdq</c> and <c>harrier hash tmk</c>: video hashes through ffmpeg.
/// Exit codes: 0 every video hashed; 1 some video could not be read (named on stderr, the others still hashed);
/// 2 usage or environment (bad option, ffmpeg missing).
/// </summary>
internal static class VideoHashCommands
{
    public static void AddTo(Command hash, GlobalOptions options, CliHost host)
    {
        ArgumentNullException.ThrowIfNull(hash);
        hash.Add(Vpdq(options, host));
        hash.Add(Tmk(options, host));
    }

    private static Command Vpdq(GlobalOptions options, CliHost host)
    {
        var videos = new Argument<string[]>("VIDEO")
        {
            Description = "Video files (anything ffmpeg decodes).",
            Arity = ArgumentArity.OneOrMore,
        };
        var seconds = new Option<double>("--seconds-per-hash")
        {
            Description = "Seconds between hashed frames: every (int)(S·fps)-th decoder frame is hashed. 0 hashes every frame. Default 1 (pytx).",
            DefaultValueFactory = _ => 1.0,
        };
        var downsample = new Option<int?>("--downsample")
        {
            Description = "Scale frames to N×N before hashing (the reference CLI's -s N). Default: native size.",
        };
        var outDir = new Option<string?>("-o", "--output-dir")
        {
            Description = "Write one <name>.txt (pytx: <name>.json) per video into this folder (required for several videos; one video goes to stdout otherwise).",
        };
        var format = new Option<VpdqOutputFormat>("--format")
        {
            Description = "reference: frameNumber,quality,hash,timestamp lines (vpdq-hash-video). pytx: the python-threatexchange JSON signal.",
            DefaultValueFactory = _ => VpdqOutputFormat.Reference,
        };
        var (ffmpeg, ffprobe, timeout) = FfmpegOptionsFor();
        var command = new Command("vpdq",
            "vPDQ hash of videos (compatible with ThreatExchange vpdq and pytx): one line per hashed frame. " +
            "Unreadable videos are reported on stderr with their path; exit code 1 if any failed, 2 if none could be hashed.")
        {
            videos, seconds, downsample, outDir, format, ffmpeg, ffprobe, timeout,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var inputs = parse.GetValue(videos)!;
            var dir = parse.GetValue(outDir);
            if (parse.GetValue(seconds) is var s && (s < 0 || !double.IsFinite(s)))
            {
                throw new CliException("--seconds-per-hash must be 0 or more");
            }

            if (parse.GetValue(downsample) is < 1)
            {
                throw new CliException("--downsample must be at least 1");
            }

            if (inputs.Length > 1 && dir is null)
            {
                throw new CliException("several videos need -o DIR (one <name>.txt per video)");
            }

            var vpdqOptions = new VpdqOptions
            {
                SecondsPerHash = parse.GetValue(seconds),
                DownsampleSize = parse.GetValue(downsample),
                Ffmpeg = BuildFfmpegOptions(parse, ffmpeg, ffprobe, timeout, ctx.Time),
            };
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }

            var outputFormat = parse.GetValue(format);
            var targets = dir is null ? null : OutputNames(inputs, dir, outputFormat == VpdqOutputFormat.Pytx ? ".json" : ".txt");
            var failed = 0;
            var results = new List<object>();
            await WorkProgress.RunAsync(ctx, "vpdq", async progress =>
            {
                for (var i = 0; i < inputs.Length; i++)
                {
                    progress.Report(new WorkReport("videos", i, inputs.Length));
                    VpdqVideoHash hashed;
                    try
                    {
                        hashed = await VpdqHasher.HashFileAsync(inputs[i], vpdqOptions, ct);
                    }
                    catch (VideoException e)
                    {
                        failed++;
                        ctx.Error($"harrier: {e.Message}");
                        results.Add(new { path = inputs[i], error = e.Detail });
                        continue;
                    }
                    catch (FfmpegNotFoundException e)
                    {
                        throw new CliException(e.Message);
                    }

                    foreach (var w in hashed.Warnings)
                    {
                        ctx.Error($"harrier: warning: {inputs[i]}: {w}");
                    }

                    var text = outputFormat == VpdqOutputFormat.Pytx
                        ? VpdqFormats.ToPytxSignal(hashed.Features) + "\n"
                        : string.Concat(hashed.Features.Select(f => VpdqFormats.ToLine(f) + "\n"));
                    if (targets is not null)
                    {
                        await File.WriteAllTextAsync(targets[i], text, ct);
                    }
                    else if (!ctx.Json)
                    {
                        ctx.Out.Write(text);
                    }

                    results.Add(new
                    {
                        path = inputs[i],
                        output = targets?[i],
                        fps = hashed.Stream.FramesPerSecond,
                        frameModulus = hashed.FrameModulus,
                        width = hashed.Stream.Width,
                        height = hashed.Stream.Height,
                        rotation = hashed.Stream.Rotation,
                        frames = hashed.Features.Count,
                        warnings = hashed.Warnings,
                        features = targets is null ? hashed.Features.Select(f => new
                        {
                            frameNumber = f.FrameNumber,
                            quality = f.Quality,
                            hash = f.Hash.ToString(),
                            timestamp = Math.Round(f.TimestampSeconds, 3),
                        }) : null,
                    });
                }

                progress.Report(new WorkReport("videos", inputs.Length, inputs.Length));
                return 0;
            });

            if (ctx.Json)
            {
                ctx.WriteJson(new { algorithm = "vpdq", secondsPerHash = vpdqOptions.SecondsPerHash, downsample = vpdqOptions.DownsampleSize, failed, videos = results });
            }

            // 1: some videos failed and the rest were hashed; 2: none could be hashed.
            return failed == 0 ? ExitCodes.Ok : failed == inputs.Length ? ExitCodes.UsageOrEnvironment : ExitCodes.Failures;
        });
        return command;
    }

    private static Command Tmk(GlobalOptions options, CliHost host)
    {
        var video = new Argument<string>("VIDEO") { Description = "The video file." };
        var output = new Option<string>("-o", "--output")
        {
            Description = "The .tmk file to write (the reference layout, readable by tmk-two-level-score).",
            Required = true,
        };
        var (ffmpeg, ffprobe, timeout) = FfmpegOptionsFor();
        var command = new Command("tmk", "TMK+PDQF hash of a video (ThreatExchange tmk-hash-video compatible).")
        {
            video, output, ffmpeg, ffprobe, timeout,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var path = parse.GetValue(video)!;
            var outPath = parse.GetValue(output)!;
            TmkFeatures features;
            try
            {
                features = await TmkHasher.HashFileAsync(path, BuildFfmpegOptions(parse, ffmpeg, ffprobe, timeout, ctx.Time), ct);
            }
            catch (VideoException e)
            {
                // One video, unreadable: nothing valid at all (exit 2), nothing written.
                ctx.Error($"harrier: {e.Message}");
                return ExitCodes.UsageOrEnvironment;
            }
            catch (FfmpegNotFoundException e)
            {
                throw new CliException(e.Message);
            }

            TmkFormat.WriteFile(outPath, features);
            if (ctx.Json)
            {
                ctx.WriteJson(new { algorithm = "tmk", path, output = outPath, frames = features.FrameCount, framesPerSecond = features.FramesPerSecond });
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{outPath}\t{features.FrameCount} frames at {features.FramesPerSecond} fps\t{path}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static (Option<string?> Ffmpeg, Option<string?> Ffprobe, Option<double> Timeout) FfmpegOptionsFor() =>
    (
        new Option<string?>("--ffmpeg") { Description = "The ffmpeg executable (default: $HARRIER_FFMPEG, else ffmpeg on PATH)." },
        new Option<string?>("--ffprobe") { Description = "The ffprobe executable (default: $HARRIER_FFPROBE, else ffprobe on PATH)." },
        new Option<double>("--stall-timeout")
        {
            Description = "Kill ffmpeg when it writes nothing for this many seconds (a stuck decoder); the file then fails. Default 120.",
            DefaultValueFactory = _ => FfmpegOptions.Default.StallTimeout.TotalSeconds,
        }
    );

    private static FfmpegOptions BuildFfmpegOptions(ParseResult parse, Option<string?> ffmpeg, Option<string?> ffprobe, Option<double> timeout, TimeProvider time)
    {
        var seconds = parse.GetValue(timeout);
        if (!(seconds > 0) || !double.IsFinite(seconds))
        {
            throw new CliException("--stall-timeout must be a positive number of seconds");
        }

        return FfmpegOptions.Default with
        {
            FfmpegPath = parse.GetValue(ffmpeg) ?? FfmpegOptions.Default.FfmpegPath,
            FfprobePath = parse.GetValue(ffprobe) ?? FfmpegOptions.Default.FfprobePath,
            StallTimeout = TimeSpan.FromSeconds(seconds),
            TimeProvider = time,
        };
    }

    /// <summary><c>DIR/&lt;name&gt;.txt</c> (<c>.json</c> for pytx signals) per video; a repeated name gets <c>-2</c>, <c>-3</c>… so no output is overwritten.</summary>
    private static string[] OutputNames(string[] inputs, string dir, string extension)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var names = new string[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var stem = Path.GetFileNameWithoutExtension(inputs[i]);
            var name = stem;
            for (var n = 2; !used.Add(name); n++)
            {
                name = string.Create(CultureInfo.InvariantCulture, $"{stem}-{n}");
            }

            names[i] = Path.Combine(dir, name + extension);
        }

        return names;
    }

    private enum VpdqOutputFormat
    {
        Reference,
        Pytx,
    }
}
