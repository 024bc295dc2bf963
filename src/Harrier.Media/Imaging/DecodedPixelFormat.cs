namespace Harrier.Media.Imaging;

/// <summary>The pixel layout of a <see cref="DecodedImage"/>.</summary>
public enum DecodedPixelFormat
{
    /// <summary>One grey byte per pixel (grey and grey+alpha sources; alpha dropped).</summary>
    Gray8 = 0,

    /// <summary>R, G, B, A bytes per pixel, unpremultiplied, no colour-space conversion.</summary>
    Rgba32 = 1,
}
