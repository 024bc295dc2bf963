namespace Harrier.Media.Pdq;

/// <summary>Pixel layouts the PDQ front end reads (8 bits per channel).</summary>
public enum PdqPixelFormat
{
    /// <summary>One grey byte per pixel; used as the luma directly (reference: 1- or 2-channel images).</summary>
    Gray8 = 0,

    /// <summary>R, G, B bytes per pixel.</summary>
    Rgb24 = 1,

    /// <summary>R, G, B, A bytes per pixel; alpha is ignored, as the reference does.</summary>
    Rgba32 = 2,

    /// <summary>B, G, R, A bytes per pixel; alpha is ignored.</summary>
    Bgra32 = 3,
}
