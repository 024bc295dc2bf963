using System.Numerics;
using System.Runtime.InteropServices;

namespace Harrier.Media.Pdq;

/// <summary>
/// Pixels → float32 luma (spec §1.2): <c>Y = 0.299f·R + 0.587f·G + 0.114f·B</c>, float32 products summed left to
/// right; grey is used as is. Also the C++ CLI's 512×512 nearest-neighbour pre-resize, done while reading luma.
/// </summary>
internal static class PdqLuma
{
    public const float RCoeff = 0.299f;
    public const float GCoeff = 0.587f;
    public const float BCoeff = 0.114f;

    public static int BytesPerPixel(PdqPixelFormat format) => format switch
    {
        PdqPixelFormat.Gray8 => 1,
        PdqPixelFormat.Rgb24 => 3,
        PdqPixelFormat.Rgba32 or PdqPixelFormat.Bgra32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static void Validate(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        var bpp = BytesPerPixel(format);
        if (stride < (long)width * bpp)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), $"stride {stride} is shorter than a row of {width} {format} pixels");
        }

        if (height > 0 && pixels.Length < ((long)(height - 1) * stride) + ((long)width * bpp))
        {
            throw new ArgumentException($"pixel buffer of {pixels.Length} bytes is too small for {width}×{height} {format} at stride {stride}", nameof(pixels));
        }
    }

    /// <summary>Luma of one row (as many pixels as <paramref name="dst"/> holds).</summary>
    public static void Row(ReadOnlySpan<byte> row, PdqPixelFormat format, Span<float> dst)
    {
        var width = dst.Length;
        switch (format)
        {
            case PdqPixelFormat.Gray8:
                for (var x = 0; x < width; x++)
                {
                    dst[x] = row[x];
                }

                break;
            case PdqPixelFormat.Rgb24:
                row = row[..(width * 3)];
                for (int x = 0, i = 0; x < width; x++, i += 3)
                {
                    dst[x] = (RCoeff * row[i]) + (GCoeff * row[i + 1]) + (BCoeff * row[i + 2]);
                }

                break;
            case PdqPixelFormat.Rgba32:
            {
                row = row[..(width * 4)];
                var x = Vector.IsHardwareAccelerated ? Row32Vector(row, dst, 0, 16) : 0;
                for (var i = x * 4; x < width; x++, i += 4)
                {
                    dst[x] = (RCoeff * row[i]) + (GCoeff * row[i + 1]) + (BCoeff * row[i + 2]);
                }

                break;
            }

            case PdqPixelFormat.Bgra32:
            {
                row = row[..(width * 4)];
                var x = Vector.IsHardwareAccelerated ? Row32Vector(row, dst, 16, 0) : 0;
                for (var i = x * 4; x < width; x++, i += 4)
                {
                    dst[x] = (RCoeff * row[i + 2]) + (GCoeff * row[i + 1]) + (BCoeff * row[i]);
                }

                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(format));
        }
    }

    /// <summary>
    /// 4-byte pixels, Vector&lt;uint&gt; lanes = pixels (little-endian: byte 0 is bits 0..7). Each lane does exactly the
    /// scalar sequence: three float32 products, then (r·cR + g·cG) + b·cB, with no fused multiply-add. Returns how many
    /// pixels were done; the caller finishes the tail with scalar code.
    /// </summary>
    private static int Row32Vector(ReadOnlySpan<byte> row, Span<float> dst, int redShift, int blueShift)
    {
        var pixels = MemoryMarshal.Cast<byte, uint>(row);
        var n = pixels.Length - (pixels.Length % Vector<uint>.Count);
        var mask = new Vector<uint>(0xFF);
        var cr = new Vector<float>(RCoeff);
        var cg = new Vector<float>(GCoeff);
        var cb = new Vector<float>(BCoeff);
        for (var x = 0; x < n; x += Vector<uint>.Count)
        {
            var v = new Vector<uint>(pixels.Slice(x, Vector<uint>.Count));
            var r = Vector.ConvertToSingle(Vector.AsVectorInt32(Vector.ShiftRightLogical(v, redShift) & mask));
            var g = Vector.ConvertToSingle(Vector.AsVectorInt32(Vector.ShiftRightLogical(v, 8) & mask));
            var b = Vector.ConvertToSingle(Vector.AsVectorInt32(Vector.ShiftRightLogical(v, blueShift) & mask));
            var pr = cr * r;
            var pg = cg * g;
            var pb = cb * b;
            var sum = pr + pg;
            (sum + pb).CopyTo(dst.Slice(x, Vector<float>.Count));
        }

        return n;
    }

    /// <summary>Luma of a whole image into a dense width×height buffer.</summary>
    public static void Image(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride, Span<float> luma)
    {
        for (var y = 0; y < height; y++)
        {
            Row(pixels.Slice(y * stride), format, luma.Slice(y * width, width));
        }
    }

    /// <summary>The source index for destination index <paramref name="dst"/> of the 512 nearest-neighbour resize.</summary>
    public static int Pre512Source(int dst, int srcSize) => (int)Math.Floor(dst * (double)srcSize / PdqCore.Pre512Size);

    /// <summary>The 512 nearest-neighbour resize of an existing luma buffer.</summary>
    public static void LumaPre512(ReadOnlySpan<float> luma, int width, int height, Span<float> luma512)
    {
        const int n = PdqCore.Pre512Size;
        Span<int> xs = stackalloc int[n];
        for (var x = 0; x < n; x++)
        {
            xs[x] = Pre512Source(x, width);
        }

        for (var y = 0; y < n; y++)
        {
            var src = luma.Slice(Pre512Source(y, height) * width, width);
            var dst = luma512.Slice(y * n, n);
            for (var x = 0; x < n; x++)
            {
                dst[x] = src[xs[x]];
            }
        }
    }
}
