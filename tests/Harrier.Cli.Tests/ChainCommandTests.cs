using System.Text.Json;
using Harrier.Testing.Chain;

namespace Harrier.Cli.Tests;

/// <summary>The chain and tags commands end to end on a regtest chain the test writes as block files.</summary>
public sealed class ChainCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-cli-chain-").FullName;
    private readonly TracingScenario _scenario = TracingScenario.Build();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CaseDir => Path.Combine(_root, "case");

    private static async Task<CliRunner.Result> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await HarrierApp.RunAsync(args, new CliHost(stdout, stderr, TimeProvider.System) { Interactive = false });
        return new CliRunner.Result(code, stdout.ToString(), stderr.ToString());
    }

    private async Task<(string Blocks, string Packs, string Deposits)> SetUpAsync()
    {
        var blocks = Directory.CreateDirectory(Path.Combine(_root, "blocks")).FullName;
        RegtestChainBuilder.WriteBlockFile(Path.Combine(blocks, "blk00000.dat"), _scenario.Chain.Blocks);
        var packs = Directory.CreateDirectory(Path.Combine(_root, "packs")).FullName;
        File.WriteAllText(Path.Combine(packs, "exchanges.yaml"), _scenario.ExchangeTagPack());
        File.WriteAllText(Path.Combine(packs, "actors.yaml"), TracingScenario.ActorPack());
        var deposits = Path.Combine(_root, "deposits.txt");
        File.WriteAllText(deposits, _scenario.DepositsFile());
        Assert.Equal(0, (await Run("case", "init", CaseDir, "--name", "Op Chain")).ExitCode);
        return (blocks, packs, deposits);
    }

    [Fact]
    public async Task Import_cluster_tags_trace_requests_and_show_work_together()
    {
        var (blocks, packs, deposits) = await SetUpAsync();

        var import = await Run("chain", "import", blocks, "--case", CaseDir, "--json");
        Assert.Equal(0, import.ExitCode);
        using (var doc = JsonDocument.Parse(import.Out))
        {
            Assert.Equal(_scenario.Chain.Blocks.Count, doc.RootElement.GetProperty("blocksAdded").GetInt32());
            Assert.Equal(_scenario.Chain.Blocks[^1].GetHash().ToString(), doc.RootElement.GetProperty("store").GetProperty("tip").GetString());
        }

        var cluster = await Run("chain", "cluster", "--deposits", deposits, "--case", CaseDir);
        Assert.Equal(0, cluster.ExitCode);
        Assert.Contains("1 CoinJoins", cluster.Out);

        var tags = await Run("tags", "import", packs, "--case", CaseDir);
        Assert.Equal(0, tags.ExitCode);
        Assert.Contains("case now holds 2 tags and 2 actors", tags.Out);

        var trace = await Run("chain", "trace", "--deposits", deposits, "--case", CaseDir);
        Assert.Equal(0, trace.ExitCode);
        Assert.Contains("request: hexchange (MT): 4 withdrawals", trace.Out);
        Assert.Contains("request: yexchange (SC): 1 withdrawals", trace.Out);
        Assert.Contains("coinjoin", trace.Out);

        var outDir = Path.Combine(_root, "requests");
        var requests = await Run("chain", "requests", "--out", outDir, "--case", CaseDir);
        Assert.Equal(0, requests.ExitCode);
        var csv = File.ReadAllLines(Path.Combine(outDir, "hexchange.csv"));
        Assert.Equal(5, csv.Length);
        Assert.Contains(csv, l => l.StartsWith(_scenario.Txs["withdraw-h"].GetHash() + ",3," + _scenario.Address("dep-erin") + ",5000000,", StringComparison.Ordinal));
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "yexchange.json"))))
        {
            var w = doc.RootElement.GetProperty("withdrawals")[0];
            Assert.Equal(_scenario.Address("alice-y"), w.GetProperty("address").GetString());
            Assert.Equal(TracingScenario.AliceFromY, w.GetProperty("amountSats").GetInt64());
        }

        var showAddr = await Run("chain", "show", _scenario.Address("hx-hot"), "--case", CaseDir, "--json");
        Assert.Equal(0, showAddr.ExitCode);
        using (var doc = JsonDocument.Parse(showAddr.Out))
        {
            Assert.Equal("address", doc.RootElement.GetProperty("kind").GetString());
            Assert.Equal(2 * TracingScenario.Coin50 - TracingScenario.Fee, doc.RootElement.GetProperty("receivedSats").GetInt64());
            Assert.Equal(0, doc.RootElement.GetProperty("balanceSats").GetInt64());
            Assert.Equal("hexchange", doc.RootElement.GetProperty("tags")[0].GetProperty("actor").GetString());
            Assert.Equal(2, doc.RootElement.GetProperty("cluster").GetProperty("evidence").GetArrayLength());
        }

        var showTx = await Run("chain", "show", _scenario.Txs["coinjoin"].GetHash().ToString(), "--case", CaseDir, "--json");
        using (var doc = JsonDocument.Parse(showTx.Out))
        {
            Assert.Equal("Generic", doc.RootElement.GetProperty("coinJoin").GetString());
            Assert.Equal(TracingScenario.Fee * 4, doc.RootElement.GetProperty("feeSats").GetInt64());
            Assert.Equal(TracingScenario.MixDenomination, doc.RootElement.GetProperty("outputs")[0].GetProperty("valueSats").GetInt64());
        }

        var showBlock = await Run("chain", "show", _scenario.Chain.Blocks[1].GetHash().ToString(), "--case", CaseDir, "--json");
        using (var doc = JsonDocument.Parse(showBlock.Out))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("height").GetInt32());
            Assert.Equal(1, doc.RootElement.GetProperty("transactions").GetInt32());
        }

        var stats = await Run("chain", "stats", "--case", CaseDir, "--json");
        using (var doc = JsonDocument.Parse(stats.Out))
        {
            var pass = doc.RootElement.GetProperty("secondPass");
            Assert.Equal(_scenario.Chain.Blocks.Sum(b => b.Transactions.Sum(t => t.Inputs.Count)), pass.GetProperty("inputs").GetInt64());
            Assert.Equal(pass.GetProperty("coinbaseSats").GetInt64(), pass.GetProperty("unspentSats").GetInt64() + pass.GetProperty("feeSats").GetInt64());
            Assert.Equal(1, doc.RootElement.GetProperty("clustering").GetProperty("coinJoinsSkipped").GetInt32());
        }

        // Every step that changed or revealed case data is in the audit log.
        var audit = await Run("audit", "show", "--case", CaseDir, "--json");
        using var log = JsonDocument.Parse(audit.Out);
        var actions = log.RootElement.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        foreach (var action in new[] { "chain.import", "chain.cluster", "tags.import", "chain.trace", "chain.requests", "chain.show" })
        {
            Assert.Contains(action, actions);
        }
    }

    [Fact]
    public async Task Bad_block_file_is_reported_with_file_and_offset_and_exits_1_after_importing_the_rest()
    {
        var (blocks, _, _) = await SetUpAsync();
        var path = Path.Combine(blocks, "blk00000.dat");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(Path.Combine(blocks, "blk00001.dat"), bytes[..^40]);
        var r = await Run("chain", "import", blocks, "--case", CaseDir);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("blk00001.dat at offset ", r.Err);
        Assert.Contains("truncated", r.Err);
        Assert.Contains($"{_scenario.Chain.Blocks.Count} added", r.Out);
    }

    [Fact]
    public async Task Usage_errors_exit_2()
    {
        var (_, _, deposits) = await SetUpAsync();
        var noChain = await Run("chain", "trace", "--deposits", deposits, "--case", CaseDir);
        Assert.Equal(2, noChain.ExitCode);
        Assert.Contains("chain import", noChain.Err);
        var badHeuristic = await Run("chain", "cluster", "--change", "nonsense", "--case", CaseDir);
        Assert.Equal(2, badHeuristic.ExitCode);
        Assert.Contains("nonsense", badHeuristic.Err);
        var noTrace = await Run("chain", "requests", "--out", Path.Combine(_root, "x"), "--case", CaseDir);
        Assert.Equal(2, noTrace.ExitCode);
    }
}
