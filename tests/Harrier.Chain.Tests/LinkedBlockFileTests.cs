using Harrier.Chain.Blocks;
using Harrier.Chain.Store;
using Harrier.Testing.Chain;

namespace Harrier.Chain.Tests;

/// <summary>A blocks folder of symbolic links to the block files (say, on an evidence mount) imports as the files do.</summary>
public sealed class LinkedBlockFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-chain-links-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Block_files_reached_through_symbolic_links_import_like_the_files()
    {
        var files = Directory.CreateDirectory(Path.Combine(_root, "files")).FullName;
        RegtestChainBuilder.WriteBlockFile(Path.Combine(files, "blk00000.dat"), TracingScenario.Build().Chain.Blocks);
        var links = Directory.CreateDirectory(Path.Combine(_root, "links")).FullName;
        File.CreateSymbolicLink(Path.Combine(links, "blk00000.dat"), Path.Combine(files, "blk00000.dat"));

        var direct = ChainImporter.Import(Path.Combine(_root, "direct"), files);
        var linked = ChainImporter.Import(Path.Combine(_root, "linked"), links);
        Assert.Empty(linked.Errors);
        Assert.True(linked.BlocksAdded > 0);
        Assert.Equal(direct.BlocksAdded, linked.BlocksAdded);
        Assert.Equal(direct.TransactionsAdded, linked.TransactionsAdded);
        using var a = ChainStore.Open(Path.Combine(_root, "direct"));
        using var b = ChainStore.Open(Path.Combine(_root, "linked"));
        Assert.Equal(a.Manifest.Tip, b.Manifest.Tip);
    }
}
