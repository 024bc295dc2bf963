using Harrier.Chain.Attribution;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;
using Harrier.Testing.Chain;
using Harrier.Chain.Tracing;

namespace Harrier.Chain.Tests;

/// <summary>Import, clustering, attribution and tracing on the synthetic case, against its known answers.</summary>
public sealed class ScenarioTests(ScenarioFixture f) : IClassFixture<ScenarioFixture>
{
    private static readonly string[] Wallets =
        ["hx-cold-1", "hx-cold-2", "hx-hot", "alice-1", "alice-2", "alice-3", "alice-y", "bob-1", "mix-a", "mix-b", "carol-1", "carol-2", "carol-3", "carol-4"];

    [Fact]
    public void Out_of_order_files_import_the_main_chain_and_name_the_stale_block()
    {
        Assert.Empty(f.Import.Errors);
        Assert.Equal(f.Scenario.Chain.Blocks.Count, f.Import.BlocksAdded);
        Assert.Equal([f.Scenario.Chain.StaleBlocks[0].GetHash().ToString()], f.Import.StaleBlocks);
        Assert.Empty(f.Import.UnlinkedBlocks);
        Assert.Equal("regtest", f.Store.Manifest.Network);
        Assert.Equal(f.Scenario.Chain.Blocks[^1].GetHash().ToString(), f.Store.Manifest.Tip);
        Assert.Equal(0, f.Store.Manifest.BaseHeight);
        Assert.Equal(0, f.Store.Manifest.UnresolvedInputs);
        Assert.Equal(f.Scenario.Chain.Blocks.Sum(b => b.Transactions.Count), f.Store.TxCount);
        for (var b = 1; b < f.Store.BlockCount; b++)
        {
            Assert.Equal(f.Scenario.Chain.Start.AddMinutes(10 * b).ToUnixTimeSeconds(), f.Store.BlockTime[b]);
        }
    }

    [Fact]
    public void Multi_input_clusters_the_exchange_and_explains_itself_with_txid_and_rule()
    {
        var c = f.Clusters();
        Assert.Equal(c.ClusterOf[f.Addr("hx-cold-1")], c.ClusterOf[f.Addr("hx-hot")]);
        Assert.Equal(c.ClusterOf[f.Addr("hx-cold-2")], c.ClusterOf[f.Addr("hx-hot")]);

        var path = c.LinkPath(f.Addr("hx-cold-2"), f.Addr("hx-cold-1"));
        var link = Assert.Single(path);
        Assert.Equal(f.Tx("consolidate"), link.Tx);
        Assert.Equal(UnionRule.MultiInput, link.Rule);
        Assert.Equal([f.Tx("consolidate"), f.Tx("withdraw-h")], c.LinkPath(f.Addr("hx-cold-2"), f.Addr("hx-hot")).Select(u => u.Tx));
        Assert.Equal(2, c.Explain(f.Addr("hx-hot")).Count);
        Assert.Empty(c.LinkPath(f.Addr("hx-hot"), f.Addr("alice-1")));
    }

    [Fact]
    public void CoinJoin_is_detected_and_does_not_merge_its_participants()
    {
        var c = f.Clusters();
        Assert.Equal(CoinJoinKind.Generic, c.CoinJoinOf(f.Tx("coinjoin")));
        Assert.NotEqual(c.ClusterOf[f.Addr("bob-1")], c.ClusterOf[f.Addr("mix-a")]);
        Assert.NotEqual(c.ClusterOf[f.Addr("mix-b")], c.ClusterOf[f.Addr("mix-a")]);
        Assert.True(c.Stats.CoinJoinsSkipped >= 1);
        Assert.DoesNotContain(c.Unions, u => u.Tx == f.Tx("coinjoin"));
        var nonCoinJoins = Enumerable.Range(0, f.Store.TxCount).Where(t => t != f.Tx("coinjoin"));
        Assert.All(nonCoinJoins, t => Assert.Equal(CoinJoinKind.None, c.CoinJoinOf(t)));
    }

