using System.Text;
using Harrier.Matching.Banks;
using Harrier.Media.Hashing;
using Harrier.Media.Vpdq;
using Harrier.Testing;

namespace Harrier.Matching.Tests.Banks;

/// <summary>
/// Every bank format written by <see cref="BankWriter"/> (and VICS by <see cref="VicsFormat"/>) reads back to the same
/// entries, CSV fields with separators, quotes and line breaks survive, the output matches its approved snapshot, and
/// the CsvHelper-based reader gives the same entries as the hand-split reader did on the same files.
/// </summary>
public sealed class BankWriterTests : IDisposable
{
    private const string Md5A = "0123456789abcdef0123456789abcdef";
    private const string Md5B = "fedcba9876543210fedcba9876543210";
    private const string Sha1A = "0123456789abcdef0123456789abcdef01234567";
    private const string Sha1B = "76543210fedcba9876543210fedcba9876543210";
    private const string Sha256A = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private const string Awkward = "semi;colon, comma \"quoted\"\nsecond line";

    private static readonly Hash256 PdqA = Hash256.Parse(new string('a', 64));
    private static readonly Hash256 PdqB = Hash256.Parse("f0" + new string('0', 62));

    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-bankwriter-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string Written(BankFormat format, IEnumerable<BankEntry> entries, string name)
    {
        var path = PathOf(name);
        BankWriter.Write(path, format, entries);
        return path;
    }

    [Fact]
    public void Icse_round_trips_and_keeps_a_series_with_separators_quotes_and_a_line_break()
    {
        BankEntry[] entries =
        [
            new() { Md5 = Md5A, Sha1 = Sha1A, PhotoDna = "AAEC+/8=", ExternalId = "ICSE-000001", Series = "Series A" },
            new() { Md5 = Md5B, ExternalId = "ICSE-000002", Series = Awkward },
        ];
        var path = Written(BankFormat.Icse, entries, "icse.csv");
        Assert.Equal(BankFormat.Icse, BankReader.Detect(path));
        var back = BankReader.Read(path);
        Assert.Empty(back.Warnings);
        Assert.Equal(entries.Select(e => (e.Md5, e.Sha1, e.PhotoDna, e.ExternalId, e.Series)),
            back.Entries.Select(e => (e.Md5, e.Sha1, e.PhotoDna, e.ExternalId, e.Series)));
        Snapshot.MatchFile("bank.icse.csv", path);
    }

    [Fact]
    public void Plain_csv_round_trips_digests_and_a_category_with_a_quote_and_a_line_break()
    {
        BankEntry[] entries =
        [
            new() { Md5 = Md5A, Sha1 = Sha1A, Sha256 = Sha256A, Category = new BankCategory("CSV", "1") },
            new() { Md5 = Md5B, Category = new BankCategory("CSV", Awkward) },
            new() { Sha1 = Sha1B },
        ];
        var path = Written(BankFormat.Csv, entries, "plain.csv");
        Assert.Equal(BankFormat.Csv, BankReader.Detect(path));
        var back = BankReader.Read(path);
        Assert.Empty(back.Warnings);
        Assert.Equal(entries.Select(e => (e.Md5, e.Sha1, e.Sha256, e.Category)), back.Entries.Select(e => (e.Md5, e.Sha1, e.Sha256, e.Category)));
        Snapshot.MatchFile("bank.plain.csv", path);

        // Two columns only when nothing has more: the scenario's hashes.csv shape.
        var simple = Written(BankFormat.Csv, [new BankEntry { Md5 = Md5A, Sha1 = Sha1A }], "simple.csv");
        Assert.Equal($"md5,sha1\n{Md5A},{Sha1A}\n", File.ReadAllText(simple));
    }

    [Fact]
    public void Nsrl_round_trips_as_known_good_with_a_file_name_holding_a_comma_a_quote_and_a_line_break()
    {
        BankEntry[] entries =
        [
            new() { Md5 = Md5A, Sha1 = Sha1A, ExternalId = "kernel32.dll", KnownGood = true },
            new() { Md5 = Md5B, Sha1 = Sha1B, ExternalId = Awkward, KnownGood = true },
        ];
        var path = Written(BankFormat.Nsrl, entries, "NSRLFile.txt");
        Assert.Equal(BankFormat.Nsrl, BankReader.Detect(path));
        var back = BankReader.Read(path);
        Assert.Empty(back.Warnings);
        Assert.Equal(entries.Select(e => (e.Md5, e.Sha1, e.ExternalId, e.KnownGood)), back.Entries.Select(e => (e.Md5, e.Sha1, e.ExternalId, e.KnownGood)));
        Snapshot.MatchFile("NSRLFile.txt", path);
    }

