using System.Globalization;
using System.Text.Json.Nodes;
using Harrier.Matching.Banks;
using Harrier.Media.Features;

namespace Harrier.Cases.Triage;

/// <summary>
/// Exports the case's triaged media as a VICS 2.0 US <c>#Media</c> file: digests, size, category when a VICS-US
/// category was matched (a category of another scheme is not relabelled), and whether it was precategorised by a
/// bank. It reads back through <see cref="BankReader"/>; no file names or paths are written.
/// </summary>
public static class VicsExport
{
    /// <summary>Writes the media rows of <paramref name="rows"/> to <paramref name="path"/>; returns how many.</summary>
    public static int Write(string path, IReadOnlyList<TriageRow> rows, IReadOnlyDictionary<long, EvidenceFile> files)
    {
        var entries = new List<BankEntry>();
        var id = 0;
        foreach (var r in rows.Where(r => r.Kind is MediaKinds.Image or MediaKinds.Video))
        {
            if (!files.TryGetValue(r.EvidenceId, out var f))
            {
                continue;
            }

            id++;
            var m = new JsonObject
            {
                ["MediaID"] = id,
                ["MD5"] = f.Md5,
                ["SHA1"] = f.Sha1,
                ["MediaSize"] = f.Size,
                ["IsPrecategorized"] = r.Status is "known" or "near-duplicate",
            };
            if (r.Category is { Scheme: "VICS-US" } c && int.TryParse(c.Code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
            {
                m["Category"] = code;
            }

            entries.Add(new BankEntry { Md5 = f.Md5, Sha1 = f.Sha1, Raw = m.ToJsonString() });
        }

        using var stream = File.Create(path);
        VicsFormat.Write(stream, VicsFormat.DefaultEnvelope, entries);
        return entries.Count;
    }
}