    [Fact]
    public void Known_payee_rule_links_change_for_certain_and_a_bad_link_can_be_undone()
    {
        var c = f.Clusters();
        var alice = c.ClusterOf[f.Addr("alice-1")];
        foreach (var w in new[] { "alice-2", "alice-3", "alice-y" })
        {
            Assert.Equal(alice, c.ClusterOf[f.Addr(w)]);
        }

        foreach (var d in f.Deposits)
        {
            Assert.True(f.Store.TryFindAddress(d, out var a));
            Assert.NotEqual(alice, c.ClusterOf[a]);
        }

        var path = c.LinkPath(f.Addr("alice-1"), f.Addr("alice-3"));
        Assert.Equal([f.Tx("alice-pay-1"), f.Tx("alice-pay-2")], path.Select(u => u.Tx));
        Assert.All(path, u => Assert.Equal(UnionRule.KnownPayeeChange, u.Rule));
        Assert.Contains(c.Explain(f.Addr("alice-y")), u => u.Tx == f.Tx("alice-pay-2") && u.Rule == UnionRule.MultiInput);

        // Without the deposit list nothing says which output of Alice's payments is change.
        var plain = f.Clusters(new ClusterOptions());
        Assert.NotEqual(plain.ClusterOf[f.Addr("alice-1")], plain.ClusterOf[f.Addr("alice-2")]);

        // Undo the co-spend of alice-pay-2: alice-y leaves the cluster, the known-payee links stay.
        var undone = f.Clusters(new ClusterOptions { KnownPayees = f.Deposits, ExcludedTxs = [Hash32.From(f.Scenario.Txs["alice-pay-2"].GetHash())] });
        Assert.NotEqual(undone.ClusterOf[f.Addr("alice-1")], undone.ClusterOf[f.Addr("alice-y")]);
        Assert.Equal(undone.ClusterOf[f.Addr("alice-1")], undone.ClusterOf[f.Addr("alice-2")]);
        Assert.Equal(1, undone.Stats.ExcludedSkipped);
    }

    [Fact]
    public void Change_heuristics_are_off_by_default_and_each_works_by_name()
    {
        var none = f.Clusters(new ClusterOptions());
        Assert.NotEqual(none.ClusterOf[f.Addr("carol-1")], none.ClusterOf[f.Addr("carol-2")]);
        Assert.Equal(0, none.Stats.ChangeLinks);

        // The peel chain carol-1 → carol-2 → carol-3 → carol-4 (three 1-in/2-out steps, larger output carries on).
        var peel = f.Clusters(new ClusterOptions { ChangeHeuristics = [ChangeHeuristics.PeelingChain] });
        var carol = peel.ClusterOf[f.Addr("carol-1")];
        Assert.All(new[] { "carol-2", "carol-3", "carol-4" }, w => Assert.Equal(carol, peel.ClusterOf[f.Addr(w)]));
        Assert.NotEqual(carol, peel.ClusterOf[f.Addr("shop-1")]);
        Assert.Equal(3, ChangeHeuristics.PeelChainLength(f.Store, f.Tx("peel-2")));
        Assert.All(peel.Explain(f.Addr("carol-4")), u => Assert.Equal(UnionRule.ChangeHeuristic, u.Rule));

        // Each heuristic on alice-pay-1 (0.01 BTC to a fresh deposit address, the rest to fresh change; one P2WPKH input).
        var tx = f.Tx("alice-pay-1");
        long[] outs = [f.Store.TxOutStart[tx], f.Store.TxOutStart[tx] + 1];
        var change = outs.Single(o => f.Store.OutAddress[o] == f.Addr("alice-2"));
        Assert.Empty(ChangeHeuristics.Candidates(ChangeHeuristics.AddressReuse, f.Store, tx));
        Assert.Equal(outs, ChangeHeuristics.Candidates(ChangeHeuristics.AddressType, f.Store, tx).Order());
        Assert.Equal([change], ChangeHeuristics.Candidates(ChangeHeuristics.PowerOfTen, f.Store, tx));
        Assert.Equal(outs, ChangeHeuristics.Candidates(ChangeHeuristics.OptimalChange, f.Store, tx).Order());
        Assert.Equal(outs, ChangeHeuristics.Candidates(ChangeHeuristics.FreshAddress, f.Store, tx).Order());
        Assert.Throws<ArgumentException>(() => ChangeHeuristics.Candidates("nonsense", f.Store, tx));

        // Fresh address alone cannot decide; it never picks a known deposit address.
        Assert.Equal(-1, ChangeHeuristics.UniqueChange([ChangeHeuristics.FreshAddress], f.Store, tx));
        var deposits = f.Deposits.Select(d => f.Store.TryFindAddress(d, out var a) ? a : -1).ToHashSet();
        Assert.Equal(change, ChangeHeuristics.UniqueChange([ChangeHeuristics.FreshAddress], f.Store, tx, o => deposits.Contains(f.Store.OutAddress[o])));
    }

