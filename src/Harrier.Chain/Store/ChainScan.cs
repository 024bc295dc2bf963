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
        long inSats = 0, outSats = 0, fees = 0, coinbase = 0, unspent = 0;
        for (var tx = 0; tx < store.TxCount; tx++)
        {
            long txIn = 0;
            for (var i = inStart[tx]; i < inStart[tx + 1]; i++)
            {
                txIn += inValues[i];
            }

            long txOut = 0;
            for (var o = outStart[tx]; o < outStart[tx + 1]; o++)
            {
                txOut += values[o];
                if (spentBy[o] < 0)
                {
                    unspent += values[o];
                }
            }

            inSats += txIn;
            outSats += txOut;
            var f = (TxTraits)flags[tx];
            if ((f & TxTraits.Coinbase) != 0)
            {
                coinbase += txOut;
            }
            else if ((f & TxTraits.UnresolvedInput) == 0)
            {
                fees += txIn - txOut;
            }
        }

        clock.Stop();
        return new ChainScanResult(store.InputCount, store.OutputCount, inSats, outSats, fees, coinbase, unspent, clock.Elapsed.TotalSeconds)
        {
            CpuSeconds = ThreadCpuClock.Seconds() - cpu0,
        };
    }
}
