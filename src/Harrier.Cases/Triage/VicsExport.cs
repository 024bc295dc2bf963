using System.Globalization;
using System.Text.Json.Nodes;
using Harrier.Matching.Banks;
using Harrier.Media.Features;

namespace Harrier.Cases.Triage;

/// <summary>
/// Exports the case's triaged media as a VICS 2.0 US <c>#Media</c> file: digests, size, category when a VICS-US
/// category was matched (a category of another scheme is not relabelled), and whether it was precategorised by a
/// bank. An analyst's category (the latest of the file, <see cref="MediaCategoryStore"/>) wins over the bank's: the analyst
/// judged this file in this case, while the bank's category came with a digest or perceptual match, which may be a near
/// duplicate or one of conflicting bank records. It reads back through <see cref="BankReader"/>; no file names or paths are
/// written.
/// </summary>
public static class VicsExport
{
    /// <summary>Writes the media rows of <paramref name="rows"/> to <paramref name="path"/> (with <paramref name="analystCategories"/> by evidence id over the banks'); returns how many.</summary>
    public static int Write(string path, IReadOnlyList<TriageRow> rows, IReadOnlyDictionary<long, EvidenceFile> files,
        IReadOnlyDictionary<long, BankCategory>? analystCategories = null)
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
            var category = analystCategories is not null && analystCategories.TryGetValue(r.EvidenceId, out var mine) ? mine : r.Category;
            if (category is { Scheme: "VICS-US" } c && int.TryParse(c.Code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
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
