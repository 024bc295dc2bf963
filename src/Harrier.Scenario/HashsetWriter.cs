using System.Globalization;
using System.Text.Json.Nodes;
using Harrier.Matching.Banks;
using Harrier.Media.Hashing;

namespace Harrier.Scenario;

/// <summary>One copy in an earlier case's banks, before it is written in the banks' formats (truth only: the files carry <see cref="BankEntry"/>s).</summary>
/// <param name="ItemId">The content item it stands for (truth only; never written).</param>
/// <param name="Md5">MD5 of the bank's copy.</param>
/// <param name="Sha1">SHA-1 of the bank's copy.</param>
/// <param name="Size">Size of the bank's copy.</param>
/// <param name="Category">VICS category code, or empty when the bank leaves it out (a real-world quirk).</param>
/// <param name="Pdq">PDQ hex of the bank's copy when it is an image.</param>
/// <param name="ExactInMedia">True when a file in media/ has these very bytes (exact hashes hit); false when only a perceptual hash can.</param>
internal sealed record BankCopy(int ItemId, string Md5, string Sha1, long Size, string Category, string? Pdq, bool ExactInMedia)
{
    /// <summary>The bank video's vPDQ file, relative to hashsets/ (videos only).</summary>
    public string? VpdqFile { get; init; }
}

/// <summary>
/// Writes the banks an earlier case would hand over, through the Matching engine's writers (so the files are exactly
/// what <see cref="BankReader"/> reads): VICS 2.0 and 1.3 JSON (booleans as strings, MediaSize as a string in 1.3, a
/// missing Category, an opaque PhotoDNA value, OData annotations: each Media object is built here and written
/// verbatim), ICSE export, plain hash CSV, a PDQ list, a vPDQ list and an NSRL-style known-good list of the decoys.
/// </summary>
internal static class HashsetWriter
{
    public static void Write(string dir, IReadOnlyList<BankCopy> entries, IReadOnlyList<(string Name, string Md5, string Sha1, long Size)> knownGood, Random r)
    {
        Directory.CreateDirectory(dir);
        var vics2 = new List<BankEntry>();
        var vics13 = new List<BankEntry>();
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

            vics2.Add(new BankEntry { Md5 = e.Md5, Sha1 = e.Sha1, Raw = m.ToJsonString() });
            if (mediaId % 2 == 1)
            {
                var old = (JsonObject)m.DeepClone();
                old["MediaSize"] = e.Size.ToString(CultureInfo.InvariantCulture);
                old["odata.id"] = $"Media(\"{e.Md5}\")";
                old["Exifs"] = new JsonArray();
                vics13.Add(new BankEntry { Md5 = e.Md5, Sha1 = e.Sha1, Raw = old.ToJsonString() });
            }

            mediaId++;
        }

        using (var file = File.Create(Path.Combine(dir, "earlier-case.vics2.json")))
        {
            VicsFormat.Write(file, new("@odata.context", "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"), vics2);
        }

        using (var file = File.Create(Path.Combine(dir, "earlier-case.vics13.json")))
        {
            VicsFormat.Write(file, new("odata.metadata", "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media"), vics13);
        }

        // Every third entry is in the ICSE export; every entry in the plain CSV; images in the PDQ list, videos in the vPDQ list.
        var numbered = entries.Select((e, i) => (Copy: e, N: i + 1)).ToList();
        BankWriter.Write(Path.Combine(dir, "icse-export.csv"), BankFormat.Icse, numbered.Where(x => x.N % 3 == 0)
            .Select(x => new BankEntry { Md5 = x.Copy.Md5, Sha1 = x.Copy.Sha1, ExternalId = string.Create(CultureInfo.InvariantCulture, $"ICSE-{x.N:D6}") }));
        BankWriter.Write(Path.Combine(dir, "hashes.csv"), BankFormat.Csv, entries.Select(e => new BankEntry { Md5 = e.Md5, Sha1 = e.Sha1 }));
        BankWriter.Write(Path.Combine(dir, "images.pdq.txt"), BankFormat.Pdq, numbered.Where(x => x.Copy.Pdq is not null)
            .Select(x => new BankEntry { Pdq = Hash256.Parse(x.Copy.Pdq!), ExternalId = x.N.ToString(CultureInfo.InvariantCulture) }));
        // The vPDQ list: one bank id and vPDQ file per line (the files, in the reference line format, are already there).
        BankWriter.WriteVpdq(Path.Combine(dir, "videos.vpdq.tsv"), entries.Where(e => e.VpdqFile is not null)
            .Select(e => (new BankEntry { Md5 = e.Md5, ExternalId = e.Md5 }, e.VpdqFile!)));
        BankWriter.Write(Path.Combine(dir, "NSRLFile.txt"), BankFormat.Nsrl, knownGood
            .Select(k => new BankEntry { Md5 = k.Md5, Sha1 = k.Sha1, ExternalId = k.Name, KnownGood = true }));
    }
}
