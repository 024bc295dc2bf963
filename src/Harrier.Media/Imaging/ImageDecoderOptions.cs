namespace Harrier.Media.Imaging;

/// <summary>Limits and choices for <see cref="ImageDecoder"/>.</summary>
public sealed record ImageDecoderOptions
{
    /// <summary>The defaults: 100 MP pixel cap, 1 GiB file cap, EXIF orientation not applied.</summary>
    public static ImageDecoderOptions Default { get; } = new();

    /// <summary>
    /// Largest width×height accepted. The declared size is checked before any pixel memory is allocated, so a
    /// header that claims 50,000×50,000 (or a decompression bomb) fails fast. Decoding needs 4 bytes per pixel.
    /// </summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Largest file accepted, in bytes.</summary>
    public long MaxFileBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Rotate/flip the pixels as the EXIF orientation tag says. Off by default: PDQ reference hashes are of the
    /// stored pixel orientation.
    /// </summary>
    public bool ApplyExifOrientation { get; init; }
}