    [Fact]
    public void Attribution_spreads_cluster_definer_tags_keeps_provenance_and_flags_collapse()
    {
        var c = f.Clusters();
        var lib = f.Library();
        var index = new AttributionIndex(f.Store, c, lib);
        Assert.Equal(2, index.TagsMatched);
        var hot = index.Best(f.Addr("hx-hot"));
        Assert.NotNull(hot);
        Assert.Equal("hexchange", hot.Actor);
        Assert.Equal("service_data", hot.Confidence);
        Assert.Equal("https://example.org/h-exchange/proof-of-reserves", hot.Source);
        Assert.Empty(index.DirectTags(f.Addr("hx-hot")));
        Assert.True(index.IsExchange(hot));
        Assert.Equal(["MT"], index.ActorOf(hot)!.Jurisdictions);
        Assert.Equal("H Exchange Ltd", index.ActorOf(hot)!.LegalName);
        Assert.Null(index.Best(f.Addr("alice-1")));
        Assert.Empty(index.Collapses);

        // A private pack tags H's hot wallet as Y: two services in one cluster.
        var priv = Path.Combine(f.Root, "private-collapse.yaml");
        File.WriteAllText(priv, $"""
            title: Case notes
            currency: BTC
            is_cluster_definer: true
            confidence: forensic
            tags:
            - address: {f.Scenario.Address("hx-hot")}
              actor: yexchange
              label: seen in Y's records
            """);
        var errors = new List<string>();
        lib.Import(priv, isPublic: false, errors);
        Assert.Empty(errors);
        var flagged = new AttributionIndex(f.Store, c, lib);
        var flag = Assert.Single(flagged.Collapses);
        Assert.Equal(c.ClusterOf[f.Addr("hx-hot")], flag.Cluster);
        Assert.Equal(["hexchange", "yexchange"], flag.Actors);
        Assert.False(lib.Packs.Single(p => p.Title == "Case notes").IsPublic);
    }

    [Fact]
    public void Trace_finds_the_paying_exchange_withdrawals_with_hops_fifo_and_haircut()
    {
        var report = Trace(new TraceOptions());
        var s = f.Scenario;

        // Erin: H paid the deposit address directly (hop 1).
        var erin = Single(report, "dep-erin");
        var erinLead = Assert.Single(Assert.Single(erin.Payments).Leads);
        Assert.Equal(("hexchange", 1, TracingScenario.ErinDeposit, TracingScenario.ErinDeposit), (erinLead.Actor, erinLead.Hops, erinLead.FifoSats, erinLead.HaircutSats));
        Assert.Equal(s.Txs["withdraw-h"].GetHash().ToString(), erinLead.Txid);
        Assert.Equal(3, erinLead.Vout);

        // Alice, first payment: back through her wallet to H's batch (hop 2), and the known-payee change.
        var alice = Single(report, "dep-alice");
        Assert.Equal(2, alice.Payments.Count);
        var p1 = alice.Payments.Single(p => p.Txid == s.Txs["alice-pay-1"].GetHash().ToString());
        Assert.Equal(s.Address("alice-2"), p1.PayerChange);
        Assert.Equal(f.Clusters().ClusterOf[f.Addr("alice-1")], p1.PayerCluster);
        var l1 = Assert.Single(p1.Leads);
        Assert.Equal(("hexchange", 2, 0, s.Address("alice-1"), TracingScenario.AliceWithdrawal), (l1.Actor, l1.Hops, l1.Vout, l1.Address, l1.AmountSats));
        Assert.Equal((TracingScenario.AliceFirstPayment, TracingScenario.AliceFirstPayment), (l1.FifoSats, l1.HaircutSats));
        Assert.Equal(f.Scenario.Chain.Start.AddMinutes(10 * f.Store.TxBlock[f.Tx("withdraw-h")]), l1.TimeUtc);

        // Alice, second payment: inputs alice-2 (from H, hop 3) then alice-y (from Y, hop 2). FIFO: all from alice-2; haircut: pro rata.
        var p2 = alice.Payments.Single(p => p.Txid == s.Txs["alice-pay-2"].GetHash().ToString());
        var fromH = p2.Leads.Single(l => l.Actor == "hexchange");
        var fromY = p2.Leads.Single(l => l.Actor == "yexchange");
        var alice2 = TracingScenario.AliceWithdrawal - TracingScenario.AliceFirstPayment - TracingScenario.Fee;
        var inputs = alice2 + TracingScenario.AliceFromY;
        Assert.Equal((3, TracingScenario.AliceSecondPayment), (fromH.Hops, fromH.FifoSats));
        Assert.Equal((long)((Int128)TracingScenario.AliceSecondPayment * alice2 / inputs), fromH.HaircutSats);
        Assert.Equal((2, 0L), (fromY.Hops, fromY.FifoSats));
        Assert.Equal((long)((Int128)TracingScenario.AliceSecondPayment * TracingScenario.AliceFromY / inputs), fromY.HaircutSats);
        Assert.Equal(s.Txs["withdraw-y"].GetHash().ToString(), fromY.Txid);
        Assert.Equal(["SC"], fromY.Jurisdictions);

        // Carol: from the middle of her peel chain back to H (hop 3).
        var carolLead = Assert.Single(Assert.Single(Single(report, "dep-carol").Payments).Leads);
        Assert.Equal(("hexchange", 3, s.Address("carol-1"), TracingScenario.CarolPayment), (carolLead.Actor, carolLead.Hops, carolLead.Address, carolLead.FifoSats));

        // Bob: the CoinJoin stops the trail at hop 2, with the full amount under both strategies.
        var bob = Assert.Single(Single(report, "dep-bob").Payments);
        Assert.Empty(bob.Leads);
        var stop = Assert.Single(bob.Stops);
        Assert.StartsWith("coinjoin", stop.Reason);
        Assert.Equal((2, s.Txs["coinjoin"].GetHash().ToString()), (stop.Hops, stop.Txid));
        Assert.Equal((TracingScenario.BobPayment, TracingScenario.BobPayment), (stop.FifoSats, stop.HaircutSats));

        // Frank: H's second withdrawal spends H's untagged change; the change heuristic names H at that withdrawal (hop 2).
        var frankLead = Assert.Single(Assert.Single(Single(report, "dep-frank").Payments).Leads);
        Assert.Equal(("hexchange", 2, s.Txs["withdraw-h-2"].GetHash().ToString(), s.Address("frank-1")), (frankLead.Actor, frankLead.Hops, frankLead.Txid, frankLead.Address));
        Assert.StartsWith("heuristic: spends the dominant output", frankLead.Basis);
        Assert.Equal("input cluster tag", erinLead.Basis);

        // Requests: H (MT) with four withdrawals, Y (SC) with one; ordered by jurisdiction.
        Assert.Equal(["hexchange", "yexchange"], report.Requests.Select(r => r.Actor));
        var h = report.Requests[0];
        Assert.Equal(["MT"], h.Jurisdictions);
        Assert.Equal("H Exchange Ltd", h.LegalName);
        Assert.Equal(4, h.Leads.Count);
        var aliceRow = h.Leads.Single(l => l.Address == s.Address("alice-1"));
        Assert.Equal(TracingScenario.AliceFirstPayment + TracingScenario.AliceSecondPayment, aliceRow.FifoSats);
        Assert.Equal(2, aliceRow.Hops);
        Assert.Single(report.Requests[1].Leads);
        Assert.Empty(report.OtherServices);
    }