    [Fact]
    public void Pdq_lists_round_trip_in_both_forms()
    {
        BankEntry[] withQuality = [new() { Pdq = PdqA, PdqQuality = 90, ExternalId = "a.jpg" }, new() { Pdq = PdqB, PdqQuality = 40, ExternalId = "b, \"c\".jpg" }];
        var path = Written(BankFormat.Pdq, withQuality, "q.pdq.txt");
        Assert.Equal(BankFormat.Pdq, BankReader.Detect(path));
        Assert.Equal(withQuality.Select(e => (e.Pdq, e.PdqQuality, e.ExternalId)), BankReader.Read(path).Entries.Select(e => (e.Pdq, e.PdqQuality, e.ExternalId)));
        Snapshot.MatchFile("bank.pdq-quality.txt", path);

        BankEntry[] named = [new() { Pdq = PdqA, ExternalId = "1" }, new() { Pdq = PdqB, ExternalId = "two\tthree \"four\"" }, new() { Md5 = Md5A }];
        var tabs = Written(BankFormat.Pdq, named, "n.pdq.txt");
        Assert.Equal(BankFormat.Pdq, BankReader.Detect(tabs));
        Assert.Equal(named.Take(2).Select(e => (e.Pdq, e.PdqQuality, e.ExternalId)), BankReader.Read(tabs).Entries.Select(e => (e.Pdq, e.PdqQuality, e.ExternalId)));
        Snapshot.MatchFile("bank.pdq.txt", tabs);
    }

