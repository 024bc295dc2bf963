using System.Net;
using System.Text;

namespace Harrier.Operations.Packages;

/// <summary>package.html: the package's blocks as one self-contained page (no script, no external resource; every text HTML-encoded).</summary>
internal static class PackageHtml
{
    private const string Style = """
        body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:10pt;margin:2em;color:#111}
        h1{font-size:16pt}h2{font-size:13pt;margin-top:1.6em;border-bottom:1px solid #999}h3{font-size:11pt;margin-top:1.4em}
        table{border-collapse:collapse;width:100%;margin:.4em 0}td,th{border:1px solid #bbb;padding:2px 4px;vertical-align:top;text-align:left;word-break:break-word}
        th{background:#eee}p.strong{font-weight:bold;background:#fff3cd;padding:4px}
        """;

    public static string Render(string title, IReadOnlyList<Block> blocks)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>").Append(Style).Append("</style></head><body>\n");
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Heading x:
                    h.Append("<h").Append(x.Level).Append('>').Append(E(x.Text)).Append("</h").Append(x.Level).Append(">\n");
                    break;
                case Para x:
                    h.Append(x.Strong ? "<p class=\"strong\">" : "<p>").Append(E(x.Text)).Append("</p>\n");
                    break;
                case Table x:
                    h.Append("<table>");
                    if (x.Headers.Any(s => s.Length > 0))
                    {
                        h.Append("<tr>");
                        foreach (var c in x.Headers)
                        {
                            h.Append("<th>").Append(E(c)).Append("</th>");
                        }

                        h.Append("</tr>");
                    }

                    foreach (var row in x.Rows)
                    {
                        h.Append("<tr>");
                        foreach (var c in row)
                        {
                            h.Append("<td>").Append(E(c)).Append("</td>");
                        }

                        h.Append("</tr>\n");
                    }

                    h.Append("</table>\n");
                    break;
            }
        }

        return h.Append("</body></html>\n").ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
