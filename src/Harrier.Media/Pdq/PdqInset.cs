using Harrier.Media.Imaging;

namespace Harrier.Media.Pdq;

/// <summary>
/// Hypothesis hashes for content inside other content: a picture shown in a screenshot (window chrome, a desktop, a phone
/// UI around it), in a collage, or as a picture-in-picture inset over another picture. The surround is not uniform, so
/// <see cref="BorderTrimmer"/>'s uniform-border trim cannot find it; what such a picture keeps is a straight, axis-aligned
/// step in brightness along each side it does not share with the frame. This finds the rectangles whose every inner side
/// is such a step along most of its length and hashes what is inside (the frame's own edges count as sides, so a corner
/// inset or a picture under a bar has two or three inner sides).
/// <para>How: on the luma reduced as <see cref="PdqReframe"/> reduces it (long side ≤ 512), and on two colour-opponent
/// planes reduced alike (red − green, yellow − blue), a pixel boundary is an edge when, on any of the three, the step
/// across it is at least <see cref="EdgeStep"/> and not smaller than the steps beside it (one pixel either way across the
/// line), so a blurred or resampled step still gives one edge per row. Candidate lines are the columns and
/// rows with the longest stretch where edges outnumber non-edges (texture gives short, sparse stretches; a pasted
/// picture's side gives one long one); every rectangle of candidate lines (and the frame's edges) that is at least
/// <see cref="MinSideShare"/> of the frame each way and at most <see cref="MaxAreaShare"/> of its area is scored by the
/// share of each inner side's length that is edge, prefix sums making each test O(1). The region found is hashed from the
/// image's own pixels, not the reduced luma. Edges and projections by hand, not
/// OpenCV (OpenCvSharp needs its own native glue library, which Debian does not package, beside Debian's OpenCV; an engine
/// here is managed code only): axis-aligned rectangles on a 512-pixel luma need nothing more, and the search costs about
/// a millisecond against the image's decode.</para>
/// <para>Bounded at <see cref="MaxRegions"/> hashes an image (most images have none): every hash is one more chance of
/// a false match against every bank hash (docs/triage.md, "Content inside other content"). Not reference-compatible in
/// the sense that the region is a guess: compare only with a bank's plain hashes, as a second chance.</para>
/// </summary>
public static class PdqInset
{
    /// <summary>
    /// At most this many regions are hashed an image, the best-supported first: the content and, say, an inset or a
    /// runner-up rectangle. Three keeps the false-match budget of the step below the off-centre step's (24 hashes).
    /// </summary>
    public const int MaxRegions = 3;

    /// <summary>
    /// A region is at least this share of the frame's width and of its height (a landscape picture-in-picture at half the
    /// width of a portrait frame is about a fifth of its height).
    /// </summary>
    internal const double MinSideShare = 0.15;

    /// <summary>A region is at least this share of the frame's area (a picture-in-picture at 30 % of the width of a frame of its own shape is 9 %).</summary>
    internal const double MinAreaShare = 0.06;

    /// <summary>
    /// A side of a chosen region that lies on the frame's edge moves to the nearest line within this share of the frame
    /// that is an edge along <see cref="MinSupport"/> of it: a picture-in-picture usually sits a little way in from the
    /// corner, and the strip of the other picture beside it would move the hash.
    /// </summary>
    internal const double SnapShare = 0.06;

    /// <summary>A region is at most this share of the frame's area: a larger one is near enough the whole frame for the plain hash.</summary>
    internal const double MaxAreaShare = 0.9;

    /// <summary>Each inner side of a region is an edge along at least this share of its length.</summary>
    internal const double MinSupport = 0.6;

    /// <summary>The smallest brightness step (0–255 luma) across a pixel boundary that counts as an edge.</summary>
    internal const float EdgeStep = 10f;

    /// <summary>Hashes of less than this quality are not kept (triage does not match them either).</summary>
    internal const int MinQuality = 50;

    /// <summary>A side's edge share must exceed that of the lines this many pixels either way by this much (<see cref="MinContrast"/>).</summary>
    private const int Beside = 3;


    /// <summary>
    /// Two regions overlapping by more than this share of their union are one (the better kept): a picture with and without
    /// its window's title bar are two hypotheses, a rectangle a few pixels off another is not.
    /// </summary>
    private const double NearSame = 0.95;

    /// <summary>A region whose hash is this near one already kept adds nothing and is skipped.</summary>
    private const int SameHash = 16;