    [Fact]
    public void Trace_stops_and_says_why_at_the_hop_limit_and_at_dust()
    {
        var s = f.Scenario;
        var limited = Trace(new TraceOptions { MaxHops = 2 });
        var p2 = Single(limited, "dep-alice").Payments.Single(p => p.Txid == s.Txs["alice-pay-2"].GetHash().ToString());
        var y = Assert.Single(p2.Leads);
        Assert.Equal("yexchange", y.Actor);
        var stop = Assert.Single(p2.Stops);
        Assert.Equal("nothing attributed within 2 hops", stop.Reason);
        Assert.Equal(s.Txs["alice-pay-1"].GetHash().ToString(), stop.Txid);
        Assert.Equal(TracingScenario.AliceSecondPayment, stop.FifoSats);

        // Dust threshold above Y's haircut share: that share stops as dust, H's is followed.
        var dust = Trace(new TraceOptions { DustSats = 10_000_000 });
        var d2 = Single(dust, "dep-alice").Payments.Single(p => p.Txid == s.Txs["alice-pay-2"].GetHash().ToString());
        Assert.Equal(["hexchange"], d2.Leads.Select(l => l.Actor));
        var dustStop = Assert.Single(d2.Stops);
        Assert.StartsWith("dust", dustStop.Reason);
        Assert.Equal(0, dustStop.FifoSats);
        Assert.True(dustStop.HaircutSats > 0 && dustStop.HaircutSats < 10_000_000);
    }

    [Fact]
    public void Without_change_attribution_the_trace_ends_at_the_exchange_s_own_change_and_says_so_by_tag_only()
    {
        var s = f.Scenario;
        var report = Trace(new TraceOptions { ChangeAttribution = false });
        var lead = Assert.Single(Assert.Single(Single(report, "dep-frank").Payments).Leads);

        // One hop further back, at H's first batch, and the output is H's own change: the reason the heuristic exists.
        Assert.Equal((3, s.Txs["withdraw-h"].GetHash().ToString(), s.Address("hx-hot-2")), (lead.Hops, lead.Txid, lead.Address));
        Assert.Equal("input cluster tag", lead.Basis);
    }

