using Harrier.Chain.Clustering;
using Harrier.Chain.Store;

namespace Harrier.Chain.Tests;

/// <summary>
/// The union evidence and CoinJoin kinds live in column files, not on the heap: a set built, saved and loaded again
/// answers as the built one did, the saved files keep their format, and a built set's own files are gone on dispose.
/// </summary>
public sealed class ClusterSpillTests(ScenarioFixture f) : IClassFixture<ScenarioFixture>
{
    private static readonly string[] Wallets =
        ["hx-cold-1", "hx-cold-2", "hx-hot", "alice-1", "alice-2", "alice-3", "bob-1", "mix-a", "mix-b", "carol-1", "carol-2"];

    [Fact]
    public void Built_saved_and_loaded_sets_answer_alike_and_the_build_files_go_on_dispose()
    {
        var addrs = Wallets.Select(f.Addr).ToList();
        List<UnionEvidence> unions;
        List<byte> kinds;
        List<List<UnionEvidence>> explains;
        List<List<UnionEvidence>> paths;
        int[] labels;
        using (var built = f.Clusters())
        {
            Assert.Single(BuildFolders());
            unions = [.. built.Unions];
            kinds = [.. built.CoinJoinKinds];
            explains = [.. addrs.Select(a => built.Explain(a).ToList())];
            paths = [.. addrs.SelectMany(a => addrs.Select(b => built.LinkPath(a, b).ToList()))];
            labels = [.. built.ClusterOf];
            Assert.Equal(built.Stats.Unions, unions.Count);
            Assert.Equal(f.Store.TxCount, kinds.Count);
            Assert.Contains(paths, p => p.Count > 1);
            Assert.Contains(kinds, k => k != (byte)CoinJoinKind.None);
            built.Save(f.StoreDir);
        }

        Assert.Empty(BuildFolders());
        var dir = Path.Combine(f.StoreDir, ClusterSet.FolderName);
        using (var saved = ColumnFile.Map<UnionEvidence>(Path.Combine(dir, "union.evidence.col")))
        {
            Assert.Equal(unions, saved.Span.ToArray());
        }

        // The saved files are what ColumnFile.Write made of the arrays before, byte for byte (16 bytes a union, the rule
        // in byte 12, the three padding bytes zero).
        var expected = Path.Combine(f.Root, "expected.col");
        ColumnFile.Write<UnionRow>(expected, unions.Select(u => new UnionRow(u)).ToArray());
        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(Path.Combine(dir, "union.evidence.col")));
        ColumnFile.Write<byte>(expected, kinds.ToArray());
        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(Path.Combine(dir, "tx.coinjoin.col")));

        using (var loaded = ClusterSet.Load(f.Store))
        {
            Assert.Equal(labels, loaded.ClusterOf);
            Assert.Equal(unions, loaded.Unions);
            Assert.Equal(kinds, loaded.CoinJoinKinds);
            Assert.Equal(explains, addrs.Select(a => loaded.Explain(a).ToList()));
            Assert.Equal(paths, addrs.SelectMany(a => addrs.Select(b => loaded.LinkPath(a, b).ToList())));
        }

        // Disposing a loaded set deletes nothing: the saved clusters stay usable.
        Assert.True(ClusterSet.Exists(f.StoreDir));
        using var again = ClusterSet.Load(f.Store);
        Assert.Equal(unions, again.Unions);
    }

    [Fact]
    public void A_killed_builds_folder_goes_at_the_next_build_while_live_ones_stay()
    {
        // A build killed before Dispose leaves its folder with a lock file that nobody holds any more (the kernel drops a
        // dead process's locks); a live build holds its lock; a folder without a lock file is not judged.
        string Folder(char c) => Path.Combine(f.StoreDir, ClusterSet.FolderName + ".build-" + new string(c, 32));
        var (dead, live, unjudged) = (Folder('d'), Folder('e'), Folder('f'));
        foreach (var d in new[] { dead, live, unjudged })
        {
            Directory.CreateDirectory(d);
            File.WriteAllBytes(Path.Combine(d, "union.evidence.col"), new byte[4096]);
        }

        File.WriteAllBytes(Path.Combine(dead, "build.lock"), []);
        File.WriteAllBytes(Path.Combine(live, "build.lock"), []);
        try
        {
            using (new FileStream(Path.Combine(live, "build.lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                using var built = f.Clusters();
                Assert.False(Directory.Exists(dead));
                Assert.True(Directory.Exists(live));
                Assert.True(Directory.Exists(unjudged));
                Assert.Equal(3, BuildFolders().Length);

                // The set's own folder is locked while the set lives: another sweep (another process's build) keeps it.
                Assert.Empty(ClusterSet.RemoveStaleBuilds(f.StoreDir));
                Assert.Equal(f.Store.TxCount, built.CoinJoinKinds.Count);
            }

            // Once its holder is gone the folder is stale.
            Assert.Equal([live], ClusterSet.RemoveStaleBuilds(f.StoreDir));
            Assert.Equal([unjudged], BuildFolders());
        }
        finally
        {
            foreach (var d in new[] { live, unjudged }.Where(Directory.Exists))
            {
                Directory.Delete(d, recursive: true);
            }
        }
    }

    private string[] BuildFolders() => Directory.GetDirectories(f.StoreDir, ClusterSet.FolderName + ".build-*");
}
