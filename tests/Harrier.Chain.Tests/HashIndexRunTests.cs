using System.Security.Cryptography;
using Harrier.Chain.Store;
using Harrier.Testing;

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
        WithDeltaLimit(100, () =>
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
            AssertFinds(second, 6_000, 1);
        });
    }

    [Fact]
    public void The_run_just_spilled_is_not_merged_so_the_keys_added_last_stay_in_a_small_run()
    {
        WithDeltaLimit(100, () =>
        {
            using var index = new HashIndex(_dir, "addr", [], writable: true);
            for (var i = 0; i < 6_400; i++)
            {
                index.Add(Key(i), i);
                if ((i + 1) % 100 == 0)
                {
                    var counts = index.RunCounts;
                    Assert.Equal(100, counts[^1]);
                    Assert.Equal(i + 1, counts.Sum());
                    Assert.InRange(counts.Count, 1, 2 + Math.Log2((i + 1) / 100.0) + 1);
                }
            }

            Assert.True(index.RunCounts[0] >= 3_200, "older runs are merged");
            AssertFinds(index, 6_400, 7);
        });
    }

    [Fact]
    public void An_index_read_at_random_tells_the_kernel_not_to_read_ahead_in_its_runs()
    {
        WithDeltaLimit(1_000, () =>
        {
            using var random = new HashIndex(Directory.CreateDirectory(Path.Combine(_dir, "random")).FullName, "addr", [], writable: true) { RandomAccess = true };
            using var usual = new HashIndex(Directory.CreateDirectory(Path.Combine(_dir, "usual")).FullName, "tx", [], writable: true);
            for (var i = 0; i < 5_000; i++)
            {
                random.Add(Key(i), i);
                usual.Add(Key(i), i);
            }

            Assert.All(random.RunNames, r => Assert.Contains("rr", Mappings.FlagsOf(Path.Combine(_dir, "random", r))));
            Assert.All(usual.RunNames, r => Assert.DoesNotContain("rr", Mappings.FlagsOf(Path.Combine(_dir, "usual", r))));
        });
    }

    [Theory]
    [InlineData(0L)] // every filter read through its run's mapping
    [InlineData(1L << 30)] // copied into memory
    public void A_run_keeps_its_filter_in_its_file_and_an_index_opened_later_reads_it_from_there(long filterMemory)
    {
        var was = HashIndex.FilterMemoryLimit;
        HashIndex.FilterMemoryLimit = filterMemory;
        try
        {
            RunFilterStoredAndRead(filterMemory);
        }
        finally
        {
            HashIndex.FilterMemoryLimit = was;
        }
    }

    private void RunFilterStoredAndRead(long filterMemory)
    {
        const int Keys = 10_000;
        var names = OneRun(Keys);

        // Opened again, as by the next import or a reader: every key is found.
        var run = Assert.Single(names);
        using (var reopened = new HashIndex(_dir, "addr", names, writable: false))
        {
            AssertFinds(reopened, Keys, 1);
            Assert.Equal(filterMemory == 0 ? 0 : RunFilter.BlocksFor(Keys) * 64, reopened.FilterBytesHeld);
        }

        // The filter sits between the header and the entries (its size in the header). With its bits cleared the run
        // answers "absent" for every key: lookups consult the stored filter, not one rebuilt or kept from the writer.
        var path = Path.Combine(_dir, run);
        var bytes = File.ReadAllBytes(path);
        var blocks = BitConverter.ToInt64(bytes, 24);
        Assert.Equal(RunFilter.BlocksFor(Keys), blocks);
        Array.Clear(bytes, 32, (int)(blocks * 64));
        File.WriteAllBytes(path, bytes);
        using var cleared = new HashIndex(_dir, "addr", names, writable: false);
        for (var i = 0; i < Keys; i += 7)
        {
            Assert.False(cleared.TryGet(Key(i), out _));
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L << 30)]
    public void A_version_2_run_whose_filter_blocks_are_mixed_is_read_with_its_own_block_choice(long filterMemory)
    {
        const int Keys = 10_000;
        var names = OneRun(Keys);

        // The run as a build before run version 3 wrote it: version 2 in the header, the filter's blocks chosen by the mix.
        var path = Path.Combine(_dir, Assert.Single(names));
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(3, BitConverter.ToUInt16(bytes, 4));
        var old = RunFilter.Mixed(Keys);
        for (var i = 0; i < Keys; i++)
        {
            old.Add(Key(i));
        }

        Assert.Equal(BitConverter.ToInt64(bytes, 24) * 64, old.MemoryBytes.Length);
        Assert.False(old.MemoryBytes.SequenceEqual(bytes.AsSpan(32, old.MemoryBytes.Length)), "the two block choices gave the same filter");
        old.MemoryBytes.CopyTo(bytes.AsSpan(32));
        BitConverter.GetBytes((ushort)2).CopyTo(bytes, 4);
        File.WriteAllBytes(path, bytes);

        var was = HashIndex.FilterMemoryLimit;
        HashIndex.FilterMemoryLimit = filterMemory;
        try
        {
            using var reopened = new HashIndex(_dir, "addr", names, writable: false);
            AssertFinds(reopened, Keys, 1);
        }
        finally
        {
            HashIndex.FilterMemoryLimit = was;
        }

        // A version this build does not know is refused, naming the file.
        BitConverter.GetBytes((ushort)4).CopyTo(bytes, 4);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => new HashIndex(_dir, "addr", names, writable: false).Dispose());
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("version 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filters_past_the_memory_limit_are_read_through_the_mappings_and_every_key_is_still_found()
    {
        var was = HashIndex.FilterMemoryLimit;
        HashIndex.FilterMemoryLimit = RunFilter.BlocksFor(1_000) * 64; // room for about 1,000 keys' filters of 6,000
        try
        {
            WithDeltaLimit(100, () =>
            {
                using var index = new HashIndex(_dir, "addr", [], writable: true);
                for (var i = 0; i < 6_000; i++)
                {
                    index.Add(Key(i), i);
                    Assert.InRange(index.FilterBytesHeld, 0, HashIndex.FilterMemoryLimit);
                    Assert.Equal(index.FilterBytesHeldByRuns, index.FilterBytesHeld); // merged-away runs give theirs back
                }

                Assert.True(index.FilterBytesHeld > 0, "no filter held in memory");
                AssertFinds(index, 6_000, 1);
                for (var i = 6_000; i < 7_000; i++)
                {
                    Assert.False(index.TryGet(Key(i), out _));
                }
            });
        }
        finally
        {
            HashIndex.FilterMemoryLimit = was;
        }
    }

    /// <summary>An address index of keys 0 to <paramref name="keys"/> − 1, flushed to one run; the run names.</summary>
    private IReadOnlyList<string> OneRun(int keys)
    {
        using var index = new HashIndex(_dir, "addr", [], writable: true);
        for (var i = 0; i < keys; i++)
        {
            index.Add(Key(i), i);
        }

        return index.Flush();
    }

    private static void WithDeltaLimit(int limit, Action body)
    {
        var was = HashIndex.DeltaLimit;
        HashIndex.DeltaLimit = limit;
        try
        {
            body();
        }
        finally
        {
            HashIndex.DeltaLimit = was;
        }
    }

    /// <summary>Every <paramref name="step"/>-th key below <paramref name="count"/> is found with its id.</summary>
    private static void AssertFinds(HashIndex index, int count, int step)
    {
        for (var i = 0; i < count; i += step)
        {
            Assert.True(index.TryGet(Key(i), out var v));
            Assert.Equal(i, v);
        }
    }
}

/// <summary>Tests that change <see cref="HashIndex.DeltaLimit"/> (a static) run one at a time.</summary>
[CollectionDefinition(nameof(DeltaLimitTests), DisableParallelization = true)]
public sealed class DeltaLimitTests;
