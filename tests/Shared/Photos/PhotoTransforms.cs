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

    /// <summary>
    /// <paramref name="content"/> scaled to <paramref name="widthShare"/> of <paramref name="background"/>'s width (its
    /// shape kept) and laid over it in a corner (0 top left, 1 top right, 2 bottom left, 3 bottom right), 2 % of the width
    /// in from both edges: a picture-in-picture. Both images in one pixel format; the result has the background's width
    /// and its height, or more where the inset would not fit in 85 % of it.
    /// </summary>
    internal static (byte[] Pixels, int Width, int Height) PictureInPicture(DecodedImage content, DecodedImage background, double widthShare, int corner)
    {
        var (bw, bpp) = (background.Width, background.BytesPerPixel);
        var w = (int)Math.Round(bw * widthShare);
        var h = (int)Math.Round((double)w * content.Height / content.Width);
        // A frame too short for the inset (a portrait inset over a landscape frame) is the background stretched taller.
        var bh = Math.Max(background.Height, (int)Math.Ceiling(h / 0.85));
        var output = bh == background.Height ? background.Pixels.ToArray() : Scale(background, bw, bh);
        var margin = (int)Math.Round(bw * 0.02);
        var x0 = corner % 2 == 0 ? margin : bw - margin - w;
        var y0 = corner < 2 ? Math.Min(margin, bh - h) : Math.Max(0, bh - margin - h);
        Paste(Scale(content, w, h), w, h, bpp, output, bw, x0, y0);
        return (output, bw, bh);
    }

    /// <summary>
    /// <paramref name="content"/> shown as a screenshot shows a picture: a canvas of the content's size over 0.7 (the content
    /// 70 % of its width), a desktop made from <paramref name="background"/>, a top bar and a task bar (flat), a window
    /// title bar over the content, and dark text-like dashes in the bars (deterministic from <paramref name="seed"/>).
    /// </summary>
    internal static (byte[] Pixels, int Width, int Height) Screenshot(DecodedImage content, DecodedImage background, int seed)
    {
        var bpp = content.BytesPerPixel;
        var (cw, ch) = (content.Width, content.Height);
        var (w, h) = ((int)Math.Round(cw / 0.7), (int)Math.Round(ch / 0.7));
        var output = Scale(background, w, h);
        var random = new Random(seed);
        void Fill(int x0, int y0, int fw, int fh, byte v)
        {
            for (var y = Math.Max(0, y0); y < Math.Min(h, y0 + fh); y++)
            {
                for (var x = Math.Max(0, x0); x < Math.Min(w, x0 + fw); x++)
                {
                    for (var c = 0; c < bpp; c++)
                    {
                        output[(((y * w) + x) * bpp) + c] = c == 3 ? (byte)255 : v;
                    }
                }
            }
        }

        void Text(int x0, int y0, int tw, int th)
        {
            for (var x = x0; x < x0 + tw;)
            {
                var dash = random.Next(th / 2, th * 2);
                Fill(x, y0 + (th / 4), Math.Min(dash, x0 + tw - x), th / 2, 30);
                x += dash + random.Next(th / 3, th);
            }
        }

        var bar = Math.Max(4, h / 30);
        Fill(0, 0, w, bar, 230);
        Text(w / 40, bar / 4, w / 4, bar / 2);
        Fill(0, h - (2 * bar), w, 2 * bar, 50);
        for (var k = 0; k < 5; k++)
        {
            Fill((w / 3) + (k * 3 * bar), h - (2 * bar) + (bar / 3), 2 * bar, (4 * bar) / 3, (byte)(120 + (20 * k)));
        }

        var (x0, y0) = ((w - cw) / 3, (h - ch) / 2);
        Fill(x0, y0 - (2 * bar), cw, 2 * bar, 200);
        Text(x0 + bar, y0 - (2 * bar) + (bar / 2), cw / 3, bar);
        Paste(content.Pixels.ToArray(), cw, ch, bpp, output, w, x0, y0);
        return (output, w, h);
    }

    /// <summary>
    /// The image resized to <paramref name="width"/>×<paramref name="height"/>: by averaging the source pixels under each
    /// output pixel when it shrinks both ways, else bilinearly (as a desktop enlarges its wallpaper).
    /// </summary>
    internal static byte[] Scale(DecodedImage image, int width, int height)
    {
        var (sw, sh, bpp) = (image.Width, image.Height, image.BytesPerPixel);
        var src = image.Pixels;
        if (width > sw || height > sh)
        {
            var up = new byte[width * height * bpp];
            for (var y = 0; y < height; y++)
            {
                var fy = Math.Clamp(((y + 0.5) * sh / height) - 0.5, 0, sh - 1);
                var (y0, y1) = ((int)fy, Math.Min((int)fy + 1, sh - 1));
                for (var x = 0; x < width; x++)
                {
                    var fx = Math.Clamp(((x + 0.5) * sw / width) - 0.5, 0, sw - 1);
                    var (x0, x1) = ((int)fx, Math.Min((int)fx + 1, sw - 1));
                    var (ax, ay) = (fx - x0, fy - y0);
                    for (var c = 0; c < bpp; c++)
                    {
                        var top = ((1 - ax) * src[(((y0 * sw) + x0) * bpp) + c]) + (ax * src[(((y0 * sw) + x1) * bpp) + c]);
                        var bottom = ((1 - ax) * src[(((y1 * sw) + x0) * bpp) + c]) + (ax * src[(((y1 * sw) + x1) * bpp) + c]);
                        up[(((y * width) + x) * bpp) + c] = (byte)Math.Round(((1 - ay) * top) + (ay * bottom));
                    }
                }
            }

            return up;
        }

        var output = new byte[width * height * bpp];
        var sum = new double[bpp];
        for (var y = 0; y < height; y++)
        {
            var (sy0, sy1) = (y * sh / height, Math.Max((y * sh / height) + 1, (y + 1) * sh / height));
            for (var x = 0; x < width; x++)
            {
                var (sx0, sx1) = (x * sw / width, Math.Max((x * sw / width) + 1, (x + 1) * sw / width));
                Array.Clear(sum);
                for (var yy = sy0; yy < Math.Min(sy1, sh); yy++)
                {
                    for (var xx = sx0; xx < Math.Min(sx1, sw); xx++)
                    {
                        for (var c = 0; c < bpp; c++)
                        {
                            sum[c] += src[(((yy * sw) + xx) * bpp) + c];
                        }
                    }
                }

                var n = (Math.Min(sy1, sh) - sy0) * (Math.Min(sx1, sw) - sx0);
                for (var c = 0; c < bpp; c++)
                {
                    output[(((y * width) + x) * bpp) + c] = (byte)Math.Round(sum[c] / n);
                }
            }
        }

        return output;
    }

    private static void Paste(byte[] pixels, int w, int h, int bpp, byte[] into, int intoWidth, int x0, int y0)
    {
        for (var y = 0; y < h; y++)
        {
            pixels.AsSpan(y * w * bpp, w * bpp).CopyTo(into.AsSpan((((y0 + y) * intoWidth) + x0) * bpp));
        }
    }
}
