using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Harrier.Cases;
using Harrier.Chain;
using Harrier.Chain.Attribution;
using Harrier.Chain.Blocks;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;
using Harrier.Chain.Tracing;

namespace Harrier.Cli.Commands;

/// <summary>
/// <c>harrier chain import|cluster|trace|show|requests</c> and <c>harrier tags import</c>. The chain's data live as files
/// under the case folder: <c>chain/</c> (columns, clusters, the last trace) and <c>tags/</c> (imported packs).
/// </summary>
internal static class ChainCommands
{
    internal static readonly JsonSerializerOptions TraceJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

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

    private static string ChainDir(CaseStore store) => Path.Combine(store.CaseDir, "chain");

    private static string TagsDir(CaseStore store) => Path.Combine(store.CaseDir, "tags");

    internal static string TracePath(CaseStore store) => Path.Combine(ChainDir(store), "trace.json");

    private static ChainStore OpenChain(CaseStore store)
    {
        try
        {
            return ChainStore.Open(ChainDir(store));
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new CliException(e.Message);
        }
    }

    private static Command Import(GlobalOptions options, CliHost host)
    {
        var dir = new Argument<string>("DIR") { Description = "A blocks folder (blk*.dat, xor.dat; also .raw/.hex blocks) or one block file." };
        var network = new Option<string?>("--network") { Description = "main, testnet, testnet4, signet or regtest (default: the store's, else the first block magic; main for raw/hex)." };
        var justification = EvidenceCommands.JustificationOption();
        var import = new Command("import", "Import block files into the case's columnar chain store; run again with more blocks to extend it.") { dir, network, justification };
        import.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var source = Path.GetFullPath(parse.GetValue(dir)!);
            var net = parse.GetValue(network) is { } name
                ? ChainNetworks.FromName(name) ?? throw new CliException($"unknown network '{name}'")
                : null;
            var store = await CaseOpener.OpenAsync(ctx, ct);
            ChainImportResult result;
            try
            {
                result = await WorkProgress.RunAsync(ctx, "importing blocks", p => Task.Run(() =>
                    ChainImporter.Import(ChainDir(store), source, new ChainImportOptions { Network = net },
                        new Forward(p), ct), ct));
            }
            catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or InvalidDataException)
            {
                throw new CliException(e.Message);
            }

