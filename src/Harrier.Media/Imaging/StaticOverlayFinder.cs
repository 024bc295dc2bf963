namespace Harrier.Media.Imaging;

/// <summary>
/// Finds a static overlay (a platform's logo or watermark burnt into a re-upload) from the frames of one video: a
/// compact box near a corner whose pixels barely change while the rest of that corner moves. PDQ is robust to small
/// overlays on photos, but a bright box over dark, low-contrast video frames moves a frame hash by 60–80 bits (measured
/// on the demo scenario), far past any match threshold. <see cref="Fill"/> paints the box out from the pixels around
/// it, which brings the frame back towards its un-stamped source; callers hash that as an additional feature, never instead.
/// Memory is two bytes per pixel whatever the number of frames.
/// </summary>
public sealed class StaticOverlayFinder
{
    /// <summary>Share of the width and height, from each corner, searched for an overlay.</summary>
    private const double CornerShare = 0.4;

    private readonly byte[] _min;
    private readonly byte[] _max;
    private readonly int[] _sum;

    /// <summary>Starts a finder for frames of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public StaticOverlayFinder(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 8);
        Width = width;
        Height = height;
        _min = new byte[width * height];
        _max = new byte[width * height];
        _sum = new int[width * height];
        Array.Fill(_min, byte.MaxValue);
    }

    /// <summary>Frame width.</summary>
    public int Width { get; }

    /// <summary>Frame height.</summary>
    public int Height { get; }

    /// <summary>Frames seen so far.</summary>
    public int Frames { get; private set; }

    /// <summary>Adds one RGB24 frame (rows of <see cref="Width"/>·3 bytes, no padding).</summary>
    public void Add(ReadOnlySpan<byte> rgb)
    {
        if (rgb.Length < Width * Height * 3)
        {
            throw new ArgumentException($"expected {Width}×{Height} RGB24 pixels", nameof(rgb));
        }

        for (var p = 0; p < _min.Length; p++)
        {
            var y = Luma(rgb, p * 3);
            _sum[p] += y;
            if (y < _min[p])
            {
                _min[p] = y;
            }

            if (y > _max[p])
            {
                _max[p] = y;
            }
        }

        Frames++;
    }

    /// <summary>
    /// The overlay box, or null when there is none: at least <paramref name="minFrames"/> frames seen; in one corner
    /// region, the pixels whose brightness range over the frames is at most a third of the region's median range (6–24
    /// levels) and whose mean brightness is at least 24 levels from the region's median form a box covering 0.2–6 % of
    /// the frame and at most half of the corner region, at least half of which is such pixels. The box is first grown
    /// over neighbouring lines that are mostly such pixels by twice the range limit (a semi-transparent logo's edges);
    /// the grown box is kept when it passes the same checks, else the strict one.
    /// </summary>
    public PixelRegion? Find(int minFrames = 4)
    {
        if (Frames < Math.Max(2, minFrames))
        {
            return null;
        }

        var cw = Math.Max(4, (int)(Width * CornerShare));
        var ch = Math.Max(4, (int)(Height * CornerShare));
        PixelRegion? best = null;
        var bestCount = 0;
        foreach (var (x0, y0) in new[] { (0, 0), (Width - cw, 0), (0, Height - ch), (Width - cw, Height - ch) })
        {
            if (FindInCorner(x0, y0, cw, ch) is { } found && found.Count > bestCount)
            {
                best = found.Box;
                bestCount = found.Count;
            }
        }

        return best;
    }

    private (PixelRegion Box, int Count)? FindInCorner(int x0, int y0, int cw, int ch)
    {
        var ranges = new int[cw * ch];
        var means = new int[cw * ch];
        for (var y = 0; y < ch; y++)
        {
            for (var x = 0; x < cw; x++)
            {
                var p = ((y0 + y) * Width) + x0 + x;
                ranges[(y * cw) + x] = _max[p] - _min[p];
                means[(y * cw) + x] = _sum[p] / Frames;
            }
        }

        var medianRange = Median(ranges);
        var medianMean = Median(means);
        var limit = Math.Clamp(medianRange / 3, 6, 24);

        // Overlay pixels: nearly constant over the frames and visibly unlike the corner's typical brightness (an overlay
        // that matches its background changes no hash).
        int count = 0, minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (var y = 0; y < ch; y++)
        {
            for (var x = 0; x < cw; x++)
            {
                if (ranges[(y * cw) + x] <= limit && Math.Abs(means[(y * cw) + x] - medianMean) >= 24)
                {
                    count++;
                    minX = Math.Min(minX, x);
                    maxX = Math.Max(maxX, x);
                    minY = Math.Min(minY, y);
                    maxY = Math.Max(maxY, y);
                }
            }
        }

        var frame = (double)Width * Height;
        if (count < 0.002 * frame)
        {
            return null;
        }

        // The strict pixels are the overlay's steadiest part; a semi-transparent logo over moving, compressed video
        // varies more at its edges and over bright backgrounds. Grow the box while the next line beyond each side is
        // mostly overlay-like by a looser range (twice the limit) — on the demo a 50×20 logo at 80 % opacity gave a
        // strict box of 22×17 and grew to exactly 50×20 — and keep the grown box when it passes the same checks.
        var grown = Grow(ranges, means, cw, ch, (minX, minY, maxX, maxY), 2 * limit, medianMean);
        foreach (var (bx0, by0, bx1, by1, n) in new[] { grown, (minX, minY, maxX, maxY, count) })
        {
            var box = new PixelRegion(x0 + bx0, y0 + by0, bx1 - bx0 + 1, by1 - by0 + 1);
            var area = (double)box.Width * box.Height;
            if (n >= 0.002 * frame && area <= 0.06 * frame && n >= 0.5 * area && (cw * ch) - area >= 0.5 * cw * ch)
            {
                return (box, n);
            }
        }

        return null;
    }

    /// <summary>
    /// Grows a box (inclusive bounds) one line at a time while at least half the pixels of the line just outside a side
    /// have a range within <paramref name="looseLimit"/> and a mean ≥ 24 levels from <paramref name="medianMean"/>;
    /// returns the box and how many of its pixels are overlay-like by that looser test.
    /// </summary>
    private static (int X0, int Y0, int X1, int Y1, int Count) Grow(int[] ranges, int[] means, int cw, int ch, (int X0, int Y0, int X1, int Y1) seed,
        int looseLimit, int medianMean)
    {
        var (x0, y0, x1, y1) = seed;
        bool Like(int x, int y) => ranges[(y * cw) + x] <= looseLimit && Math.Abs(means[(y * cw) + x] - medianMean) >= 24;
        bool Mostly(int ax, int ay, int bx, int by)
        {
            var n = 0;
            var total = 0;
            for (var y = ay; y <= by; y++)
            {
                for (var x = ax; x <= bx; x++)
                {
                    total++;
                    n += Like(x, y) ? 1 : 0;
                }
            }

            return 2 * n >= total;
        }

        for (var changed = true; changed;)
        {
            changed = false;
            if (x0 > 0 && Mostly(x0 - 1, y0, x0 - 1, y1))
            {
                (x0, changed) = (x0 - 1, true);
            }

            if (x1 < cw - 1 && Mostly(x1 + 1, y0, x1 + 1, y1))
            {
                (x1, changed) = (x1 + 1, true);
            }

            if (y0 > 0 && Mostly(x0, y0 - 1, x1, y0 - 1))
            {
                (y0, changed) = (y0 - 1, true);
            }

            if (y1 < ch - 1 && Mostly(x0, y1 + 1, x1, y1 + 1))
            {
                (y1, changed) = (y1 + 1, true);
            }
        }

        var count = 0;
        for (var y = y0; y <= y1; y++)
        {
            for (var x = x0; x <= x1; x++)
            {
                count += Like(x, y) ? 1 : 0;
            }
        }

        return (x0, y0, x1, y1, count);
    }

    /// <summary>
    /// Paints <paramref name="box"/> (grown by two pixels) out of <paramref name="rgb"/>: each covered pixel becomes the
    /// mean of the straight-line interpolations between the pixels just left and right of the box in its row and just
    /// above and below it in its column (a cheap inpainting that restores the low frequencies PDQ looks at). Sides on
    /// the frame's edge take the opposite side's value.
    /// </summary>
    public static void Fill(Span<byte> rgb, int width, int height, PixelRegion box)
    {
        var x0 = Math.Max(0, box.X - 2);
        var y0 = Math.Max(0, box.Y - 2);
        var x1 = Math.Min(width, box.X + box.Width + 2);
        var y1 = Math.Min(height, box.Y + box.Height + 2);
        if (x1 - x0 >= width && y1 - y0 >= height)
        {
            return;
        }

        // Only pixels outside the box are read and only pixels inside it are written, so it works in place.
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    double sum = 0;
                    var n = 0;
                    if (x0 > 0 || x1 < width)
                    {
                        int left = x0 > 0 ? rgb[Index(x0 - 1, y, c)] : rgb[Index(x1, y, c)];
                        int right = x1 < width ? rgb[Index(x1, y, c)] : left;
                        var f = (x - x0 + 1) / (double)(x1 - x0 + 1);
                        sum += left + ((right - left) * f);
                        n++;
                    }

                    if (y0 > 0 || y1 < height)
                    {
                        int top = y0 > 0 ? rgb[Index(x, y0 - 1, c)] : rgb[Index(x, y1, c)];
                        int bottom = y1 < height ? rgb[Index(x, y1, c)] : top;
                        var f = (y - y0 + 1) / (double)(y1 - y0 + 1);
                        sum += top + ((bottom - top) * f);
                        n++;
                    }

                    rgb[Index(x, y, c)] = (byte)Math.Clamp(Math.Round(sum / n), 0, 255);
                }
            }
        }

        int Index(int x, int y, int c) => (((y * width) + x) * 3) + c;
    }

    private static int Median(int[] values)
    {
        var sorted = (int[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    private static byte Luma(ReadOnlySpan<byte> rgb, int p) => (byte)(((rgb[p] * 77) + (rgb[p + 1] * 150) + (rgb[p + 2] * 29)) >> 8);
}
