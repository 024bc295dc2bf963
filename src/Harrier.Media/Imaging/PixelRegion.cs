namespace Harrier.Media.Imaging;

/// <summary>A rectangle of pixels inside an image.</summary>
public readonly record struct PixelRegion(int X, int Y, int Width, int Height)
{
    /// <summary>The whole of a <paramref name="width"/>×<paramref name="height"/> image.</summary>
    public static PixelRegion Whole(int width, int height) => new(0, 0, width, height);
}
