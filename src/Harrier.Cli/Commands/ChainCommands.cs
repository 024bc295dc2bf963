using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Harrier.Cases;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;
using Harrier.Chain.Tracing;
using Harrier.Operations.Chain;

namespace Harrier.Cli.Commands;

/// <summary>
/// <c>harrier chain import|cluster|trace|show|requests|stats</c> and <c>harrier tags import</c>: parse, call the
/// operation (Harrier.Operations.Chain, which owns the case's chain workspace and the audit entries), render.
/// </summary>
internal static class ChainCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("chain", "Bitcoin: import block files, cluster addresses, trace deposits back to exchanges, write data requests.");
        command.Add(Import(options, host));
        command.Add(Cluster(options, host));
        command.Add(Trace(options, host));
        command.Add(Show(options, host));
        command.Add(Requests(options, host));
        command.Add(Stats(options, host));
        return command;
    }

    public static Command CreateTags(GlobalOptions options, CliHost host)
    {
        var command = new Command("tags", "Attribution tags: GraphSense TagPacks and ActorPacks, public or private to the case.");
        command.Add(TagsImport(options, host));
        return command;
    }

    /// <summary>The case's last trace (kept for the eval command; see <see cref="ChainWorkspace.TraceFile"/>).</summary>
    internal static string TracePath(CaseStore store) => CaseFolder.TraceFile(store.CaseDir);

    private static Command Import(GlobalOptions options, CliHost host)
    {
        var dir = new Argument<string>("DIR") { Description = "A blocks folder (blk*.dat, xor.dat; also .raw/.hex blocks) or one block file." };
        var network = new Option<string?>("--network") { Description = "main, testnet, testnet4, signet or regtest (default: the store's, else the first block magic; main for raw/hex)." };
        var justification = EvidenceCommands.JustificationOption();
        var import = new Command("import", "Import block files into the case's columnar chain store; run again with more blocks to extend it.") { dir, network, justification };
        import.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var request = new ImportChainRequest(parse.GetValue(dir)!, parse.GetValue(network), parse.GetValue(justification));
            var result = await WorkProgress.RunAsync(ctx, "importing blocks", p => new ImportChain(store).RunAsync(request, ctx.Operation(p), ct));
            foreach (var e in result.Errors)
            {
                ctx.Error($"harrier: {e}");
            }

            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                var m = result.Store;
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.FilesRead} files: {result.BlocksFound} blocks found, {result.BlocksAdded} added, {result.AlreadyStored} already stored, {result.StaleBlocks.Count} stale, {result.UnlinkedBlocks.Count} unlinked, {result.Errors.Count} errors"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"store: {m.Network}, {m.Blocks} blocks, {m.Transactions} txs, {m.Inputs} inputs, {m.Outputs} outputs, {m.Addresses} addresses; tip {m.Tip}"));
                foreach (var s in result.StaleBlocks)
                {
                    ctx.Out.WriteLine($"  stale:    {s}");
                }

                foreach (var s in result.UnlinkedBlocks)
                {
                    ctx.Out.WriteLine($"  unlinked: {s}");
                }
            }

            return result.Errors.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return import;
    }

    private static Command Cluster(GlobalOptions options, CliHost host)
    {
        var change = new Option<string[]>("--change")
        {
            Description = "Change heuristics to add (intersected): " + string.Join(", ", ChangeHeuristics.Names) + ". None by default.",
            AllowMultipleArgumentsPerToken = true,
        };
        var exclude = new Option<string[]>("--exclude-tx") { Description = "Undo the links of these txids (a bad link).", AllowMultipleArgumentsPerToken = true };
        var deposits = new Option<string?>("--deposits") { Description = "The platform's deposit addresses: known-payee rule (the other output of a 2-output payment is change)." };
        var justification = EvidenceCommands.JustificationOption();
        var cluster = new Command("cluster", "Cluster addresses: multi-input union-find without coinbase, multisig and CoinJoins; every union keeps its txid and rule.")
        {
            change, exclude, deposits, justification,
        };
        cluster.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var heuristics = (parse.GetValue(change) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var request = new ClusterChainRequest(heuristics, parse.GetValue(exclude) ?? [], parse.GetValue(deposits), parse.GetValue(justification));
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var result = await new ClusterChain(store).RunAsync(request, ctx.Operation(), ct);
            ReportDepositProblems(ctx, parse.GetValue(deposits), result.DepositProblems);
            var s = result.Stats;
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Clusters} clusters over {s.Addresses} addresses: {s.Unions} unions ({s.MultiInputTxs} multi-input txs, {s.KnownPayeeLinks} known-payee links, {s.ChangeLinks} change links)"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"skipped: {s.CoinJoinsSkipped} CoinJoins, {s.MultisigSkipped} multisig, {s.ExcludedSkipped} excluded; {s.Seconds:F3} s"));
            }

            return result.DepositProblems.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return cluster;
    }

    private static Command TagsImport(GlobalOptions options, CliHost host)
    {
        var path = new Argument<string>("PATH") { Description = "A TagPack or ActorPack YAML file, or a folder of them." };
        var isPrivate = new Option<bool>("--private") { Description = "Case-only pack (seized deposit addresses, user ids): never shared." };
        var justification = EvidenceCommands.JustificationOption();
        var import = new Command("import", "Import GraphSense TagPacks and ActorPacks into the case (re-importing a file replaces its tags).") { path, isPrivate, justification };
        import.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var result = await new ImportTags(store).RunAsync(
                new ImportTagsRequest(parse.GetValue(path)!, parse.GetValue(isPrivate), parse.GetValue(justification)), ctx.Operation(), ct);
            foreach (var e in result.Errors)
            {
                ctx.Error($"harrier: {e}");
            }

            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                foreach (var p in result.Packs)
                {
                    ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{p.Kind,-6} {p.Entries,6} {(p.IsPublic ? "public " : "private")} {p.Title} ({Path.GetFileName(p.File)}, sha256 {p.Sha256[..16]}…){(p.Skipped > 0 ? $", {p.Skipped} entries without address/id skipped" : "")}"));
                }

                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"case now holds {result.TotalTags} tags and {result.TotalActors} actors"));
            }

            return result.Errors.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return import;
    }

    private static Command Trace(GlobalOptions options, CliHost host)
    {
        var deposits = new Option<string>("--deposits") { Description = "File of deposit addresses (address[,label] a line).", Required = true };
        var maxHops = new Option<int>("--max-hops") { Description = "Hops to walk back before giving up.", DefaultValueFactory = _ => new TraceOptions().MaxHops };
        var dust = new Option<long>("--dust") { Description = "Shares below this many satoshis are not followed.", DefaultValueFactory = _ => new TraceOptions().DustSats };
        var noChange = new Option<bool>("--no-change-attribution")
        {
            Description = "Attribute senders only by their input addresses' tags, not by a tagged change output (a labelled heuristic, on by default).",
        };
        var justification = EvidenceCommands.JustificationOption();
        var trace = new Command("trace",
            "Trace payments to deposit addresses back to the first attributed service (FIFO and haircut shares, hop counts, stop reasons); " +
            "clusters with the known-payee rule first if none are saved for this chain.")
        {
            deposits, maxHops, dust, noChange, justification,
        };
        trace.SetAction(options, host, async (ctx, parse, ct) =>
        {
            if (parse.GetValue(maxHops) < 0 || parse.GetValue(dust) < 0)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"--max-hops and --dust must not be negative (got {parse.GetValue(maxHops)} and {parse.GetValue(dust)})"));
            }

            var request = new TraceChainRequest(parse.GetValue(deposits)!, parse.GetValue(maxHops), parse.GetValue(dust), !parse.GetValue(noChange),
                parse.GetValue(justification));
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var result = await new TraceChain(store).RunAsync(request, ctx.Operation(), ct);
            ReportDepositProblems(ctx, parse.GetValue(deposits), result.DepositProblems);
            var done = result.DepositProblems.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
            var report = result.Report;
            if (ctx.Json)
            {
                // The trace report itself, exactly as written to chain/trace.json (records left out are on stderr).
                ctx.Out.WriteLine(JsonSerializer.Serialize(report, ChainWorkspace.TraceJson));
                return done;
            }

            if (result.ClustersComputed)
            {
                ctx.Out.WriteLine("clusters computed (multi-input + known payee) and saved");
            }

            foreach (var d in report.Deposits)
            {
                ctx.Out.WriteLine($"{d.Address}{(d.Label is null ? "" : " (" + d.Label + ")")}: {(d.InChain ? d.Payments.Count + " payments" : "not in the chain")}");
                foreach (var p in d.Payments)
                {
                    ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  paid {ChainStore.Btc(p.AmountSats)} BTC in {p.Txid}:{p.Vout} at {p.TimeUtc.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; payer cluster {p.PayerCluster}{(p.PayerChange is null ? "" : ", change " + p.PayerChange + " (known payee)")}"));
                    foreach (var l in p.Leads)
                    {
                        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"    lead {l.Actor} hop {l.Hops}: {l.Txid}:{l.Vout} {ChainStore.Btc(l.AmountSats)} BTC to {l.Address}; fifo {l.FifoSats} sat, haircut {l.HaircutSats} sat [{l.TagLabel}, {l.Confidence}; {l.Basis}]"));
                    }

                    foreach (var s in p.Stops)
                    {
                        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"    stop hop {s.Hops}: {s.Reason} at {s.Txid}; fifo {s.FifoSats} sat, haircut {s.HaircutSats} sat"));
                    }
                }
            }

            foreach (var r in report.Requests)
            {
                ctx.Out.WriteLine($"request: {r.Actor} ({string.Join("+", r.Jurisdictions.DefaultIfEmpty("jurisdiction unknown"))}): {r.Leads.Count} withdrawals");
            }

            if (report.Obscured.Count > 0)
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"obscured (not requested; chain requests writes them to the annex obscured-annex.json/.csv): {report.Obscured.Count} payments, {string.Join(", ", report.Obscured.GroupBy(o => o.Reason.Split(':')[0]).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"))}"));
            }

            foreach (var c in report.Collapses)
            {
                ctx.Out.WriteLine($"warning: cluster {c.Cluster} is tagged as {string.Join(" and ", c.Actors)}: likely cluster collapse");
            }

            return done;
        });
        return trace;
    }

    private static Command Requests(GlobalOptions options, CliHost host)
    {
        var outDir = new Option<string>("--out") { Description = "Folder for the request documents.", Required = true };
        var justification = EvidenceCommands.JustificationOption();
        var requests = new Command("requests", "Write one data request per exchange (CSV and JSON) from the last trace, with an index by jurisdiction.") { outDir, justification };
        requests.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await new WriteChainRequests(store).RunAsync(
                new WriteChainRequestsRequest(parse.GetValue(outDir)!, parse.GetValue(justification)), ctx.Operation(), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                foreach (var r in result.Exchanges)
                {
                    ctx.Out.WriteLine($"{r.Actor} ({string.Join("+", r.Jurisdictions.DefaultIfEmpty("jurisdiction unknown"))}): {r.Withdrawals} withdrawals → {RequestWriter.SafeName(r.Actor)}.json/.csv");
                }

                ctx.Out.WriteLine($"written to {result.Directory}");
            }

            return ExitCodes.Ok;
        });
        return requests;
    }

    private static Command Stats(GlobalOptions options, CliHost host)
    {
        var stats = new Command("stats", "Store counts, one timed pass over every input and output, and a timed clustering run (not saved).");
        stats.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = new ChainStats(store).Run();
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                var (m, scan, again, clusters) = (result.Store, result.FirstPass, result.SecondPass, result.Clustering);
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{m.Network}: {m.Blocks} blocks, {m.Transactions} txs, {m.Inputs} inputs, {m.Outputs} outputs, {m.Addresses} addresses; tip {m.Tip}"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"full pass: {again.Inputs + again.Outputs} visits in {again.Seconds * 1000:F1} ms ({again.VisitsPerSecond / 1e6:F0} M/s, one thread; {again.CpuSeconds * 1000:F1} ms of CPU, {again.VisitsPerCpuSecond / 1e6:F0} M per CPU-second; first pass {scan.Seconds * 1000:F1} ms); fees {ChainStore.Btc(again.FeeSats)} BTC, unspent {ChainStore.Btc(again.UnspentSats)} BTC"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"clustering: {clusters.Clusters} clusters, {clusters.Unions} unions, {clusters.CoinJoinsSkipped} CoinJoins skipped, {clusters.Seconds * 1000:F1} ms"));
            }

            return ExitCodes.Ok;
        });
        return stats;
    }

    private static Command Show(GlobalOptions options, CliHost host)
    {
        var what = new Argument<string>("ID") { Description = "An address, a txid or a block hash." };
        var justification = EvidenceCommands.JustificationOption();
        var show = new Command("show", "Show an address (outputs, balance, cluster, tags), a transaction (inputs, outputs, CoinJoin, change heuristics) or a block.")
        {
            what, justification,
        };
        show.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await new ShowChain(store).RunAsync(new ShowChainRequest(parse.GetValue(what)!, parse.GetValue(justification)), ctx.Operation(), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result.View);
            }
            else
            {
                ctx.Out.WriteLine(JsonSerializer.Serialize(result.View, ChainWorkspace.TraceJson));
            }

            return ExitCodes.Ok;
        });
        return show;
    }

    /// <summary>Each deposit-list record left out (not a Bitcoin address), on stderr with the file and line; the command then exits 1.</summary>
    private static void ReportDepositProblems(CommandContext ctx, string? file, IReadOnlyList<Harrier.Chain.Tracing.DepositListProblem> problems)
    {
        foreach (var p in problems.Take(20))
        {
            ctx.Error(string.Create(CultureInfo.InvariantCulture, $"harrier: {file} line {p.Line}: left out: {p.Value}: {p.Problem}"));
        }

        if (problems.Count > 20)
        {
            ctx.Error(string.Create(CultureInfo.InvariantCulture, $"harrier: {file}: … {problems.Count - 20} more records left out"));
        }
    }
}
