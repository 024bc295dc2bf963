using Harrier.Chain.Attribution;
using Harrier.Chain.Blocks;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;
using Harrier.Chain.Tracing;
using Harrier.Testing.Chain;
using NBitcoin;

namespace Harrier.Chain.Tests;

/// <summary>
/// Payers that hide, written as real block files and traced: exchange X (tagged) funds five payers in one withdrawal.
/// A peels a self-custody chain (two peels, a sweep) and pays; B pays from a Whirlpool round whose other four inputs X
/// also funded; C goes through an instant swap service tagged <c>swap_service</c>; D pays from a JoinMarket-shaped round
/// (a shape the scenario generator's adversarial payers never use: a held-out behaviour); E is paid by an untagged
/// service whose hot coin consolidates ten customer deposits that X funded. Only A can be attributed; a trace that
/// walked through B's, D's or E's obscuring step would name X, wrongly.
/// </summary>
public sealed class ObscuredTracingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-chain-obscured-").FullName;
    private readonly RegtestChainBuilder _c = new(new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<string, Transaction> _txs = new(StringComparer.Ordinal);
    private readonly ChainStore _store;
    private readonly ClusterSet _clusters;
    private readonly AttributionIndex _index;
    private readonly List<DepositAddress> _deposits;

    public ObscuredTracingTests()
    {
        var xcb = _c.MineTo("x-hot");
        var scb = _c.MineTo("sw-hot");
        _c.MineBlock();

        // One X withdrawal, every amount distinct (so the withdrawal itself has no CoinJoin shape).
        var outs = new List<(string To, long Sats)>
        {
            ("a-0", 10_000_000), ("b-0", 5_200_000), ("c-0", 3_000_000), ("d-0", 8_000_000),
            ("m1-0", 5_201_000), ("m2-0", 5_202_000), ("m3-0", 5_203_000), ("m4-0", 5_204_000),
            ("j1-0", 8_010_000), ("j2-0", 8_020_000),
        };
        outs.AddRange(Enumerable.Range(0, 10).Select(i => ($"s-dep-{i}", 2_000_000L + (i * 1_000))));
        outs.Add(("x-hot-2", TracingScenario.Coin50 - outs.Sum(o => o.Sats) - TracingScenario.Fee));
        var w = _txs["withdraw"] = _c.Spend([(xcb, "x-hot")], outs);
        _c.MineBlock();
        Coin Out(string tx, int vout) => new(_txs[tx], (uint)vout);
        Coin W(string name) => new(w, (uint)outs.FindIndex(o => o.To == name));

        // A: peel, peel, sweep, pay.
        Pay("a-peel-1", [(W("a-0"), "a-0")], [("shop-1", 100_000), ("a-1", 10_000_000 - 100_000 - 10_000)]);
        Pay("a-peel-2", [(Out("a-peel-1", 1), "a-1")], [("shop-2", 200_000), ("a-2", 9_890_000 - 200_000 - 10_000)]);
        Pay("a-sweep", [(Out("a-peel-2", 1), "a-2")], [("a-3", 9_680_000 - 10_000)]);
        Pay("a-pay", [(Out("a-sweep", 0), "a-3")], [("dep-a", 1_000_000), ("a-4", 9_670_000 - 1_000_000 - 10_000)]);

        // B: Whirlpool 0.05 BTC round (5 in, 5 × 5,000,000 out, no change), then pays from the post-mix output.
        Pay("whirlpool", [(W("b-0"), "b-0"), (W("m1-0"), "m1-0"), (W("m2-0"), "m2-0"), (W("m3-0"), "m3-0"), (W("m4-0"), "m4-0")],
            [("b-mix", 5_000_000), ("m1-mix", 5_000_000), ("m2-mix", 5_000_000), ("m3-mix", 5_000_000), ("m4-mix", 5_000_000)]);
        Pay("b-pay", [(Out("whirlpool", 0), "b-mix")], [("dep-b", 2_000_000), ("b-1", 3_000_000 - 10_000)]);

        // C: to the swap service's deposit address; the swap pays C from its tagged hot wallet.
        Pay("c-swap-in", [(W("c-0"), "c-0")], [("sw-dep", 3_000_000 - 10_000)]);
        Pay("swap-out", [(scb, "sw-hot")], [("c-1", 2_900_000), ("sw-hot-2", TracingScenario.Coin50 - 2_900_000 - 10_000)]);
        Pay("c-pay", [(Out("swap-out", 0), "c-1")], [("dep-c", 1_000_000), ("c-2", 2_900_000 - 1_000_000 - 10_000)]);

        // D: JoinMarket-shaped (a taker and two makers: three equal outputs and three changes).
        Pay("joinmarket", [(W("d-0"), "d-0"), (W("j1-0"), "j1-0"), (W("j2-0"), "j2-0")],
            [("d-mix", 6_000_000), ("j1-mix", 6_000_000), ("j2-mix", 6_000_000), ("d-ch", 1_990_000), ("j1-ch", 2_005_000), ("j2-ch", 2_015_000)]);
        Pay("d-pay", [(Out("joinmarket", 0), "d-mix")], [("dep-d", 1_500_000), ("d-1", 6_000_000 - 1_500_000 - 10_000)]);

        // E: an untagged service consolidates ten customer deposits into its hot coin and pays E from it.
        var deposits = Enumerable.Range(0, 10).Select(i => (W($"s-dep-{i}"), $"s-dep-{i}")).ToList();
        var pooled = deposits.Sum(d => d.Item1.Amount.Satoshi) - 10_000;
        Pay("s-consolidate", deposits, [("s-hot", pooled)]);
        Pay("s-payout", [(Out("s-consolidate", 0), "s-hot")], [("e-1", 3_000_000), ("s-hot-2", pooled - 3_000_000 - 10_000)]);
        Pay("e-pay", [(Out("s-payout", 0), "e-1")], [("dep-e", 1_000_000), ("e-2", 3_000_000 - 1_000_000 - 10_000)]);

        var blocks = Directory.CreateDirectory(Path.Combine(_root, "blocks")).FullName;
        RegtestChainBuilder.WriteBlockFile(Path.Combine(blocks, "blk00000.dat"), _c.Blocks);
        var storeDir = Path.Combine(_root, "chain");
        Assert.Empty(ChainImporter.Import(storeDir, blocks).Errors);
        _store = ChainStore.Open(storeDir);
        _deposits = new[] { "dep-a", "dep-b", "dep-c", "dep-d", "dep-e" }.Select(d => new DepositAddress(_c.AddressOf(d).ToString(), d)).ToList();
        _clusters = ClusterSet.Build(_store, new ClusterOptions { KnownPayees = [.. _deposits.Select(d => d.Address)] });
        var packs = Directory.CreateDirectory(Path.Combine(_root, "packs")).FullName;
        File.WriteAllText(Path.Combine(packs, "tags.yaml"), $"""
            title: Test services
            creator: Harrier tests
            currency: BTC
            confidence: service_data
            is_cluster_definer: true
            lastmod: 2024-06-01
            tags:
            - address: {_c.AddressOf("x-hot")}
              label: X Exchange hot wallet
              actor: xex
              category: exchange
            - address: {_c.AddressOf("sw-hot")}
              label: Swapper hot wallet
              actor: swapper
              category: swap_service
            """);
        File.WriteAllText(Path.Combine(packs, "actors.yaml"), """
            title: Test actors
            creator: Harrier tests
            actors:
            - id: xex
              label: X Exchange
              jurisdictions:
              - MT
              categories:
              - exchange
            - id: swapper
              label: Swapper (no KYC)
              jurisdictions:
              - SC
              categories:
              - swap_service
            """);
        var library = TagLibrary.Empty();
        var errors = new List<string>();
        library.Import(packs, isPublic: true, errors);
        Assert.Empty(errors);
        _index = new AttributionIndex(_store, _clusters, library);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void A_peel_chain_of_self_custody_hops_is_followed_to_the_withdrawal_with_its_path_and_confidence()
    {
        var a = Payment(Trace(), "dep-a");
        Assert.Equal(PaymentTracer.Attributed, a.Outcome);
        var attribution = Assert.IsType<PaymentAttribution>(a.Attribution);
        var lead = Assert.Single(a.Leads);
        Assert.Equal(("xex", _txs["withdraw"].GetHash().ToString(), 0), (attribution.Actor, attribution.Txid, attribution.Vout));
        Assert.Equal(("xex", attribution.Txid, 0, attribution.PathConfidence), (lead.Actor, lead.Txid, lead.Vout, lead.PathConfidence));
        Assert.Equal(5, lead.Hops);
        Assert.Equal(
            [("a-pay", "payment to the known deposit address"), ("a-sweep", "sweep: one input, one output (same owner assumed)"),
             ("a-peel-2", "peel step: one input, two outputs (same owner assumed)"), ("a-peel-1", "peel step: one input, two outputs (same owner assumed)"),
             ("withdraw", "input tag")],
            lead.Path.Select(h => (Role(h.Txid), h.Heuristic)));
        Assert.Equal([1, 2, 3, 4, 5], lead.Path.Select(h => h.Hop));
        Assert.Equal(Math.Round(0.98 * 0.98 * 0.98, 4), lead.PathConfidence);
        Assert.DoesNotContain(a.Stops, s => s.Obscured);
    }

    [Fact]
    public void CoinJoin_rounds_end_obscured_with_the_reason_and_the_round_even_of_a_shape_the_generator_does_not_make()
    {
        var report = Trace();
        foreach (var (deposit, round, kind) in new[] { ("dep-b", "whirlpool", "whirlpool"), ("dep-d", "joinmarket", "generic") })
        {
            var p = Payment(report, deposit);
            Assert.Equal(PaymentTracer.Obscured, p.Outcome);
            Assert.Null(p.Attribution);
            Assert.Empty(p.Leads);
            var stop = Assert.Single(p.Stops);
            Assert.True(stop.Obscured);
            Assert.Equal($"coinjoin ({kind}): the trail is obfuscated", stop.Reason);
            Assert.Equal(_txs[round].GetHash().ToString(), stop.Txid);
            Assert.Equal(2, stop.Hops);
        }
    }

    [Fact]
    public void A_swap_service_and_an_untagged_service_cluster_end_obscured_where_a_walk_through_them_would_name_the_wrong_exchange()
    {
        var report = Trace();
        var c = Payment(report, "dep-c");
        Assert.Equal(PaymentTracer.Obscured, c.Outcome);
        var swap = Assert.Single(c.Stops);
        Assert.True(swap.Obscured);
        Assert.StartsWith("service that hides its customers (Swapper (no KYC), input tag)", swap.Reason);
        Assert.Equal(_txs["swap-out"].GetHash().ToString(), swap.Txid);

        var e = Payment(report, "dep-e");
        Assert.Equal(PaymentTracer.Obscured, e.Outcome);
        var cluster = Assert.Single(e.Stops);
        Assert.True(cluster.Obscured);
        Assert.Equal("untagged cluster of 10 addresses (a service no tag names): the trail is obscured", cluster.Reason);
        Assert.Equal((_txs["s-consolidate"].GetHash().ToString(), 3), (cluster.Txid, cluster.Hops));

        // Why the rules exist: without them the same walks go on to X's withdrawal of other people's money (E) or stop at
        // the swap as if it were an ordinary service (C).
        var naive = Trace(new TraceOptions { ObscuringCategories = [], ServiceClusterSize = int.MaxValue });
        Assert.Equal("xex", Payment(naive, "dep-e").Attribution?.Actor);
        Assert.Equal(PaymentTracer.Unattributed, Payment(naive, "dep-c").Outcome);
        Assert.Equal("swapper", Assert.Single(Payment(naive, "dep-c").Leads).Actor);
    }

    [Fact]
    public void The_data_request_lists_only_attributed_withdrawals_and_the_annex_lists_what_was_obscured()
    {
        var report = Trace();
        var request = Assert.Single(report.Requests);
        Assert.Equal("xex", request.Actor);
        var row = Assert.Single(request.Leads);
        Assert.Equal((_txs["withdraw"].GetHash().ToString(), 0, _c.AddressOf("a-0").ToString()), (row.Txid, row.Vout, row.Address));
        Assert.Equal(["dep-b", "dep-c", "dep-d", "dep-e"], report.Obscured.Select(o => o.Label));

        var dir = Path.Combine(_root, "requests");
        var files = RequestWriter.Write(report, dir, "Op Obscured");
        Assert.Contains(Path.Combine(dir, "xex.csv"), files);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, "xex.csv")).Length);
        Assert.Contains(Path.Combine(dir, "obscured-annex.json"), files);
        using var annex = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "obscured-annex.json")));
        Assert.Equal("harrier.chain.obscured-annex", annex.RootElement.GetProperty("kind").GetString());
        var rows = annex.RootElement.GetProperty("payments").EnumerateArray().ToList();
        Assert.Equal(
            [("dep-b", "whirlpool"), ("dep-c", "swap-out"), ("dep-d", "joinmarket"), ("dep-e", "s-consolidate")],
            rows.Select(r => (r.GetProperty("label").GetString()!, Role(r.GetProperty("endedAtTxid").GetString()!))));
        var csv = File.ReadAllLines(Path.Combine(dir, "obscured-annex.csv"));
        Assert.Equal(5, csv.Length);
        Assert.StartsWith("deposit,label,txid,vout,amount_sats,time_utc,reason,ended_at_txid", csv[0], StringComparison.Ordinal);
    }

    private TraceReport Trace(TraceOptions? options = null) => new PaymentTracer(_store, _clusters, _index, options).Trace(_deposits);

    private static PaymentTrace Payment(TraceReport report, string label) => Assert.Single(report.Deposits.Single(d => d.Label == label).Payments);

    private string Role(string txid) => _txs.Single(kv => kv.Value.GetHash().ToString() == txid).Key;

    private void Pay(string role, IReadOnlyList<(Coin, string)> inputs, IReadOnlyList<(string, long)> outputs)
    {
        _txs[role] = _c.Spend(inputs, outputs);
        _c.MineBlock();
    }
}
