using Harrier.Chain.Blocks;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;
using Harrier.Testing.Chain;
using NBitcoin;

namespace Harrier.Chain.Tests;

/// <summary>Inputs spending multisig scripts (shared custody) are not merged by the multi-input rule.</summary>
public sealed class MultisigTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-chain-multisig-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Co_spent_p2wsh_multisig_inputs_are_skipped_and_plain_ones_are_merged()
    {
        var c = new RegtestChainBuilder(new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var a = c.KeyOf("custodian-a");
        var b = c.KeyOf("custodian-b");
        var d = c.KeyOf("custodian-d");
        var vault1 = PayToMultiSigTemplate.Instance.GenerateScriptPubKey(2, a.PubKey, b.PubKey);
        var vault2 = PayToMultiSigTemplate.Instance.GenerateScriptPubKey(2, a.PubKey, d.PubKey);
        var coin1 = c.MineToScript(vault1.WitHash.ScriptPubKey).ToScriptCoin(vault1);
        var coin2 = c.MineToScript(vault2.WitHash.ScriptPubKey).ToScriptCoin(vault2);
        var plain1 = c.MineTo("plain-1");
        var plain2 = c.MineTo("plain-2");
        var multi = c.SpendCoins([coin1, coin2], [a, b, d], [("out-m", (2 * TracingScenario.Coin50) - TracingScenario.Fee)]);
        var plain = c.Spend([(plain1, "plain-1"), (plain2, "plain-2")], [("out-p", (2 * TracingScenario.Coin50) - TracingScenario.Fee)]);
        c.MineBlock();
        Assert.True(multi.Inputs.All(i => i.WitScript.PushCount == 4));

        var blocks = Directory.CreateDirectory(Path.Combine(_root, "blocks")).FullName;
        RegtestChainBuilder.WriteBlockFile(Path.Combine(blocks, "blk00000.dat"), c.Blocks);
        var result = ChainImporter.Import(Path.Combine(_root, "chain"), blocks);
        Assert.Empty(result.Errors);
        using var store = ChainStore.Open(Path.Combine(_root, "chain"));
        Assert.True(store.TryFindTx(Hash32.From(multi.GetHash()), out var mt));
        Assert.True(store.TryFindTx(Hash32.From(plain.GetHash()), out var pt));
        Assert.NotEqual(TxTraits.None, store.FlagsOf(mt) & TxTraits.MultisigInput);
        Assert.Equal(TxTraits.None, store.FlagsOf(pt) & TxTraits.MultisigInput);

        var clusters = ClusterSet.Build(store);
        Assert.Equal(1, clusters.Stats.MultisigSkipped);
        Assert.True(store.TryFindAddress(vault1.WitHash.GetAddress(Network.RegTest).ToString(), out var v1));
        Assert.True(store.TryFindAddress(vault2.WitHash.GetAddress(Network.RegTest).ToString(), out var v2));
        Assert.NotEqual(clusters.ClusterOf[v1], clusters.ClusterOf[v2]);
        Assert.True(store.TryFindAddress(c.AddressOf("plain-1").ToString(), out var p1));
        Assert.True(store.TryFindAddress(c.AddressOf("plain-2").ToString(), out var p2));
        Assert.Equal(clusters.ClusterOf[p1], clusters.ClusterOf[p2]);
    }
}
