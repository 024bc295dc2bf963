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

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
