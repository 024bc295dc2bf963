using Harrier.Chain.Attribution;
using Harrier.Chain.Blocks;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;
using Harrier.Chain.Tracing;
using Harrier.Scenario.Evaluation;
using Harrier.Scenario.Truth;
using Microsoft.Data.Sqlite;

namespace Harrier.Scenario.Tests;

/// <summary>
/// Payers that hide (<c>--payers adversarial</c>): the evaluation's attribution and abstention figures counted by hand on
/// a built report, and a tiny adversarial world generated, imported, clustered, tagged and traced end to end.
/// </summary>
public sealed class AdversarialPayersTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-adversarial-").FullName;

    private static readonly MediaEvaluation NoMedia = new(0, 0, new PairScore(0, 0, 0), new PairScore(0, 0, 0), new PairScore(0, 0, 0), 0, 0, 0, 0);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static PaymentAttribution Ref(string actor, string txid) => new(actor, txid, 0, 1);

    private static Lead Lead(string actor, string txid) => new() { Actor = actor, IsExchange = true, Txid = txid, Vout = 0, Address = "a", FifoSats = 100, TagLabel = actor, TagPack = "t" };

    [Fact]
    public void Attribution_counts_attributable_payments_and_abstention_the_rest_by_hand()
    {
        var report = new TraceReport
        {
            Options = new TraceOptions(),
            Tip = "tip",
            Deposits =
            [
                new DepositTrace("dep", null, true,
                [
                    new PaymentTrace { Txid = "q1", Outcome = PaymentTracer.Attributed, Attribution = Ref("alpha", "w1"), Leads = [Lead("alpha", "w1")] },
                    new PaymentTrace { Txid = "q2", Outcome = PaymentTracer.Attributed, Attribution = Ref("beta", "w2"), Leads = [Lead("beta", "w2")] },
                    // Obscured: an exchange lead was seen for part of the value, but the payment is not attributed.
                    new PaymentTrace { Txid = "q3", Outcome = PaymentTracer.Obscured, Leads = [Lead("alpha", "w3")] },
                    new PaymentTrace { Txid = "q4", Outcome = PaymentTracer.Attributed, Attribution = Ref("alpha", "w4"), Leads = [Lead("alpha", "w4")] },
                    new PaymentTrace { Txid = "q5", Outcome = PaymentTracer.Obscured },
                ]),
            ],
        };
        TruthPayment[] truth =
        [
            new(1, "alpha", "MT", "w1", 0, "q1", 0) { Route = "self-custody", Attributable = true },
            new(2, "alpha", "MT", "w2", 0, "q2", 0) { Route = "direct", Attributable = true },
            new(3, "alpha", "MT", "w3", 0, "q3", 0) { Route = "exchange-batch", Attributable = true },
            new(4, "alpha", "MT", "w4", 0, "q4", 0) { Route = "coinjoin-wasabi", Attributable = false },
            new(5, "alpha", "MT", "w5", 0, "q5", 0) { Route = "swap", Attributable = false },
            new(6, "", "", "", -1, "", -1) { Route = "off-chain", Attributable = false },
        ];

        var s = AttributionScore.Compute(report, truth);

        Assert.Equal((3, 2, 1, 1, 1, 1), (s.Known, s.Predicted, s.Correct, s.WithdrawalExact, s.Missed, s.Wrong)); // q1 right, q2 wrong, q3 missed
        Assert.Equal(0.5, s.Precision, 12);
        Assert.Equal(1.0 / 3, s.Recall, 12);
        Assert.Equal((3, 2, 1, 1), (s.NonAttributable, s.Abstained, s.AttributedAnyway, s.AttributedThroughCoinJoin)); // q5, off-chain; q4
        Assert.Equal(2.0 / 3, s.AbstentionRate, 12);

        var abstention = EvalReport.From(NoMedia, s).Chain!.Abstention!;
        Assert.Equal((2.0 / 3, 1, 3, 2, 1), (abstention.Rate, abstention.Wrong, abstention.NonAttributable, abstention.Abstained, abstention.ThroughCoinJoin));
        using var json = System.Text.Json.JsonDocument.Parse(EvalReport.From(NoMedia, s).ToJson());
        Assert.Equal(1, json.RootElement.GetProperty("chain").GetProperty("abstention").GetProperty("wrong").GetInt32());

        // A direct world's truth marks nothing unattributable: no abstention section, the report keeps its keys.
        var direct = AttributionScore.Compute(report, [new TruthPayment(1, "alpha", "MT", "w1", 0, "q1", 0)]);
        Assert.Null(EvalReport.From(NoMedia, direct).Chain!.Abstention);
        Assert.DoesNotContain("abstention", EvalReport.From(NoMedia, direct).ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tiny_adversarial_world_traces_at_target_abstains_on_what_hides_and_never_attributes_through_a_coinjoin()
    {
        var dir = Path.Combine(_root, "s");
        await ScenarioGenerator.GenerateAsync(
            TinyScenarioFixture.Options(dir, 7) with { Payers = PayerBehaviour.Adversarial, Preset = ScenarioPreset.Tiny with { Items = 1, RenderedItems = 1 } },
            null, CancellationToken.None);
        var truth = TruthJson.Read(Path.Combine(dir, "truth.json"));
        var payments = truth.Payments!.ToList();
        var routes = payments.GroupBy(p => p.Route).ToDictionary(g => g.Key!, g => g.ToList());
        Assert.All(new[] { "direct", "self-custody", "coinjoin-whirlpool", "coinjoin-wasabi", "swap", "exchange-batch", "decoy-exchange" },
            r => Assert.True(routes.ContainsKey(r), $"tiny seed 7 has no {r} payment"));
        Assert.All(payments, p => Assert.Equal(p.Route is "direct" or "self-custody" or "exchange-batch", p.Attributable));
        Assert.Contains(truth.Services!, s => s.Kind == "decoy-exchange" && !s.Tagged);
        Assert.All(routes["self-custody"], p => Assert.InRange(p.SelfCustodyHops!.Value, 1, 8));

        var store = Path.Combine(_root, "chain");
        Assert.Empty(ChainImporter.Import(store, Path.Combine(dir, "chain")).Errors);
        using var chain = ChainStore.Open(store);
        var deposits = new List<DepositAddress>();
        using (var db = new SqliteConnection($"Data Source={Path.Combine(dir, "platform", "platform.sqlite")};Mode=ReadOnly;Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT deposit_address, id FROM users ORDER BY id";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                deposits.Add(new DepositAddress(reader.GetString(0), reader.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        // The platform reused deposit addresses across users: fewer distinct addresses than accounts.
        Assert.True(deposits.Select(d => d.Address).Distinct().Count() < deposits.Count);
        var distinct = deposits.DistinctBy(d => d.Address).ToList();
        var clusters = ClusterSet.Build(chain, new ClusterOptions { KnownPayees = [.. distinct.Select(d => d.Address)] });
        var library = TagLibrary.Empty();
        var errors = new List<string>();
        library.Import(Path.Combine(dir, "tags"), isPublic: true, errors);
        Assert.Empty(errors);
        var report = new PaymentTracer(chain, clusters, new AttributionIndex(chain, clusters, library)).Trace(distinct);

        var score = AttributionScore.Compute(report, payments);
        Assert.Equal(payments.Count(p => p.Attributable == true), score.Known);
        Assert.Equal(payments.Count(p => p.Attributable == false), score.NonAttributable);
        Assert.True(score.Precision >= 0.995, $"precision {score.Precision:F3}: {score}");
        Assert.True(score.Recall >= 0.90, $"recall {score.Recall:F3}: {score}");
        Assert.True(score.AbstentionRate >= 0.95, $"abstention {score.AbstentionRate:F3}: {score}");
        Assert.Equal(0, score.AttributedThroughCoinJoin);

        // Payment by payment: every CoinJoin-routed payment ends obscured at a CoinJoin the detector found by its shape.
        var traced = report.Deposits.SelectMany(d => d.Payments).ToDictionary(p => (p.Txid, p.Vout));
        var coinjoins = truth.DecoyTransactions.Where(d => d.Kind.StartsWith("coinjoin", StringComparison.Ordinal)).Select(d => d.Txid).ToHashSet();
        foreach (var p in payments.Where(p => p.Route!.StartsWith("coinjoin", StringComparison.Ordinal)))
        {
            var t = traced[(p.Txid, p.Vout)];
            Assert.Equal(PaymentTracer.Obscured, t.Outcome);
            Assert.Contains(t.Stops, s => s.Obscured && s.Reason.StartsWith("coinjoin", StringComparison.Ordinal) && coinjoins.Contains(s.Txid!));
        }

        // The requests name only attributed payments' withdrawals; every obscured payment is in the annex.
        var attributed = traced.Values.Where(t => t.Outcome == PaymentTracer.Attributed).SelectMany(t => t.Leads).Where(l => l.IsExchange).Select(l => (l.Txid, l.Vout)).ToHashSet();
        Assert.All(report.Requests.SelectMany(r => r.Leads), l => Assert.Contains((l.Txid, l.Vout), attributed));
        Assert.Equal(traced.Values.Count(t => t.Outcome == PaymentTracer.Obscured), report.Obscured.Count);
    }
}
