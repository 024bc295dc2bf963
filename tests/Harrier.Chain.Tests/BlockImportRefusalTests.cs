using System.Buffers.Binary;
using Harrier.Chain.Blocks;
using Harrier.Chain.Store;
using Harrier.Testing;
using Harrier.Testing.Chain;
using NBitcoin;

namespace Harrier.Chain.Tests;

/// <summary>
/// Issue 20.5: a blk file of random bytes pinned the store to mainnet (and good regtest blocks were then refused), and a
/// sparse 3 GB blk file was "internal error: IOException: The file is too long" with nothing imported and no file named.
/// An import that finds no block changes nothing; block files are streamed, whatever their size.
/// </summary>
public sealed class BlockImportRefusalTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-blk-refusal-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private static List<Block> Regtest(int blocks)
    {
        var c = new RegtestChainBuilder(new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero));
        for (var i = 0; i < blocks; i++)
        {
            c.MineBlock();
        }

        return c.Blocks;
    }

    [Fact]
    public void Random_bytes_find_no_block_write_no_store_and_good_regtest_blocks_import_after()
    {
        var garbage = Path.Combine(Dir("garbage"), "blk00000.dat");
        File.WriteAllBytes(garbage, [.. Enumerable.Range(0, 3000).Select(i => (byte)(0x1A + (i * 151 % 229)))]);
        var store = Path.Combine(_root, "store");

        var e = Assert.Throws<InvalidDataException>(() => ChainImporter.Import(store, garbage));

        Assert.Contains(garbage, e.Message, StringComparison.Ordinal);
        Assert.Contains("no block", e.Message, StringComparison.Ordinal);
        Assert.False(ChainStore.Exists(store));
        Assert.False(Directory.Exists(store) && Directory.EnumerateFileSystemEntries(store).Any());

        var regtest = Path.Combine(Dir("regtest"), "blk00000.dat");
        RegtestChainBuilder.WriteBlockFile(regtest, Regtest(3));
        var imported = ChainImporter.Import(store, regtest);
        Assert.Equal(4, imported.BlocksAdded);
        Assert.Empty(imported.Errors);
        Assert.Equal("regtest", imported.Manifest.Network);
    }

    [Fact]
    public void A_failed_import_into_an_existing_store_leaves_its_files_as_they_were()
    {
        var store = Path.Combine(_root, "store");
        var regtest = Path.Combine(Dir("regtest"), "blk00000.dat");
        RegtestChainBuilder.WriteBlockFile(regtest, Regtest(2));
        ChainImporter.Import(store, regtest);
        var before = Snapshot(store);
        var zeros = Path.Combine(Dir("zeros"), "blk00001.dat");
        File.WriteAllBytes(zeros, new byte[4096]); // a preallocated block file: no record at all

        Assert.Throws<InvalidDataException>(() => ChainImporter.Import(store, zeros));
        Assert.Throws<InvalidDataException>(() => ChainImporter.Import(store, zeros, new ChainImportOptions { Network = Network.RegTest }));

        Assert.Equal(before, Snapshot(store));
    }

    private static string Snapshot(string dir) => string.Join('\n', Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(f => $"{Path.GetRelativePath(dir, f)} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}"));

    /// <summary>
    /// A sparse 3 GB blk file (no disk used) with one real mainnet block record at 2.5 GB, past what one array can hold:
    /// the block is found at its offset and imported; the zeros around it are skipped as a preallocated tail is.
    /// </summary>
    [Fact]
    public void A_sparse_3_GB_block_file_is_streamed_and_its_block_past_2_GB_imported()
    {
        var hex = File.ReadAllText(TestPaths.Blocks("nbitcoin", "block169482.txt")).Trim();
        var block = Convert.FromHexString(hex);
        var file = Path.Combine(Dir("sparse"), "blk00000.dat");
        const long At = 2_500_000_000L;
        using (var f = File.Open(file, FileMode.CreateNew, FileAccess.Write))
        {
            f.SetLength(3L << 30);
            f.Position = At;
            Span<byte> header = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(header, ChainNetworks.MagicOf(Network.Main));
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)block.Length);
            f.Write(header);
            f.Write(block);
        }

        var result = ChainImporter.Import(Path.Combine(_root, "store"), file);

        Assert.Empty(result.Errors);
        Assert.Equal(1, result.BlocksAdded);
        Assert.Equal("main", result.Manifest.Network);
        Assert.Equal(Block.Parse(hex, Network.Main).GetHash().ToString(), result.Manifest.Tip);
    }

    /// <summary>A raw block file far larger than any block is refused naming the file, and the other files are imported.</summary>
    [Fact]
    public void An_oversized_raw_block_file_is_an_error_naming_it_and_the_rest_imports()
    {
        var dir = Dir("mixed");
        var raw = Path.Combine(dir, "huge.raw");
        using (var f = File.Open(raw, FileMode.CreateNew, FileAccess.Write))
        {
            f.SetLength(3L << 30);
        }

        RegtestChainBuilder.WriteBlockFile(Path.Combine(dir, "blk00000.dat"), Regtest(1));

        var result = ChainImporter.Import(Path.Combine(_root, "store"), dir, new ChainImportOptions { Network = Network.RegTest });

        Assert.Equal(2, result.BlocksAdded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(raw, error.File);
        Assert.Contains("more than a block can hold", error.Message, StringComparison.Ordinal);
    }
}
