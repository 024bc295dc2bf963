using System.Text.Json.Nodes;
using Harrier.Matching.Banks;
using Harrier.Media.Vpdq;
using Harrier.Testing;

namespace Harrier.Matching.Tests.Banks;

public sealed class BankReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-banks-").FullName;

    private static string Vics(string name) => TestPaths.Formats("vics", name);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Vics_20_cases_keeps_category_0_apart_from_a_missing_category_and_reads_PhotoDNA_opaquely()
    {
        var file = BankReader.Read(Vics("vics-2.0-cases.synthetic.json"));
        Assert.Equal(BankFormat.Vics, file.Format);
        Assert.Equal("VICS 2.0 US #Cases", file.Version);
        Assert.Equal(3, file.Entries.Count);
        Assert.Equal(new BankCategory("VICS-US", "0"), file.Entries[0].Category);
        Assert.Null(file.Entries[1].Category); // no Category property = uncategorised, never 0
        Assert.Equal(new BankCategory("VICS-US", "1"), file.Entries[2].Category);
        Assert.NotNull(file.Entries[2].PhotoDna);
        Assert.Equal(192, file.Entries[2].PhotoDna!.Length); // base64 of 144 bytes, kept as written
    }

    [Fact]
    public void Vics_13_reads_string_sizes_hex_PhotoDNA_in_AlternativeHashes_and_ignores_OData_annotations()
    {
        var file = BankReader.Read(Vics("vics-1.3-hashset.synthetic.json"));
        Assert.Equal("VICS 1.3 #Media", file.Version);
        var e = Assert.Single(file.Entries);
        Assert.Equal("00000000000000000000000000000003", e.Md5);
        Assert.Equal(288, e.PhotoDna!.Length); // hex form, verbatim
        Assert.Equal(new BankCategory("VICS-US", "1"), e.Category);
        Assert.Contains("odata.id", e.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Vics_20_hashset_with_string_booleans_reads_every_record()
    {
        var path = Vics("vics-2.0-hashset.synthetic.json");
        var file = BankReader.Read(path);
        var expected = JsonNode.Parse(File.ReadAllText(path))!["value"]!.AsArray().Count;
        Assert.Equal(expected, file.Entries.Count);
        Assert.All(file.Entries.Where(e => e.Category is not null), e => Assert.Equal("VICS-Default", e.Category!.Value.Scheme));
        Assert.Equal(true, VicsFormat.ParseBool(JsonValue.Create("True")));
        Assert.Equal(false, VicsFormat.ParseBool(JsonValue.Create(false)));
        Assert.Null(VicsFormat.ParseBool(JsonValue.Create("maybe")));
    }

    [Fact]
    public void Vics_round_trip_preserves_unknown_properties_and_upper_case_hashes_are_normalised()
    {
        var path = Write("in.json", """
            {"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media","value":[
              {"MediaID":7,"MD5":"ABCDEF0123456789ABCDEF0123456789","Category":"2","MediaSize":"12","VendorExtra":{"x":[1,2]},"IsDistributed":"true"},
              {"MediaID":8,"SHA1":"00000000000000000000000000000000000000aa"}]}
            """);
        var first = BankReader.Read(path);
        Assert.Equal("abcdef0123456789abcdef0123456789", first.Entries[0].Md5);
        Assert.Equal(new BankCategory("VICS-UK", "2"), first.Entries[0].Category);
        Assert.Null(first.Entries[1].Category);

        var outPath = Path.Combine(_dir, "out.json");
        using (var s = File.Create(outPath))
        {
            VicsFormat.Write(s, first.Envelope!.Value, first.Entries);
        }

        var second = BankReader.Read(outPath);
        Assert.Equal(first.Version, second.Version);
        Assert.Equal(first.Entries.Select(e => (e.Md5, e.Sha1, e.Category, e.Raw)), second.Entries.Select(e => (e.Md5, e.Sha1, e.Category, e.Raw)));
        var written = JsonNode.Parse(File.ReadAllText(outPath))!["value"]![0]!;
        Assert.Equal("[1,2]", written["VendorExtra"]!["x"]!.ToJsonString());
        Assert.Equal("true", written["IsDistributed"]!.GetValue<string>());
    }

    [Fact]
    public void Formats_are_recognised_by_content_not_by_name()
    {
        var icse = Write("a.txt", BankReader.IcseHeader + "\n0123456789abcdef0123456789abcdef;;;ICSE-1;1;0;0;Series A;3;1;Video;0\n");
        var nsrl = Write("b.txt", "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\",\"SpecialCode\"\n\"00000000000000000000000000000000000000AA\",\"000000000000000000000000000000BB\",\"0\",\"x.dll\",1,1,\"1\",\"\"\n");
        var csv = Write("c.txt", "md5,sha1,sha256\n000000000000000000000000000000cc,,\n");
        var pdq = Write("d.txt", new string('f', 64) + ",90,a.jpg\n" + new string('0', 63) + "1,40,b.jpg\n");
        Directory.CreateDirectory(Path.Combine(_dir, "v"));
        VpdqFormats.WriteFile(Path.Combine(_dir, "v", "one.txt"), [new VpdqFeature(0, 100, Media.Hashing.Hash256.Parse(new string('a', 64)), 0)]);
        var vpdq = Write("e.txt", "000000000000000000000000000000dd\tv/one.txt\n");

        Assert.Equal(BankFormat.Icse, BankReader.Detect(icse));
        Assert.Equal(BankFormat.Nsrl, BankReader.Detect(nsrl));
        Assert.Equal(BankFormat.Csv, BankReader.Detect(csv));
        Assert.Equal(BankFormat.Pdq, BankReader.Detect(pdq));
        Assert.Equal(BankFormat.Vpdq, BankReader.Detect(vpdq));

        Assert.Equal("Series A", Assert.Single(BankReader.Read(icse).Entries).Series);
        var good = Assert.Single(BankReader.Read(nsrl).Entries);
        Assert.True(good.KnownGood);
        Assert.Equal("000000000000000000000000000000bb", good.Md5);
        Assert.Equal("000000000000000000000000000000cc", Assert.Single(BankReader.Read(csv).Entries).Md5);
        var pdqs = BankReader.Read(pdq).Entries;
        Assert.Equal([90, 40], pdqs.Select(e => e.PdqQuality ?? -1));
        var v = Assert.Single(BankReader.Read(vpdq).Entries);
        Assert.Single(v.Vpdq!);
        Assert.Equal("000000000000000000000000000000dd", v.Md5);
    }

    [Fact]
    public void Bad_records_are_warnings_not_truncated_keys()
    {
        var csv = Write("bad.csv", "md5\nnot-a-hash\n0123\n000000000000000000000000000000ee\n");
        var file = BankReader.Read(csv);
        Assert.Single(file.Entries);
        Assert.Equal(2, file.Warnings.Count);
        Assert.Throws<BankFormatException>(() => BankReader.Read(Write("x.json", "{\"a\":1}")));
    }

    /// <summary>
    /// Issue 20.5: a VICS record whose MD5 is a number, or whose Category is a list, was kept without them and the import
    /// said "0 records skipped". Each field left out now says where (the record) and which field; a record left with no
    /// valid digest is skipped saying which fields were wrong.
    /// </summary>
    [Fact]
    public void Vics_records_with_a_field_of_the_wrong_kind_say_which_record_and_field_was_left_out()
    {
        const string Sha1 = "0123456789abcdef0123456789abcdef01234567";
        const string Md5 = "0123456789abcdef0123456789abcdef";
        var path = Write("wrong-kinds.json", $$"""
            {"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media", "value": [
              {"MediaID": 1, "MD5": 12345, "SHA1": "{{Sha1}}", "Category": 1},
              {"MediaID": 2, "MD5": "{{Md5}}", "Category": [1, 2]},
              {"MediaID": 3, "MD5": 12345},
              {"MediaID": 4, "MD5": "{{Md5}}", "SHA1": "", "Category": null, "Series": {"name": "x"} },
              {"MediaID": 5, "MD5": "{{Md5}}", "Category": 2}
            ]}
            """);

        var file = BankReader.Read(path);

        Assert.Equal(["1", "2", "4", "5"], file.Entries.Select(e => e.ExternalId));
        Assert.Null(file.Entries[0].Md5);
        Assert.Equal(Sha1, file.Entries[0].Sha1);
        Assert.Null(file.Entries[1].Category);
        Assert.Equal(new BankCategory("VICS-US", "2"), file.Entries[3].Category);
        Assert.Equal(
        [
            "value[1]: kept without MD5: 12345 (a JSON number) is not 32 hex digits",
            "value[2]: kept without Category: [1,2] (a JSON array) is not a category code",
            "value[4]: kept without Series: {\"name\":\"x\"} (a JSON object) is not text",
        ], file.Degraded);
        Assert.Equal("value[3]: skipped: no valid MD5, SHA-1 or SHA-256 (MD5: 12345 (a JSON number) is not 32 hex digits)", Assert.Single(file.Warnings));
    }

    /// <summary>A Cases file names the Media record inside its case, and a Media item that is not an object is reported, not dropped silently.</summary>
    [Fact]
    public void Vics_cases_name_the_media_record_inside_its_case()
    {
        var path = Write("cases.json", """
            {"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases", "value": [
              {"CaseID": 1, "Media": [{"MD5": "0123456789abcdef0123456789abcdef", "SHA1": "abc"}, 7]}
            ]}
            """);

        var file = BankReader.Read(path);

        Assert.Single(file.Entries);
        Assert.Equal("value[1].Media[1]: kept without SHA1: \"abc\" is not 40 hex digits", Assert.Single(file.Degraded));
        Assert.Equal("value[1].Media[2]: skipped: not an object", Assert.Single(file.Warnings));
    }

    /// <summary>A CSV, ICSE or NSRL line kept by one digest while another of its digest fields is not valid says which field it lost.</summary>
    [Fact]
    public void Line_records_kept_without_a_bad_digest_field_name_the_line_and_field()
    {
        var csv = Write("mixed.csv", "md5,sha1\n000000000000000000000000000000ee,not-a-sha1\n000000000000000000000000000000ef,\n");
        var icse = Write("icse.csv", BankReader.IcseHeader + "\n000000000000000000000000000000aa;123;;ID-1;;;;;;;;\n");
        var nsrl = Write("NSRLFile.txt", "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\"\n\"0000000000000000000000000000000000000001\",\"xyz\",\"0\",\"a.dll\"\n");

        var fromCsv = BankReader.Read(csv);
        Assert.Equal(2, fromCsv.Entries.Count);
        Assert.Equal("line 2: kept without sha1: \"not-a-sha1\" is not 40 hex digits", Assert.Single(fromCsv.Degraded));
        Assert.Empty(fromCsv.Warnings);
        Assert.Equal("line 2: kept without SHA1: \"123\" is not 40 hex digits", Assert.Single(BankReader.Read(icse).Degraded));
        Assert.Equal("line 2: kept without MD5: \"xyz\" is not 32 hex digits", Assert.Single(BankReader.Read(nsrl).Degraded));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
