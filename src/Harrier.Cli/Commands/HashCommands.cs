using System.CommandLine;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier hash pdq</c>: perceptual hashes of image files.</summary>
internal static class HashCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("hash", "Compute perceptual hashes of media files.");
        command.Add(Pdq(options, host));
        VideoHashCommands.AddTo(command, options, host);
        return command;
    }

    private static Command Pdq(GlobalOptions options, CliHost host)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Image files, or folders searched recursively (images recognised by content, not extension).",
            Arity = ArgumentArity.OneOrMore,
        };
        var frontEnd = new Option<PdqFrontEnd>("--front-end")
        {
            Description = "full: hash at full resolution (HMA, python-threatexchange, vPDQ; default). " +
                          "pre512: the C++ pdq-photo-hasher's 512×512 nearest-neighbour pre-resize.",
            DefaultValueFactory = _ => PdqFrontEnd.Full,
        };
        var dihedral = new Option<bool>("--dihedral")
        {
            Description = "Print the 8 dihedral hashes, comma-separated, in place of the hash, in the reference order " +
                          "original,rotate90,rotate180,rotate270,flipx,flipy,flipplus1,flipminus1.",
        };
        var exif = new Option<bool>("--apply-exif-orientation")
        {
            Description = "Rotate/flip pixels as the EXIF orientation says before hashing (off by default, as the reference).",
        };
        var trim = new Option<bool>("--trim-borders")
        {
            Description = "Hash the content inside uniform borders (letterbox bars, padding, screenshot chrome) instead of the whole image. " +
                          "Not reference-compatible: compare only with hashes made the same way.",
        };
        var reframe = new Option<double?>("--reframe")
        {
            Description = "Hash each image as the centre of a larger picture with this share (0-0.4) cut from each side, the missing ring " +
                          "filled (--reframe-fill): a hypothesis hash for finding the uncropped original of a centre crop in a bank " +
                          "(triage tries 0.05-0.15). Not reference-compatible; no --dihedral or --trim-borders with it.",
        };
        var reframeFill = new Option<ReframeFill>("--reframe-fill")
        {
            Description = "With --reframe: faded (the edge fading into the mean brightness; default) or grey (flat mid-grey). Triage tries both.",
            DefaultValueFactory = _ => ReframeFill.Faded,
        };
        var maxPixels = new Option<long>("--max-pixels")
        {
            Description = "Refuse images whose declared width×height exceeds this (checked before decoding).",
            DefaultValueFactory = _ => ImageDecoderOptions.Default.MaxPixels,
        };
        var jobs = new Option<int>("--jobs")
        {
            Description = "Files hashed in parallel (default: number of cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var pdq = new Command("pdq",
            "PDQ hash of every image: one line per image on stdout, hash<TAB>quality<TAB>path, in input order. " +
            "Errors go to stderr with the path; exit code 1 if any file failed.")
        {
            paths, frontEnd, dihedral, exif, trim, reframe, reframeFill, maxPixels, jobs,
        };
        pdq.SetAction(options, host, (ctx, parse, ct) =>
        {
            if (parse.GetValue(jobs) < 1 || parse.GetValue(maxPixels) < 1)
            {
                throw new CliException("--jobs and --max-pixels must be at least 1");
            }

            if (parse.GetValue(reframe) is { } share && (!(share > 0 && share <= 0.4) || parse.GetValue(dihedral) || parse.GetValue(trim)))
            {
                throw new CliException("--reframe takes a share per side in (0, 0.4] and cannot be combined with --dihedral or --trim-borders");
            }

            var batch = new PdqBatchOptions
            {
                FrontEnd = parse.GetValue(frontEnd),
                Dihedral = parse.GetValue(dihedral),
                TrimBorders = parse.GetValue(trim),
                Reframe = parse.GetValue(reframe),
                ReframeFill = parse.GetValue(reframeFill),
                MaxDegreeOfParallelism = parse.GetValue(jobs),
                Decoder = new ImageDecoderOptions
                {
                    MaxPixels = parse.GetValue(maxPixels),
                    ApplyExifOrientation = parse.GetValue(exif),
                },
            };
            var failed = 0;
            var hashed = 0;
            var json = ctx.Json ? new List<object>() : null;
            var errors = ctx.Json ? new List<object>() : null;
            foreach (var r in PdqBatch.HashAll(parse.GetValue(paths)!, batch, ct))
            {
                if (!r.Succeeded)
                {
                    failed++;
                    ctx.Error($"harrier: {r.Error}");
                    errors?.Add(new { path = r.Path, error = r.Error });
                    continue;
                }

                hashed++;
                var result = r.Result!.Value;
                if (json is not null)
                {
                    var variants = r.Hashes?.ToArray().Select(x => x.ToString()).ToArray();
                    json.Add(new { path = r.Path, hash = result.Hash.ToString(), quality = result.Quality, dihedral = variants });
                }
                else
                {
                    ctx.Out.WriteLine(r.Hashes is { } h ? PdqFormats.ToDihedralLine(h, r.Path) : PdqFormats.ToLine(result, r.Path));
                }
            }

            if (json is not null)
            {
                ctx.WriteJson(new
                {
                    algorithm = "pdq",
                    frontEnd = batch.FrontEnd,
                    trimBorders = batch.TrimBorders,
                    reframe = batch.Reframe,
                    reframeFill = batch.Reframe is null ? null : batch.ReframeFill.ToString().ToLowerInvariant(),
                    dihedralOrder = batch.Dihedral ? Enum.GetNames<PdqDihedral>().Select(n => n.ToLowerInvariant()).ToArray() : null,
                    hashed,
                    failed,
                    images = json,
                    errors,
                });
            }

            // 1: some files failed and the rest were hashed; 2: nothing could be hashed at all.
            return Task.FromResult(failed == 0 ? ExitCodes.Ok : hashed == 0 ? ExitCodes.UsageOrEnvironment : ExitCodes.Failures);
        });
        return pdq;
    }
}
