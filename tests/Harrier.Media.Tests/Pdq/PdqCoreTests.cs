using System.Numerics;
using Harrier.Media.Hashing;
using Harrier.Media.Pdq;

namespace Harrier.Media.Tests.Pdq;

/// <summary>The fast blur path against the literal scalar port, and the API's edge rules.</summary>
public sealed class PdqCoreTests
{
    public static TheoryData<int, int> Sizes() => new()
    {
        { 5, 5 }, { 5, 1000 }, { 1000, 5 }, { 7, 300 }, { 63, 65 }, { 65, 63 }, { 64, 65 }, { 100, 100 }, { 127, 129 },
        { 128, 128 }, { 129, 257 }, { 333, 211 }, { 512, 512 }, { 600, 17 }, { 1601, 1003 }, { 64, 64 }, { 64, 63 }, { 3000, 7 }, { 6, 2000 }, { 130, 4 * 130 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Fast_blur_and_decimation_are_bit_identical_to_the_reference_port(int width, int height)
    {
        var rng = new Random((width * 7919) + height);
        var luma = new float[width * height];
        for (var i = 0; i < luma.Length; i++)
        {
            // Luma-like values with fractional parts, so rounding order matters.
            luma[i] = (0.299f * rng.Next(256)) + (0.587f * rng.Next(256)) + (0.114f * rng.Next(256));
        }

        var a = (float[])luma.Clone();
        var b = (float[])luma.Clone();
        var expected = new float[64 * 64];
        var actual = new float[64 * 64];
        PdqCore.Buffer64Reference(a, new float[luma.Length], width, height, expected);
        PdqCore.Buffer64Fast(b, width, height, actual);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{width}×{height} index {i}: reference {expected[i]:G9}, fast {actual[i]:G9} (Vector<float>.Count={Vector<float>.Count}, accelerated={Vector.IsHardwareAccelerated})");
        }
    }

    [Theory]
    [InlineData(PdqPixelFormat.Rgba32)]
    [InlineData(PdqPixelFormat.Bgra32)]
    [InlineData(PdqPixelFormat.Rgb24)]
    [InlineData(PdqPixelFormat.Gray8)]
    public void Row_luma_equals_the_per_pixel_scalar_formula(PdqPixelFormat format)
    {
        var bpp = PdqLuma.BytesPerPixel(format);
        var rng = new Random(17);
        foreach (var width in new[] { 1, 7, 8, 9, 15, 16, 17, 31, 33, 64, 1001 })
        {
            var row = new byte[width * bpp];
            rng.NextBytes(row);
            var dst = new float[width];
            PdqLuma.Row(row, format, dst);
            for (var x = 0; x < width; x++)
            {
                float expected = format switch
                {
                    PdqPixelFormat.Gray8 => row[x],
                    PdqPixelFormat.Bgra32 => (0.299f * row[(x * 4) + 2]) + (0.587f * row[(x * 4) + 1]) + (0.114f * row[x * 4]),
                    _ => (0.299f * row[x * bpp]) + (0.587f * row[(x * bpp) + 1]) + (0.114f * row[(x * bpp) + 2]),
                };
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(dst[x]), $"{format} width {width} x {x}: {expected:G9} vs {dst[x]:G9}");
            }
        }
    }

    [Fact]
    public void Box_filter_follows_the_reference_window_rule()
    {
        // W = 8 on 20 samples of 0..19: out[p] is the mean of in[max(0,p-3) .. min(19,p+4)].
        var input = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        var output = new float[20];
        PdqCore.Box1DReference(input, output, 0, 20, 1, 8);
        for (var p = 0; p < 20; p++)
        {
            var lo = Math.Max(0, p - 3);
            var hi = Math.Min(19, p + 4);
            var mean = Enumerable.Range(lo, hi - lo + 1).Average();
            Assert.Equal(mean, output[p], 4);
        }
    }

    [Theory]
    [InlineData(1600, 13)]
    [InlineData(1004, 8)]
    [InlineData(64, 1)]
    [InlineData(128, 1)]
    [InlineData(129, 2)]
    public void Window_size_is_half_an_output_cell_rounded_up(int size, int window) =>
        Assert.Equal(window, PdqCore.WindowSize(size));

    [Theory]
    [InlineData(4, 100)]
    [InlineData(100, 4)]
    [InlineData(0, 0)]
    public void Images_under_5_pixels_hash_to_zero_with_quality_0(int width, int height)
    {
        var rgb = new byte[Math.Max(1, width * height * 3)];
        Array.Fill(rgb, (byte)77);
        var r = PdqHasher.HashRgb24(rgb, width, height, width * 3);
        Assert.Equal(new PdqResult(Hash256.Zero, 0), r);
        var d = PdqHasher.HashDihedralRgb24(rgb, width, height, width * 3, PdqFrontEnd.Pre512);
        Assert.All(d.ToArray(), h => Assert.Equal(Hash256.Zero, h));
        Assert.Equal(0, d.Quality);
        Assert.Equal(new PdqResult(Hash256.Zero, 0), PdqHasher.HashLuma(new float[width * height], width, height));
    }

