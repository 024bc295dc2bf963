using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Harrier.Operations.Packages;

/// <summary>
/// package.pdf: the same blocks as package.html laid out on A4 pages with PDFsharp (MIT; chosen over printing the HTML
/// with headless Chromium so that building a package needs no browser and gives the same layout on every machine).
/// The layout here is only what a report of headings, paragraphs and wrapped tables needs; the fonts (DejaVu Sans) are
/// embedded in this assembly and in the PDF.
/// </summary>
internal static class PackagePdf
{
    private const double PageWidth = 595.28, PageHeight = 841.89, Margin = 36, Pad = 2;
    private const string Family = "DejaVu Sans";

    static PackagePdf() => EmbeddedFonts.Register();

    public static byte[] Render(string title, IReadOnlyList<Block> blocks, DateTime created, string footer)
    {
        using var doc = new PdfDocument();
        doc.Info.Title = title;
        doc.Info.Creator = "Harrier";
        doc.Info.CreationDate = created;
        doc.Info.ModificationDate = created;
        var w = new Writer(doc, footer);
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Heading h:
                    w.Gap(h.Level == 1 ? 0 : 8);
                    w.Text(h.Text, h.Level switch { 1 => w.H1, 2 => w.H2, _ => w.H3 }, keepWithNext: 40);
                    w.Gap(3);
                    break;
                case Para p:
                    w.Text(p.Text, p.Strong ? w.Bold : w.Body, keepWithNext: 0);
                    w.Gap(3);
                    break;
                case Table t:
                    w.Table(t);
                    w.Gap(4);
                    break;
            }
        }

        w.Finish();
        using var stream = new MemoryStream();
        doc.Save(stream, false);
        return stream.ToArray();
    }

    private sealed class Writer
    {
        private readonly PdfDocument _doc;
        private readonly string _footer;
        private readonly Dictionary<(XFont, char), double> _widths = [];
        private readonly XPen _rule = new(XColors.Gray, 0.4);
        private XGraphics? _g;
        private double _y;
        private int _pages;

        public Writer(PdfDocument doc, string footer)
        {
            _doc = doc;
            _footer = footer;
            H1 = new XFont(Family, 14, XFontStyleEx.Bold);
            H2 = new XFont(Family, 11, XFontStyleEx.Bold);
            H3 = new XFont(Family, 9.5, XFontStyleEx.Bold);
            Body = new XFont(Family, 8, XFontStyleEx.Regular);
            Bold = new XFont(Family, 8, XFontStyleEx.Bold);
            Cell = new XFont(Family, 7, XFontStyleEx.Regular);
            CellBold = new XFont(Family, 7, XFontStyleEx.Bold);
            NewPage();
        }

        public XFont H1 { get; }

        public XFont H2 { get; }

        public XFont H3 { get; }

        public XFont Body { get; }

        public XFont Bold { get; }

        private XFont Cell { get; }

        private XFont CellBold { get; }

        private static double Bottom => PageHeight - Margin - 14;

        private static double Width => PageWidth - 2 * Margin;

        private XGraphics G => _g!;

        public void Gap(double points) => _y += points;

        public void Text(string text, XFont font, double keepWithNext)
        {
            var lines = Wrap(text, font, Width);
            var lh = font.Height * 1.15;
            if (_y + lh + keepWithNext > Bottom)
            {
                NewPage();
            }

            foreach (var line in lines)
            {
                if (_y + lh > Bottom)
                {
                    NewPage();
                }

                G.DrawString(line, font, XBrushes.Black, Margin, _y + font.Height * 0.85);
                _y += lh;
            }
        }

        public void Table(Table t)
        {
            var total = t.Widths.Sum();
            var widths = t.Widths.Select(x => Width * x / total).ToArray();
            var hasHeader = t.Headers.Any(s => s.Length > 0);
            if (hasHeader)
            {
                Row(t.Headers, widths, CellBold, header: true, repeat: null);
            }

            foreach (var row in t.Rows)
            {
                Row(row, widths, Cell, header: false, repeat: hasHeader ? t.Headers : null);
            }
        }

        public void Finish()
        {
            Footer();
            _g?.Dispose();
        }

        private void Row(IReadOnlyList<string> cells, double[] widths, XFont font, bool header, IReadOnlyList<string>? repeat)
        {
            var lh = font.Height * 1.1;
            var wrapped = cells.Select((c, i) => Wrap(c, font, widths[i] - 2 * Pad)).ToList();
            var lines = Math.Max(1, wrapped.Max(x => x.Count));
            var maxLines = (int)((Bottom - Margin - 4 * lh) / lh);
            // A cell longer than a page is cut (package.json and package.html hold it whole).
            if (lines > maxLines)
            {
                wrapped = [.. wrapped.Select(x => x.Count > maxLines ? [.. x.Take(maxLines - 1), "… (cut; see package.json)"] : x)];
                lines = maxLines;
            }

            var height = lines * lh + 2 * Pad;
            if (_y + height > Bottom)
            {
                NewPage();
                if (repeat is not null)
                {
                    Row(repeat, widths, CellBold, header: true, repeat: null);
                }
            }

            // A shaded band under a header, a rule under every row: a table of thousands of rows stays cheap to draw.
            if (header)
            {
                G.DrawRectangle(XBrushes.Gainsboro, new XRect(Margin, _y, Width, height));
            }

            G.DrawLine(_rule, Margin, _y + height, Margin + Width, _y + height);
            var x = Margin;
            for (var i = 0; i < widths.Length && i < wrapped.Count; i++)
            {
                for (var l = 0; l < wrapped[i].Count; l++)
                {
                    G.DrawString(wrapped[i][l], font, XBrushes.Black, x + Pad, _y + Pad + l * lh + font.Height * 0.85);
                }

                x += widths[i];
            }

            _y += height;
        }

        private void NewPage()
        {
            if (_g is not null)
            {
                Footer();
                _g.Dispose();
            }

            var page = _doc.AddPage();
            page.Width = XUnit.FromPoint(PageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            _g = XGraphics.FromPdfPage(page);
            _pages++;
            _y = Margin;
        }

        private void Footer() =>
            G.DrawString(string.Create(CultureInfo.InvariantCulture, $"{_footer}   page {_pages}"), Cell, XBrushes.DimGray, Margin, PageHeight - Margin + 4);

        /// <summary>Greedy word wrap by measured widths; a word wider than the line (a digest) is broken by character.</summary>
        private List<string> Wrap(string text, XFont font, double width)
        {
            var lines = new List<string>();
            foreach (var paragraph in text.Split('\n'))
            {
                var line = new System.Text.StringBuilder();
                double used = 0;
                foreach (var word in paragraph.Split(' '))
                {
                    var ww = Measure(word, font);
                    var space = line.Length == 0 ? 0 : Measure(" ", font);
                    if (used + space + ww <= width)
                    {
                        if (line.Length > 0)
                        {
                            line.Append(' ');
                        }

                        line.Append(word);
                        used += space + ww;
                        continue;
                    }

                    if (line.Length > 0)
                    {
                        lines.Add(line.ToString());
                        line.Clear();
                        used = 0;
                    }

                    foreach (var ch in word)
                    {
                        var cw = Measure(ch, font);
                        if (used + cw > width && line.Length > 0)
                        {
                            lines.Add(line.ToString());
                            line.Clear();
                            used = 0;
                        }

                        line.Append(ch);
                        used += cw;
                    }
                }

                lines.Add(line.ToString());
            }

            return lines;
        }

        private double Measure(string s, XFont font)
        {
            double w = 0;
            foreach (var ch in s)
            {
                w += Measure(ch, font);
            }

            return w;
        }

        private double Measure(char ch, XFont font)
        {
            if (!_widths.TryGetValue((font, ch), out var w))
            {
                w = G.MeasureString(ch.ToString(), font).Width;
                _widths[(font, ch)] = w;
            }

            return w;
        }
    }

    /// <summary>DejaVu Sans (regular and bold) from this assembly's resources for PDFsharp, whatever fonts the machine has.</summary>
    private sealed class EmbeddedFonts : IFontResolver
    {
        private static readonly Lock Gate = new();

        public static void Register()
        {
            lock (Gate)
            {
                if (GlobalFontSettings.FontResolver is not EmbeddedFonts)
                {
                    GlobalFontSettings.FontResolver = new EmbeddedFonts();
                }
            }
        }

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(bold ? "DejaVuSans-Bold" : "DejaVuSans", mustSimulateBold: false, mustSimulateItalic: italic);

        public byte[]? GetFont(string faceName)
        {
            using var s = typeof(PackagePdf).Assembly.GetManifestResourceStream("Harrier.Fonts." + faceName + ".ttf")
                          ?? throw new InvalidOperationException($"font {faceName} is not embedded in Harrier.Operations");
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        }
    }
}