            var m = result.Manifest;
            await store.Audit.AppendAsync(ctx.Actor, "chain.import", string.Create(CultureInfo.InvariantCulture,
                $"{source}: {result.FilesRead} files, {result.BlocksAdded} blocks added, {result.Errors.Count} errors, tip {m.Tip} ({m.Blocks} blocks)"),
                parse.GetValue(justification), ct);
            foreach (var e in result.Errors)
            {
                ctx.Error($"harrier: {e}");
            }

            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    result.FilesRead, result.BlocksFound, result.BlocksAdded, result.AlreadyStored, result.StaleBlocks, result.UnlinkedBlocks,
                    result.TransactionsAdded, result.InputsAdded, result.OutputsAdded,
                    errors = result.Errors.Select(e => new { e.File, e.Offset, e.Message }),
                    store = m,
                    readSeconds = result.ReadTime.TotalSeconds,
                    buildSeconds = result.BuildTime.TotalSeconds,
                });
            }
            else
            {
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
            foreach (var h in heuristics)
            {
                if (!ChangeHeuristics.Names.Contains(h))
                {
                    throw new CliException($"unknown change heuristic '{h}' (known: {string.Join(", ", ChangeHeuristics.Names)})");
                }
            }

            var excluded = new List<Hash32>();
            foreach (var t in parse.GetValue(exclude) ?? [])
            {
                excluded.Add(Hash32.TryParse(t, out var h) ? h : throw new CliException($"not a txid: {t}"));
            }

            var payees = parse.GetValue(deposits) is { } file ? ReadDeposits(file).Select(d => d.Address).ToList() : [];
            var store = await CaseOpener.OpenAsync(ctx, ct);
            using var chain = OpenChain(store);
            var set = ClusterSet.Build(chain, new ClusterOptions { ChangeHeuristics = heuristics, ExcludedTxs = excluded, KnownPayees = payees });
            set.Save(chain.Directory);
            var s = set.Stats;
            await store.Audit.AppendAsync(ctx.Actor, "chain.cluster", string.Create(CultureInfo.InvariantCulture,
                $"{s.Clusters} clusters over {s.Addresses} addresses, {s.Unions} unions; change [{string.Join(",", heuristics)}]; excluded {excluded.Count} txs; {payees.Count} known payees"),
                parse.GetValue(justification), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(new { stats = s, changeHeuristics = heuristics, excludedTxs = excluded.Select(h => h.ToString()), knownPayees = payees.Count });
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Clusters} clusters over {s.Addresses} addresses: {s.Unions} unions ({s.MultiInputTxs} multi-input txs, {s.KnownPayeeLinks} known-payee links, {s.ChangeLinks} change links)"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"skipped: {s.CoinJoinsSkipped} CoinJoins, {s.MultisigSkipped} multisig, {s.ExcludedSkipped} excluded; {s.Seconds:F3} s"));
            }

            return ExitCodes.Ok;
        });
        return cluster;
    }

    private static IReadOnlyList<DepositAddress> ReadDeposits(string file)
    {
        try
        {
            return DepositList.Read(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            throw new CliException($"cannot read deposits file {file}: {e.Message}");
        }
    }

    private static Command TagsImport(GlobalOptions options, CliHost host)
    {
        var path = new Argument<string>("PATH") { Description = "A TagPack or ActorPack YAML file, or a folder of them." };
        var isPrivate = new Option<bool>("--private") { Description = "Case-only pack (seized deposit addresses, user ids): never shared." };
        var justification = EvidenceCommands.JustificationOption();
        var import = new Command("import", "Import GraphSense TagPacks and ActorPacks into the case (re-importing a file replaces its tags).") { path, isPrivate, justification };
        import.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var source = Path.GetFullPath(parse.GetValue(path)!);
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var library = TagLibrary.Load(TagsDir(store));
            var errors = new List<string>();
            IReadOnlyList<ImportedPack> packs;
            try
            {
                packs = library.Import(source, !parse.GetValue(isPrivate), errors);
            }
            catch (FileNotFoundException e)
            {
                throw new CliException(e.Message);
            }

            library.Save(TagsDir(store));
            await store.Audit.AppendAsync(ctx.Actor, "tags.import", string.Create(CultureInfo.InvariantCulture,
                $"{source}: {packs.Count} packs ({packs.Where(p => p.Kind == "tags").Sum(p => p.Entries)} tags, {packs.Where(p => p.Kind == "actors").Sum(p => p.Entries)} actors), {(parse.GetValue(isPrivate) ? "private" : "public")}, {errors.Count} errors"),
                parse.GetValue(justification), ct);
            foreach (var e in errors)
            {
                ctx.Error($"harrier: {e}");
            }

            if (ctx.Json)
            {
                ctx.WriteJson(new { packs, errors, totalTags = library.Tags.Count, totalActors = library.Actors.Count });
            }
            else
            {
                foreach (var p in packs)
                {
                    ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{p.Kind,-6} {p.Entries,6} {(p.IsPublic ? "public " : "private")} {p.Title} ({Path.GetFileName(p.File)}, sha256 {p.Sha256[..16]}…){(p.Skipped > 0 ? $", {p.Skipped} entries without address/id skipped" : "")}"));
                }

                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"case now holds {library.Tags.Count} tags and {library.Actors.Count} actors"));
            }

            return errors.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
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
            var list = ReadDeposits(parse.GetValue(deposits)!);
            var store = await CaseOpener.OpenAsync(ctx, ct);
            using var chain = OpenChain(store);
            ClusterSet clusters;
            var rebuilt = false;
            try
            {
                clusters = ClusterSet.Load(chain);
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
            {
                clusters = ClusterSet.Build(chain, new ClusterOptions { KnownPayees = list.Select(d => d.Address).ToList() });
                clusters.Save(chain.Directory);
                rebuilt = true;
            }

            var index = new AttributionIndex(chain, clusters, TagLibrary.Load(TagsDir(store)));
            var options = new TraceOptions { MaxHops = parse.GetValue(maxHops), DustSats = parse.GetValue(dust), ChangeAttribution = !parse.GetValue(noChange) };
            var report = new PaymentTracer(chain, clusters, index, options).Trace(list, ct);
            File.WriteAllText(TracePath(store), JsonSerializer.Serialize(report, TraceJson));
            var leads = report.Requests.Sum(r => r.Leads.Count);
            await store.Audit.AppendAsync(ctx.Actor, "chain.trace", string.Create(CultureInfo.InvariantCulture,
                $"{list.Count} deposit addresses, {report.Deposits.Sum(d => d.Payments.Count)} payments: {leads} exchange leads at {report.Requests.Count} exchanges"),
                parse.GetValue(justification), ct);
            if (ctx.Json)
            {
                ctx.Out.WriteLine(JsonSerializer.Serialize(report, TraceJson));
                return ExitCodes.Ok;
            }

            if (rebuilt)
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

            foreach (var c in report.Collapses)
            {
                ctx.Out.WriteLine($"warning: cluster {c.Cluster} is tagged as {string.Join(" and ", c.Actors)}: likely cluster collapse");
            }

            return ExitCodes.Ok;
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
            var store = await CaseOpener.OpenAsync(ctx, ct);
            if (!File.Exists(TracePath(store)))
            {
                throw new CliException($"no trace in {ChainDir(store)} (run chain trace first)");
            }

            var report = JsonSerializer.Deserialize<TraceReport>(File.ReadAllText(TracePath(store)), TraceJson)
                ?? throw new CliException($"{TracePath(store)} is empty");
            var dir = Path.GetFullPath(parse.GetValue(outDir)!);
            var files = RequestWriter.Write(report, dir, store.Manifest.Name);
            await store.Audit.AppendAsync(ctx.Actor, "chain.requests", string.Create(CultureInfo.InvariantCulture,
                $"{dir}: {report.Requests.Count} exchanges, {report.Requests.Sum(r => r.Leads.Count)} withdrawals"), parse.GetValue(justification), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(new { directory = dir, files, exchanges = report.Requests.Select(r => new { r.Actor, r.Jurisdictions, withdrawals = r.Leads.Count }) });
            }
            else
            {
                foreach (var r in report.Requests)
                {
                    ctx.Out.WriteLine($"{r.Actor} ({string.Join("+", r.Jurisdictions.DefaultIfEmpty("jurisdiction unknown"))}): {r.Leads.Count} withdrawals → {RequestWriter.SafeName(r.Actor)}.json/.csv");
                }

                ctx.Out.WriteLine($"written to {dir}");
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
            var store = await CaseOpener.OpenAsync(ctx, ct);
            using var chain = OpenChain(store);
            var scan = ChainScan.Run(chain);
            var again = ChainScan.Run(chain);
            var clusters = ClusterSet.Build(chain);
            if (ctx.Json)
            {
                ctx.WriteJson(new { store = chain.Manifest, firstPass = scan, secondPass = again, secondPassVisitsPerSecond = again.VisitsPerSecond, clustering = clusters.Stats });
            }
            else
            {
                var m = chain.Manifest;
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{m.Network}: {m.Blocks} blocks, {m.Transactions} txs, {m.Inputs} inputs, {m.Outputs} outputs, {m.Addresses} addresses; tip {m.Tip}"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"full pass: {again.Inputs + again.Outputs} visits in {again.Seconds * 1000:F1} ms ({again.VisitsPerSecond / 1e6:F0} M/s, one thread; first pass {scan.Seconds * 1000:F1} ms); fees {ChainStore.Btc(again.FeeSats)} BTC, unspent {ChainStore.Btc(again.UnspentSats)} BTC"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"clustering: {clusters.Stats.Clusters} clusters, {clusters.Stats.Unions} unions, {clusters.Stats.CoinJoinsSkipped} CoinJoins skipped, {clusters.Stats.Seconds * 1000:F1} ms"));
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
            var id = parse.GetValue(what)!.Trim();
            var store = await CaseOpener.OpenAsync(ctx, ct);
            using var chain = OpenChain(store);
            var clusters = ClusterSet.Exists(chain.Directory) ? TryLoad(chain) : null;
            clusters ??= ClusterSet.Build(chain);
            var index = new AttributionIndex(chain, clusters, TagLibrary.Load(TagsDir(store)));
            object view;
            string kind;
            if (Hash32.TryParse(id, out var hash) && chain.TryFindTx(hash, out var tx))
            {
                (kind, view) = ("tx", TxView(chain, clusters, index, tx));
            }
            else if (Hash32.TryParse(id, out hash) && chain.TryFindBlock(hash, out var block))
            {
                (kind, view) = ("block", BlockView(chain, block));
            }
            else if (chain.TryFindAddress(id, out var address))
            {
                (kind, view) = ("address", AddressView(chain, clusters, index, address));
            }
            else
            {
                throw new CliException($"{id} is not an address, txid or block hash in this chain");
            }

            await store.Audit.AppendAsync(ctx.Actor, "chain.show", $"{kind} {id}", parse.GetValue(justification), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(view);
            }
            else
            {
                ctx.Out.WriteLine(JsonSerializer.Serialize(view, TraceJson));
            }

            return ExitCodes.Ok;
        });
        return show;
    }

    private static ClusterSet? TryLoad(ChainStore chain)
    {
        try
        {
            return ClusterSet.Load(chain);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static object TagView(Tag t, AttributionIndex index) => new
    {
        t.Actor, t.Label, t.Category, t.Confidence, t.Source, t.Pack, t.IsClusterDefiner, t.IsPublic,
        jurisdictions = index.ActorOf(t)?.Jurisdictions ?? [],
        legalName = index.ActorOf(t)?.LegalName,
    };

    private static object AddressView(ChainStore chain, ClusterSet clusters, AttributionIndex index, int address)
    {
        var outs = chain.AddrOuts[chain.AddrOutStart[address]..chain.AddrOutStart[address + 1]].ToArray();
        long received = 0, unspent = 0;
        foreach (var o in outs)
        {
            received += chain.OutValue[o];
            if (chain.OutSpentBy[o] < 0)
            {
                unspent += chain.OutValue[o];
            }
        }

        var cluster = clusters.ClusterOf[address];
        return new
        {
            kind = "address",
            address = chain.AddressText(address),
            type = chain.KindOf(address).ToString(),
            receivedSats = received,
            balanceSats = unspent,
            outputs = outs.Select(o => new
            {
                txid = chain.TxHash[chain.OutTx[o]].ToString(),
                vout = chain.VoutOf(o),
                valueSats = chain.OutValue[o],
                timeUtc = chain.TimeOfTx(chain.OutTx[o]),
                spentIn = chain.OutSpentBy[o] >= 0 ? chain.TxHash[chain.InTx[chain.OutSpentBy[o]]].ToString() : null,
            }),
            cluster = new
            {
                id = cluster,
                size = clusters.Members(cluster).Length,
                evidence = clusters.Explain(address).Take(100).Select(u => new
                {
                    a = chain.AddressText(u.AddressA),
                    b = chain.AddressText(u.AddressB),
                    txid = chain.TxHash[u.Tx].ToString(),
                    rule = u.Rule.ToString(),
                }),
            },
            tags = index.TagsFor(address).Select(t => TagView(t, index)),
        };
    }

    private static object TxView(ChainStore chain, ClusterSet clusters, AttributionIndex index, int tx)
    {
        var inputs = new List<object>();
        for (var i = chain.TxInStart[tx]; i < chain.TxInStart[tx + 1]; i++)
        {
            var o = chain.InSpent[i];
            inputs.Add(o < 0
                ? new { txid = (string?)null, vout = -1, address = (string?)null, valueSats = (long?)null }
                : new
                {
                    txid = (string?)chain.TxHash[chain.OutTx[o]].ToString(),
                    vout = chain.VoutOf(o),
                    address = chain.OutAddress[o] >= 0 ? chain.AddressText(chain.OutAddress[o]) : null,
                    valueSats = (long?)chain.OutValue[o],
                });
        }

        var outputs = new List<object>();
        for (var o = chain.TxOutStart[tx]; o < chain.TxOutStart[tx + 1]; o++)
        {
            var a = chain.OutAddress[o];
            outputs.Add(new
            {
                vout = chain.VoutOf(o),
                address = a >= 0 ? chain.AddressText(a) : null,
                valueSats = chain.OutValue[o],
                spentIn = chain.OutSpentBy[o] >= 0 ? chain.TxHash[chain.InTx[chain.OutSpentBy[o]]].ToString() : null,
                tags = a >= 0 ? index.TagsFor(a).Select(t => TagView(t, index)) : [],
            });
        }

        var change = ChangeHeuristics.Names.ToDictionary(n => n, n => ChangeHeuristics.Candidates(n, chain, tx).Select(chain.VoutOf).ToArray());
        return new
        {
            kind = "tx",
            txid = chain.TxHash[tx].ToString(),
            block = chain.BlockHash[chain.TxBlock[tx]].ToString(),
            height = chain.HeightOf(chain.TxBlock[tx]),
            timeUtc = chain.TimeOfTx(tx),
            coinbase = chain.IsCoinbase(tx),
            feeSats = chain.Fee(tx),
            coinJoin = clusters.CoinJoinOf(tx).ToString(),
            inputs,
            outputs,
            changeCandidates = change,
        };
    }

    private static object BlockView(ChainStore chain, int block) => new
    {
        kind = "block",
        hash = chain.BlockHash[block].ToString(),
        height = chain.HeightOf(block),
        previous = block > 0 ? chain.BlockHash[block - 1].ToString() : chain.Manifest.FirstPrev,
        timeUtc = DateTimeOffset.FromUnixTimeSeconds(chain.BlockTime[block]),
        transactions = chain.BlockTxStart[block + 1] - chain.BlockTxStart[block],
        txids = Enumerable.Range(chain.BlockTxStart[block], chain.BlockTxStart[block + 1] - chain.BlockTxStart[block]).Select(t => chain.TxHash[t].ToString()),
    };

    /// <summary>Adapts the engine's progress tuples to the CLI's report type.</summary>
    private sealed class Forward(IProgress<WorkReport> inner) : IProgress<(string Stage, long Done, long Total)>
    {
        public void Report((string Stage, long Done, long Total) value) => inner.Report(new WorkReport(value.Stage, value.Done, value.Total));
    }
}
