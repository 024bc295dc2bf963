using Harrier.Chain.Clustering;

namespace Harrier.Chain.Tests;

/// <summary>The CoinJoin shape rules on output-value sets (crypto-tracing.md §2.4), including what must not match.</summary>
public sealed class CoinJoinDetectorTests
{
    [Fact]
    public void JoinMarket_taker_sweep_matches_the_generic_rule()
    {
        // Taker + 3 makers: 4 equal outputs, 3 maker changes, no taker change (2n - 1 outputs).
        long[] outs = [4_500_000, 4_500_000, 4_500_000, 4_500_000, 612_345, 1_234_567, 98_765];
        Assert.Equal(CoinJoinKind.Generic, CoinJoinDetector.Classify(outs, inputCount: 5, distinctInputAddresses: 5));

        // Fewer distinct input addresses than participants: one wallet, not a join.
        Assert.Equal(CoinJoinKind.None, CoinJoinDetector.Classify(outs, inputCount: 5, distinctInputAddresses: 3));
    }

    [Fact]
    public void Whirlpool_needs_five_by_five_at_a_pool_denomination()
    {
        Assert.Equal(CoinJoinKind.Whirlpool, CoinJoinDetector.Classify([1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000], 5, 5));
        Assert.NotEqual(CoinJoinKind.Whirlpool, CoinJoinDetector.Classify([1_234_567, 1_234_567, 1_234_567, 1_234_567, 1_234_567], 5, 5));
    }

    [Fact]
    public void Wasabi_shapes_match_and_exchange_batches_do_not()
    {
        // Wasabi 1: 12 inputs, 10 equal outputs, a coordinator fee and one change.
        var w1 = Enumerable.Repeat(4_000_000L, 10).Concat([120_000L, 777_777L]).ToArray();
        Assert.Equal(CoinJoinKind.Wasabi1, CoinJoinDetector.Classify(w1, 12, 12));

        // Wasabi 2: 60 inputs, 80 outputs spread over a few standard denominations, some unique change.
        long[] denominations = [5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];
        var w2 = Enumerable.Range(0, 70).Select(i => denominations[i % denominations.Length]).Concat(Enumerable.Range(0, 10).Select(i => 1_000_003L + i)).ToArray();
        Assert.Equal(CoinJoinKind.Wasabi2, CoinJoinDetector.Classify(w2, 60, 60));

        // An exchange batch: one input, twelve equal withdrawals, change.
        var batch = Enumerable.Repeat(10_000_000L, 12).Append(3_456_789_012L).ToArray();
        Assert.Equal(CoinJoinKind.None, CoinJoinDetector.Classify(batch, 1, 1));

        // Dust-valued "equal outputs" are token transfers, not a join.
        Assert.Equal(CoinJoinKind.None, CoinJoinDetector.Classify([546, 546, 546, 99_000, 88_000], 3, 3));

        // A plain payment.
        Assert.Equal(CoinJoinKind.None, CoinJoinDetector.Classify([1_000_000, 48_990_000], 1, 1));
    }
}
