using Harrier.Chain.Attribution;
using Harrier.Chain.Blocks;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;
using Harrier.Testing.Chain;

namespace Harrier.Chain.Tests;

/// <summary>The synthetic tracing case written as real block files (two files, out of order, a stale block) and imported once.</summary>
public sealed class ScenarioFixture : IDisposable
{
    public ScenarioFixture()
    {
        Root = Directory.CreateTempSubdirectory("harrier-chain-scenario-").FullName;
        Scenario = TracingScenario.Build();
        var chain = Scenario.Chain;
        chain.MineStale(3);
        BlocksDir = Directory.CreateDirectory(Path.Combine(Root, "blocks")).FullName;
        var blocks = chain.Blocks;
        var half = blocks.Count / 2;

        // File 0: the second half first, then the stale block; file 1: the first half reversed, then zero padding.
        RegtestChainBuilder.WriteBlockFile(Path.Combine(BlocksDir, "blk00000.dat"), blocks.Skip(half).Concat(chain.StaleBlocks));
        RegtestChainBuilder.WriteBlockFile(Path.Combine(BlocksDir, "blk00001.dat"), blocks.Take(half).Reverse(), zeroPadding: 1 << 14);
        StoreDir = Path.Combine(Root, "chain");
        Import = ChainImporter.Import(StoreDir, BlocksDir);
        Store = ChainStore.Open(StoreDir);

        PacksDir = Directory.CreateDirectory(Path.Combine(Root, "packs")).FullName;
        File.WriteAllText(Path.Combine(PacksDir, "exchanges.yaml"), Scenario.ExchangeTagPack());
        File.WriteAllText(Path.Combine(PacksDir, "actors.yaml"), TracingScenario.ActorPack());
        DepositsFile = Path.Combine(Root, "deposits.txt");
        File.WriteAllText(DepositsFile, Scenario.DepositsFile());
    }

    public string Root { get; }

    public TracingScenario Scenario { get; }

    public string BlocksDir { get; }

    public string StoreDir { get; }

    public string PacksDir { get; }

    public string DepositsFile { get; }

    public ChainImportResult Import { get; }

    public ChainStore Store { get; }

    public int Addr(string wallet) => Store.TryFindAddress(Scenario.Address(wallet), out var a) ? a : throw new KeyNotFoundException(wallet);

    public int Tx(string role) => Store.TryFindTx(Hash32.From(Scenario.Txs[role].GetHash()), out var t) ? t : throw new KeyNotFoundException(role);

    public IReadOnlyList<string> Deposits => TracingScenario.DepositWallets.Select(d => Scenario.Address(d.Wallet)).ToList();

    public TagLibrary Library()
    {
        var lib = TagLibrary.Empty();
        var errors = new List<string>();
        lib.Import(PacksDir, isPublic: true, errors);
        Assert.Empty(errors);
        return lib;
    }

    public ClusterSet Clusters(ClusterOptions? options = null) => ClusterSet.Build(Store, options ?? new ClusterOptions { KnownPayees = Deposits });

    public void Dispose()
    {
        Store.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