    [Fact]
    public void A_tag_on_the_dominant_change_output_attributes_the_sender_as_a_labelled_heuristic()
    {
        var s = f.Scenario;
        var pack = Path.Combine(f.Root, "change-only-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(pack, $"""
            title: Change only
            currency: BTC
            is_cluster_definer: true
            confidence: forensic
            category: exchange
            tags:
            - address: {s.Address("hx-hot-2")}
              actor: hexchange
            """);
        var lib = TagLibrary.Empty();
        lib.Import(pack, isPublic: false, []);
        var c = f.Clusters();
        var report = new PaymentTracer(f.Store, c, new AttributionIndex(f.Store, c, lib)).Trace([new DepositAddress(s.Address("dep-erin"), null)]);
        var lead = Assert.Single(Assert.Single(report.Deposits[0].Payments).Leads);
        Assert.Equal(("hexchange", 1, s.Txs["withdraw-h"].GetHash().ToString()), (lead.Actor, lead.Hops, lead.Txid));
        Assert.StartsWith("heuristic: dominant output", lead.Basis);
    }

    [Fact]
    public void Request_documents_are_written_per_exchange_as_csv_and_json()
    {
        var report = Trace(new TraceOptions());
        var dir = Path.Combine(f.Root, "requests-" + Guid.NewGuid().ToString("N"));
        var files = RequestWriter.Write(report, dir, "Op Test");
        Assert.Contains(Path.Combine(dir, "hexchange.csv"), files);
        var csv = File.ReadAllLines(Path.Combine(dir, "hexchange.csv"));
        Assert.Equal(5, csv.Length);
        Assert.StartsWith("txid,vout,address,amount_sats", csv[0]);
        Assert.Contains(csv, l => l.Contains(f.Scenario.Address("carol-1"), StringComparison.Ordinal) && l.Contains(",120000000,1.20000000,", StringComparison.Ordinal));
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "yexchange.json")));
        Assert.Equal("SC", doc.RootElement.GetProperty("jurisdictions")[0].GetString());
        Assert.Equal(TracingScenario.AliceFromY, doc.RootElement.GetProperty("withdrawals")[0].GetProperty("amountSats").GetInt64());
        Assert.True(File.Exists(Path.Combine(dir, "index.json")));
    }

    [Fact]
    public void Full_pass_balances_coinbases_fees_and_unspent_value()
    {
        var scan = ChainScan.Run(f.Store);
        var blocks = f.Scenario.Chain.Blocks;
        Assert.Equal(blocks.Sum(b => b.Transactions.Sum(t => t.Inputs.Count)), scan.Inputs);
        Assert.Equal(blocks.Sum(b => b.Transactions.Sum(t => t.Outputs.Count)), scan.Outputs);

        // Every spend pays one Fee except the CoinJoin, whose three participants pay 1 + 1 + 2; minted = unspent + fees.
        var spends = f.Scenario.Txs.Count;
        Assert.Equal(((spends - 1) * TracingScenario.Fee) + (4 * TracingScenario.Fee), scan.FeeSats);
        Assert.Equal(blocks.Sum(b => b.Transactions[0].TotalOut.Satoshi), scan.CoinbaseSats);
        Assert.Equal(scan.CoinbaseSats, scan.UnspentSats + scan.FeeSats);
        Assert.Equal(scan.OutputSats - scan.CoinbaseSats, scan.InputSats - scan.FeeSats);
    }

    [Fact]
    public void Scenario_chain_is_byte_identical_when_built_again()
    {
        var again = TracingScenario.Build();
        Assert.Equal(f.Scenario.Chain.Blocks.Count, again.Chain.Blocks.Count);
        Assert.Equal(f.Scenario.Chain.Blocks[^1].GetHash(), again.Chain.Blocks[^1].GetHash());
        Assert.All(Wallets, w => Assert.Equal(f.Scenario.Address(w), again.Address(w)));
    }

    private TraceReport Trace(TraceOptions options)
    {
        var c = f.Clusters();
        var index = new AttributionIndex(f.Store, c, f.Library());
        var deposits = DepositList.Read(f.DepositsFile);
        Assert.Equal(5, deposits.Count);
        Assert.Equal("user-1001", deposits[0].Label);
        return new PaymentTracer(f.Store, c, index, options).Trace(deposits);
    }

    private DepositTrace Single(TraceReport report, string wallet)
    {
        var d = report.Deposits.Single(d => d.Address == f.Scenario.Address(wallet));
        Assert.True(d.InChain);
        return d;
    }
}
