using System.Security.Cryptography;
using Harrier.Chain.Store;

namespace Harrier.Chain.Tests;

/// <summary>
/// A long import keeps on disk only the runs in use and those the store's manifest still names, not every generation
/// of its merges; lookups find every key through spills and merges.
/// </summary>
[Collection(nameof(DeltaLimitTests))]
public sealed class HashIndexRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-hashindex-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Hash32 Key(int i) => Hash32.FromBytes(SHA256.HashData(BitConverter.GetBytes(i)));

    [Fact]
    public void Merged_away_runs_of_this_import_are_deleted_at_once_and_committed_ones_kept_until_the_manifest()
    {
        var limit = HashIndex.DeltaLimit;
        HashIndex.DeltaLimit = 100;
        try
        {
            // A first import: 1,000 keys, then flushed; its runs are what a manifest would name.
            IReadOnlyList<string> committed;
            using (var first = new HashIndex(_dir, "tx", [], writable: true))
            {
                for (var i = 0; i < 1_000; i++)
                {
                    first.Add(Key(i), i);
                    Assert.Equal(first.RunNames.Count, Directory.GetFiles(_dir, "*.run").Length);
                }

                committed = first.Flush();
                Assert.Empty(first.Obsolete);
            }

            // A second import on top: 5,000 more keys, many merges, some of them with the committed runs.
            using var second = new HashIndex(_dir, "tx", committed, writable: true);
            for (var i = 1_000; i < 6_000; i++)
            {
                second.Add(Key(i), i);
            }

            var onDisk = Directory.GetFiles(_dir, "*.run").Select(f => Path.GetFileName(f)!).ToHashSet();
            Assert.Equal(second.RunNames.Concat(second.Obsolete).ToHashSet(), onDisk);
            Assert.All(second.Obsolete, o => Assert.Contains(o, committed));
            Assert.NotEmpty(second.Obsolete);
            for (var i = 0; i < 6_000; i++)
            {
                Assert.True(second.TryGet(Key(i), out var v));
                Assert.Equal(i, v);
            }
        }
        finally
        {
            HashIndex.DeltaLimit = limit;
        }
    }
}

/// <summary>Tests that change <see cref="HashIndex.DeltaLimit"/> (a static) run one at a time.</summary>
[CollectionDefinition(nameof(DeltaLimitTests), DisableParallelization = true)]
public sealed class DeltaLimitTests;
