using Harrier.Media.Imaging;

namespace Harrier.Testing;

/// <summary>What re-uploaders do to a photo (cuts, small turns), made on decoded pixels: shared by the Media and Matching tests.</summary>
internal static class PhotoTransforms
{
    /// <summary>What is left after cutting the given shares of the width (left, right) and height (top, bottom).</summary>
    internal static (byte[] Pixels, int Width, int Height) Cut(DecodedImage image, double left, double top, double right, double bottom)
    {
        var x0 = (int)Math.Round(image.Width * left);
        var y0 = (int)Math.Round(image.Height * top);
        var w = image.Width - x0 - (int)Math.Round(image.Width * right);
        var h = image.Height - y0 - (int)Math.Round(image.Height * bottom);
        var bpp = image.BytesPerPixel;
        var output = new byte[w * h * bpp];
        for (var y = 0; y < h; y++)
        {
            image.Pixels.Slice((((y + y0) * image.Width) + x0) * bpp, w * bpp).CopyTo(output.AsSpan(y * w * bpp));
        }

        return (output, w, h);
    }

    /// <summary>
    /// The image turned by <paramref name="degrees"/> about its centre and zoomed just enough that no corner is empty,
    /// on the same canvas (bilinear).
    /// </summary>
    internal static byte[] Rotate(DecodedImage image, double degrees)
    {
        var (w, h, bpp) = (image.Width, image.Height, image.BytesPerPixel);
        var rad = degrees * Math.PI / 180;
        var zoom = Math.Cos(rad) + (Math.Abs(Math.Sin(rad)) * Math.Max(w, h) / Math.Min(w, h));
        var (cx, cy) = ((w - 1) / 2.0, (h - 1) / 2.0);
        var src = image.Pixels.ToArray();
        var output = new byte[w * h * bpp];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                // Output pixel q shows original point c + R(−θ)·(q − c) / zoom.
                var (dx, dy) = (x - cx, y - cy);
                var sx = Math.Clamp(cx + (((Math.Cos(rad) * dx) + (Math.Sin(rad) * dy)) / zoom), 0, w - 1);
                var sy = Math.Clamp(cy + (((-Math.Sin(rad) * dx) + (Math.Cos(rad) * dy)) / zoom), 0, h - 1);
                var (x0, y0) = ((int)sx, (int)sy);
                var (x1, y1) = (Math.Min(x0 + 1, w - 1), Math.Min(y0 + 1, h - 1));
                var (fx, fy) = (sx - x0, sy - y0);
                for (var c = 0; c < bpp; c++)
                {
                    var (p00, p10) = (src[(((y0 * w) + x0) * bpp) + c], src[(((y0 * w) + x1) * bpp) + c]);
                    var (p01, p11) = (src[(((y1 * w) + x0) * bpp) + c], src[(((y1 * w) + x1) * bpp) + c]);
                    var v = ((1 - fy) * (((1 - fx) * p00) + (fx * p10))) + (fy * (((1 - fx) * p01) + (fx * p11)));
                    output[(((y * w) + x) * bpp) + c] = (byte)Math.Round(v);
                }
            }
        }

        return output;
    }
}
