using System.Globalization;
using System.Net;
using System.Text;
using Harrier.Media.Features;

namespace Harrier.Cases.Triage;

/// <summary>
/// The triage report: one self-contained HTML page (no scripts, no external resources, no media, no file names —
/// files are shown by evidence id and facts only): counts per status and per (scheme, category), the share first
/// seen, bank conflicts, rendition and scene groups, and the ranked first-seen queue with its reasons.
/// </summary>
public static class TriageReport
{
    /// <summary>The report's file name in the case folder.</summary>
    public const string FileName = "triage-report.html";

    /// <summary>Writes the report for <paramref name="rows"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, string caseName, string generatedUtc, IReadOnlyList<TriageRow> rows)
    {
        var media = rows.Where(r => r.Kind is MediaKinds.Image or MediaKinds.Video).ToList();
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Harrier triage report</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
          .Append("td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}th{background:#eee}.n{text-align:right}")
          .Append("</style></head><body>");
        sb.Append("<h1>Triage report</h1><p>Case ").Append(H(caseName)).Append(" · generated ").Append(H(generatedUtc))
          .Append(" · no media, titles or file names are shown; files are referred to by evidence id.</p>");

        var unknown = media.Count(r => r.Status == "unknown");
        sb.Append("<h2>Summary</h2><table><tr><th>status</th><th>files</th></tr>");
        foreach (var g in rows.GroupBy(r => r.Status).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append("<tr><td>").Append(H(g.Key)).Append("</td><td class=n>").Append(N(g.Count())).Append("</td></tr>");
        }

        sb.Append("</table><p>First seen: ").Append(N(unknown)).Append(" of ").Append(N(media.Count)).Append(" media files (")
          .Append(media.Count == 0 ? "0" : (100.0 * unknown / media.Count).ToString("F1", CultureInfo.InvariantCulture)).Append(" %).</p>");

        AppendMetadataCounts(sb, media);

        sb.Append("<h2>Known material by scheme and category</h2><table><tr><th>scheme</th><th>category</th><th>files</th></tr>");
        foreach (var g in rows.Where(r => r.Status is "known" or "near-duplicate")
                     .GroupBy(r => (Scheme: r.Category?.Scheme ?? "(none)", Code: r.Category?.Code ?? "uncategorised"))
                     .OrderBy(g => g.Key.Scheme, StringComparer.Ordinal).ThenBy(g => g.Key.Code, StringComparer.Ordinal))
        {
            sb.Append("<tr><td>").Append(H(g.Key.Scheme)).Append("</td><td>").Append(H(g.Key.Code)).Append("</td><td class=n>").Append(N(g.Count())).Append("</td></tr>");
        }

        sb.Append("</table><h2>Matches by method</h2><table><tr><th>method</th><th>files</th></tr>");
        foreach (var g in rows.Where(r => r.Method is not null).GroupBy(r => r.Method!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append("<tr><td>").Append(H(g.Key)).Append("</td><td class=n>").Append(N(g.Count())).Append("</td></tr>");
        }

        var conflicts = rows.Where(r => r.Conflicts.Count > 0).ToList();
        sb.Append("</table><h2>Bank conflicts</h2><p>").Append(N(conflicts.Count)).Append(" file(s) where banks disagree on the category.</p>");
        if (conflicts.Count > 0)
        {
            sb.Append("<table><tr><th>evidence</th><th>category used</th><th>other banks say</th></tr>");
            foreach (var r in conflicts)
            {
                sb.Append("<tr><td>#").Append(r.EvidenceId).Append("</td><td>").Append(H($"{r.Bank}: {r.Category}")).Append("</td><td>")
                  .Append(H(string.Join("; ", r.Conflicts))).Append("</td></tr>");
            }

            sb.Append("</table>");
        }

        sb.Append("<h2>Groups</h2><table><tr><th>scene</th><th>files</th><th>uploads</th><th>representative</th><th>status</th><th>rendition groups</th></tr>");
        foreach (var g in media.Where(r => r.SceneGroup is not null).GroupBy(r => r.SceneGroup!.Value).OrderBy(g => g.Key))
        {
            var rep = g.FirstOrDefault(r => r.Representative) ?? g.First();
            var status = g.Any(r => r.Status == "known") ? "known" : g.Any(r => r.Status == "near-duplicate") ? "near-duplicate" : "first seen";
            sb.Append("<tr><td>").Append(g.Key).Append("</td><td class=n>").Append(N(g.Count())).Append("</td><td class=n>")
              .Append(N(g.Select(r => r.RenditionGroup?.ToString(CultureInfo.InvariantCulture) ?? "#" + r.EvidenceId).Distinct().Count()))
              .Append("</td><td>#").Append(rep.EvidenceId).Append(' ').Append(H(Facts(rep))).Append("</td><td>").Append(status).Append("</td><td>")
              .Append(H(string.Join(", ", g.Where(r => r.RenditionGroup is not null).Select(r => r.RenditionGroup!.Value).Distinct().Order())))
              .Append("</td></tr>");
        }

        sb.Append("</table><h2>First-seen queue (victim identification)</h2><table><tr><th>rank</th><th>scene</th><th>representative</th><th>reasons</th></tr>");
        foreach (var g in media.Where(r => r.QueueRank is not null).GroupBy(r => r.QueueRank!.Value).OrderBy(g => g.Key))
        {
            var rep = g.FirstOrDefault(r => r.Representative) ?? g.First();
            sb.Append("<tr><td class=n>").Append(g.Key).Append("</td><td>").Append(rep.SceneGroup).Append("</td><td>#").Append(rep.EvidenceId).Append(' ')
              .Append(H(Facts(rep))).Append("</td><td>").Append(H(string.Join("; ", rep.Reasons))).Append("</td></tr>");
        }

        sb.Append("</table></body></html>\n");
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    /// <summary>How many images and videos carry each kind of embedded metadata: counts only, never values or names.</summary>
    private static void AppendMetadataCounts(StringBuilder sb, List<TriageRow> media)
    {
        var images = media.Where(r => r.Kind == MediaKinds.Image).ToList();
        var videos = media.Where(r => r.Kind == MediaKinds.Video).ToList();
        sb.Append("<h2>Embedded metadata</h2><p>Counts only; the values (camera, serial, position, dates) are in the case database and ")
          .Append("<code>report triage --json</code>.</p><table><tr><th>carries</th><th>images</th><th>videos</th></tr>");
        Row("any metadata fact", r => r.Metadata is not null);
        Row("camera make or model", r => r.Metadata?.CameraMake is not null || r.Metadata?.CameraModel is not null);
        Row("camera serial number", r => r.Metadata?.CameraSerial is not null);
        Row("GPS position", r => r.Metadata?.HasGps == true);
        Row("date taken (original)", r => r.Metadata?.TakenOriginal is not null);
        Row("container creation time", r => r.Metadata?.ContainerCreated is not null);
        Row("software", r => r.Metadata?.Software is not null);
        Row("blurred thumbnail or strip", r => r.Derived is not null);
        sb.Append("</table>");

        void Row(string label, Func<TriageRow, bool> has) =>
            sb.Append("<tr><td>").Append(H(label)).Append("</td><td class=n>").Append(N(images.Count(has))).Append("</td><td class=n>")
              .Append(N(videos.Count(has))).Append("</td></tr>");
    }

    private static string Facts(TriageRow r) => r.Kind == MediaKinds.Video
        ? string.Create(CultureInfo.InvariantCulture, $"video {r.Width}×{r.Height} {r.DurationSeconds:F1} s {r.Codec}")
        : string.Create(CultureInfo.InvariantCulture, $"{r.Kind} {r.Width}×{r.Height}");

    private static string H(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
