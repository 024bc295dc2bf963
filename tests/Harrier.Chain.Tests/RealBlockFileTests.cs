using System.Buffers.Binary;
using Harrier.Chain.Blocks;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;
using Harrier.Testing;
using NBitcoin;

namespace Harrier.Chain.Tests;

/// <summary>The real block files in tests/data/bitcoin/blocks: framing, linking across files, hashes, links, CoinJoin shapes.</summary>
public sealed class RealBlockFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-chain-real-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string NBitcoinBlocks => TestPaths.Blocks("nbitcoin");

    private static string RustBlocks => TestPaths.Blocks("rust-bitcoin");

    /// <summary>Every block of both files, parsed independently with NBitcoin's own framing-free loader.</summary>
    private static List<Block> ParseIndependently()
    {
        var blocks = new List<Block>();
        foreach (var name in new[] { "blk00000.dat", "blk00001.dat" })
        {
            var data = File.ReadAllBytes(Path.Combine(NBitcoinBlocks, name));
            var pos = 0;
            while (pos + 8 <= data.Length && BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos)) != 0)
            {
                var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + 4));
                blocks.Add(Block.Load(data.AsSpan(pos + 8, size).ToArray(), Network.Main));
                pos += 8 + size;
            }
        }

        return blocks;
    }

    [Fact]
    public void Both_blk_files_import_as_one_linked_mainnet_chain_from_genesis()
    {
        var expected = ParseIndependently();
        var result = ChainImporter.Import(_root, NBitcoinBlocks);
        Assert.Empty(result.Errors);
        // The folder also holds block169482.txt (a hex block from 2012): read, but not linked to heights 0-599.
        Assert.Equal(3, result.FilesRead);
        Assert.Equal(expected.Count, result.BlocksAdded);
        Assert.Empty(result.StaleBlocks);
        Assert.Equal(["0000000000000756935f1ee9d5987857b604046f846d3df56d024cdb5f368665"], result.UnlinkedBlocks);

        using var store = ChainStore.Open(_root);
        Assert.Equal("main", store.Manifest.Network);
        Assert.Equal(Network.Main.GetGenesis().GetHash().ToString(), store.BlockHash[0].ToString());
        Assert.Equal("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", store.BlockHash[0].ToString());
        Assert.Equal(expected.Sum(b => b.Transactions.Count), store.TxCount);
        Assert.Equal(expected.Sum(b => b.Transactions.Sum(t => t.Outputs.Count)), store.OutputCount);
        Assert.Equal(0, store.Manifest.UnresolvedInputs);

        // Each stored block's previous hash is the block before it, across the file boundary too.
        for (var b = 1; b < store.BlockCount; b++)
        {
            Assert.Equal(Hash32.From(expected[b].Header.HashPrevBlock), store.BlockHash[b - 1]);
            Assert.Equal(Hash32.From(expected[b].GetHash()), store.BlockHash[b]);
        }

        Assert.Equal(expected[^1].GetHash().ToString(), store.Manifest.Tip);
    }

    [Fact]
    public void Block_170_payment_links_its_input_to_the_spent_coinbase_output()
    {
        ChainImporter.Import(_root, NBitcoinBlocks);
        using var store = ChainStore.Open(_root);
        Assert.True(Hash32.TryParse("f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16", out var h));
        Assert.True(store.TryFindTx(h, out var tx));
        Assert.Equal(170, store.HeightOf(store.TxBlock[tx]));
        Assert.Equal("00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee", store.BlockHash[store.TxBlock[tx]].ToString());

        var outs = store.OutValue.ToArray(store.TxOutStart[tx], store.TxOutStart[tx + 1]);
        Assert.Equal([1_000_000_000L, 4_000_000_000L], outs);

        var nbTx = ParseIndependently().SelectMany(b => b.Transactions).Single(t => t.GetHash().ToString() == h.ToString());
        var input = store.TxInStart[tx];
        var spent = store.InSpent[input];
        Assert.True(spent >= 0);
        Assert.Equal(Hash32.From(nbTx.Inputs[0].PrevOut.Hash), store.TxHash[store.OutTx[spent]]);
        Assert.Equal((int)nbTx.Inputs[0].PrevOut.N, store.VoutOf(spent));
        Assert.True(store.IsCoinbase(store.OutTx[spent]));
        Assert.Equal(input, store.OutSpentBy[spent]);
        Assert.Equal(4_999_999_999L + 1 - store.OutputValue(tx), store.Fee(tx));

        // P2PK outputs are indexed under their P2PKH address; the address index lists the output.
        var payee = store.OutAddress[store.TxOutStart[tx]];
        Assert.Equal(AddressKind.P2PK, store.KindOf(payee));
        var listed = store.AddrOuts[(int)store.AddrOutStart[payee]..(int)store.AddrOutStart[payee + 1]].ToArray();
        Assert.Contains(store.TxOutStart[tx], listed);
        var pubkey = PayToPubkeyTemplate.Instance.ExtractScriptPubKeyParameters(nbTx.Outputs[0].ScriptPubKey)!;
        var p2pkh = pubkey.GetAddress(ScriptPubKeyType.Legacy, Network.Main).ToString();
        Assert.Equal(p2pkh, store.AddressText(payee));
        Assert.True(store.TryFindAddress(p2pkh, out var found));
        Assert.Equal(payee, found);
        Assert.False(store.TryFindAddress("not-an-address", out _));
    }

    [Fact]
    public void Importing_the_second_file_later_extends_the_store_to_the_same_columns()
    {
        var whole = Path.Combine(_root, "whole");
        ChainImporter.Import(whole, NBitcoinBlocks);
        var inc = Path.Combine(_root, "incremental");
        var first = ChainImporter.Import(inc, Path.Combine(NBitcoinBlocks, "blk00000.dat"));
        var second = ChainImporter.Import(inc, Path.Combine(NBitcoinBlocks, "blk00001.dat"));
        Assert.True(first.BlocksAdded > 0);
        Assert.True(second.BlocksAdded > 0);
        Assert.Empty(second.UnlinkedBlocks);
        var again = ChainImporter.Import(inc, NBitcoinBlocks);
        Assert.Equal(0, again.BlocksAdded);
        Assert.Equal(first.BlocksAdded + second.BlocksAdded, again.AlreadyStored);

        using var a = ChainStore.Open(whole);
        using var b = ChainStore.Open(inc);
        Assert.Equal(a.Manifest.Tip, b.Manifest.Tip);
        Assert.Equal(3, b.Manifest.Imports);
        Assert.Equal(a.InputCount - first.InputsAdded, second.InputsAdded);
        Assert.Equal(a.OutputCount, first.OutputsAdded + second.OutputsAdded);
        Assert.Equal(0, again.OutputsAdded);
        Assert.Throws<FileNotFoundException>(() => ChainImporter.Import(inc, Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName));
        Assert.True(a.TxHash.SequenceEqual(b.TxHash));
        Assert.Equal(a.InSpent.ToArray(), b.InSpent.ToArray());
        Assert.Equal(a.OutSpentBy.ToArray(), b.OutSpentBy.ToArray());
        Assert.Equal(a.OutAddress.ToArray(), b.OutAddress.ToArray());
        Assert.True(a.AddrOuts.SequenceEqual(b.AddrOuts));
    }

    [Fact]
    public void Shuffled_xor_obfuscated_and_padded_copy_imports_to_the_same_chain()
    {
        var blocks = ParseIndependently();
        var shuffled = blocks.ToArray();
        new Random(8).Shuffle(shuffled);
        var dir = Directory.CreateDirectory(Path.Combine(_root, "blocks")).FullName;
        var key = new byte[] { 0x3c, 0x91, 0x07, 0xee, 0x52, 0x18, 0xa4, 0x6d };
        File.WriteAllBytes(Path.Combine(dir, "xor.dat"), key);
        using (var ms = new MemoryStream())
        {
            foreach (var b in shuffled)
            {
                var bytes = b.ToBytes();
                ms.Write([0xf9, 0xbe, 0xb4, 0xd9]);
                ms.Write(BitConverter.GetBytes((uint)bytes.Length));
                ms.Write(bytes);
            }

            ms.Write(new byte[4096]);
            var data = ms.ToArray();
            BlockFileReader.Deobfuscate(data, key);
            Assert.NotEqual(0xf9, data[0]);
            File.WriteAllBytes(Path.Combine(dir, "blk00000.dat"), data);
        }

        var result = ChainImporter.Import(Path.Combine(_root, "store"), dir);
        Assert.Empty(result.Errors);
        Assert.Equal(blocks.Count, result.BlocksAdded);
        using var store = ChainStore.Open(Path.Combine(_root, "store"));
        Assert.Equal(blocks[^1].GetHash().ToString(), store.Manifest.Tip);
        Assert.Equal(blocks.Sum(b => b.Transactions.Count), store.TxCount);
    }

    [Fact]
    public void Truncated_file_and_wrong_magic_are_reported_with_file_and_offset_and_the_rest_imports()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "bad")).FullName;
        var good = File.ReadAllBytes(Path.Combine(NBitcoinBlocks, "blk00000.dat"));
        var len0 = (int)BinaryPrimitives.ReadUInt32LittleEndian(good.AsSpan(4));
        var len1 = (int)BinaryPrimitives.ReadUInt32LittleEndian(good.AsSpan(8 + len0 + 4));
        var second = 8 + len0;

        // blk00000: the second record's magic replaced by testnet's; blk00001: the real next file cut mid-block.
        var bad = good.ToArray();
        bad[second] = 0x0b;
        bad[second + 1] = 0x11;
        bad[second + 2] = 0x09;
        bad[second + 3] = 0x07;
        File.WriteAllBytes(Path.Combine(dir, "blk00000.dat"), bad);
        var next = File.ReadAllBytes(Path.Combine(NBitcoinBlocks, "blk00001.dat"));
        var cut = next.Length - 100;
        File.WriteAllBytes(Path.Combine(dir, "blk00001.dat"), next[..cut]);

        var result = ChainImporter.Import(Path.Combine(_root, "store"), dir);
        Assert.Equal(2, result.Errors.Count);
        var magic = result.Errors[0];
        Assert.EndsWith("blk00000.dat", magic.File);
        Assert.Equal(second, magic.Offset);
        Assert.Contains("testnet", magic.Message);
        var truncated = result.Errors[1];
        Assert.EndsWith("blk00001.dat", truncated.File);
        Assert.Contains("truncated", truncated.Message);
        Assert.True(truncated.Offset > 0 && truncated.Offset < cut);
        Assert.Contains(truncated.File, truncated.ToString());
        Assert.Contains(truncated.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture), truncated.ToString());

        // Block 1 is missing, so genesis alone forms the chain from genesis; the blocks after the gap are unlinked, not lost silently.
        var all = ParseIndependently();
        Assert.Equal(all.Count - 2, result.BlocksFound);
        Assert.Equal(1, result.BlocksAdded);
        Assert.Equal(all.Count - 3, result.UnlinkedBlocks.Count);
        _ = len1;
    }

    [Fact]
    public void Blocks_failing_proof_of_work_or_merkle_check_are_refused_with_their_offset()
    {
        var blocks = ParseIndependently();
        var badPow = Block.Load(blocks[1].ToBytes(), Network.Main);
        badPow.Header.Nonce++;
        var badMerkle = Block.Load(blocks[2].ToBytes(), Network.Main);
        badMerkle.Transactions[0].Outputs[0].Value += Money.Satoshis(1);
        var dir = Directory.CreateDirectory(Path.Combine(_root, "tampered")).FullName;
        using (var ms = new MemoryStream())
        {
            foreach (var b in new[] { blocks[0], badPow, badMerkle })
            {
                var bytes = b.ToBytes();
                ms.Write([0xf9, 0xbe, 0xb4, 0xd9]);
                ms.Write(BitConverter.GetBytes((uint)bytes.Length));
                ms.Write(bytes);
            }

            File.WriteAllBytes(Path.Combine(dir, "blk00000.dat"), ms.ToArray());
        }

        var result = ChainImporter.Import(Path.Combine(_root, "store"), dir);
        Assert.Equal(2, result.Errors.Count);
        Assert.Contains("proof-of-work", result.Errors[0].Message);
        Assert.Equal(8 + blocks[0].ToBytes().Length, result.Errors[0].Offset);
        Assert.Contains("merkle", result.Errors[1].Message);
        Assert.Equal(1, result.BlocksAdded);
    }

    [Fact]
    public void Raw_2021_block_parses_and_its_whirlpool_and_wasabi_transactions_are_coinjoins()
    {
        var file = Path.Combine(RustBlocks, "mainnet_block_000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae.raw");
        var result = ChainImporter.Import(_root, file);
        Assert.Empty(result.Errors);
        using var store = ChainStore.Open(_root);
        Assert.Equal("000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae", store.Manifest.Tip);
        Assert.Equal(702_861, store.Manifest.BaseHeight);
        var block = Block.Load(File.ReadAllBytes(file), Network.Main);
        Assert.Equal(block.Transactions.Count, store.TxCount);
        Assert.True(store.Manifest.UnresolvedInputs > 0);

        var clusters = ClusterSet.Build(store);
        var kinds = Enumerable.Range(0, store.TxCount).ToDictionary(t => store.TxHash[t].ToString(), t => clusters.CoinJoinOf(t));
        string[] whirlpool = ["d6b212a6", "e2e92bcd", "11897079", "c57e3e49", "c31d23f5", "f35a8cdd", "cba457a1"];
        foreach (var prefix in whirlpool)
        {
            var hit = Assert.Single(kinds, k => k.Key.StartsWith(prefix, StringComparison.Ordinal));
            Assert.Equal(CoinJoinKind.Whirlpool, hit.Value);
        }

        Assert.Equal(CoinJoinKind.Wasabi1, kinds["5c2f55fc17854a18f447d74e32356c9ff6faf43bf937ed13611857b2bb3fef3a"]);
        Assert.Equal(7, kinds.Values.Count(k => k == CoinJoinKind.Whirlpool));
        Assert.Equal(1, kinds.Values.Count(k => k == CoinJoinKind.Wasabi1));
    }

    [Fact]
    public void The_ten_testnet_blocks_of_the_bip158_vectors_parse_and_hash_check()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RustBlocks, "blockfilters.json")));
        var rows = doc.RootElement.EnumerateArray().Skip(1).ToList();
        var dir = Directory.CreateDirectory(Path.Combine(_root, "bip158")).FullName;
        var expected = new List<string>();
        foreach (var row in rows)
        {
            var height = row[0].GetInt32();
            expected.Add(row[1].GetString()!);
            File.WriteAllText(Path.Combine(dir, $"block{height:D8}.hex"), row[2].GetString());
        }

        var result = ChainImporter.Import(Path.Combine(_root, "store"), dir, new ChainImportOptions { Network = Network.TestNet });
        Assert.Empty(result.Errors);
        Assert.Equal(rows.Count, result.BlocksFound);

        // Testnet genesis starts the chain; the others (heights 2 and up, parents absent) are reported unlinked.
        Assert.Equal(1, result.BlocksAdded);
        Assert.Equal(Network.TestNet.GetGenesis().GetHash().ToString(), result.Manifest.Tip);
        Assert.Equal(expected.Order(StringComparer.Ordinal), result.UnlinkedBlocks.Append(result.Manifest.Tip).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(new byte[] { 0xf9, 0xbe, 0xb4, 0xd9 }, "main")]
    [InlineData(new byte[] { 0x0b, 0x11, 0x09, 0x07 }, "testnet")]
    [InlineData(new byte[] { 0xfa, 0xbf, 0xb5, 0xda }, "regtest")]
    [InlineData(new byte[] { 0x0a, 0x03, 0xcf, 0x40 }, "signet")]
    [InlineData(new byte[] { 0x1c, 0x16, 0x3f, 0x28 }, "testnet4")]
    public void On_disk_magic_names_the_network(byte[] magic, string name)
    {
        var network = ChainNetworks.FromMagic(magic);
        Assert.NotNull(network);
        Assert.Equal(name, ChainNetworks.NameOf(network));
        Assert.Equal(network, ChainNetworks.FromName(name));
        Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(magic), ChainNetworks.MagicOf(network));
        Assert.Equal(network.Magic, ChainNetworks.MagicOf(network));
    }

    [Fact]
    public void Hex_block_with_bom_and_a_testnet_raw_block_parse()
    {
        var hex = Path.Combine(NBitcoinBlocks, "block169482.txt");
        var r = ChainImporter.Import(Path.Combine(_root, "a"), hex);
        Assert.Empty(r.Errors);
        using (var store = ChainStore.Open(Path.Combine(_root, "a")))
        {
            Assert.Equal("0000000000000756935f1ee9d5987857b604046f846d3df56d024cdb5f368665", store.Manifest.Tip);
            Assert.Equal(14, store.TxCount);
            Assert.Null(store.Manifest.BaseHeight);
        }

        var testnet = Path.Combine(RustBlocks, "testnet_block_000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b.raw");
        var t = ChainImporter.Import(Path.Combine(_root, "b"), testnet, new ChainImportOptions { Network = Network.TestNet });
        Assert.Empty(t.Errors);
        using var ts = ChainStore.Open(Path.Combine(_root, "b"));
        Assert.Equal("testnet", ts.Manifest.Network);
        Assert.Equal(15, ts.TxCount);
        Assert.Equal(924_634, ts.Manifest.BaseHeight);
    }
}
