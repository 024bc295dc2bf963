using System.CommandLine;
using System.Globalization;
using Harrier.Matching.Index;
using Harrier.Media.Hashing;
using Harrier.Media.Pdq;

namespace Harrier.Cli.Commands;

/// <summary>
/// <c>harrier index build</c> and <c>harrier index search</c>: the Hamming index over 256-bit hashes.
/// Exit codes: 0 done; 1 a data problem (a malformed line in an input file, a damaged index file);
/// 2 usage or environment (a missing file, a bad option).
/// </summary>
internal static class IndexCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var index = new Command("index", "Build and search exact Hamming indexes of 256-bit hashes (PDQ).");
        index.Add(Build(options, host));
        index.Add(Search(options, host));
        return index;
    }

    private static Command Build(GlobalOptions options, CliHost host)
    {
        var output = new Option<string>("--out")
        {
            Description = "The index file to write.",
            Required = true,
        };
        var files = new Argument<string[]>("FILE")
        {
            Description = "Hash lists: one `hash<TAB>id` per line (64 lowercase hex digits; id a signed 64-bit integer). " +
                          "Without an id, the id is the 0-based line number counted across all files in order. Empty lines are skipped (they still count).",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("build", "Build an index file from hash lists.") { output, files };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var outPath = Path.GetFullPath(parse.GetValue(output)!);
            var started = ctx.Time.GetTimestamp();
            using var built = new HammingIndex();
            long line = 0;
            foreach (var file in parse.GetValue(files)!)
            {
                using var reader = OpenText(file);
                var lineInFile = 0;
                while (await reader.ReadLineAsync(ct) is { } text)
                {
                    lineInFile++;
                    var id = line++;
                    if (text.Length == 0)
                    {
                        continue;
                    }

                    if (!TryParseEntry(text, id, out var hash, out var entryId, out var problem))
                    {
                        ctx.Error($"harrier: {file}:{lineInFile}: {problem}");
                        return ExitCodes.UsageOrEnvironment; // a malformed line or a damaged index: nothing written or searched
                    }

                    built.Add(hash, entryId);
                }
            }

            built.Save(outPath);
            var seconds = ctx.Time.GetElapsedTime(started).TotalSeconds;
            if (ctx.Json)
            {
                ctx.WriteJson(new { index = outPath, entries = built.Count, bytes = new FileInfo(outPath).Length, seconds });
            }
            else
            {
                ctx.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"indexed {built.Count} hashes into {outPath} in {seconds:F2} s"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Search(GlobalOptions options, CliHost host)
    {
        var indexPath = new Argument<string>("IDX") { Description = "An index file written by `harrier index build`." };
        var queries = new Argument<string>("QUERYFILE")
        {
            Description = "Queries, one per line: a hash, optionally followed by a TAB and anything (so `harrier hash pdq` output works as is). " +
                          "With --dihedral: the 8 comma-separated dihedral hashes of `harrier hash pdq --dihedral`.",
        };
        var radius = new Option<int>("--radius")
        {
            Description = "Report entries within this Hamming distance (0..256; PDQ matching uses 31).",
            Required = true,
        };
        var dihedral = new Option<bool>("--dihedral")
        {
            Description = "Each query line holds 8 dihedral variants; report each entry once with the smallest distance " +
                          "and, as a 4th column, the variant that reached it.",
        };
        var strategy = new Option<SearchStrategy>("--strategy")
        {
            Description = "Search strategy (auto lets the cost model choose; all give the same matches).",
            DefaultValueFactory = _ => SearchStrategy.Auto,
        };
        var command = new Command("search",
            "Print every match as query_line<TAB>id<TAB>distance (query_line counted from 1), sorted by query line, then index order.")
        {
            indexPath, queries, radius, dihedral, strategy,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var r = parse.GetValue(radius);
            if (r is < 0 or > HammingIndex.MaxRadius)
            {
                throw new CliException($"--radius must be 0..{HammingIndex.MaxRadius}, got {r}");
            }

            var isDihedral = parse.GetValue(dihedral);
            var queryFile = parse.GetValue(queries)!;
            var hashes = new List<Hash256>();
            var lines = new List<int>();
            using (var reader = OpenText(queryFile))
            {
                var lineNo = 0;
                while (await reader.ReadLineAsync(ct) is { } text)
                {
                    lineNo++;
                    if (text.Length == 0)
                    {
                        continue;
                    }

                    var first = text.Split('\t', 2)[0];
                    var parts = isDihedral ? first.Split(',') : [first];
                    if (isDihedral && parts.Length != 8)
                    {
                        ctx.Error($"harrier: {queryFile}:{lineNo}: --dihedral expects 8 comma-separated hashes, got {parts.Length}");
                        return ExitCodes.UsageOrEnvironment; // a malformed line or a damaged index: nothing written or searched
                    }

                    foreach (var part in parts)
                    {
                        if (!Hash256.TryParse(part, out var h))
                        {
                            ctx.Error($"harrier: {queryFile}:{lineNo}: not a hash: {Shorten(part)} (expected 64 lowercase hex digits)");
                            return ExitCodes.UsageOrEnvironment; // a malformed line or a damaged index: nothing written or searched
                        }

                        hashes.Add(h);
                    }

                    lines.Add(lineNo);
                }
            }

            HammingIndex idx;
            try
            {
                idx = OpenIndex(indexPath, parse);
            }
            catch (IndexFormatException e)
            {
                ctx.Error($"harrier: {e.Message}");
                return ExitCodes.UsageOrEnvironment; // a malformed line or a damaged index: nothing written or searched
            }

            using (idx)
            {
                var searchOptions = new IndexSearchOptions { Strategy = parse.GetValue(strategy) };
                var plan = idx.Plan(hashes.ToArray(), r, searchOptions);
                var variantNames = Enum.GetNames<PdqDihedral>().Select(n => n.ToLowerInvariant()).ToArray();
                var json = ctx.Json ? new List<object>() : null;
                if (isDihedral)
                {
                    foreach (var m in idx.SearchDihedral(hashes.ToArray(), r, searchOptions))
                    {
                        var line = lines[m.QueryIndex];
                        json?.Add(new { queryLine = line, id = m.Id, distance = m.Distance, variant = variantNames[m.Variant] });
                        if (json is null)
                        {
                            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{line}\t{m.Id}\t{m.Distance}\t{variantNames[m.Variant]}"));
                        }
                    }
                }
                else
                {
                    foreach (var m in idx.Search(hashes.ToArray(), r, searchOptions))
                    {
                        var line = lines[m.QueryIndex];
                        json?.Add(new { queryLine = line, id = m.Id, distance = m.Distance });
                        if (json is null)
                        {
                            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{line}\t{m.Id}\t{m.Distance}"));
                        }
                    }
                }

                if (json is not null)
                {
                    var used = searchOptions.Strategy == SearchStrategy.Auto ? plan.Strategy : searchOptions.Strategy;
                    ctx.WriteJson(new
                    {
                        index = Path.GetFullPath(parse.GetValue(indexPath)!),
                        entries = idx.LiveCount,
                        radius = r,
                        dihedral = isDihedral,
                        queries = lines.Count,
                        strategy = used,
                        // The multi-index part count the search used (the planner's, or the one the strategy names).
                        multiIndexParts = used switch
                        {
                            SearchStrategy.MultiIndex16 => 16,
                            SearchStrategy.MultiIndex32 => 8,
                            SearchStrategy.MultiIndex when plan.MultiIndexParts > 0 => plan.MultiIndexParts,
                            _ => (int?)null,
                        },
                        matches = json,
                    });
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static HammingIndex OpenIndex(Argument<string> indexPath, ParseResult parse)
    {
        var path = parse.GetValue(indexPath)!;
        if (!File.Exists(path))
        {
            throw new CliException($"{path}: no such index file");
        }

        // The payload checksum is checked on open (it also pages the file in): about 0.13 s for a 10M-hash file with its
        // multi-index tables (about 1 GB) from the page cache.
        return HammingIndex.Open(path);
    }

    private static StreamReader OpenText(string path)
    {
        try
        {
            return new StreamReader(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            throw new CliException($"{path}: {e.Message}");
        }
    }

    /// <summary>Parses <c>hash</c> or <c>hash TAB id</c>; <paramref name="defaultId"/> when the id is absent.</summary>
    internal static bool TryParseEntry(string text, long defaultId, out Hash256 hash, out long id, out string problem)
    {
        var fields = text.Split('\t');
        id = defaultId;
        problem = "";
        if (fields.Length > 2)
        {
            hash = default;
            problem = $"expected hash<TAB>id, got {fields.Length} tab-separated fields";
            return false;
        }

        if (!Hash256.TryParse(fields[0], out hash))
        {
            problem = $"not a hash: {Shorten(fields[0])} (expected 64 lowercase hex digits)";
            return false;
        }

        if (fields.Length == 2 && !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out id))
        {
            problem = $"not an id: {Shorten(fields[1])} (expected a signed 64-bit integer)";
            return false;
        }

        return true;
    }

    private static string Shorten(string s) => s.Length > 80 ? s[..77] + "..." : s;
}