    [Fact]
    public void Vpdq_list_writes_the_feature_files_and_reads_them_back()
    {
        var features = new[] { new VpdqFeature(0, 100, PdqA, 0), new VpdqFeature(1, 90, PdqB, 1) };
        var list = PathOf("videos.vpdq.tsv");
        BankWriter.WriteVpdq(list, [(new BankEntry { Md5 = Md5A, Vpdq = features }, "vpdq/a.txt")]);
        Assert.Equal(BankFormat.Vpdq, BankReader.Detect(list));
        var back = Assert.Single(BankReader.Read(list).Entries);
        Assert.Equal(Md5A, back.Md5);
        Assert.Equal(features, back.Vpdq);
        Snapshot.MatchFile("videos.vpdq.tsv", list);
        Snapshot.MatchFile("videos.vpdq-a.txt", PathOf("vpdq/a.txt"));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void A_vpdq_list_naming_a_device_a_fifo_or_an_oversized_file_warns_for_each_and_keeps_the_good_entry()
    {
        // The list names its feature files by any path (issue 20, found by the fuzzing of item 7): /dev/zero was read
        // without end, and a FIFO would block. Each is now one warning naming the line.
        var features = new[] { new VpdqFeature(0, 100, PdqA, 0) };
        var list = PathOf("hostile.vpdq.tsv");
        BankWriter.WriteVpdq(list, [(new BankEntry { Md5 = Md5A, Vpdq = features }, "vpdq/good.txt")]);
        var fifo = PathOf("vpdq/fifo.txt");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mk.WaitForExit();
            Assert.Equal(0, mk.ExitCode);
        }

        using (var big = File.Create(PathOf("vpdq/big.txt")))
        {
            big.SetLength(VpdqFormats.MaxFileBytes + 1L); // sparse: no disk used
        }

        File.AppendAllText(list, $"{Md5B}\t/dev/zero\n{Md5B}\tvpdq/fifo.txt\n{Md5B}\tvpdq/big.txt\n{Md5B}\tvpdq\n");

        var read = BankReader.Read(list);

        Assert.Equal(Md5A, Assert.Single(read.Entries).Md5);
        Assert.Equal(4, read.Warnings.Count);
        Assert.Contains("line 2: cannot read the vPDQ file", read.Warnings[0], StringComparison.Ordinal);
        Assert.Contains("line 3: cannot read the vPDQ file", read.Warnings[1], StringComparison.Ordinal);
        Assert.Contains("more than a vPDQ hash file holds (64 MiB)", read.Warnings[2], StringComparison.Ordinal);
        Assert.StartsWith("line 5: cannot read the vPDQ file", read.Warnings[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Vics_export_of_entries_from_other_formats_round_trips_and_matches_its_snapshot()
    {
        BankEntry[] entries =
        [
            new() { Md5 = Md5A, Sha1 = Sha1A, Category = new BankCategory("VICS-US", "1"), Series = "Series A", PhotoDna = "AAEC+/8=" },
            new() { Md5 = Md5B, Category = new BankCategory("VICS-UK", "B") },
            new() { Sha1 = Sha1B },
        ];
        var path = PathOf("export.json");
        using (var stream = File.Create(path))
        {
            VicsFormat.Write(stream, VicsFormat.DefaultEnvelope, entries);
        }

        var back = BankReader.Read(path);
        Assert.Equal(entries.Select(e => (e.Md5, e.Sha1, e.Series, e.PhotoDna, e.Category?.Code)), back.Entries.Select(e => (e.Md5, e.Sha1, e.Series, e.PhotoDna, e.Category?.Code)));
        Snapshot.MatchFile("vics-export.json", path);
    }

    /// <summary>
    /// Files as the tests, the scenario and real exports wrote them before CSV went through CsvHelper. What the reader
    /// yields from each is approved under Snapshots/legacy-*.txt: those readings were first shown equal, entry for entry
    /// and warning count for warning count, to a frozen copy of the old hand-split reader (76d6339), which this replaced.
    /// </summary>
    public static TheoryData<string, string> LegacyFiles => new()
    {
        { "icse", BankReader.IcseHeader + "\n0123456789abcdef0123456789abcdef;;;ICSE-1;1;0;0;Series A;3;1;Video;0\n" + Md5B.ToUpperInvariant() + ";" + Sha1A + ";AAEC+/8=;ICSE-2;1;0;0;;1;1;Video;0\r\nshort;line\n\n" },
        { "nsrl", "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\",\"SpecialCode\"\n\"00000000000000000000000000000000000000AA\",\"000000000000000000000000000000BB\",\"0\",\"x.dll\",1,1,\"1\",\"\"\n\"" + Sha1A.ToUpperInvariant() + "\",\"" + Md5A.ToUpperInvariant() + "\",\"00000000\",\"a, b.dll\",12,1,\"358\",\"\"\n" },
        { "csv-header", "md5,sha1,sha256\n000000000000000000000000000000cc,,\n" + Md5A + "," + Sha1A + "," + Sha256A + "\n" },
        { "csv-bad", "md5\nnot-a-hash\n0123\n000000000000000000000000000000ee\n" },
        { "csv-semicolon-category", "# an export\nMD5;Category\n\"" + Md5A + "\";1\n" + Md5B.ToUpperInvariant() + ";\n\n   \n" },
        { "csv-headerless", Md5A + "\t\n" + Sha1A + "\t" + Md5B + "\n" },
        { "pdq-quality", new string('f', 64) + ",90,a.jpg\n" + new string('0', 63) + "1,40,b.jpg\n" },
        { "pdq-tab", "# hashes\n" + new string('a', 64) + "\t1\n" + new string('b', 64) + "\t2\nnot a hash\t3\n" },
        { "pdq-bare", new string('c', 64) + "\n" + new string('d', 64) + "\n" },
    };

    [Theory]
    [MemberData(nameof(LegacyFiles))]
    public void Files_written_before_csvhelper_read_as_approved(string name, string content)
    {
        var path = PathOf(name + ".txt");
        File.WriteAllText(path, content);
        var format = BankReader.Detect(path);
        var file = BankReader.Read(path, format);
        var text = new StringBuilder().Append("format ").Append(format).Append("\nversion ").Append(file.Version).Append('\n');
        foreach (var e in file.Entries)
        {
            text.Append(e).Append('\n');
        }

        foreach (var w in file.Warnings)
        {
            text.Append("warning: ").Append(w).Append('\n');
        }

        Snapshot.Match($"legacy-{name}.txt", text.ToString());
    }

    [Fact]
    public void Bad_records_are_reported_with_the_line_they_start_on()
    {
        var path = PathOf("lines.csv");
        File.WriteAllText(path, "# comment\nmd5,name\n\"" + Md5A + "\",\"two\nlines\"\nnot-a-hash,x\n", Encoding.UTF8);
        var file = BankReader.Read(path);
        Assert.Equal(Md5A, Assert.Single(file.Entries).Md5);
        Assert.Equal("line 5: no valid MD5, SHA-1 or SHA-256", Assert.Single(file.Warnings));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
