namespace Harrier.Media.Imaging;

/// <summary>
/// Finds the content inside uniform borders (letterbox bars, padding, frames). A border line (row or column) is one
/// whose pixels all lie within <c>tolerance</c> of the line's mean colour, and whose mean is within <c>tolerance</c> of
/// the outermost line's mean; trimming stops at the first line that is not. Optional pre-processing step for
/// perceptual hashes: apply it the same way to indexed and queried images.
/// </summary>
public static class BorderTrimmer
{
    /// <summary>Default per-channel tolerance (absorbs JPEG ringing along flat bars).</summary>
    public const int DefaultTolerance = 24;

    /// <summary>
    /// The content region of <paramref name="image"/>. Peels up to <paramref name="maxLayers"/> nested layers of
    /// bars (e.g. a screenshot's window chrome, then the page background around a picture). Returns the whole image
    /// when trimming would leave less than <paramref name="minKeepFraction"/> of either dimension (e.g. a flat image).
    /// </summary>
    public static PixelRegion FindContent(DecodedImage image, int tolerance = DefaultTolerance, double minKeepFraction = 0.25, int maxLayers = 3)
    {
        ArgumentNullException.ThrowIfNull(image);
        var whole = PixelRegion.Whole(image.Width, image.Height);
        var region = whole;
        for (var layer = 0; layer < maxLayers; layer++)
        {
            var next = Peel(image, region, tolerance);
            if (next == region)
            {
                break;
            }

            region = next;
        }

        return region.Width < image.Width * minKeepFraction || region.Height < image.Height * minKeepFraction || region.Width < 1 || region.Height < 1
            ? whole
            : region;
    }

    /// <summary>
    /// The content inside an even frame: the thinnest of the four uniform sides of the outermost layer, taken off every
    /// side. A frame added around a re-post is usually equally wide all round, while the picture's own background may
    /// continue the frame's colour on some sides (a photo on black in a black frame): <see cref="FindContent"/> then
    /// peels that background too, this stops at the frame. The whole image when a side has no uniform line or too
    /// little would be left.
    /// </summary>
    public static PixelRegion FindFrame(DecodedImage image, int tolerance = DefaultTolerance, double minKeepFraction = 0.25)
    {
        ArgumentNullException.ThrowIfNull(image);
        var whole = PixelRegion.Whole(image.Width, image.Height);
        var r = Peel(image, whole, tolerance);
        var t = Math.Min(Math.Min(r.X, r.Y), Math.Min(image.Width - r.X - r.Width, image.Height - r.Y - r.Height));
        var (w, h) = (image.Width - (2 * t), image.Height - (2 * t));
        return t <= 0 || w < image.Width * minKeepFraction || h < image.Height * minKeepFraction || w < 1 || h < 1
            ? whole
            : new PixelRegion(t, t, w, h);
    }

    /// <summary>One layer: uniform rows off the top and bottom, then uniform columns (within those rows) off the sides.</summary>
    private static PixelRegion Peel(DecodedImage image, PixelRegion r, int tolerance)
    {
        var px = image.Pixels;
        var bpp = image.BytesPerPixel;
        var channels = Math.Min(bpp, 3);
        var stride = image.Stride;
        var top = r.Y + Count(px, r.Y, 1, r.Height, stride, bpp, r.X, r.X + r.Width, channels, tolerance);
        var bottom = r.Y + r.Height - Count(px, r.Y + r.Height - 1, -1, r.Y + r.Height - top, stride, bpp, r.X, r.X + r.Width, channels, tolerance);
        var left = r.X + Count(px, r.X, 1, r.Width, bpp, stride, top, bottom, channels, tolerance);
        var right = r.X + r.Width - Count(px, r.X + r.Width - 1, -1, r.X + r.Width - left, bpp, stride, top, bottom, channels, tolerance);
        return new PixelRegion(left, top, Math.Max(0, right - left), Math.Max(0, bottom - top));
    }

    /// <summary>
    /// Counts border lines from line <paramref name="first"/> inward. Line k starts at byte k·<paramref name="lineStep"/>;
    /// its pixels <paramref name="from"/>..<paramref name="to"/> are <paramref name="pixelStep"/> bytes apart.
    /// </summary>
    private static int Count(ReadOnlySpan<byte> px, int first, int dir, int limit, int lineStep, int pixelStep, int from, int to, int channels, int tolerance)
    {
        Span<int> reference = stackalloc int[3];
        Span<int> mean = stackalloc int[3];
        var count = 0;
        for (var k = 0; k < limit; k++)
        {
            var line = (Start: (first + (dir * k)) * lineStep, Step: pixelStep, From: from, To: to);
            if (!Uniform(px, line, channels, tolerance, mean))
            {
                break;
            }

            if (k == 0)
            {
                mean.CopyTo(reference);
            }
            else if (Math.Abs(mean[0] - reference[0]) > tolerance || Math.Abs(mean[1] - reference[1]) > tolerance || Math.Abs(mean[2] - reference[2]) > tolerance)
            {
                break;
            }

            count++;
        }

        return count;
    }

    private static bool Uniform(ReadOnlySpan<byte> px, (int Start, int Step, int From, int To) line, int channels, int tolerance, Span<int> mean)
    {
        var n = line.To - line.From;
        if (n <= 0)
        {
            return false;
        }

        Span<long> sum = stackalloc long[3];
        for (var i = line.From; i < line.To; i++)
        {
            var o = line.Start + (i * line.Step);
            for (var c = 0; c < channels; c++)
            {
                sum[c] += px[o + c];
            }
        }

        for (var c = 0; c < 3; c++)
        {
            mean[c] = c < channels ? (int)(sum[c] / n) : mean[0];
        }

        for (var i = line.From; i < line.To; i++)
        {
            var o = line.Start + (i * line.Step);
            for (var c = 0; c < channels; c++)
            {
                if (Math.Abs(px[o + c] - mean[c]) > tolerance)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
