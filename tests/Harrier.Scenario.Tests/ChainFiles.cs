using NBitcoin;

namespace Harrier.Scenario.Tests;

/// <summary>Reads a scenario's chain/ folder back with NBitcoin and checks what a node would check of its spends.</summary>
internal static class ChainFiles
{
    /// <summary>Every block of blk00000.dat, blk00001.dat, … in file order (Bitcoin Core framing).</summary>
    public static List<Block> Read(string dir)
    {
        var net = Network.RegTest;
        var blocks = new List<Block>();
        foreach (var path in Directory.EnumerateFiles(dir, "blk*.dat").Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(path);
            var offset = 0;
            while (offset < bytes.Length)
            {
                Assert.Equal(net.Magic, BitConverter.ToUInt32(bytes, offset));
                var size = BitConverter.ToInt32(bytes, offset + 4);
                blocks.Add(Block.Load(bytes.AsSpan(offset + 8, size).ToArray(), net));
                offset += 8 + size;
            }
        }

        return blocks;
    }

    /// <summary>
    /// Every non-coinbase input spends an output created earlier and not spent before, and its witness satisfies
    /// that output's script (signature checked). Returns the number of inputs checked.
    /// </summary>
    public static int AssertEverySpendIsValid(IEnumerable<Block> blocks)
    {
        var unspent = new Dictionary<OutPoint, TxOut>();
        var checkedInputs = 0;
        foreach (var block in blocks)
        {
            foreach (var tx in block.Transactions)
            {
                if (!tx.IsCoinBase)
                {
                    var spent = new TxOut[tx.Inputs.Count];
                    for (var i = 0; i < tx.Inputs.Count; i++)
                    {
                        Assert.True(unspent.Remove(tx.Inputs[i].PrevOut, out var prev), $"{tx.GetHash()} input {i} spends an unknown or spent output");
                        spent[i] = prev!;
                    }

                    var validator = tx.CreateValidator(spent);
                    for (var i = 0; i < tx.Inputs.Count; i++)
                    {
                        var result = validator.ValidateInput(i);
                        Assert.True(result.Error is null, $"{tx.GetHash()} input {i}: {result.Error}");
                        checkedInputs++;
                    }
                }

                var txid = tx.GetHash();
                for (var o = 0; o < tx.Outputs.Count; o++)
                {
                    unspent.Add(new OutPoint(txid, o), tx.Outputs[o]);
                }
            }
        }

        return checkedInputs;
    }
}
