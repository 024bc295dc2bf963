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

    [Fact]
    public void An_even_frame_is_found_where_the_picture_continues_the_frame_colour_on_some_sides()
    {
        // A 120×90 picture whose left 30 columns and top 12 rows are black, in a 10-pixel black frame.
        var rng = new Random(5);
        var content = new byte[120 * 90];
        rng.NextBytes(content);
        for (var y = 0; y < 90; y++)
        {
            for (var x = 0; x < 120; x++)
            {
                if (x < 30 || y < 12)
                {
                    content[(y * 120) + x] = 0;
                }
            }
        }

        var png = PngBuilder.Build(140, 110, 0, 140, y =>
        {
            var row = new byte[140];
            if (y >= 10 && y < 100)
            {
                content.AsSpan((y - 10) * 120, 120).CopyTo(row.AsSpan(10));
            }

            return row;
        });
        using var image = ImageDecoder.Decode(png, "framed.png");
        Assert.Equal(new PixelRegion(40, 22, 90, 78), BorderTrimmer.FindContent(image)); // the black background goes too
        var frame = BorderTrimmer.FindFrame(image);
        Assert.Equal(new PixelRegion(10, 10, 120, 90), frame);
        Assert.Equal(PdqHasher.Hash(content, PdqPixelFormat.Gray8, 120, 90, 120).Hash, PdqImageHasher.Hash(image, frame).Hash);

        // Bars on two sides only (a letterbox) are no even frame.
        using var letterbox = Padded(120, 90, 0, 20, 0, 20, 0, out _);
        Assert.Equal(PixelRegion.Whole(120, 130), BorderTrimmer.FindFrame(letterbox));
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