    [Fact]
    public void Pixel_formats_agree_and_grey_is_used_directly()
    {
        var rng = new Random(3);
        const int w = 90, h = 70;
        var rgb = new byte[w * h * 3];
        rng.NextBytes(rgb);
        var rgba = new byte[w * h * 4];
        var bgra = new byte[w * h * 4];
        var padded = new byte[(w * 3 + 5) * h];
        for (var i = 0; i < w * h; i++)
        {
            rgba[4 * i] = bgra[(4 * i) + 2] = rgb[3 * i];
            rgba[(4 * i) + 1] = bgra[(4 * i) + 1] = rgb[(3 * i) + 1];
            rgba[(4 * i) + 2] = bgra[4 * i] = rgb[(3 * i) + 2];
            rgba[(4 * i) + 3] = bgra[(4 * i) + 3] = (byte)rng.Next(256);
            var y = i / w;
            var x = i % w;
            rgb.AsSpan(3 * i, 3).CopyTo(padded.AsSpan((y * ((w * 3) + 5)) + (3 * x)));
        }

        var expected = PdqHasher.HashRgb24(rgb, w, h, w * 3);
        Assert.Equal(128, expected.Hash.PopCount());
        Assert.Equal(expected, PdqHasher.Hash(rgba, PdqPixelFormat.Rgba32, w, h, w * 4));
        Assert.Equal(expected, PdqHasher.Hash(bgra, PdqPixelFormat.Bgra32, w, h, w * 4));
        Assert.Equal(expected, PdqHasher.HashRgb24(padded, w, h, (w * 3) + 5));

        var luma = new float[w * h];
        PdqHasher.ComputeLuma(rgb, PdqPixelFormat.Rgb24, w, h, w * 3, luma);
        Assert.Equal(expected, PdqHasher.HashLuma(luma, w, h));

        // Grey bytes are the luma (no 0.299/0.587/0.114 round trip).
        var grey = new byte[w * h];
        rng.NextBytes(grey);
        var greyLuma = grey.Select(g => (float)g).ToArray();
        Assert.Equal(PdqHasher.HashLuma(greyLuma, w, h), PdqHasher.Hash(grey, PdqPixelFormat.Gray8, w, h, w));
    }

    [Fact]
    public void Pre512_equals_hashing_the_nearest_neighbour_resized_image()
    {
        var rng = new Random(5);
        const int w = 900, h = 300;
        var rgb = new byte[w * h * 3];
        rng.NextBytes(rgb);
        var resized = new byte[512 * 512 * 3];
        for (var y = 0; y < 512; y++)
        {
            for (var x = 0; x < 512; x++)
            {
                var sx = (int)Math.Floor(x * (double)w / 512);
                var sy = (int)Math.Floor(y * (double)h / 512);
                rgb.AsSpan(((sy * w) + sx) * 3, 3).CopyTo(resized.AsSpan(((y * 512) + x) * 3));
            }
        }

        var expected = PdqHasher.HashRgb24(resized, 512, 512, 512 * 3);
        Assert.Equal(expected, PdqHasher.HashRgb24(rgb, w, h, w * 3, PdqFrontEnd.Pre512));
        Assert.NotEqual(expected, PdqHasher.HashRgb24(rgb, w, h, w * 3, PdqFrontEnd.Full));
    }

    [Fact]
    public void Dihedral_original_equals_the_plain_hash_and_transposes_are_consistent()
    {
        var rng = new Random(11);
        const int w = 120, h = 80;
        var luma = new float[w * h];
        for (var i = 0; i < luma.Length; i++)
        {
            luma[i] = rng.Next(256);
        }

        var plain = PdqHasher.HashLuma(luma, w, h);
        var dihedral = PdqHasher.HashDihedralLuma(luma, w, h);
        Assert.Equal(plain, dihedral.OriginalResult);
        Assert.Equal(8, dihedral.ToArray().Distinct().Count());

        // Hashing the transposed DCT's variants: flipplus1 of flipplus1 is the original.
        var buffer = new float[4096];
        PdqHasher.ComputeBuffer64(luma, w, h, buffer);
        var dct = new float[256];
        PdqHasher.Dct16(buffer, dct);
        var transposed = new float[256];
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 16; j++)
            {
                transposed[(j * 16) + i] = dct[(i * 16) + j];
            }
        }

        Assert.Equal(dihedral.FlipPlus1, PdqHasher.HashFromDct(transposed));
        Assert.Equal(dihedral.Original, PdqHasher.DihedralFromDct(transposed, 0).FlipPlus1);
    }

    [Fact]
    public void Buffer_validation_rejects_short_inputs()
    {
        Assert.Throws<ArgumentException>(() => PdqHasher.HashRgb24(new byte[10], 10, 10, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => PdqHasher.HashRgb24(new byte[300], 10, 10, 20));
        Assert.Throws<ArgumentException>(() => PdqHasher.Dct16(new float[100], new float[256]));
        Assert.Throws<ArgumentException>(() => PdqHasher.HashLuma(new float[10], 10, 10));
    }
}