    /// <summary>
    /// A side on the frame's edge moves to a line near it only when that line is an edge along at least this share of the
    /// stretch between the other sides' margins (and by <see cref="MinContrast"/> more than the lines beside it).
    /// </summary>
    private const double SnapMin = 0.3;

    /// <summary>How much more of a side than of the lines beside it is edge.</summary>
    internal const double MinContrast = 0.3;

    /// <summary>Candidate lines kept per axis (besides the frame's two edges).</summary>
    private const int LinesPerAxis = 12;

    /// <summary>The regions found (in the image's pixels) and each region's hash, the best-supported first; at most <see cref="MaxRegions"/>.</summary>
    public static (PixelRegion Region, PdqResult Result)[] Hash(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Hash(image.Pixels, PdqImageHasher.PixelFormatOf(image), image.Width, image.Height, image.Stride);
    }

    /// <summary>The regions found in packed pixels and their hashes, as the image overload.</summary>
    public static (PixelRegion Region, PdqResult Result)[] Hash(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride)
    {
        if (width < PdqHasher.MinDimension * 4 || height < PdqHasher.MinDimension * 4)
        {
            return [];
        }

        var (luma, w, h) = PdqReframe.ReducedLuma(pixels, format, width, height, stride);
        var planes = new List<float[]> { luma };
        if (format != PdqPixelFormat.Gray8)
        {
            planes.AddRange(ReducedOpponents(pixels, format, width, height, stride, w, h));
        }

        try
        {
            var scaleX = (double)width / w;
            var scaleY = (double)height / h;
            var results = new List<(PixelRegion, PdqResult)>();
            foreach (var (x0, y0, x1, y1) in FindRegions(planes, w, h))
            {
                // Hashed from the image's own pixels, not the reduced luma the lines were found on: a picture-in-picture
                // at half the width of a 1,000-pixel frame is 250 reduced pixels wide, and PDQ's 64×64 downsampling of so
                // few pixels aliases (on 571 photos at half the width, 38 % of the regions found came within 31 bits from
                // the reduced luma, 63 % from the pixels). The region's sides are the lines found, not one pixel in: a
                // boundary pixel that blends the two pictures moves the hash less than cutting a row or column of content.
                var (px0, py0) = ((int)Math.Round(x0 * scaleX), (int)Math.Round(y0 * scaleY));
                var (px1, py1) = (x1 == w ? width : (int)Math.Round(x1 * scaleX), y1 == h ? height : (int)Math.Round(y1 * scaleY));
                var region = new PixelRegion(px0, py0, px1 - px0, py1 - py0);
                var result = HashRegion(pixels, format, stride, region);
                if (result.Quality < MinQuality || results.Any(r => r.Item2.Hash.DistanceTo(result.Hash) <= SameHash))
                {
                    continue;
                }

                results.Add((region, result));
                if (results.Count == MaxRegions)
                {
                    break;
                }
            }

            return [.. results];
        }
        finally
        {
            foreach (var plane in planes)
            {
                MediaBuffers.Return(plane);
            }
        }
    }

