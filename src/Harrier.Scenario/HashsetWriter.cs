using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Harrier.Scenario;

/// <summary>One entry of an earlier case's banks, before it is written in the banks' formats.</summary>
/// <param name="ItemId">The content item it stands for (truth only; never written).</param>
/// <param name="Md5">MD5 of the bank's copy.</param>
/// <param name="Sha1">SHA-1 of the bank's copy.</param>
/// <param name="Size">Size of the bank's copy.</param>
/// <param name="Category">VICS category code, or empty when the bank leaves it out (a real-world quirk).</param>
/// <param name="Pdq">PDQ hex of the bank's copy when it is an image.</param>
/// <param name="ExactInMedia">True when a file in media/ has these very bytes (exact hashes hit); false when only a perceptual hash can.</param>
public sealed record BankEntry(int ItemId, string Md5, string Sha1, long Size, string Category, string? Pdq, bool ExactInMedia)
{
    /// <summary>The bank video's vPDQ file, relative to hashsets/ (videos only).</summary>
    public string? VpdqFile { get; init; }
}

/// <summary>
/// Writes the banks an earlier case would hand over: VICS 2.0 and 1.3 JSON (booleans as strings, MediaSize as a
/// string in 1.3, a missing Category, an opaque PhotoDNA value, OData annotations), ICSE-style CSV, plain hash CSV,
/// a PDQ list and an NSRL-style known-good list of the decoys.
/// </summary>
internal static class HashsetWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string dir, IReadOnlyList<BankEntry> entries, IReadOnlyList<(string Name, string Md5, string Sha1, long Size)> knownGood, Random r)
    {
        Directory.CreateDirectory(dir);
        var vics2 = new JsonArray();
        var vics13 = new JsonArray();
        var mediaId = 1;
        foreach (var e in entries)
        {
            var m = new JsonObject
            {
                ["MediaID"] = mediaId,
                ["MD5"] = mediaId % 7 == 0 ? e.Md5.ToUpperInvariant() : e.Md5, // hash case varies in the wild
                ["SHA1"] = e.Sha1,
                ["MediaSize"] = e.Size,
                ["DateUpdated"] = "2024-11-01T00:00:00.0000Z",
                ["IsPrecategorized"] = "true",
                ["VictimIdentified"] = "false",
                ["IsDistributed"] = "true",
            };
            if (e.Category.Length > 0)
            {
                m["Category"] = int.Parse(e.Category, CultureInfo.InvariantCulture);
            }

            if (mediaId % 5 == 0)
            {
                var pdna = new byte[144];
                r.NextBytes(pdna);
                m["AlternativeHashes"] = new JsonArray(new JsonObject { ["HashName"] = "PhotoDNA", ["HashValue"] = Convert.ToBase64String(pdna) });
            }

            vics2.Add(m);
            if (mediaId % 2 == 1)
            {
                var old = (JsonObject)m.DeepClone();
                old["MediaSize"] = e.Size.ToString(CultureInfo.InvariantCulture);
                old["odata.id"] = $"Media(\"{e.Md5}\")";
                old["Exifs"] = new JsonArray();
                vics13.Add(old);
            }

            mediaId++;
        }

        File.WriteAllText(Path.Combine(dir, "earlier-case.vics2.json"), new JsonObject
        {
            ["@odata.context"] = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media",
            ["value"] = vics2,
        }.ToJsonString(Indented));
        File.WriteAllText(Path.Combine(dir, "earlier-case.vics13.json"), new JsonObject
        {
            ["odata.metadata"] = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media",
            ["value"] = vics13,
        }.ToJsonString(Indented));

        var icse = new StringBuilder("MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;Series name;Number of submissions;File Available;Media Type;Baseline\n");
        var csv = new StringBuilder("md5,sha1\n");
        var pdq = new StringBuilder();
        var n = 0;
        foreach (var e in entries)
        {
            n++;
            if (n % 3 == 0)
            {
                icse.Append(CultureInfo.InvariantCulture, $"{e.Md5};{e.Sha1};;ICSE-{n:D6};1;0;0;;{1 + n % 4};1;Video;0\n");
            }

            csv.Append(CultureInfo.InvariantCulture, $"{e.Md5},{e.Sha1}\n");
            if (e.Pdq is not null)
            {
                pdq.Append(CultureInfo.InvariantCulture, $"{e.Pdq}\t{n}\n");
            }
        }

        File.WriteAllText(Path.Combine(dir, "icse-export.csv"), icse.ToString());
        File.WriteAllText(Path.Combine(dir, "hashes.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(dir, "images.pdq.txt"), pdq.ToString());
        // The vPDQ list: one bank id and vPDQ file per line (the files are in the reference line format).
        File.WriteAllText(Path.Combine(dir, "videos.vpdq.tsv"), string.Concat(entries.Where(e => e.VpdqFile is not null)
            .Select((e, i) => string.Create(CultureInfo.InvariantCulture, $"{e.Md5}\t{e.VpdqFile}\n"))));

        var nsrl = new StringBuilder("\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\",\"SpecialCode\"\n");
        foreach (var (name, md5, sha1, size) in knownGood)
        {
            nsrl.Append(CultureInfo.InvariantCulture, $"\"{sha1.ToUpperInvariant()}\",\"{md5.ToUpperInvariant()}\",\"00000000\",\"{name}\",{size},1,\"358\",\"\"\n");
        }

        File.WriteAllText(Path.Combine(dir, "NSRLFile.txt"), nsrl.ToString());
    }
}
