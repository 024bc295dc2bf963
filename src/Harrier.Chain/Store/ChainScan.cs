using System.Diagnostics;

namespace Harrier.Chain.Store;

/// <summary>Totals of one pass over every input and output of the store.</summary>
public sealed record ChainScanResult(long Inputs, long Outputs, long InputSats, long OutputSats, long FeeSats, long CoinbaseSats, long UnspentSats, double Seconds)
{
    /// <summary>Input and output visits per second of the pass (one thread).</summary>
    public double VisitsPerSecond => Seconds > 0 ? (Inputs + Outputs) / Seconds : 0;

    /// <summary>CPU seconds of the pass's thread (on a loaded machine, wall time is mostly waiting for a core).</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Input and output visits per CPU-second of the pass's thread (BlockSci's yardstick is per core-second).</summary>
    public double VisitsPerCpuSecond => CpuSeconds > 0 ? (Inputs + Outputs) / CpuSeconds : 0;
}

/// <summary>
/// The BlockSci yardstick: one pass over every input (its spent output's value, stored beside it) and every output,
/// on the mapped columns, single-threaded. Fees are input minus output value of fully resolved non-coinbase txs.
/// </summary>
public static class ChainScan
{
    public static ChainScanResult Run(ChainStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        // A store written before the input value column computes it here, outside the timed pass.
        var inValues = store.InValue;
        var clock = Stopwatch.StartNew();
        var cpu0 = ThreadCpuClock.Seconds();
        var inStart = store.TxInStart;
        var outStart = store.TxOutStart;
        var values = store.OutValue;
        var spentBy = store.OutSpentBy;
        var flags = store.TxFlagBytes;
        var txCount = store.TxCount;
        long inSats = 0, outSats = 0, fees = 0, coinbase = 0, unspent = 0;
        const byte notFee = (byte)(TxTraits.Coinbase | TxTraits.UnresolvedInput);
        unsafe
        {
            // Pointers, not span indexers: the inner loops run 2-3 times a transaction, and their bounds checks and
            // reloads of the range ends were most of the pass. Inputs and outputs are contiguous in transaction order,
            // so each loop goes on from where the last transaction's ended.
            // The input and output columns are read through the store's mappings (valid while it is open).
            long* inV = inValues.Pointer, outV = values.Pointer, spent = spentBy.Pointer;
            var limit = spentBy.Limit;
            fixed (long* ins = inStart, outs = outStart)
            fixed (byte* fl = flags)
            {
                long i = txCount > 0 ? ins[0] : 0, o = txCount > 0 ? outs[0] : 0;
                for (var tx = 0; tx < txCount; tx++)
                {
                    long txIn = 0;
                    for (long end = ins[tx + 1]; i < end; i++)
                    {
                        txIn += inV[i];
                    }

                    long txOut = 0;
                    for (long end = outs[tx + 1]; o < end; o++)
                    {
                        var v = outV[o];
                        txOut += v;
                        // Unspent (-1, or a link past the store's inputs that an import still running wrote) keeps the
                        // value; spent (an input id below the limit) drops it.
                        var s = spent[o];
                        unspent += v & ((s >> 63) | ~((s - limit) >> 63));
                    }

                    inSats += txIn;
                    outSats += txOut;
                    var f = fl[tx];
                    if ((f & notFee) == 0)
                    {
                        fees += txIn - txOut;
                    }
                    else if ((f & (byte)TxTraits.Coinbase) != 0)
                    {
                        coinbase += txOut;
                    }
                }
            }
        }

        clock.Stop();
        return new ChainScanResult(store.InputCount, store.OutputCount, inSats, outSats, fees, coinbase, unspent, clock.Elapsed.TotalSeconds)
        {
            CpuSeconds = ThreadCpuClock.Seconds() - cpu0,
        };
    }
}
