using Harrier.Chain.Blocks;
using Harrier.Chain.Store;
using Harrier.Testing.Chain;
using NBitcoin;

namespace Harrier.Chain.Tests;

/// <summary>
/// The import resolves a transaction's inputs one transaction ahead; a spend of the transaction just before it, or of
/// one earlier in the same block, must still link to the right output and carry its value.
/// </summary>
public sealed class IntraBlockSpendTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-chain-intrablock-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Chains_of_spends_inside_one_block_link_each_input_to_the_output_it_spends()
    {
        var c = new RegtestChainBuilder(new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var first = c.MineTo("alice");
        var second = c.MineTo("bob");
        const long fee = TracingScenario.Fee;
        var t1 = c.Spend([(first, "alice")], [("carol", 30_000_000), ("alice", TracingScenario.Coin50 - 30_000_000 - fee)]);
        var t2 = c.Spend([(new Coin(t1, 0u), "carol")], [("dave", 30_000_000 - fee)]);                        // spends the tx just before
        var t3 = c.Spend([(second, "bob")], [("erin", TracingScenario.Coin50 - fee)]);
        var t4 = c.Spend([(new Coin(t1, 1u), "alice"), (new Coin(t3, 0u), "erin"), (new Coin(t2, 0u), "dave")],   // three back, just before, two back
            [("frank", TracingScenario.Coin50 - 30_000_000 - fee + TracingScenario.Coin50 - fee + 30_000_000 - fee - fee)]);
        c.MineBlock();

        var blocks = Directory.CreateDirectory(Path.Combine(_root, "blocks")).FullName;
        RegtestChainBuilder.WriteBlockFile(Path.Combine(blocks, "blk00000.dat"), c.Blocks);
        var result = ChainImporter.Import(Path.Combine(_root, "chain"), blocks);
        Assert.Empty(result.Errors);
        using var store = ChainStore.Open(Path.Combine(_root, "chain"));
        Assert.Equal(0, store.Manifest.UnresolvedInputs);
        int Id(Transaction t) => store.TryFindTx(Hash32.From(t.GetHash()), out var id) ? id : throw new InvalidOperationException("tx missing");
        long Out(Transaction t, int n) => store.TxOutStart[Id(t)] + n;
        void AssertSpends(Transaction t, params long[] outputs)
        {
            var inputs = store.InSpent.ToArray(store.TxInStart[Id(t)], store.TxInStart[Id(t) + 1]);
            Assert.Equal(outputs, inputs);
            for (var k = 0; k < inputs.Length; k++)
            {
                var input = store.TxInStart[Id(t)] + k;
                Assert.Equal(store.OutValue[outputs[k]], store.InValue[input]);
                Assert.Equal(input, store.OutSpentBy[outputs[k]]);
            }
        }

        Assert.Equal(Id(t1) + 1, Id(t2));
        AssertSpends(t2, Out(t1, 0));
        AssertSpends(t4, Out(t1, 1), Out(t3, 0), Out(t2, 0));
        var scan = ChainScan.Run(store);
        Assert.Equal(4 * fee, scan.FeeSats);
    }
}
