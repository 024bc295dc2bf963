using System.Globalization;
using Harrier.Media.Hashing;
using Harrier.Media.Pdq;

namespace Harrier.Media.Tests.Pdq;

public sealed class PdqFormatsTests
{
    private static readonly Hash256 Bridge = Hash256.Parse("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22");

    [Fact]
    public void Pytx_signal_and_hma_json_round_trip()
    {
        Assert.Equal("pdq f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", PdqFormats.ToPytxSignal(Bridge));
        Assert.Equal(Bridge, PdqFormats.ParsePytxSignal(PdqFormats.ToPytxSignal(Bridge)));
        Assert.Equal("{\"pdq\":\"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\"}", PdqFormats.ToHmaJson(Bridge));
        Assert.Equal(Bridge, PdqFormats.ParseHmaJson(PdqFormats.ToHmaJson(Bridge)));
        Assert.Equal(Bridge, PdqFormats.ParseHmaJson("{ \"pdq\" : \"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\", \"x\": 1 }"));
    }

    [Theory]
    [InlineData("PDQ f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")]
    [InlineData("pdq  f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")]
    [InlineData("pdq F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22")]
    [InlineData("md5 f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")]
    [InlineData("pdq f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b2")]
    public void Pytx_signal_parse_is_strict(string line) =>
        Assert.Throws<FormatException>(() => PdqFormats.ParsePytxSignal(line));

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"pdq\":1}")]
    [InlineData("{\"md5\":\"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\"}")]
    [InlineData("{\"pdq\": \"f8f8f0cee0f4a84f")] // not JSON at all: a FormatException too, never the JSON reader's (fuzzing)
    [InlineData("# not json")]
    public void Hma_json_parse_is_strict(string json) =>
        Assert.Throws<FormatException>(() => PdqFormats.ParseHmaJson(json));

    [Fact]
    public void Harrier_and_reference_cli_lines_round_trip()
    {
        var r = new PdqResult(Bridge, 87);
        var line = PdqFormats.ToLine(r, "dir/a\tb.jpg");
        Assert.Equal("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\t87\tdir/a\tb.jpg", line);
        Assert.Equal((r, "dir/a\tb.jpg"), PdqFormats.ParseLine(line));
        var cli = PdqFormats.ToReferenceCliLine(r, "x,y.jpg");
        Assert.Equal((r, "x,y.jpg"), PdqFormats.ParseReferenceCliLine(cli));
        Assert.Throws<FormatException>(() => PdqFormats.ParseLine("f8f8\t87\tx"));
        Assert.Throws<FormatException>(() => PdqFormats.ParseLine(PdqFormats.ToLine(r, "x").Replace("\t87\t", "\t101\t", StringComparison.Ordinal)));
        Assert.Throws<FormatException>(() => PdqFormats.ParseLine(PdqFormats.ToLine(r, "x").Replace("\t87\t", "\t-1\t", StringComparison.Ordinal)));
    }

    [Fact]
    public void Dihedral_line_round_trips_in_reference_order()
    {
        var rows = PdqVectors.ExpectedDihedral("expected-full-resolution-dihedral.tsv");
        var row = rows[0];
        var result = PdqDihedralResult.FromSpan(row.Hashes, row.Quality);
        var line = PdqFormats.ToDihedralLine(result, "p.jpg");
        Assert.StartsWith(string.Join(',', row.Hashes.Select(h => h.ToString())) + "\t", line, StringComparison.Ordinal);
        Assert.Equal((result, "p.jpg"), PdqFormats.ParseDihedralLine(line));
    }

    [Fact]
    public void Hash_list_reader_keeps_line_numbers_and_annotations_and_rejects_bad_lines()
    {
        var text = "# comment\n\nf8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\tcase 12\r\n" +
                   "0000000000000000000000000000000000000000000000000000000000000000\n";
        var entries = PdqFormats.ReadHashList(new StringReader(text)).ToList();
        Assert.Equal([new PdqHashListEntry(3, Bridge, "case 12"), new PdqHashListEntry(4, Hash256.Zero, "")], entries);

        var writer = new StringWriter();
        PdqFormats.WriteHashList(writer, entries);
        Assert.Equal(entries.Select(e => (e.Hash, e.Rest)), PdqFormats.ReadHashList(new StringReader(writer.ToString())).Select(e => (e.Hash, e.Rest)));

        var bad = Assert.Throws<FormatException>(() => PdqFormats.ReadHashList(new StringReader(text + "nothex\n")).ToList());
        Assert.StartsWith("line 5:", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Upstream_hash_lists_parse_and_expected_matches_are_reproduced_by_brute_force()
    {
        var haystack = PdqFormats.ReadHashListFile(Path.Combine(PdqVectors.Dir, "hashlists", "haystack.txt"));
        var needles = PdqFormats.ReadHashListFile(Path.Combine(PdqVectors.Dir, "hashlists", "needles.txt"));
        Assert.Equal(1350, haystack.Count);
        Assert.Equal(100, needles.Count);

        var found = new List<string>();
        foreach (var n in needles)
        {
            foreach (var h in haystack)
            {
                var d = n.Hash.DistanceTo(h.Hash);
                if (d <= PdqFormats.ConfidentMatchDistance)
                {
                    found.Add(string.Create(CultureInfo.InvariantCulture, $"{n.Line}\t{n.Hash}\t{h.Line}\t{h.Hash}\t{d}"));
                }
            }
        }

        var expected = File.ReadLines(Path.Combine(PdqVectors.Dir, "hashlists", "expected-matches-needles-vs-haystack-d31.tsv"))
            .Skip(1).Where(l => l.Length > 0).ToList();
        Assert.Equal(250, expected.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("short256.dat")]
    [InlineData("long256.dat")]
    [InlineData("order256.dat")]
    public void Upstream_256_bit_dat_files_round_trip_through_hex(string file)
    {
        foreach (var line in File.ReadLines(Path.Combine(PdqVectors.Dir, "hashlists", file)).Where(l => l.Length > 0))
        {
            Assert.Equal(line, PdqFormats.ToHex(PdqFormats.ParseHex(line)));
        }
    }
}
