using System.Text.Json;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;
using Harrier.Chain.Tracing;
using Harrier.Scenario.Evaluation;
using Harrier.Scenario.Truth;
using Microsoft.Data.Sqlite;

namespace Harrier.Cli.Tests;

/// <summary>
/// The whole chain pipeline on the scenario generator's tiny world: its blocks, its packs, the seized platform's deposit
/// addresses, scored against truth.json (payer → exchange), and its CoinJoin and PayJoin decoys.
/// </summary>
public sealed class ChainScenarioEvalTests : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-cli-chain-eval-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static async Task<CliRunner.Result> Run(params string[] args) => await CliRunner.RunAsync(args);

    [Fact]
    public async Task Tiny_scenario_traces_payers_to_their_exchanges_at_target_and_no_coinjoin_merges_owners()
    {
        var scenario = Path.Combine(_root, "scenario");
        var caseDir = Path.Combine(_root, "case");
        Assert.Equal(0, (await Run("scenario", "generate", "--preset", "tiny", "--items", "1", "--out", scenario)).ExitCode);
        Assert.Equal(0, (await Run("case", "init", caseDir, "--name", "Op Stream test")).ExitCode);

        var deposits = Path.Combine(_root, "deposits.txt");
        using (var db = new SqliteConnection($"Data Source={Path.Combine(scenario, "platform", "platform.sqlite")};Mode=ReadOnly;Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT deposit_address, id FROM users ORDER BY id";
            using var reader = cmd.ExecuteReader();
            using var w = new StreamWriter(deposits);
            while (reader.Read())
            {
                w.WriteLine($"{reader.GetString(0)},{reader.GetInt64(1)}");
            }
        }

        Assert.Equal(0, (await Run("chain", "import", Path.Combine(scenario, "chain"), "--case", caseDir)).ExitCode);
        Assert.Equal(0, (await Run("chain", "cluster", "--deposits", deposits, "--case", caseDir)).ExitCode);
        Assert.Equal(0, (await Run("tags", "import", Path.Combine(scenario, "tags"), "--case", caseDir)).ExitCode);
        var trace = await Run("chain", "trace", "--deposits", deposits, "--case", caseDir, "--json");
        Assert.Equal(0, trace.ExitCode);
        var report = JsonSerializer.Deserialize<TraceReport>(trace.Out, Json)!;

        var truthFile = TruthJson.Read(Path.Combine(scenario, "truth.json"));
        var truth = truthFile.Payments!.ToList();
        Assert.NotEmpty(truth);
        var score = AttributionScore.Compute(report, truth);
        Assert.True(score.Precision >= 0.99, $"precision {score.Precision:F3}: {score}");
        Assert.True(score.Recall >= 0.95, $"recall {score.Recall:F3}: {score}");

        // Payment by payment, not only the totals (a wrong and a missed payment can cancel out in a rate): the first payment
        // funded by each of three different exchanges is traced to its own exchange and to the very withdrawal output
        // the truth names.
        var traced = report.Deposits.SelectMany(d => d.Payments).ToDictionary(p => (p.Txid, p.Vout));
        var chosenPayments = truth.Where(t => t.WithdrawalTxid is not null).GroupBy(t => t.Exchange, StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(3).Select(g => (g.Key, g.First())).ToList();
        Assert.True(chosenPayments.Count == 3, $"the tiny scenario's payments come from {chosenPayments.Count} exchanges, not 3 or more");
        foreach (var (name, chosen) in chosenPayments)
        {
            Assert.True(traced.TryGetValue((chosen.Txid, chosen.Vout), out var payment), $"payment {chosen.Txid}:{chosen.Vout} ({name}) is not in the trace");
            var lead = payment.Leads.Where(l => l.IsExchange).OrderByDescending(l => l.FifoSats).FirstOrDefault();
            Assert.True(lead is not null, $"payment {chosen.Txid}:{chosen.Vout} ({name}) has no exchange lead");
            Assert.Equal(chosen.Exchange, lead.Actor, ignoreCase: true);
            Assert.Equal((chosen.WithdrawalTxid, chosen.WithdrawalVout), (lead.Txid, (int?)lead.Vout));
        }

        // Every CoinJoin decoy is detected; the only cluster holding two owners is the PayJoin's (undetectable by design),
        // and its one union names the PayJoin transaction, so it can be shown and undone.
        using var store = ChainStore.Open(Path.Combine(caseDir, "chain"));
        var clusters = ClusterSet.Load(store);
        var decoys = truthFile.DecoyTransactions.Select(d => (d.Txid, d.Kind)).ToList();
        foreach (var (txid, kind) in decoys.Where(d => d.Kind.StartsWith("coinjoin", StringComparison.Ordinal)))
        {
            Assert.True(Harrier.Chain.Hash32.TryParse(txid, out var h));
            Assert.True(store.TryFindTx(h, out var t));
            Assert.NotEqual(CoinJoinKind.None, clusters.CoinJoinOf(t));
        }

        var owners = truthFile.AddressOwners.Select(o => (o.Address, o.Owner)).ToList();
        var ownersByCluster = new Dictionary<int, HashSet<string>>();
        foreach (var (address, owner) in owners)
        {
            if (store.TryFindAddress(address, out var a))
            {
                (ownersByCluster.TryGetValue(clusters.ClusterOf[a], out var set) ? set : ownersByCluster[clusters.ClusterOf[a]] = []).Add(owner);
            }
        }

        var mixed = ownersByCluster.Where(kv => kv.Value.Count > 1).ToList();
        var payjoin = decoys.Single(d => d.Kind == "payjoin").Txid;
        var merged = Assert.Single(mixed);
        Assert.All(clusters.Unions.Where(u => clusters.ClusterOf[u.AddressA] == merged.Key), u => Assert.Equal(payjoin, store.TxHash[u.Tx].ToString()));
    }
}
