using System.CommandLine;
using System.Globalization;
using Harrier.Matching.Video;
using Harrier.Media.Tmk;
using Harrier.Media.Vpdq;

namespace Harrier.Cli.Commands;

/// <summary>
/// <c>harrier compare vpdq</c> and <c>harrier compare tmk</c>: compare two video hashes.
/// Exit codes: 0 compared (match or not); 2 usage, or an input that is missing or not a hash file.
/// </summary>
internal static class CompareCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("compare", "Compare two video hashes.");
        command.Add(Vpdq(options, host));
        command.Add(Tmk(options, host));
        return command;
    }

    private static Command Vpdq(GlobalOptions options, CliHost host)
    {
        var query = new Argument<string>("QUERY") { Description = "The query's vPDQ hash file (reference lines or a pytx JSON signal)." };
        var compared = new Argument<string>("COMPARED") { Description = "The compared video's vPDQ hash file." };
        var mode = new Option<VpdqMatchMode>("--mode")
        {
            Description = "pytx: drop duplicate hashes, distance <= D (python-threatexchange, HMA; default). cpp: no dedupe, distance < D (match-hashes-brute).",
            DefaultValueFactory = _ => VpdqMatchMode.Pytx,
        };
        var distance = new Option<int>("--distance") { Description = "Frame match distance D. Default 31.", DefaultValueFactory = _ => 31 };
        var quality = new Option<int>("--quality") { Description = "Ignore frames with quality below F. Default 50.", DefaultValueFactory = _ => 50 };
        var queryPct = new Option<double>("--query-percent") { Description = "Match when query% reaches this… Default 80 (pytx).", DefaultValueFactory = _ => 80 };
        var comparedPct = new Option<double>("--compared-percent") { Description = "…and compared% reaches this. Default 0 (pytx).", DefaultValueFactory = _ => 0 };
        var command = new Command("vpdq", "Percentages of matching frames in both directions, the match decision, and the corresponding time ranges.")
        {
            query, compared, mode, distance, quality, queryPct, comparedPct,
        };
        command.SetAction(options, host, (ctx, parse, ct) =>
        {
            if (parse.GetValue(distance) is < 0 or > 256 || parse.GetValue(quality) is < 0 or > 100)
            {
                throw new CliException("--distance must be 0..256 and --quality 0..100");
            }

            if (!(parse.GetValue(queryPct) is >= 0 and <= 100) || !(parse.GetValue(comparedPct) is >= 0 and <= 100))
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"--query-percent and --compared-percent must be 0..100 (got {parse.GetValue(queryPct)} and {parse.GetValue(comparedPct)})"));
            }

            var matchOptions = new VpdqMatchOptions
            {
                Mode = parse.GetValue(mode),
                Distance = parse.GetValue(distance),
                Quality = parse.GetValue(quality),
                QueryMatchPercent = parse.GetValue(queryPct),
                ComparedMatchPercent = parse.GetValue(comparedPct),
            };
            var qPath = parse.GetValue(query)!;
            var cPath = parse.GetValue(compared)!;
            var r = VpdqMatcher.Match(ReadVpdq(qPath), ReadVpdq(cPath), matchOptions);
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    query = qPath,
                    compared = cPath,
                    mode = matchOptions.Mode.ToString().ToLowerInvariant(),
                    distance = matchOptions.Distance,
                    quality = matchOptions.Quality,
                    queryMatchPercent = Math.Round(r.QueryMatchPercent, 2),
                    comparedMatchPercent = Math.Round(r.ComparedMatchPercent, 2),
                    queryFrames = r.QueryFrames,
                    queryMatched = r.QueryMatched,
                    comparedFrames = r.ComparedFrames,
                    comparedMatched = r.ComparedMatched,
                    isMatch = r.IsMatch,
                    clips = r.Clips.Select(c => new
                    {
                        queryStart = Math.Round(c.QueryStart, 3),
                        queryEnd = Math.Round(c.QueryEnd, 3),
                        comparedStart = Math.Round(c.ComparedStart, 3),
                        comparedEnd = Math.Round(c.ComparedEnd, 3),
                        offset = Math.Round(c.OffsetSeconds, 3),
                        frames = c.Frames,
                    }),
                });
                return Task.FromResult(ExitCodes.Ok);
            }

            var inv = CultureInfo.InvariantCulture;
            ctx.Out.WriteLine(string.Create(inv, $"query\t{r.QueryMatchPercent:F2}%\t{r.QueryMatched}/{r.QueryFrames} frames\t{qPath}"));
            ctx.Out.WriteLine(string.Create(inv, $"compared\t{r.ComparedMatchPercent:F2}%\t{r.ComparedMatched}/{r.ComparedFrames} frames\t{cPath}"));
            ctx.Out.WriteLine(string.Create(inv,
                $"match\t{(r.IsMatch ? "yes" : "no")}\t{matchOptions.Mode.ToString().ToLowerInvariant()}: distance {(matchOptions.Mode == VpdqMatchMode.Cpp ? "<" : "<=")} {matchOptions.Distance}, quality >= {matchOptions.Quality}, query >= {matchOptions.QueryMatchPercent}%, compared >= {matchOptions.ComparedMatchPercent}%"));
            foreach (var c in r.Clips)
            {
                ctx.Out.WriteLine(string.Create(inv,
                    $"clip\tquery {c.QueryStart:F3}-{c.QueryEnd:F3} s\tcompared {c.ComparedStart:F3}-{c.ComparedEnd:F3} s\toffset {c.OffsetSeconds:+0.000;-0.000;0.000} s\t{c.Frames} frames"));
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Tmk(GlobalOptions options, CliHost host)
    {
        var a = new Argument<string>("A") { Description = "A .tmk file." };
        var b = new Argument<string>("B") { Description = "Another .tmk file." };
        var command = new Command("tmk", "TMK+PDQF level-1 (average feature cosine) and level-2 (temporal kernel) scores; upstream suggests 0.7 for both.")
        {
            a, b,
        };
        command.SetAction(options, host, (ctx, parse, ct) =>
        {
            var score = TmkScorer.Score(ReadTmk(parse.GetValue(a)!), ReadTmk(parse.GetValue(b)!));
            if (ctx.Json)
            {
                ctx.WriteJson(new { level1 = Math.Round(score.Level1, 6), level2 = Math.Round(score.Level2!.Value, 6) });
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"level1\t{score.Level1:F6}"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"level2\t{score.Level2:F6}"));
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static IReadOnlyList<VpdqFeature> ReadVpdq(string path)
    {
        try
        {
            return VpdqFormats.ReadAnyFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{path}: {e.Message}");
        }
        catch (FormatException e)
        {
            throw new CliException($"not a vPDQ hash file: {e.Message}");
        }
    }

    private static TmkFeatures ReadTmk(string path)
    {
        try
        {
            return TmkFormat.ReadFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{path}: {e.Message}");
        }
        catch (TmkFormatException e)
        {
            throw new CliException($"not a TMK hash file: {e.Message}");
        }
    }
}
