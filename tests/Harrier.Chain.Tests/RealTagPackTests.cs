using Harrier.Chain.Attribution;
using Harrier.Chain.Blocks;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;
using Harrier.Testing;

namespace Harrier.Chain.Tests;

/// <summary>The real GraphSense packs in data/tagpacks: inheritance, actor jurisdictions, and the one real tag-to-chain join.</summary>
public sealed class RealTagPackTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-chain-tags-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Packs => TestPaths.TagPacks();

    [Fact]
    public void All_real_packs_import_with_header_inheritance_and_actor_jurisdictions()
    {
        var lib = TagLibrary.Empty();
        var errors = new List<string>();
        var packs = lib.Import(Packs, isPublic: true, errors);
        Assert.Empty(errors);
        Assert.Equal(16, packs.Count);
        Assert.Equal(1_501, lib.Tags.Count);
        Assert.Equal(3_813, lib.Actors.Count);
        Assert.Equal(584, lib.Tags.Count(t => t.Currency == "BTC" && t.Category == "exchange"));

        // Header fields are inherited: walletexplorer.yaml sets currency, confidence and is_cluster_definer once.
        var huobi = lib.Tags.First(t => t.Address == "1vdXJDiDSzeUAoM7eAcWZPhM9wEKmH8dG");
        Assert.Equal(("BTC", "service_data", true, "huobi", "Huobi.com"), (huobi.Currency, huobi.Confidence, huobi.IsClusterDefiner, huobi.Actor, huobi.Label));
        Assert.Equal("WalletExplorer Tag Pack", huobi.Pack);

        // A tag may override the header: the second Wasabi fee address is not a cluster definer.
        var wasabi = lib.Tags.Where(t => t.Pack == "Wasabi Fee Collector Addresses").ToList();
        Assert.Equal([true, false], wasabi.Select(t => t.IsClusterDefiner));
        Assert.All(wasabi, t => Assert.Equal("coinjoin", t.Category));

        var kraken = lib.Actors["kraken"];
        Assert.Equal(["US"], kraken.Jurisdictions);
        Assert.Equal("Payward, Inc.", kraken.LegalName);
        Assert.Contains("exchange", kraken.Categories);
        Assert.Equal(["SC"], lib.Actors["huobi"].Jurisdictions);

        // Saved and loaded back unchanged; re-importing a file replaces its tags instead of doubling them.
        lib.Save(_root);
        var back = TagLibrary.Load(_root);
        Assert.Equal(lib.Tags, back.Tags);
        back.Import(Path.Combine(Packs, "packs", "walletexplorer.yaml"), isPublic: true, errors);
        Assert.Equal(1_501, back.Tags.Count);
    }

    [Fact]
    public void DeepBit_tag_joins_the_payment_in_block_169482()
    {
        var store = Path.Combine(_root, "chain");
        ChainImporter.Import(store, TestPaths.Blocks("nbitcoin", "block169482.txt"));
        using var chain = ChainStore.Open(store);
        var lib = TagLibrary.Empty();
        var errors = new List<string>();
        lib.Import(Packs, isPublic: true, errors);
        var clusters = ClusterSet.Build(chain);
        var index = new AttributionIndex(chain, clusters, lib);
        Assert.Equal(1, index.TagsMatched);

        Assert.True(chain.TryFindAddress("1VayNert3x1KzbpzMGt2qdqrAThiRovi8", out var deepbit));
        var tag = Assert.Single(index.DirectTags(deepbit));
        Assert.Equal("DeepBit.net", tag.Label);
        Assert.Equal("service", tag.Category);
        var output = Assert.Single(chain.AddrOuts[(int)chain.AddrOutStart[deepbit]..(int)chain.AddrOutStart[deepbit + 1]].ToArray());
        Assert.Equal("6e79fcff0c8e4b2670a4ccf87ff71a8e65d77d2040232a2e18561f0b8c175137", chain.TxHash[chain.OutTx[output]].ToString());
        Assert.Equal(5_000_260_000L, chain.OutValue[output]);
    }
}
