using Harrier.Chain.Store;

namespace Harrier.Chain.Clustering;

/// <summary>The CoinJoin shape a transaction matches (structural match, not proof).</summary>
public enum CoinJoinKind : byte
{
    /// <summary>Not CoinJoin-shaped.</summary>
    None = 0,

    /// <summary>BlockSci's generic rule: the most frequent output value occurs exactly ⌈outputs/2⌉ times (JoinMarket fits it).</summary>
    Generic = 1,

    /// <summary>Samourai Whirlpool: 5 inputs, 5 outputs, all at one pool denomination.</summary>
    Whirlpool = 2,

    /// <summary>Wasabi 1.x (ZeroLink): 10+ inputs and at least 10 equal outputs (no more than the inputs), most outputs in the mix.</summary>
    Wasabi1 = 3,

    /// <summary>Wasabi 2.x (WabiSabi): 50+ inputs and most outputs on repeated (standard) denominations.</summary>
    Wasabi2 = 4,
}

/// <summary>
/// Equal-output CoinJoin detection (crypto-tracing.md §2.4). Exchange batch payouts with repeated amounts and pool payouts
/// can match; Wasabi 2 with few repeats and PayJoin do not.
/// </summary>
public static class CoinJoinDetector
{
    /// <summary>Whirlpool pool denominations in satoshis (0.001, 0.01, 0.05, 0.5 BTC).</summary>
    public static readonly long[] WhirlpoolPools = [100_000, 1_000_000, 5_000_000, 50_000_000];

    /// <summary>Dust amounts BlockSci refuses as a CoinJoin value (546 and 2,730 sat).</summary>
    private static readonly long[] DustValues = [546, 2730];

    // Reused per thread (cleared before each use): a whole-store clustering classifies every transaction, and a new
    // dictionary and set each time were most of its allocations. Only counts are read from them, so reuse changes no
    // answer. Larger transactions get their own, so that a reused one stays small and cheap to clear.
    private const int ReuseUpTo = 64;

    [ThreadStatic]
    private static Dictionary<long, int>? t_counts;

    [ThreadStatic]
    private static HashSet<int>? t_distinct;

    /// <summary>Classifies by shape: output values, input count, distinct input addresses (pass the input count when unknown).</summary>
    public static CoinJoinKind Classify(ReadOnlySpan<long> outputValues, int inputCount, int distinctInputAddresses)
    {
        var outputs = outputValues.Length;
        if (inputCount < 2 || outputs < 3)
        {
            return CoinJoinKind.None;
        }

        var counts = outputs <= ReuseUpTo ? t_counts ??= new(ReuseUpTo) : new Dictionary<long, int>(outputs);
        counts.Clear();
        foreach (var v in outputValues)
        {
            counts[v] = counts.GetValueOrDefault(v) + 1;
        }

        long modeValue = 0;
        var modeCount = 0;
        var repeated = 0;
        foreach (var (value, count) in counts)
        {
            if (count > modeCount || (count == modeCount && value > modeValue))
            {
                modeValue = value;
                modeCount = count;
            }

            if (count >= 2)
            {
                repeated += count;
            }
        }

        if (DustValues.Contains(modeValue))
        {
            return CoinJoinKind.None;
        }

        if (inputCount == 5 && outputs == 5 && modeCount == 5 && WhirlpoolPools.Contains(modeValue))
        {
            return CoinJoinKind.Whirlpool;
        }

        if (inputCount >= 10 && modeCount >= 10 && modeCount <= inputCount && outputs <= 3 * modeCount)
        {
            return CoinJoinKind.Wasabi1;
        }

        if (inputCount >= 50 && outputs >= 50 && repeated * 2 >= outputs)
        {
            return CoinJoinKind.Wasabi2;
        }

        var participants = (outputs + 1) / 2;
        if (participants <= inputCount && participants <= distinctInputAddresses && modeCount == participants)
        {
            return CoinJoinKind.Generic;
        }

        return CoinJoinKind.None;
    }

    /// <summary>Classifies a stored transaction (distinct input addresses from its resolved inputs).</summary>
    public static CoinJoinKind Classify(ChainStore store, int tx)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.IsCoinbase(tx))
        {
            return CoinJoinKind.None;
        }

        var inStart = store.TxInStart[tx];
        var inEnd = store.TxInStart[tx + 1];
        var outs = store.OutValue.Slice(store.TxOutStart[tx], (int)(store.TxOutStart[tx + 1] - store.TxOutStart[tx]));
        var inputCount = (int)(inEnd - inStart);
        if (inputCount < 2 || outs.Length < 3)
        {
            return CoinJoinKind.None;
        }

        var distinct = inputCount <= ReuseUpTo ? t_distinct ??= new(ReuseUpTo) : new HashSet<int>(inputCount);
        distinct.Clear();
        var unresolved = 0;
        for (var i = inStart; i < inEnd; i++)
        {
            var o = store.InSpent[i];
            var a = o >= 0 ? store.OutAddress[o] : -1;
            if (a >= 0)
            {
                distinct.Add(a);
            }
            else
            {
                unresolved++;
            }
        }

        // Unknown previous outputs count as distinct: with nothing stored there is nothing to contradict the shape.
        return Classify(outs, inputCount, distinct.Count + unresolved);
    }
}
