using System.Text.Json;
using Harrier.Chain.Blocks;
using Harrier.Chain.Store;
using Harrier.Testing;
using Harrier.Testing.Chain;
using NBitcoin;

namespace Harrier.Chain.Tests;

/// <summary>
/// The store appends in place (format 3 on, 64-bit input and output ids since format 4): a second import adds blocks after the stored ones without moving them, a
/// killed import leaves the store as it was, and a store of an earlier format is refused with what to do.
/// </summary>
[Collection(nameof(DeltaLimitTests))]
public sealed class StoreAppendTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-store-append-").FullName;
    private readonly List<Block> _blocks;

    public StoreAppendTests()
    {
        _blocks = TracingScenario.Build().Chain.Blocks;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string BlockDir(string name, IEnumerable<Block> blocks)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        RegtestChainBuilder.WriteBlockFile(Path.Combine(dir, "blk00000.dat"), blocks);
        return dir;
    }

    /// <summary>The first block after genesis with a transaction spending an output of an earlier block.</summary>
    private int FirstSpendingBlock()
    {
        var seen = new HashSet<uint256>();
        for (var b = 0; b < _blocks.Count; b++)
        {
            if (b >= 2 && _blocks[b].Transactions.Any(t => !t.IsCoinBase && t.Inputs.Any(i => seen.Contains(i.PrevOut.Hash))))
            {
                return b;
            }

            foreach (var t in _blocks[b].Transactions)
            {
                seen.Add(t.GetHash());
            }
        }

        throw new InvalidOperationException("no spending block");
    }

    [Fact]
    public void Two_imports_append_and_equal_one_import_of_all_blocks_with_ids_stable()
    {
        var (delta, remap) = (HashIndex.DeltaLimit, ChainBuilder.RemapEveryTxs);
        HashIndex.DeltaLimit = 5;
        ChainBuilder.RemapEveryTxs = 3;
        try
        {
            var split = FirstSpendingBlock();
            var first = BlockDir("first", _blocks.Take(split + 1));
            var all = BlockDir("all", _blocks);
            var twice = Path.Combine(_root, "twice");
            var once = Path.Combine(_root, "once");
            ChainImporter.Import(twice, first);
            Snapshot before;
            using (var s = ChainStore.Open(twice))
            {
                before = Snapshot.Of(s);
                Assert.True(s.Manifest.TxIndexRuns.Count >= 1);
            }

            var second = ChainImporter.Import(twice, all);
            Assert.Equal(split + 1, second.AlreadyStored);
            Assert.Equal(_blocks.Count - split - 1, second.BlocksAdded);
            ChainImporter.Import(once, all);
            using var a = ChainStore.Open(twice);
            using var b = ChainStore.Open(once);
            Assert.Equal(2, a.Manifest.Imports);
            Snapshot.Of(a).AssertEqual(Snapshot.Of(b));

            // Ids stable: what the first import stored is where it was; only links from it to later inputs and outputs were added.
            var now = Snapshot.Of(a);
            before.AssertPrefixOf(now);
            foreach (var file in Directory.EnumerateFiles(twice, "*.run"))
            {
                Assert.Contains(Path.GetFileName(file), a.Manifest.TxIndexRuns.Concat(a.Manifest.AddressIndexRuns));
            }

            AssertLookups(a);
        }
        finally
        {
            (HashIndex.DeltaLimit, ChainBuilder.RemapEveryTxs) = (delta, remap);
        }
    }

    [Fact]
    public void Inputs_held_and_resolved_in_key_order_store_exactly_what_resolving_each_at_once_stores()
    {
        // All blocks, and the blocks from the first spend on (a case's range: inputs spending what was never stored).
        var sets = new[] { ("all", _blocks), ("tail", _blocks.Skip(FirstSpendingBlock() + 1).ToList()) };
        foreach (var (name, blocks) in sets)
        {
            var dir = BlockDir(name, blocks);
            var atOnce = Import(dir, name + "-at-once", deferLimit: 0);
            foreach (var limit in (int[])[1, 3, 1000])
            {
                var held = Import(dir, name + "-held-" + limit, limit);
                using var a = ChainStore.Open(atOnce);
                using var b = ChainStore.Open(held);
                Snapshot.Of(b).AssertEqual(Snapshot.Of(a));
                Assert.True(b.InSpent.ToArray().Count(o => o >= 0) > (name == "all" ? 10 : 0), "the scenario spends stored outputs");
                Assert.True(name == "all" ? b.Manifest.UnresolvedInputs == 0 : b.Manifest.UnresolvedInputs > 0, "unresolved inputs in the tail only");
            }
        }
    }

    [Fact]
    public void A_held_input_spends_the_transaction_its_txid_named_when_it_was_appended_not_a_later_repeat()
    {
        // A transaction repeated two blocks after a spend of its output (the importer does not check double spends;
        // mainnet has two repeated coinbase txids, BIP30): the spend links the first, as Bitcoin Core resolves it.
        var chain = new RegtestChainBuilder(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var coin = chain.MineTo("alice");
        for (var i = 0; i < 3; i++)
        {
            chain.MineTo("miner");
        }

        var x = chain.Spend([(coin, "alice")], [("bob", 40_0000_0000)]);
        chain.MineBlock();
        for (var i = 0; i < 6; i++)
        {
            chain.MineTo("miner");
        }

        var y = chain.Spend([(new Coin(x, 0), "bob")], [("carol", 39_0000_0000)]);
        chain.MineBlock();
        var again = chain.Spend([(coin, "alice")], [("bob", 40_0000_0000)]);
        Assert.Equal(x.GetHash(), again.GetHash());
        chain.MineBlock();
        chain.MineTo("miner");
        var dir = BlockDir("repeat", chain.Blocks);
        var atOnce = Import(dir, "repeat-at-once", deferLimit: 0);
        var held = Import(dir, "repeat-held", deferLimit: 1000);
        using var a = ChainStore.Open(atOnce);
        using var b = ChainStore.Open(held);
        Snapshot.Of(b).AssertEqual(Snapshot.Of(a));
        var first = Enumerable.Range(0, b.TxHash.Length).First(t => b.TxHash[t] == Hash32.From(x.GetHash()));
        var spender = Enumerable.Range(0, b.TxHash.Length).First(t => b.TxHash[t] == Hash32.From(y.GetHash()));
        Assert.Equal(b.TxOutStart[first], b.InSpent[b.TxInStart[spender]]);
        Assert.Equal(0L, b.Manifest.UnresolvedInputs);
    }

    /// <summary>Imports <paramref name="blocks"/> into a new store with a small delta (5) and the given hold limit.</summary>
    private string Import(string blocks, string name, int deferLimit)
    {
        var (delta, defer) = (HashIndex.DeltaLimit, ChainBuilder.DeferLimit);
        HashIndex.DeltaLimit = 5;
        ChainBuilder.DeferLimit = deferLimit;
        try
        {
            var store = Path.Combine(_root, name);
            ChainImporter.Import(store, blocks);
            return store;
        }
        finally
        {
            (HashIndex.DeltaLimit, ChainBuilder.DeferLimit) = (delta, defer);
        }
    }

    [Fact]
    public void A_killed_import_leaves_the_store_as_it_was_and_the_next_import_completes_it()
    {
        var split = FirstSpendingBlock();
        var first = BlockDir("first", _blocks.Take(split));
        var all = BlockDir("all", _blocks);
        var store = Path.Combine(_root, "store");
        ChainImporter.Import(store, first);
        Snapshot before;
        ChainManifest manifestBefore;
        ChainScanResult scanBefore;
        using (var s = ChainStore.Open(store))
        {
            before = Snapshot.Of(s);
            manifestBefore = s.Manifest;
            scanBefore = ChainScan.Run(s) with { Seconds = 0, CpuSeconds = 0 };
        }

        // Killed after the first block is appended: that block spends outputs stored by the first import (held inputs
        // resolved after each transaction, so that their links are on disk when it is killed).
        var defer = ChainBuilder.DeferLimit;
        ChainBuilder.DeferLimit = 1;
        using (var cts = new CancellationTokenSource())
        {
            var progress = new SyncProgress(r =>
            {
                if (r.Stage == "linking")
                {
                    cts.Cancel();
                }
            });
            try
            {
                Assert.ThrowsAny<OperationCanceledException>(() => ChainImporter.Import(store, all, null, progress, cts.Token));
            }
            finally
            {
                ChainBuilder.DeferLimit = defer;
            }
        }

        Assert.True(File.Exists(Path.Combine(store, ChainBuilder.PendingFileName)));
        using (var raw = ColumnFile.Map<long>(Path.Combine(store, ChainStore.Columns.OutSpentBy), manifestBefore.Outputs))
        {
            // The killed import did link stored outputs to its inputs (so this checks the rollback, not an idle run).
            Assert.Contains(raw.Span.ToArray(), i => i >= manifestBefore.Inputs);
        }

        using (var s = ChainStore.Open(store))
        {
            Assert.Equal(manifestBefore, s.Manifest with { TxIndexRuns = manifestBefore.TxIndexRuns, AddressIndexRuns = manifestBefore.AddressIndexRuns });
            Snapshot.Of(s).AssertEqual(before);
            Assert.Equal(scanBefore, ChainScan.Run(s) with { Seconds = 0, CpuSeconds = 0 }); // its pointer loop masks the links too
            AssertLookups(s);
        }

        ChainImporter.Import(store, all);
        Assert.False(File.Exists(Path.Combine(store, ChainBuilder.PendingFileName)));
        var once = Path.Combine(_root, "once");
        ChainImporter.Import(once, all);
        using var a = ChainStore.Open(store);
        using var b = ChainStore.Open(once);
        Snapshot.Of(a).AssertEqual(Snapshot.Of(b));
        AssertLookups(a);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void An_import_into_a_store_of_an_earlier_format_is_refused_with_the_advice_to_import_again(int format)
    {
        // Opening a format-2 store read-only is FixtureCompatibilityTests' (Harrier.Operations.Tests) real v6 fixture;
        // a format-3 one, A_format_3_store_with_32_bit_links_reads_as_the_same_store_with_64_bit_links.
        var store = Path.Combine(_root, "old");
        ChainImporter.Import(store, BlockDir("all", _blocks.Take(3)));
        var path = Path.Combine(store, ChainStore.ManifestFileName);
        var json = File.ReadAllText(path).Replace("\"format\": 4", $"\"format\": {format}", StringComparison.Ordinal);
        File.WriteAllText(path, json);
        var import = Assert.Throws<InvalidDataException>(() => ChainImporter.Import(store, Path.Combine(_root, "all")));
        Assert.Contains($"store format {format}", import.Message, StringComparison.Ordinal);
        Assert.Contains("chain import again", import.Message, StringComparison.Ordinal);
        Assert.Equal(json, File.ReadAllText(path));
        Assert.False(File.Exists(Path.Combine(store, ChainBuilder.PendingFileName)));
    }

    /// <summary>The columns that hold input and output ids: 4 bytes an element up to format 3, 8 since format 4.</summary>
    private static readonly string[] LinkColumns =
    [
        ChainStore.Columns.TxInStart, ChainStore.Columns.TxOutStart, ChainStore.Columns.InSpent, ChainStore.Columns.OutSpentBy,
        ChainStore.Columns.OutAddrNext, ChainStore.Columns.AddrFirstOut, ChainStore.Columns.AddrLastOut,
    ];

    [Fact]
    public void A_format_3_store_with_32_bit_links_reads_as_the_same_store_with_64_bit_links()
    {
        var store = Path.Combine(_root, "store");
        ChainImporter.Import(store, BlockDir("all", _blocks));
        Snapshot wide;
        ChainScanResult wideScan;
        using (var s = ChainStore.Open(store))
        {
            Assert.Equal(ChainManifest.CurrentFormat, s.Manifest.Format);
            wide = Snapshot.Of(s);
            wideScan = ChainScan.Run(s);
        }

        // Format 3 as earlier builds wrote it: the same columns, with 4-byte links (tests/data/fixtures/chain-format3 is
        // one such store written by such a build).
        foreach (var name in LinkColumns)
        {
            var path = Path.Combine(store, name);
            long[] links;
            var header = new byte[ColumnFile.HeaderSize];
            using (var fs = File.OpenRead(path))
            {
                fs.ReadExactly(header);
            }

            // A store column may be longer than its header's count (room to grow); only that many are links.
            using (var column = ColumnFile.Map<long>(path, BitConverter.ToInt64(header, 8)))
            {
                links = column.Span.ToArray();
            }

            Assert.All(links, l => Assert.InRange(l, -1, int.MaxValue));
            ColumnFile.Write<int>(path, [.. links.Select(l => (int)l)]);
        }

        var manifest = Path.Combine(store, ChainStore.ManifestFileName);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"format\": 4", "\"format\": 3", StringComparison.Ordinal));
        using (var s = ChainStore.Open(store))
        {
            Assert.Equal(3, s.Manifest.Format);
            Snapshot.Of(s).AssertEqual(wide);
            Assert.Equal(wideScan with { Seconds = 0, CpuSeconds = 0 }, ChainScan.Run(s) with { Seconds = 0, CpuSeconds = 0 });
            AssertLookups(s);
        }
    }

    [Fact]
    public void The_format_3_store_an_earlier_build_wrote_reads_as_what_this_build_imports_from_the_same_blocks()
    {
        // tests/data/fixtures/chain-format3: `harrier chain import tests/data/bitcoin/blocks/nbitcoin` at 3b64c84, the
        // last build that wrote format 3 (32-bit links). Copied first: the fixture stays as written whatever happens.
        var old = Path.Combine(_root, "format3");
        Directory.CreateDirectory(old);
        foreach (var file in Directory.GetFiles(TestPaths.InRepo("tests", "data", "fixtures", "chain-format3")))
        {
            File.Copy(file, Path.Combine(old, Path.GetFileName(file)));
        }

        var fresh = Path.Combine(_root, "fresh");
        ChainImporter.Import(fresh, TestPaths.Blocks("nbitcoin"));
        using var a = ChainStore.Open(old);
        using var b = ChainStore.Open(fresh);
        Assert.Equal(3, a.Manifest.Format);
        Assert.Equal(ChainManifest.CurrentFormat, b.Manifest.Format);
        Snapshot.Of(a).AssertEqual(Snapshot.Of(b));
        Assert.Equal(ChainScan.Run(b) with { Seconds = 0, CpuSeconds = 0 }, ChainScan.Run(a) with { Seconds = 0, CpuSeconds = 0 });
        AssertLookups(a);
    }

    [Fact]
    public void Input_values_are_stored_beside_the_inputs_and_a_store_without_them_gets_them_on_open_and_on_its_next_import()
    {
        var split = FirstSpendingBlock();
        var store = Path.Combine(_root, "store");
        ChainImporter.Import(store, BlockDir("first", _blocks.Take(split + 1)));
        var column = Path.Combine(store, "in.value.col");
        Assert.True(File.Exists(column));
        long[] stored;
        using (var s = ChainStore.Open(store))
        {
            stored = s.InValue.ToArray();
            AssertInputValues(s);
            Assert.Contains(stored, v => v > 0);
        }

        // A store written before the column: read, the values are computed from the links; the next import stores them.
        File.Delete(column);
        using (var s = ChainStore.Open(store))
        {
            Assert.Equal(stored, s.InValue.ToArray());
        }

        ChainImporter.Import(store, BlockDir("all", _blocks));
        Assert.True(File.Exists(column));
        Assert.False(File.Exists(column + ".tmp"));
        using (var s = ChainStore.Open(store))
        {
            AssertInputValues(s);
            Assert.Equal(stored, s.InValue.ToArray(0, stored.Length));
            var scan = ChainScan.Run(s);
            Assert.Equal(s.InputCount, scan.Inputs);
            var byLinks = 0L;
            for (var i = 0; i < s.InputCount; i++)
            {
                byLinks += s.InSpent[i] >= 0 ? s.OutValue[s.InSpent[i]] : 0;
            }

            Assert.Equal(byLinks, scan.InputSats);
        }
    }

    private static void AssertInputValues(ChainStore s)
    {
        Assert.Equal(s.InputCount, s.InValue.Length);
        for (var i = 0; i < s.InputCount; i++)
        {
            Assert.Equal(s.InSpent[i] >= 0 ? s.OutValue[s.InSpent[i]] : 0, s.InValue[i]);
        }
    }

    private static void AssertLookups(ChainStore s)
    {
        for (var t = 0; t < s.TxCount; t++)
        {
            Assert.True(s.TryFindTx(s.TxHash[t], out var found));
            Assert.Equal(t, found);
        }

        for (var a = 0; a < s.AddressCount; a++)
        {
            Assert.True(s.TryFindAddress(s.AddressText(a), out var found));
            Assert.Equal(a, found);
            var outs = s.OutputsOf(a);
            Assert.Equal(s.AddrOuts[(int)s.AddrOutStart[a]..(int)s.AddrOutStart[a + 1]].ToArray(), outs);
            Assert.Equal(outs[0], s.AddrFirstOut[a]);
        }

        Assert.False(s.TryFindTx(new Hash32(1, 2, 3, 4), out _));
    }

    private sealed class SyncProgress(Action<(string Stage, long Done, long Total)> report) : IProgress<(string Stage, long Done, long Total)>
    {
        public void Report((string Stage, long Done, long Total) value) => report(value);
    }

    /// <summary>Every column of a store, copied.</summary>
    private sealed record Snapshot(Dictionary<string, byte[]> Columns, string Counts)
    {
        public static Snapshot Of(ChainStore s)
        {
            static byte[] B<T>(ReadOnlySpan<T> span)
                where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.AsBytes(span).ToArray();
            static byte[] C<T>(ColumnSpan<T> column)
                where T : unmanaged => B<T>(column.ToArray());
            static byte[] L(LinkSpan links) => B<long>(links.ToArray());

            var c = new Dictionary<string, byte[]>
            {
                ["block.hash"] = B(s.BlockHash),
                ["block.time"] = B(s.BlockTime),
                ["block.txstart"] = B(s.BlockTxStart),
                ["tx.hash"] = B(s.TxHash),
                ["tx.block"] = B(s.TxBlock),
                ["tx.instart"] = B(s.TxInStart),
                ["tx.outstart"] = B(s.TxOutStart),
                ["tx.flags"] = B(s.TxFlagBytes),
                ["in.spent"] = L(s.InSpent),
                ["in.tx"] = C(s.InTx),
                ["in.value"] = C(s.InValue),
                ["out.value"] = C(s.OutValue),
                ["out.address"] = C(s.OutAddress),
                ["out.spentby"] = L(s.OutSpentBy),
                ["out.tx"] = C(s.OutTx),
                ["out.addrnext"] = L(s.OutAddrNext),
                ["addr.kind"] = B(s.AddressKindBytes),
                ["addr.scriptstart"] = B(s.AddrScriptStart),
                ["addr.script"] = B(s.AddrScriptBytes),
                ["addr.firstout"] = B(s.AddrFirstOut),
            };
            var m = s.Manifest;
            return new Snapshot(c, JsonSerializer.Serialize(new { m.Network, m.BaseHeight, m.FirstPrev, m.Tip, m.Blocks, m.Transactions, m.Inputs, m.Outputs, m.Addresses, m.UnresolvedInputs }));
        }

        public void AssertEqual(Snapshot other)
        {
            Assert.Equal(Counts, other.Counts);
            foreach (var (name, bytes) in Columns)
            {
                Assert.True(bytes.AsSpan().SequenceEqual(other.Columns[name]), name + " differs");
            }
        }

        /// <summary>Every column of this is a prefix of <paramref name="later"/>'s, except the links an append may set.</summary>
        public void AssertPrefixOf(Snapshot later)
        {
            foreach (var (name, bytes) in Columns)
            {
                var next = later.Columns[name];
                Assert.True(next.Length >= bytes.Length, name + " shrank");
                if (name is "out.spentby" or "out.addrnext")
                {
                    // Only -1 (no link yet) may change, and only to an id past what was stored.
                    var was = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes);
                    var now = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(next.AsSpan(0, bytes.Length));
                    for (var i = 0; i < was.Length; i++)
                    {
                        Assert.True(was[i] == now[i] || was[i] == -1, $"{name}[{i}] changed from {was[i]} to {now[i]}");
                    }
                }
                else
                {
                    Assert.True(next.AsSpan(0, bytes.Length).SequenceEqual(bytes), name + " changed where it was stored");
                }
            }
        }
    }
}
