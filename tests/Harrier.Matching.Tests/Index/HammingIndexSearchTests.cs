using Harrier.Matching.Index;
using Harrier.Media.Hashing;
using Xunit.Abstractions;

namespace Harrier.Matching.Tests.Index;

public class HammingIndexSearchTests(ITestOutputHelper output)
{
    private static readonly string[] Kinds = ["uniform", "clustered", "near-blank", "all-zero", "all-equal"];

    public static TheoryData<string, SearchStrategy, int> StrategyCases()
    {
        var data = new TheoryData<string, SearchStrategy, int>();
        foreach (var kind in Kinds)
        {
            foreach (var strategy in Enum.GetValues<SearchStrategy>())
            {
                // 8×32 at radius 64 probes 10^8 buckets per query: exact but not a unit-test workload.
                int[] radii = strategy == SearchStrategy.MultiIndex32 ? [0, 1, 9, 31] : [0, 1, 9, 31, 64];
                foreach (var r in radii)
                {
                    data.Add(kind, strategy, r);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StrategyCases))]
    public void Radius_search_equals_brute_force(string kind, SearchStrategy strategy, int radius)
    {
        // A seed that is the same in every process (HashCode.Combine is randomised per process), printed for replay.
        var seed = (kind.Length * 7919) + (kind[0] * 131) + (radius * 17) + (int)strategy;
        output.WriteLine($"seed {seed} (kind {kind}, radius {radius}, strategy {strategy})");
        var rng = new Random(seed);
        // Radius 64 probes 2,517 keys per 16-bit table (the join does so per stored entry): a smaller set keeps it quick.
        var data = IndexData.Make(kind, (radius == 64 ? 400 : 1500) + rng.Next(13), rng);
        var ids = IndexData.Ids(data.Length, rng);
        var queries = IndexData.Queries(data, 60, rng);
        using var index = HammingIndex.Build(data, ids);

        var got = index.Search(queries, radius, new IndexSearchOptions { Strategy = strategy, MaxDegreeOfParallelism = 2 });

        Assert.Equal(IndexData.BruteForce(data, ids, queries, radius), got);
    }

    [Fact]
    public void One_query_searches_on_one_thread_reuse_no_state_across_indexes_of_any_size()
    {
        // A server asks one query per search on the same threads: the multi-index keeps its per-thread probe state between
        // searches (ProbeWorker.Rent), so a small index after a large one, a grown index, and a search after one that
        // matched must each still equal brute force.
        var rng = new Random(8191);
        var small = IndexData.Make("clustered", 700, rng);
        var large = IndexData.Make("uniform", 9000, rng);
        var (smallIds, largeIds) = (IndexData.Ids(small.Length, rng), IndexData.Ids(large.Length, rng));
        using var a = HammingIndex.Build(small, smallIds);
        using var b = HammingIndex.Build(large, largeIds);
        var one = new IndexSearchOptions { Strategy = SearchStrategy.MultiIndex16, MaxDegreeOfParallelism = 1 };
        foreach (var (index, data, ids) in new[] { (a, small, smallIds), (b, large, largeIds), (a, small, smallIds), (b, large, largeIds) })
        {
            foreach (var q in IndexData.Queries(data, 25, rng))
            {
                Assert.Equal(IndexData.BruteForce(data, ids, [q], 31), index.Search([q], 31, one));
            }
        }

        var grown = small.Concat(IndexData.Make("uniform", 5000, rng)).ToArray();
        var grownIds = smallIds.Concat(IndexData.Ids(5000, rng)).ToArray();
        for (var i = small.Length; i < grown.Length; i++)
        {
            a.Add(grown[i], grownIds[i]);
        }

        foreach (var q in IndexData.Queries(grown, 25, rng))
        {
            Assert.Equal(IndexData.BruteForce(grown, grownIds, [q], 31), a.Search([q], 31, one));
        }
    }

    /// <summary>Sizes around the block (8) and tile (4096) boundaries, so tails and partial tiles are hit.</summary>
    public static TheoryData<int> KernelSizes() => new() { 1, 7, 8, 9, 63, 4095, 4097, 9000 };

    [KernelTheory(KernelKind.Scalar)]
    [MemberData(nameof(KernelSizes))]
    public void Scalar_scan_kernel_equals_brute_force(int n) => ScanEqualsBruteForce(KernelKind.Scalar, n);

    [KernelTheory(KernelKind.Avx2)]
    [MemberData(nameof(KernelSizes))]
    public void Avx2_scan_kernel_equals_brute_force(int n) => ScanEqualsBruteForce(KernelKind.Avx2, n);

    [KernelTheory(KernelKind.Avx512)]
    [MemberData(nameof(KernelSizes))]
    public void Avx512_scan_kernel_equals_brute_force(int n) => ScanEqualsBruteForce(KernelKind.Avx512, n);

    private static void ScanEqualsBruteForce(KernelKind kernel, int n)
    {
        var options = new IndexSearchOptions { Strategy = SearchStrategy.Scan, Kernel = kernel };
        Assert.Equal(kernel, options.ScanKernelKind); // the kernel named is the kernel that runs, never a silent fallback
        var rng = new Random(n * 31 + (int)kernel);
        var data = IndexData.Make("clustered", n, rng);
        var ids = IndexData.Ids(n, rng);
        var queries = IndexData.Queries(data, 300, rng);
        using var index = HammingIndex.Build(data, ids);
        foreach (var r in new[] { 0, 20, 40, 64, 256 })
        {
            Assert.Equal(IndexData.BruteForce(data, ids, queries, r), index.Search(queries, r, options));
        }
    }

    [Fact]
    public void Single_entry_index_finds_itself_at_radius_zero_and_nothing_beyond_the_radius()
    {
        var h = Hash256.Parse("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22");
        using var index = HammingIndex.Build([h], [42]);
        foreach (var strategy in Enum.GetValues<SearchStrategy>())
        {
            var options = new IndexSearchOptions { Strategy = strategy };
            Assert.Equal([new IndexMatch(0, 42, 0)], index.Search(h, 0, options));
            var far = IndexData.Flip(h, 65, new Random(1));
            Assert.Empty(index.Search(far, 64, options));
            var edge = IndexData.Flip(h, 64, new Random(2));
            Assert.Equal([new IndexMatch(0, 42, 64)], index.Search(edge, 64, options));
        }
    }

    [Fact]
    public void Empty_index_and_empty_batch_give_no_matches()
    {
        using var empty = new HammingIndex();
        Assert.Empty(empty.Search(default(Hash256), 64));
        Assert.Empty(empty.Nearest([default(Hash256)], 3));
        using var one = HammingIndex.Build([default(Hash256)], [1]);
        Assert.Empty(one.Search([], 10));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(257)]
    public void Radius_out_of_range_is_rejected(int radius)
    {
        using var index = HammingIndex.Build([default(Hash256)], [1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(default(Hash256), radius));
    }

    [Theory]
    [InlineData(SearchStrategy.Scan)]
    [InlineData(SearchStrategy.MultiIndex16)]
    [InlineData(SearchStrategy.MultiIndex32)]
    [InlineData(SearchStrategy.Join)]
    public void Dihedral_search_reports_the_minimum_distance_and_first_variant(SearchStrategy strategy)
    {
        var rng = new Random(5);
        var data = IndexData.Make("clustered", 2000, rng);
        var ids = IndexData.Ids(data.Length, rng);
        var variants = new Hash256[8 * 40];
        for (var i = 0; i < variants.Length; i++)
        {
            variants[i] = i % 3 == 0 ? IndexData.Uniform(rng) : IndexData.Flip(data[rng.Next(data.Length)], rng.Next(0, 35), rng);
        }

        using var index = HammingIndex.Build(data, ids);
        var got = index.SearchDihedral(variants, 31, new IndexSearchOptions { Strategy = strategy });

        var expected = new List<DihedralMatch>();
        for (var g = 0; g < variants.Length / 8; g++)
        {
            for (var i = 0; i < data.Length; i++)
            {
                var best = int.MaxValue;
                var variant = -1;
                for (var v = 0; v < 8; v++)
                {
                    var d = data[i].DistanceTo(variants[(8 * g) + v]);
                    if (d < best)
                    {
                        (best, variant) = (d, v);
                    }
                }

                if (best <= 31)
                {
                    expected.Add(new DihedralMatch(g, ids[i], best, variant));
                }
            }
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected, got);
    }

    [Fact]
    public void Dihedral_search_needs_eight_variants_per_query()
    {
        using var index = HammingIndex.Build([default(Hash256)], [1]);
        Assert.Throws<ArgumentException>(() => index.SearchDihedral(new Hash256[7], 31));
    }

    [Theory]
    [InlineData("uniform", 1)]
    [InlineData("clustered", 5)]
    [InlineData("near-blank", 20)]
    [InlineData("all-equal", 3)]
    [InlineData("clustered", 5000)]
    public void Nearest_equals_brute_force_with_ties_to_the_earlier_entry(string kind, int k)
    {
        var rng = new Random(k + kind.Length);
        var data = IndexData.Make(kind, 3000, rng);
        var ids = Enumerable.Range(0, data.Length).Select(i => (long)i).ToArray();
        // 300 queries: one thread splits the work by queries, two and three by database blocks (heaps merged).
        var queries = IndexData.Queries(data, 300, rng);
        using var index = HammingIndex.Build(data, ids);
        index.Remove(7);

        var expected = new List<IndexMatch>();
        for (var q = 0; q < queries.Length; q++)
        {
            expected.AddRange(Enumerable.Range(0, data.Length).Where(i => i != 7)
                .Select(i => new IndexMatch(q, i, data[i].DistanceTo(queries[q])))
                .OrderBy(m => m.Distance).ThenBy(m => m.Id).Take(k));
        }

        foreach (var threads in new[] { 1, 2, 3 })
        {
            Assert.Equal(expected, index.Nearest(queries, k, new IndexSearchOptions { MaxDegreeOfParallelism = threads }));
        }
    }

    [Theory]
    [InlineData(SearchStrategy.Scan)]
    [InlineData(SearchStrategy.MultiIndex16)]
    [InlineData(SearchStrategy.MultiIndex32)]
    [InlineData(SearchStrategy.Join)]
    public void Quality_filter_skips_low_quality_entries_and_keeps_unrated_ones(SearchStrategy strategy)
    {
        var rng = new Random(11);
        var data = IndexData.Make("clustered", 2500, rng);
        var ids = IndexData.Ids(data.Length, rng);
        var quality = data.Select(_ => rng.Next(6) == 0 ? HammingIndex.NoQuality : (byte)rng.Next(0, 101)).ToArray();
        var queries = IndexData.Queries(data, 50, rng);
        using var index = HammingIndex.Build(data, ids, quality);

        var options = new IndexSearchOptions { Strategy = strategy, MinQuality = 50 };
        var got = index.Search(queries, 31, options);

        var expected = IndexData.BruteForce(data, ids, queries, 31, quality: quality, minQuality: 50);
        Assert.Equal(expected, got);
        Assert.True(expected.Count < IndexData.BruteForce(data, ids, queries, 31).Count, "the filter removed nothing");
    }

    [Theory]
    [InlineData(SearchStrategy.Scan)]
    [InlineData(SearchStrategy.MultiIndex16)]
    [InlineData(SearchStrategy.MultiIndex32)]
    [InlineData(SearchStrategy.Join)]
    public void Removals_and_later_additions_are_seen_without_a_rebuild(SearchStrategy strategy)
    {
        var rng = new Random(23);
        var all = IndexData.Make("clustered", 3000, rng);
        var ids = Enumerable.Range(0, all.Length).Select(i => (long)(i / 2)).ToArray(); // every id on two entries
        var first = all[..2000];
        var queries = IndexData.Queries(all, 80, rng);
        using var index = HammingIndex.Build(first, ids.AsSpan(0, 2000));
        var options = new IndexSearchOptions { Strategy = strategy };

        // Builds the multi-index tables over the first 2000 entries.
        Assert.Equal(IndexData.BruteForce(first, ids[..2000], queries, 31), index.Search(queries, 31, options));

        for (var i = 2000; i < all.Length; i++)
        {
            index.Add(all[i], ids[i]);
        }

        var removedIds = new long[] { 3, 500, 1200, 1499 };
        var removed = new HashSet<int>();
        foreach (var id in removedIds)
        {
            Assert.Equal(2, index.Remove(id));
            removed.Add((int)(2 * id));
            removed.Add((int)((2 * id) + 1));
        }

        // A batch removal in one pass; ids already removed or absent count nothing.
        Assert.Equal(4, index.Remove([3, 10, 11, 999_999]));
        foreach (var id in new long[] { 10, 11 })
        {
            removed.Add((int)(2 * id));
            removed.Add((int)((2 * id) + 1));
        }

        Assert.Equal(0, index.Remove(3));
        Assert.Equal(all.Length - 12, index.LiveCount);
        var expected = IndexData.BruteForce(all, ids, queries, 31, removed);
        Assert.Equal(expected, index.Search(queries, 31, options));

        index.Compact();
        Assert.Equal(all.Length - 12, index.Count);
        Assert.Equal(expected, index.Search(queries, 31, options));
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        var rng = new Random(99);
        var data = IndexData.Make("clustered", 20_000, rng);
        var ids = IndexData.Ids(data.Length, rng);
        // 600 queries: one thread splits the work by queries, three threads split it by database blocks.
        var queries = IndexData.Queries(data, 600, rng);
        using var index = HammingIndex.Build(data, ids);
        var one = index.Search(queries, 31, new IndexSearchOptions { MaxDegreeOfParallelism = 1, Strategy = SearchStrategy.Scan });
        var three = index.Search(queries, 31, new IndexSearchOptions { MaxDegreeOfParallelism = 3, Strategy = SearchStrategy.Scan });
        Assert.NotEmpty(one);
        Assert.Equal(one, three);
        Assert.Equal(IndexData.BruteForce(data, ids, queries, 31), one);
    }

    [Fact]
    public void Multi_index_32_with_a_wide_directory_equals_brute_force()
    {
        // 600k entries give the 8×32 tables a 16-bit directory over 32-bit parts: 16-bit low keys tested in each slot.
        var rng = new Random(600);
        var data = IndexData.Make("clustered", 600_000, rng);
        var ids = IndexData.Ids(data.Length, rng);
        var queries = IndexData.Queries(data, 12, rng);
        using var index = HammingIndex.Build(data, ids);
        Assert.True(32 - MultiIndexTable.DirectoryBits(32, data.Length) > 8);

        var got = index.Search(queries, 31, new IndexSearchOptions { Strategy = SearchStrategy.MultiIndex32 });

        Assert.Equal(IndexData.BruteForce(data, ids, queries, 31), got);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(16)]
    [InlineData(21)]
    [InlineData(32)]
    public void Every_part_count_equals_brute_force_at_every_radius(int parts)
    {
        // Uneven part widths (256 = 10 × 25 + 6 more bits), parts straddling word boundaries, the refined pigeonhole
        // (tables past r mod m probed one bit less) and 1- and 2-byte low keys all meet here.
        var rng = new Random(parts);
        var data = IndexData.Make("clustered", 30_000, rng);
        var ids = IndexData.Ids(data.Length, rng);
        var queries = IndexData.Queries(data, 40, rng);
        using var index = HammingIndex.Build(data, ids);
        foreach (var radius in new[] { 0, 1, 7, 9, 31, 40 })
        {
            var options = new IndexSearchOptions { Strategy = SearchStrategy.MultiIndex, MultiIndexParts = parts, MaxDegreeOfParallelism = 1 };
            Assert.Equal(IndexData.BruteForce(data, ids, queries, radius), index.Search(queries, radius, options));
        }
    }

    [Fact]
    public void Entries_added_after_the_tables_are_found_through_the_delta_table_and_the_tail()
    {
        var rng = new Random(77);
        var data = IndexData.Make("clustered", 40_000, rng);
        var ids = IndexData.Ids(data.Length, rng);
        using var index = HammingIndex.Build(data.AsSpan(0, 25_000), ids.AsSpan(0, 25_000));
        var options = new IndexSearchOptions { Strategy = SearchStrategy.MultiIndex, MultiIndexParts = 11, MaxDegreeOfParallelism = 1 };
        var queries = IndexData.Queries(data, 60, rng);
        Assert.Equal(IndexData.BruteForce(data[..25_000], ids[..25_000], queries, 31), index.Search(queries, 31, options));
        var before = index.MultiIndexBytes;

        // 15,000 more: the first search after them builds a delta table over them (no full rebuild), 100 more stay in the tail.
        for (var i = 25_000; i < 40_000; i++)
        {
            index.Add(data[i], ids[i]);
        }

        Assert.Equal(IndexData.BruteForce(data, ids, queries, 31), index.Search(queries, 31, options));
        Assert.True(index.MultiIndexBytes > before, "a delta table was built");
        index.Add(data[0], 424242);
        var extended = data.Append(data[0]).ToArray();
        var extendedIds = ids.Append(424242).ToArray();
        Assert.Equal(IndexData.BruteForce(extended, extendedIds, queries, 31), index.Search(queries, 31, options));
    }
}
