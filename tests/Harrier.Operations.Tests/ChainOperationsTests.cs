using Harrier.Cases;
using Harrier.Cases.Tests;
using Harrier.Chain.Clustering;
using Harrier.Operations.Cases;
using Harrier.Operations.Chain;
using Harrier.Testing.Chain;

namespace Harrier.Operations.Tests;

/// <summary>
/// The chain operations on a regtest chain written as block files: each writes one audit entry (through the case's
/// write scope, on SQLite and on PostgreSQL) after its files, and a refused request writes none. Also the one rule for
/// saved clusters and its two named fallbacks.
/// </summary>
public sealed class ChainOperationsTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TracingScenario _scenario = TracingScenario.Build();

    private sealed record Setup(TestCase Case, CaseStore Store, OperationContext Ctx, string Blocks, string Packs, string Deposits);

    private async Task<Setup> SetUpAsync(string backend)
    {
        var t = await TestCase.CreateAsync(backend);
        var blocks = Directory.CreateDirectory(Path.Combine(t.Root, "blocks")).FullName;
        RegtestChainBuilder.WriteBlockFile(Path.Combine(blocks, "blk00000.dat"), _scenario.Chain.Blocks);
        var packs = Directory.CreateDirectory(Path.Combine(t.Root, "packs")).FullName;
        File.WriteAllText(Path.Combine(packs, "exchanges.yaml"), _scenario.ExchangeTagPack());
        File.WriteAllText(Path.Combine(packs, "actors.yaml"), TracingScenario.ActorPack());
        var deposits = Path.Combine(t.Root, "deposits.txt");
        File.WriteAllText(deposits, _scenario.DepositsFile());
        var ctx = new OperationContext("analyst", t.Time);
        await InitCase.RunAsync(new InitCaseRequest(t.CaseDir, "Op Chain", t.ConnectionString), ctx, None);
        return new Setup(t, await t.OpenAsync(), ctx, blocks, packs, deposits);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Import_cluster_tags_trace_requests_and_show_each_write_one_audit_entry(string backend)
    {
        var s = await SetUpAsync(backend);
        await using var _ = s.Case;
        var (store, ctx) = (s.Store, s.Ctx);

        var imported = await Audited.ExactlyAsync(store,
            () => new ImportChain(store).RunAsync(new ImportChainRequest(s.Blocks, Justification: "seized wallet"), ctx, None), "chain.import");
        Assert.Equal(_scenario.Chain.Blocks.Count, imported.BlocksAdded);
        Assert.Equal(_scenario.Chain.Blocks[^1].GetHash().ToString(), imported.Store.Tip);
        Assert.True(Directory.Exists(CaseFolder.ChainDirectory(s.Case.CaseDir)));

        var clustered = await Audited.ExactlyAsync(store,
            () => new ClusterChain(store).RunAsync(new ClusterChainRequest(Deposits: s.Deposits), ctx, None), "chain.cluster");
        Assert.Equal(1, clustered.Stats.CoinJoinsSkipped);
        Assert.Equal(TracingScenario.DepositWallets.Count, clustered.KnownPayees);

        var tags = await Audited.ExactlyAsync(store,
            () => new ImportTags(store).RunAsync(new ImportTagsRequest(s.Packs), ctx, None), "tags.import");
        Assert.Equal((2, 2), (tags.TotalTags, tags.TotalActors));
        Assert.Empty(tags.Errors);

        var traced = await Audited.ExactlyAsync(store,
            () => new TraceChain(store).RunAsync(new TraceChainRequest(s.Deposits), ctx, None), "chain.trace");
        Assert.False(traced.ClustersComputed);
        Assert.Equal(CaseFolder.TraceFile(s.Case.CaseDir), traced.TraceFile);
        Assert.True(File.Exists(traced.TraceFile));
        Assert.Contains(traced.Report.Requests, r => r.Actor == "hexchange" && r.Leads.Count == 4);
        Assert.Equal(traced.Report.Requests.Count, new ChainWorkspace(store).ReadTrace()!.Requests.Count);

        var outDir = Path.Combine(s.Case.Root, "requests");
        var requests = await Audited.ExactlyAsync(store,
            () => new WriteChainRequests(store).RunAsync(new WriteChainRequestsRequest(outDir), ctx, None), "chain.requests");
        Assert.Contains(requests.Exchanges, e => e.Actor == "yexchange" && e.Withdrawals == 1);
        Assert.True(File.Exists(Path.Combine(outDir, "hexchange.csv")));

        var shown = await Audited.ExactlyAsync(store,
            () => new ShowChain(store).RunAsync(new ShowChainRequest(_scenario.Address("hx-hot")), ctx, None), "chain.show");
        Assert.Equal("address", shown.Kind);
        Assert.Equal("hexchange", shown.Address!.Tags[0].Actor);
        Assert.Equal(2, shown.Address.Cluster.Evidence.Count);
        var tx = await new ShowChain(store).RunAsync(new ShowChainRequest(_scenario.Txs["coinjoin"].GetHash().ToString()), ctx, None);
        Assert.Equal(("tx", "Generic"), (tx.Kind, tx.Transaction!.CoinJoin));
        var block = await new ShowChain(store).RunAsync(new ShowChainRequest(_scenario.Chain.Blocks[1].GetHash().ToString()), ctx, None);
        Assert.Equal((1, 1), (block.Block!.Height, block.Block.Transactions));
        Assert.Same(block.Block, block.View);

        var entry = (await store.Audit.ReadAsync(null, None)).Single(e => e.Action == "chain.import");
        Assert.Equal(("analyst", "seized wallet"), (entry.Actor, entry.Justification));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Refused_requests_write_no_audit_entry(string backend)
    {
        var s = await SetUpAsync(backend);
        await using var _ = s.Case;
        var (store, ctx) = (s.Store, s.Ctx);

        var noChain = await Audited.NothingAsync<OperationException>(store,
            () => new TraceChain(store).RunAsync(new TraceChainRequest(s.Deposits), ctx, None));
        Assert.Contains("chain import", noChain.Message, StringComparison.Ordinal);
        await Audited.NothingAsync<OperationException>(store,
            () => new ImportChain(store).RunAsync(new ImportChainRequest(s.Blocks, Network: "moon"), ctx, None));
        await Audited.NothingAsync<OperationException>(store,
            () => new WriteChainRequests(store).RunAsync(new WriteChainRequestsRequest(Path.Combine(s.Case.Root, "x")), ctx, None));

        await new ImportChain(store).RunAsync(new ImportChainRequest(s.Blocks), ctx, None);
        var bad = await Audited.NothingAsync<OperationException>(store,
            () => new ClusterChain(store).RunAsync(new ClusterChainRequest(ChangeHeuristics: ["nonsense"]), ctx, None));
        Assert.Contains("nonsense", bad.Message, StringComparison.Ordinal);
        await Audited.NothingAsync<OperationException>(store,
            () => new ClusterChain(store).RunAsync(new ClusterChainRequest(ExcludeTxs: ["not-a-txid"]), ctx, None));
        await Audited.NothingAsync<OperationException>(store,
            () => new ShowChain(store).RunAsync(new ShowChainRequest("nowhere"), ctx, None));
        await Audited.NothingAsync<OperationException>(store,
            () => new TraceChain(store).RunAsync(new TraceChainRequest(Path.Combine(s.Case.Root, "no-such-deposits.txt")), ctx, None));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Without_saved_clusters_a_view_computes_its_own_and_saves_nothing_while_a_trace_computes_and_saves(string backend)
    {
        var s = await SetUpAsync(backend);
        await using var _ = s.Case;
        var (store, ctx) = (s.Store, s.Ctx);
        await new ImportChain(store).RunAsync(new ImportChainRequest(s.Blocks), ctx, None);
        var chainDir = CaseFolder.ChainDirectory(s.Case.CaseDir);

        var shown = await new ShowChain(store).RunAsync(new ShowChainRequest(_scenario.Address("hx-hot")), ctx, None);
        Assert.True(shown.Address!.Cluster.Size > 0);
        Assert.False(ClusterSet.Exists(chainDir));

        var traced = await new TraceChain(store).RunAsync(new TraceChainRequest(s.Deposits), ctx, None);
        Assert.True(traced.ClustersComputed);
        Assert.True(ClusterSet.Exists(chainDir));
        using (var chain = new ChainWorkspace(store).OpenChain())
        {
            var saved = ChainWorkspace.LoadSavedClusters(chain);
            Assert.NotNull(saved);
            Assert.NotEmpty(saved.Options.KnownPayees); // computed with the deposits as known payees
        }

        var again = await new TraceChain(store).RunAsync(new TraceChainRequest(s.Deposits), ctx, None);
        Assert.False(again.ClustersComputed);
    }
}
