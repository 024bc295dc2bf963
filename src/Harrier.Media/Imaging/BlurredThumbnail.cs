using System.Runtime.InteropServices;
using SkiaSharp;

namespace Harrier.Media.Imaging;

/// <summary>How derived thumbnails are made: small, greyscale and blurred so that no detail is recognisable.</summary>
public sealed record ThumbnailOptions
{
    /// <summary>The smallest blur allowed: below it a 128-pixel thumbnail starts to show shapes.</summary>
    public const double MinimumBlurSigma = 2.0;

    /// <summary>Longest side of a thumbnail (and of each frame of a keyframe strip) in pixels; never enlarged.</summary>
    public int MaxSide { get; init; } = 128;

    /// <summary>Standard deviation of the Gaussian blur in thumbnail pixels (at least <see cref="MinimumBlurSigma"/>).</summary>
    public double BlurSigma { get; init; } = 3.0;

    /// <summary>Frames in a video's keyframe strip, evenly spaced over its length.</summary>
    public int StripFrames { get; init; } = 5;

    /// <summary>The defaults.</summary>
    public static readonly ThumbnailOptions Default = new();

    /// <summary>Throws when an option would produce a thumbnail that is too sharp or too large.</summary>
    public void Validate()
    {
        if (!(BlurSigma >= MinimumBlurSigma) || BlurSigma > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(BlurSigma), BlurSigma, $"the blur must be between {MinimumBlurSigma} and 64 pixels");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSide, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxSide, 256);
        ArgumentOutOfRangeException.ThrowIfLessThan(StripFrames, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(StripFrames, 32);
    }
}

/// <summary>An 8-bit greyscale picture, rows top first, no padding.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Pixels">Width × Height grey levels.</param>
public sealed record GreyImage(int Width, int Height, byte[] Pixels);

/// <summary>
/// Greyscale, downscaled, Gaussian-blurred thumbnails for the workbench, encoded as greyscale PNG (lossless, so
/// every decoded pixel has R = G = B and no codec artefact adds detail back).
/// </summary>
public static class BlurredThumbnail
{
    /// <summary>The thumbnail of a decoded image (luma by Rec. 601 weights; alpha ignored).</summary>
    public static GreyImage FromImage(DecodedImage image, ThumbnailOptions options)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        return image.Format == DecodedPixelFormat.Gray8
            ? Make(image.Pixels, image.Width, image.Height, image.Stride, 1, options)
            : Make(image.Pixels, image.Width, image.Height, image.Stride, 4, options);
    }

    /// <summary>The thumbnail of packed RGB24 pixels (a decoded video frame).</summary>
    public static GreyImage FromRgb24(ReadOnlySpan<byte> rgb, int width, int height, int stride, ThumbnailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Make(rgb, width, height, stride, 3, options);
    }

    /// <summary>Tiles side by side, top-aligned, on black; the strip is as tall as the tallest tile.</summary>
    public static GreyImage Strip(IReadOnlyList<GreyImage> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfZero(tiles.Count);
        var width = tiles.Sum(t => t.Width);
        var height = tiles.Max(t => t.Height);
        var pixels = new byte[width * height];
        var x0 = 0;
        foreach (var t in tiles)
        {
            for (var y = 0; y < t.Height; y++)
            {
                t.Pixels.AsSpan(y * t.Width, t.Width).CopyTo(pixels.AsSpan((y * width) + x0));
            }

            x0 += t.Width;
        }

        return new GreyImage(width, height, pixels);
    }

    /// <summary>A greyscale PNG of <paramref name="image"/>.</summary>
    public static byte[] EncodePng(GreyImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var pinned = new PinnedPixmap(image.Pixels, info);
        using var data = pinned.Pixmap.Encode(SKPngEncoderOptions.Default) ?? throw new InvalidOperationException("PNG encoding failed");
        return data.ToArray();
    }

    private sealed class PinnedPixmap : IDisposable
    {
        private GCHandle _handle;

        public PinnedPixmap(byte[] pixels, SKImageInfo info)
        {
            _handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
            Pixmap = new SKPixmap(info, _handle.AddrOfPinnedObject(), info.RowBytes);
        }

        public SKPixmap Pixmap { get; }

        public void Dispose()
        {
            Pixmap.Dispose();
            _handle.Free();
        }
    }

    private static GreyImage Make(ReadOnlySpan<byte> src, int width, int height, int stride, int channels, ThumbnailOptions options)
    {
        options.Validate();
        var (plane, tw, th) = DownscaleLuma(src, width, height, stride, channels, options.MaxSide);
        Blur(plane, tw, th, options.BlurSigma);
        var pixels = new byte[tw * th];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(Math.Round(plane[i]), 0, 255);
        }

        return new GreyImage(tw, th, pixels);
    }

    /// <summary>Luma (Rec. 601) averaged over each target pixel's source box, the long side at most <paramref name="maxSide"/>.</summary>
    internal static (double[] Plane, int Width, int Height) DownscaleLuma(ReadOnlySpan<byte> src, int width, int height, int stride, int channels, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(width, height));
        var tw = Math.Max(1, (int)Math.Round(width * scale));
        var th = Math.Max(1, (int)Math.Round(height * scale));

        var sum = new double[tw * th];
        var count = new int[tw * th];
        for (var y = 0; y < height; y++)
        {
            var ty = Math.Min(th - 1, (int)((long)y * th / height));
            var row = src.Slice(y * stride, width * channels);
            for (var x = 0; x < width; x++)
            {
                var tx = Math.Min(tw - 1, (int)((long)x * tw / width));
                double luma = channels == 1
                    ? row[x]
                    : (0.299 * row[x * channels]) + (0.587 * row[(x * channels) + 1]) + (0.114 * row[(x * channels) + 2]);
                sum[(ty * tw) + tx] += luma;
                count[(ty * tw) + tx]++;
            }
        }

        var plane = new double[tw * th];
        for (var i = 0; i < plane.Length; i++)
        {
            plane[i] = sum[i] / count[i];
        }

        return (plane, tw, th);
    }

    /// <summary>Separable Gaussian blur in place, edges clamped.</summary>
    internal static void Blur(double[] plane, int width, int height, double sigma)
    {
        var radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[(2 * radius) + 1];
        double total = 0;
        for (var i = -radius; i <= radius; i++)
        {
            kernel[i + radius] = Math.Exp(-(i * i) / (2 * sigma * sigma));
            total += kernel[i + radius];
        }

        for (var i = 0; i < kernel.Length; i++)
        {
            kernel[i] /= total;
        }

        var tmp = new double[plane.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double acc = 0;
                for (var k = -radius; k <= radius; k++)
                {
                    acc += kernel[k + radius] * plane[(y * width) + Math.Clamp(x + k, 0, width - 1)];
                }

                tmp[(y * width) + x] = acc;
            }
        }

        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double acc = 0;
                for (var k = -radius; k <= radius; k++)
                {
                    acc += kernel[k + radius] * tmp[(Math.Clamp(y + k, 0, height - 1) * width) + x];
                }

                plane[(y * width) + x] = acc;
            }
        }
    }
}
