using Harrier.Media.Imaging;
using Harrier.Media.Pdq;

namespace Harrier.Media.Tests.Imaging;

public sealed class BorderTrimmerTests
{
    private static DecodedImage Padded(int cw, int ch, int left, int top, int right, int bottom, byte border, out byte[] content)
    {
        var rng = new Random(cw + ch);
        content = new byte[cw * ch];
        rng.NextBytes(content);
        var w = cw + left + right;
        var h = ch + top + bottom;
        var c = content;
        var png = PngBuilder.Build(w, h, 0, w, y =>
        {
            var row = new byte[w];
            Array.Fill(row, border);
            if (y >= top && y < top + ch)
            {
                c.AsSpan((y - top) * cw, cw).CopyTo(row.AsSpan(left));
            }

            return row;
        });
        return ImageDecoder.Decode(png, "padded.png");
    }

    [Theory]
    [InlineData(10, 10, 10, 10, 0)]
    [InlineData(0, 30, 0, 30, 0)]
    [InlineData(7, 0, 12, 3, 255)]
    [InlineData(0, 0, 0, 0, 0)]
    public void Finds_the_content_inside_uniform_borders_and_hashes_it_like_the_unpadded_image(int left, int top, int right, int bottom, byte border)
    {
        using var image = Padded(120, 90, left, top, right, bottom, border, out var content);
        var region = BorderTrimmer.FindContent(image);
        Assert.Equal(new PixelRegion(left, top, 120, 90), region);
        var expected = PdqHasher.Hash(content, PdqPixelFormat.Gray8, 120, 90, 120);
        Assert.Equal(expected, PdqImageHasher.Hash(image, region));
        Assert.Equal(expected, PdqImageHasher.HashDihedral(image, region).OriginalResult);
    }

    [Fact]
    public void Nested_bars_are_peeled_layer_by_layer()
    {
        // 20 rows of dark bar, then 10 px of light page around the picture on every side.
        var rng = new Random(9);
        const int w = 200, h = 160;
        var png = PngBuilder.Build(w, h, 0, w, y =>
        {
            var row = new byte[w];
            if (y < 20)
            {
                Array.Fill(row, (byte)40);
                return row;
            }

            Array.Fill(row, (byte)235);
            if (y >= 30 && y < h - 10)
            {
                rng.NextBytes(row.AsSpan(10, w - 20));
            }

            return row;
        });
        using var image = ImageDecoder.Decode(png, "chrome.png");
        Assert.Equal(new PixelRegion(10, 30, w - 20, h - 40), BorderTrimmer.FindContent(image));
        Assert.Equal(new PixelRegion(10, 20, w - 20, h - 30), BorderTrimmer.FindContent(image, maxLayers: 1));
    }

    [Fact]
    public void A_flat_image_is_left_whole()
    {
        var png = PngBuilder.Build(50, 40, 0, 50, _ => Enumerable.Repeat((byte)128, 50).ToArray());
        using var image = ImageDecoder.Decode(png, "flat.png");
        Assert.Equal(PixelRegion.Whole(50, 40), BorderTrimmer.FindContent(image));
    }
}
