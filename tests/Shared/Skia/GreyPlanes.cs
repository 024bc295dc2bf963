using SkiaSharp;

namespace Harrier.Testing;

/// <summary>
/// Checks on the blurred greyscale thumbnails and strips, shared by the Media and Cases tests (linked only into the
/// test projects that carry SkiaSharp, not through tests/Shared/*.cs).
/// </summary>
internal static class GreyPlanes
{
    /// <summary>Decodes a PNG as RGBA and checks R = G = B for every pixel; returns the grey levels.</summary>
    public static (int Width, int Height, byte[] Grey) DecodeGrey(byte[] png, string name = "png")
    {
        using var decoded = SKBitmap.Decode(png);
        Assert.NotNull(decoded);
        using var rgba = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Assert.True(decoded.CopyTo(rgba, SKColorType.Rgba8888));
        var bytes = rgba.GetPixelSpan();
        var grey = new byte[decoded.Width * decoded.Height];
        for (var i = 0; i < grey.Length; i++)
        {
            Assert.True(bytes[i * 4] == bytes[(i * 4) + 1] && bytes[i * 4] == bytes[(i * 4) + 2], $"{name}: pixel {i} is not grey");
            grey[i] = bytes[i * 4];
        }

        return (decoded.Width, decoded.Height, grey);
    }

    /// <summary>Mean squared 4-neighbour Laplacian over the interior: the picture's high-frequency energy.</summary>
    public static double HighFrequencyEnergy(Func<int, int, double> at, int width, int height)
    {
        double sum = 0;
        var n = 0;
        for (var y = 1; y < height - 1; y++)
        {
            for (var x = 1; x < width - 1; x++)
            {
                var l = (4 * at(x, y)) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1);
                sum += l * l;
                n++;
            }
        }

        return sum / n;
    }
}
