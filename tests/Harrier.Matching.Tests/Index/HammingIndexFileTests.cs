using Harrier.Matching.Index;
using Harrier.Media.Hashing;
using Harrier.Testing;

namespace Harrier.Matching.Tests.Index;

public sealed class HammingIndexFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-index-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (Hash256[] Data, long[] Ids, byte[] Quality, string Path) SavedIndex(int n, int seed, string kind = "clustered")
    {
        var rng = new Random(seed);
        var data = IndexData.Make(kind, n, rng);
        var ids = IndexData.Ids(n, rng);
        var quality = data.Select(_ => (byte)rng.Next(0, 256)).ToArray();
        var path = Path.Combine(_dir, $"i{seed}.hidx");
        using var index = HammingIndex.Build(data, ids, quality);
        index.Remove(ids[5]);
        index.Save(path);
        return (data, ids, quality, path);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(5000)]
    public void Save_and_open_round_trip_every_entry_and_search_result(int n)
    {
        var (data, ids, quality, path) = SavedIndex(Math.Max(n, 6), n);
        using var opened = HammingIndex.Open(path);
        Assert.True(opened.IsMemoryMapped);
        Assert.Equal(data.Length, opened.Count);
        Assert.Equal(data.Length - 1, opened.LiveCount);
        for (var i = 0; i < data.Length; i++)
        {
            Assert.Equal((data[i], ids[i], quality[i], i == 5), opened.EntryAt(i));
        }

        var queries = IndexData.Queries(data, 40, new Random(3));
        foreach (var strategy in Enum.GetValues<SearchStrategy>())
        {
            var options = new IndexSearchOptions { Strategy = strategy, MinQuality = 30 };
            Assert.Equal(IndexData.BruteForce(data, ids, queries, 31, new HashSet<int> { 5 }, quality, 30),
                opened.Search(queries, 31, options));
        }
    }

    [Fact]
    public void An_empty_index_round_trips()
    {
        var path = Path.Combine(_dir, "empty.hidx");
        using (var empty = new HammingIndex())
        {
            empty.Save(path);
        }

        using var opened = HammingIndex.Open(path);
        Assert.Equal(0, opened.Count);
        Assert.Empty(opened.Search(default(Hash256), 256));
        opened.Add(default, 5);
        Assert.Equal([new IndexMatch(0, 5, 0)], opened.Search(default(Hash256), 0));
    }

    [Fact]
    public void A_mapped_index_copies_itself_on_change_and_leaves_the_file_alone()
    {
        var (data, ids, _, path) = SavedIndex(300, 4);
        var before = File.ReadAllBytes(path);
        using (var opened = HammingIndex.Open(path))
        {
            opened.Add(default, 77);
            Assert.False(opened.IsMemoryMapped);
            Assert.Equal(1, opened.Remove(ids[9]));
            Assert.Contains(new IndexMatch(0, 77, 0), opened.Search(default(Hash256), 0));
            Assert.Equal(data.Length + 1, opened.Count);
        }

        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Saving_over_an_open_index_file_is_safe_for_a_new_path()
    {
        var (_, _, _, path) = SavedIndex(100, 8);
        using var opened = HammingIndex.Open(path);
        var copy = Path.Combine(_dir, "copy.hidx");
        opened.Save(copy);
        using var again = HammingIndex.Open(copy);
        Assert.Equal(opened.Count, again.Count);
        Assert.Equal(opened.Search(default(Hash256), 256), again.Search(default(Hash256), 256));
    }

    public static TheoryData<int> FlipOffsets() => [0, 3, 8, 16, 24, 72, 80, 4096, 4096 + 3000, -1, -200];

    [Theory]
    [MemberData(nameof(FlipOffsets))]
    public void A_flipped_byte_anywhere_is_detected_with_a_clear_error(int offset)
    {
        var (_, _, _, path) = SavedIndex(500, 12);
        var bytes = File.ReadAllBytes(path);

        // Negative offsets count from the end: the tombstone section and its alignment padding.
        var at = offset >= 0 ? offset : bytes.Length + offset;
        bytes[at] ^= 0x20;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<IndexFormatException>(() => HammingIndex.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Matches("checksum|magic|version|header", e.Message);
    }

    [Fact]
    public void A_mapped_index_reads_its_ids_at_random_and_its_hashes_as_usual()
    {
        // The ids are read only for results: the kernel is told not to read ahead around them (VmFlags "rr" in smaps), so
        // an id page it reclaimed comes back alone instead of filling the memory the hashes and tables need.
        var (_, _, _, path) = SavedIndex(5000, 14);
        using var opened = HammingIndex.Open(path);
        var (ids, blocks) = Addresses(opened);
        var idPage = (ids + 4095) & ~4095UL; // a whole page inside the 40,000 bytes of ids
        Assert.Contains("rr", Mappings.FlagsAt(idPage));
        Assert.DoesNotContain("rr", Mappings.FlagsAt(blocks));
    }

    private static unsafe (ulong Ids, ulong Blocks) Addresses(HammingIndex index) => ((ulong)index.Store.Ids, (ulong)index.Store.Blocks);

    [Fact]
    public void Header_only_open_defers_the_payload_check_to_VerifyPayload()
    {
        var (_, _, _, path) = SavedIndex(500, 13);
        var bytes = File.ReadAllBytes(path);
        bytes[4096 + 100] ^= 1;
        File.WriteAllBytes(path, bytes);

        using var opened = HammingIndex.Open(path, IndexVerification.HeaderOnly);
        var e = Assert.Throws<IndexFormatException>(opened.VerifyPayload);
        Assert.Contains("payload checksum", e.Message);
    }

    [Fact]
    public void Truncated_and_foreign_files_are_rejected()
    {
        var (_, _, _, path) = SavedIndex(500, 14);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 64)]);
        Assert.Contains("truncated", Assert.Throws<IndexFormatException>(() => HammingIndex.Open(path)).Message);

        File.WriteAllBytes(path, bytes[..100]);
        Assert.Contains("too short", Assert.Throws<IndexFormatException>(() => HammingIndex.Open(path)).Message);

        var text = Path.Combine(_dir, "hashes.txt");
        File.WriteAllText(text, string.Concat(Enumerable.Repeat("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\n", 100)));
        Assert.Contains("bad magic", Assert.Throws<IndexFormatException>(() => HammingIndex.Open(text)).Message);
    }

    [Fact]
    public void A_saved_index_carries_its_tables_and_serves_from_them_mapped_before_and_after_a_change()
    {
        var (data, ids, quality, path) = SavedIndex(30_000, 21);
        var dead = new HashSet<int> { 5 };
        var queries = IndexData.Queries(data, 60, new Random(5));
        using var opened = HammingIndex.Open(path);
        Assert.True(opened.IsMemoryMapped);
        var parts = opened.DefaultParts();
        Assert.True(opened.MultiIndexBytes > 0, "tables read from the file");
        Assert.InRange(parts, MultiIndexTable.MinParts, MultiIndexTable.MaxParts);

        var expected = IndexData.BruteForce(data, ids, queries, 31, dead, quality, 0);
        var options = new IndexSearchOptions { Strategy = SearchStrategy.MultiIndex, MaxDegreeOfParallelism = 1 };
        Assert.Equal(expected, opened.Search(queries, 31, options));
        Assert.Equal(expected, opened.Search(queries, 31));

        // A change copies the store out of the mapping; the mapped tables stay valid (the mapping is kept for them).
        opened.Add(data[7], 999_999);
        Assert.False(opened.IsMemoryMapped);
        var more = IndexData.BruteForce([.. data, data[7]], [.. ids, 999_999], queries, 31, dead, [.. quality, HammingIndex.NoQuality], 0);
        Assert.Equal(more, opened.Search(queries, 31, options));
        Assert.Equal(parts, opened.DefaultParts());
    }

    [Fact]
    public void A_damaged_table_layout_or_position_is_an_error_naming_the_file_not_a_wild_read()
    {
        // Uniform data: a stored hash has few candidates whatever part count the planner saved, so the search reads the
        // damaged table (on clustered data a query with hundreds of near copies can go to the scan at run time instead).
        var (data, _, _, path) = SavedIndex(30_000, 22, "uniform");
        var bytes = File.ReadAllBytes(path);
        var tablesAt = BitConverter.ToInt64(bytes, 80);
        Assert.True(tablesAt > 0);
        Assert.Equal("HRRMIH\r\n", System.Text.Encoding.ASCII.GetString(bytes, (int)tablesAt, 8));

        // The first part's width, changed, with the checksums left stale and only the header checked.
        var layout = (byte[])bytes.Clone();
        layout[tablesAt + 16 + 4] ^= 1;
        File.WriteAllBytes(path, layout);
        var e = Assert.Throws<IndexFormatException>(() => HammingIndex.Open(path, IndexVerification.HeaderOnly));
        Assert.Contains(path, e.Message);
        Assert.Contains("multi-index table 0", e.Message);
        Assert.Contains("checksum", Assert.Throws<IndexFormatException>(() => HammingIndex.Open(path)).Message);

        // Every position of the first part pointing past the end: a header-only open searches, and the search refuses.
        var positions = (byte[])bytes.Clone();
        var positionsAt = BitConverter.ToInt64(positions, (int)tablesAt + 16 + 24);
        for (var i = 0; i < data.Length; i++)
        {
            BitConverter.TryWriteBytes(positions.AsSpan((int)positionsAt + (i * 4)), int.MaxValue - 1);
        }

        File.WriteAllBytes(path, positions);
        using var opened = HammingIndex.Open(path, IndexVerification.HeaderOnly);
        var options = new IndexSearchOptions { Strategy = SearchStrategy.MultiIndex, MaxDegreeOfParallelism = 1 };
        Assert.Contains("tables are damaged", Assert.Throws<IndexFormatException>(() => opened.Search(data.AsSpan(0, 20), 31, options)).Message);
    }

    [Fact]
    public void A_version_1_file_without_tables_still_opens_and_searches()
    {
        var (data, ids, quality, path) = SavedIndex(400, 23);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(2, BitConverter.ToInt32(bytes, 8));
        Assert.Equal(0, BitConverter.ToInt64(bytes, 80)); // 400 entries: scanned, no tables

        // The version 1 header: the same fields up to byte 72, its checksum at 80 over [0, 80).
        BitConverter.TryWriteBytes(bytes.AsSpan(8), 1);
        Array.Clear(bytes, 80, 24);
        BitConverter.TryWriteBytes(bytes.AsSpan(80), HeaderChecksum(bytes.AsSpan(0, 80)));
        File.WriteAllBytes(path, bytes);

        using var opened = HammingIndex.Open(path);
        var queries = IndexData.Queries(data, 30, new Random(6));
        Assert.Equal(IndexData.BruteForce(data, ids, queries, 31, new HashSet<int> { 5 }, quality, 0), opened.Search(queries, 31));
    }

    private static ulong HeaderChecksum(ReadOnlySpan<byte> header) => Checksum64.Hash(header, 0);

    [Fact]
    public void The_calibration_is_cached_beside_the_index_for_this_machine_only()
    {
        var (_, _, _, path) = SavedIndex(30_000, 24);
        var sidecar = path + ".calibration";
        Assert.True(File.Exists(sidecar), "saving measured the machine and cached it beside the index");
        var text = File.ReadAllText(sidecar);
        Assert.Contains(IndexCalibration.Machine, text);

        using (var opened = HammingIndex.Open(path))
        {
            Assert.Equal(System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("slotNs").GetDouble(), opened.Calibration.SlotNs);
        }

        // Measured elsewhere: not reused (measured again here and the cache rewritten for this machine).
        var foreign = text.Replace(IndexCalibration.Machine, "another machine", StringComparison.Ordinal)
            .Replace("\"slotNs\": ", "\"slotNs\": 9", StringComparison.Ordinal);
        File.WriteAllText(sidecar, foreign);
        using (var opened = HammingIndex.Open(path))
        {
            Assert.NotEqual(System.Text.Json.JsonDocument.Parse(foreign).RootElement.GetProperty("slotNs").GetDouble(), opened.Calibration.SlotNs);
            Assert.Contains(IndexCalibration.Machine, File.ReadAllText(sidecar));
        }
    }
}