    /// <summary>
    /// Two colour-opponent planes (red − green and yellow − blue, on luma's 0–255 scale) box-averaged to
    /// <paramref name="w"/>×<paramref name="h"/> as the luma is: two pictures alike in brightness along a side usually
    /// differ in colour there.
    /// </summary>
    private static float[][] ReducedOpponents(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride, int w, int h)
    {
        var bpp = PdqLuma.BytesPerPixel(format);
        var (ri, bi) = format == PdqPixelFormat.Bgra32 ? (2, 0) : (0, 2);
        var factor = PdqReframe.ReductionFactor(width, height);
        var rg = MediaBuffers.Rent<float>(w * h);
        var yb = MediaBuffers.Rent<float>(w * h);
        var area = (float)(factor * factor);
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var (a, b) = (0f, 0f);
                for (var dy = 0; dy < factor; dy++)
                {
                    var row = pixels.Slice(((y * factor) + dy) * stride);
                    for (var dx = 0; dx < factor; dx++)
                    {
                        var at = ((x * factor) + dx) * bpp;
                        float r = row[at + ri], g = row[at + 1], bl = row[at + bi];
                        a += r - g;
                        b += ((r + g) / 2) - bl;
                    }
                }

                rg[(y * w) + x] = a / area;
                yb[(y * w) + x] = b / area;
            }
        }

        return [rg, yb];
    }

    /// <summary>
    /// The candidate regions of <paramref name="planes"/> (<paramref name="width"/>×<paramref name="height"/> each; a
    /// boundary is an edge when it is one on any plane), best first, as pixel-boundary
    /// coordinates (x0, y0, x1, y1): the region covers columns x0 … x1 − 1 and rows y0 … y1 − 1. At most
    /// 3 · <see cref="MaxRegions"/> (some may hash to low quality or to a near copy of a better one and be dropped);
    /// none is nearly the same rectangle as a better one.
    /// </summary>
    internal static List<(int X0, int Y0, int X1, int Y1)> FindRegions(IReadOnlyList<float[]> planes, int width, int height)
    {
        var (w, h) = (width, height);
        // colEdges[x · (h + 1) + y]: edges on the boundary between columns x − 1 and x in rows < y (prefix sums down the
        // column); rowEdges[y · (w + 1) + x]: edges on the boundary between rows y − 1 and y in columns < x.
        var colEdges = new int[(w + 1) * (h + 1)];
        var rowEdges = new int[(h + 1) * (w + 1)];
        var colRun = new int[w + 1];
        var rowRun = new int[h + 1];
        var colCur = new int[w + 1];
        var rowCur = new int[h + 1];
        foreach (var luma in planes)
        {
            for (var y = 0; y < h; y++)
            {
                var row = y * w;
                for (var x = 2; x < w - 1; x++)
                {
                    var d = Math.Abs(luma[row + x] - luma[row + x - 1]);
                    var edge = d >= EdgeStep && d >= Math.Abs(luma[row + x - 1] - luma[row + x - 2]) && d >= Math.Abs(luma[row + x + 1] - luma[row + x]);
                    colEdges[(x * (h + 1)) + y + 1] |= edge ? 1 : 0;
                }
            }

            for (var x = 0; x < w; x++)
            {
                for (var y = 2; y < h - 1; y++)
                {
                    var d = Math.Abs(luma[(y * w) + x] - luma[((y - 1) * w) + x]);
                    var edge = d >= EdgeStep && d >= Math.Abs(luma[((y - 1) * w) + x] - luma[((y - 2) * w) + x])
                        && d >= Math.Abs(luma[((y + 1) * w) + x] - luma[(y * w) + x]);
                    rowEdges[(y * (w + 1)) + x + 1] |= edge ? 1 : 0;
                }
            }
        }

        // The longest stretch of each line where edges outnumber non-edges (Kadane's best sum of +1 / −1).
        for (var x = 2; x < w - 1; x++)
        {
            for (var y = 0; y < h; y++)
            {
                colCur[x] = Math.Max(0, colCur[x] + (colEdges[(x * (h + 1)) + y + 1] == 1 ? 1 : -1));
                colRun[x] = Math.Max(colRun[x], colCur[x]);
            }
        }

        for (var y = 2; y < h - 1; y++)
        {
            for (var x = 0; x < w; x++)
            {
                rowCur[y] = Math.Max(0, rowCur[y] + (rowEdges[(y * (w + 1)) + x + 1] == 1 ? 1 : -1));
                rowRun[y] = Math.Max(rowRun[y], rowCur[y]);
            }
        }

        // A step that falls between two reduced pixels is split over two boundaries, and the one that wins the
        // comparison with its neighbours changes from row to row: a pair of lines counts an edge on either, and a side is
        // the better of the pairs it belongs to (so texture is not counted on three lines at once).
        colEdges = Widen(colEdges, w + 1, h + 1);
        rowEdges = Widen(rowEdges, h + 1, w + 1);

        for (var x = 0; x <= w; x++)
        {
            for (var y = 0; y < h; y++)
            {
                colEdges[(x * (h + 1)) + y + 1] += colEdges[(x * (h + 1)) + y];
            }
        }

        for (var y = 0; y <= h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                rowEdges[(y * (w + 1)) + x + 1] += rowEdges[(y * (w + 1)) + x];
            }
        }

        double ColRaw(int x, int y0, int y1) => x < 0 || x > w ? 0 : (double)(colEdges[(x * (h + 1)) + y1] - colEdges[(x * (h + 1)) + y0]) / (y1 - y0);
        double RowRaw(int y, int x0, int x1) => y < 0 || y > h ? 0 : (double)(rowEdges[(y * (w + 1)) + x1] - rowEdges[(y * (w + 1)) + x0]) / (x1 - x0);
        // A side's support is the share of its length that is edge, less the mean share on the parallel lines
        // <see cref="Beside"/> pixels either way: a pasted picture's side stands alone, while texture, a regular pattern
        // or a picture enlarged by repeating pixels gives as many edges on the lines beside it (the mean of both sides: a
        // side between a busy picture and a calm one still stands out). Below <see cref="MinSupport"/> edge share, a side
        // has none. The ends of a side are not required to be edge (until
        // issue 21's second pass they had to be, half of each end eighth): a picture-in-picture's corner often meets a
        // stretch of the other picture as bright as itself, and that test lost 1 in 5 insets at half the width while the
        // sum of the sides' support (below) still ranks a closed outline first.
        double ColLine(double floor, int x, int y0, int y1) => Contrast(floor, ColRaw(x, y0, y1), ColRaw(x - Beside, y0, y1), ColRaw(x + Beside, y0, y1));
        double RowLine(double floor, int y, int x0, int x1) => Contrast(floor, RowRaw(y, x0, x1), RowRaw(y - Beside, x0, x1), RowRaw(y + Beside, x0, x1));
        double ColSupport(int x, int y0, int y1) => Math.Max(ColLine(MinSupport, x - 1, y0, y1), ColLine(MinSupport, x, y0, y1));
        double RowSupport(int y, int x0, int x1) => Math.Max(RowLine(MinSupport, y - 1, x0, x1), RowLine(MinSupport, y, x0, x1));

        var xs = Lines(colRun, w, (int)(MinSideShare * h * MinSupport / 2));
        var ys = Lines(rowRun, h, (int)(MinSideShare * w * MinSupport / 2));
        var minW = MinSideShare * w;
        var minH = MinSideShare * h;
        var maxArea = MaxAreaShare * w * h;
        var minArea = MinAreaShare * w * h;
        var scored = new List<(double Score, int X0, int Y0, int X1, int Y1)>();
        foreach (var x0 in xs)
        {
            foreach (var x1 in xs.Where(x1 => x1 - x0 >= minW))
            {
                foreach (var y0 in ys)
                {
                    foreach (var y1 in ys.Where(y1 => y1 - y0 >= minH))
                    {
                        if ((double)(x1 - x0) * (y1 - y0) > maxArea || (double)(x1 - x0) * (y1 - y0) < minArea)
                        {
                            continue;
                        }

                        var worst = 1.0;
                        var sum = 0.0;
                        var sides = 0;
                        void Side(double support)
                        {
                            worst = Math.Min(worst, support);
                            sum += support;
                            sides++;
                        }

                        if (x0 > 0)
                        {
                            Side(ColSupport(x0, y0, y1));
                        }

                        if (x1 < w)
                        {
                            Side(ColSupport(x1, y0, y1));
                        }

                        if (y0 > 0)
                        {
                            Side(RowSupport(y0, x0, x1));
                        }

                        if (y1 < h)
                        {
                            Side(RowSupport(y1, x0, x1));
                        }

                        if (sides > 0 && worst >= MinContrast)
                        {
                            // The sum over the inner sides: a closed outline is stronger evidence than one or two lines
                            // (each of which is already a clear edge); among equals, the larger.
                            scored.Add((sum + (1e-9 * (x1 - x0) * (y1 - y0)), x0, y0, x1, y1));
                        }
                    }
                }
            }
        }

        var chosen = new List<(int, int, int, int)>();
        foreach (var (_, x0, y0, x1, y1) in scored.OrderByDescending(s => s.Score).ThenBy(s => s.X0).ThenBy(s => s.Y0))
        {
            if (chosen.All(c => Overlap(c, (x0, y0, x1, y1)) <= NearSame))
            {
                // Sides on the frame's edge move in to the best-supported line near it, if any.
                var (sx, sy) = ((int)Math.Ceiling(SnapShare * w), (int)Math.Ceiling(SnapShare * h));
                // The frame-edge side is judged along the stretch between the other sides' margins only, and by its own
                // edge share (at least SnapMin) less the mean beside it: a picture-in-picture's margin strip is a few pixels
                // of the other picture, whose side is often a weaker step than the inner sides (the pictures near the
                // frame's edge), and the strip left in moves the hash by 20–60 bits.
                var (ry0, ry1) = (y0 == 0 ? sy : y0, y1 == h ? h - sy : y1);
                var (rx0, rx1) = (x0 == 0 ? sx : x0, x1 == w ? w - sx : x1);
                double ColSnap(int x) => ColLine(SnapMin, x, ry0, ry1);
                double RowSnap(int y) => RowLine(SnapMin, y, rx0, rx1);
                var a0 = x0 == 0 ? Snap(Enumerable.Range(1, sx), ColSnap, 0) : x0;
                var a1 = x1 == w ? Snap(Enumerable.Range(w - sx, sx - 1), ColSnap, w) : x1;
                var b0 = y0 == 0 ? Snap(Enumerable.Range(1, sy), RowSnap, 0) : y0;
                var b1 = y1 == h ? Snap(Enumerable.Range(h - sy, sy - 1), RowSnap, h) : y1;
                chosen.Add((a0, b0, a1, b1));
                if (chosen.Count == 3 * MaxRegions)
                {
                    break;
                }
            }
        }

        return chosen;
    }

    /// <summary>
    /// The frame's two edges (0 and <paramref name="size"/>) and the <see cref="LinesPerAxis"/> lines with the longest
    /// edge stretch of at least <paramref name="minRun"/>, no two within two pixels of each other, in increasing order.
    /// </summary>
    private static List<int> Lines(int[] run, int size, int minRun)
    {
        var picked = new List<int>();
        foreach (var i in Enumerable.Range(2, Math.Max(0, size - 3)).Where(i => run[i] >= Math.Max(minRun, 8)).OrderByDescending(i => run[i]).ThenBy(i => i))
        {
            if (picked.All(p => Math.Abs(p - i) > 2))
            {
                picked.Add(i);
                if (picked.Count == LinesPerAxis)
                {
                    break;
                }
            }
        }

        picked.Add(0);
        picked.Add(size);
        picked.Sort();
        return picked;
    }

    /// <summary>Each of <paramref name="lines"/> lines of <paramref name="length"/> marks an edge where it or the next line has one.</summary>
    private static int[] Widen(int[] edges, int lines, int length)
    {
        var wide = new int[edges.Length];
        for (var l = 0; l < lines; l++)
        {
            for (var i = 0; i < length; i++)
            {
                wide[(l * length) + i] = edges[(l * length) + i] | (l + 1 < lines ? edges[((l + 1) * length) + i] : 0);
            }
        }

        return wide;
    }

    /// <summary>
    /// A line's support: its edge share less the mean of the shares beside it, or 0 when the share is under
    /// <paramref name="floor"/> (<see cref="MinSupport"/> for a side, <see cref="SnapMin"/> for a margin line).
    /// </summary>
    private static double Contrast(double floor, double on, double before, double after) => on < floor ? 0 : on - ((before + after) / 2);

    /// <summary>The line of <paramref name="lines"/> best supported (at least <see cref="MinContrast"/>), or <paramref name="none"/>.</summary>
    private static int Snap(IEnumerable<int> lines, Func<int, double> support, int none)
    {
        var (best, at) = (MinContrast, none);
        foreach (var line in lines)
        {
            var s = support(line);
            if (s >= best)
            {
                (best, at) = (s, line);
            }
        }

        return at;
    }

    /// <summary>The PDQ hash of <paramref name="region"/> of packed pixels, from the pixels themselves.</summary>
    internal static PdqResult HashRegion(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int stride, PixelRegion region) =>
        PdqHasher.Hash(pixels[((region.Y * stride) + (region.X * PdqLuma.BytesPerPixel(format)))..], format, region.Width, region.Height, stride);

    /// <summary>Whether two regions are one for this search: they overlap by more than <see cref="NearSame"/> of their union.</summary>
    internal static bool SameRegion(PixelRegion a, PixelRegion b) =>
        Overlap((a.X, a.Y, a.X + a.Width, a.Y + a.Height), (b.X, b.Y, b.X + b.Width, b.Y + b.Height)) > NearSame;

    /// <summary>The overlap of two regions as a share of their union (a region inside another is still a hypothesis of its own).</summary>
    private static double Overlap((int X0, int Y0, int X1, int Y1) a, (int X0, int Y0, int X1, int Y1) b)
    {
        var ix = Math.Max(0, Math.Min(a.X1, b.X1) - Math.Max(a.X0, b.X0));
        var iy = Math.Max(0, Math.Min(a.Y1, b.Y1) - Math.Max(a.Y0, b.Y0));
        var union = ((double)(a.X1 - a.X0) * (a.Y1 - a.Y0)) + ((double)(b.X1 - b.X0) * (b.Y1 - b.Y0)) - ((double)ix * iy);
        return ix * iy / union;
    }
}
