using Harrier.Media.Imaging;

namespace Harrier.Media.Pdq;

/// <summary>PDQ over <see cref="ImageDecoder"/> output: decoded images and files.</summary>
public static class PdqImageHasher
{
    /// <summary>The PDQ pixel format of a decoded image (grey stays grey, RGBA ignores alpha).</summary>
    public static PdqPixelFormat PixelFormatOf(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image.Format == DecodedPixelFormat.Gray8 ? PdqPixelFormat.Gray8 : PdqPixelFormat.Rgba32;
    }

    /// <summary>Hashes a decoded image.</summary>
    public static PdqResult Hash(DecodedImage image, PdqFrontEnd frontEnd = PdqFrontEnd.Full)
    {
        ArgumentNullException.ThrowIfNull(image);
        return PdqHasher.Hash(image.Pixels, PixelFormatOf(image), image.Width, image.Height, image.Stride, frontEnd);
    }

    /// <summary>The eight dihedral hashes of a decoded image.</summary>
    public static PdqDihedralResult HashDihedral(DecodedImage image, PdqFrontEnd frontEnd = PdqFrontEnd.Full)
    {
        ArgumentNullException.ThrowIfNull(image);
        return PdqHasher.HashDihedral(image.Pixels, PixelFormatOf(image), image.Width, image.Height, image.Stride, frontEnd);
    }

    /// <summary>Hashes a region of a decoded image (e.g. the content found by <see cref="BorderTrimmer"/>).</summary>
    public static PdqResult Hash(DecodedImage image, PixelRegion region, PdqFrontEnd frontEnd = PdqFrontEnd.Full)
    {
        ArgumentNullException.ThrowIfNull(image);
        return PdqHasher.Hash(Slice(image, region), PixelFormatOf(image), region.Width, region.Height, image.Stride, frontEnd);
    }

    /// <summary>The eight dihedral hashes of a region of a decoded image.</summary>
    public static PdqDihedralResult HashDihedral(DecodedImage image, PixelRegion region, PdqFrontEnd frontEnd = PdqFrontEnd.Full)
    {
        ArgumentNullException.ThrowIfNull(image);
        return PdqHasher.HashDihedral(Slice(image, region), PixelFormatOf(image), region.Width, region.Height, image.Stride, frontEnd);
    }

    private static ReadOnlySpan<byte> Slice(DecodedImage image, PixelRegion region)
    {
        if (region.X < 0 || region.Y < 0 || region.Width < 0 || region.Height < 0
            || region.X + region.Width > image.Width || region.Y + region.Height > image.Height)
        {
            throw new ArgumentOutOfRangeException(nameof(region), $"{region} is not inside {image.Width}×{image.Height}");
        }

        return image.Pixels[((region.Y * image.Stride) + (region.X * image.BytesPerPixel))..];
    }

    /// <summary>Decodes and hashes a file.</summary>
    /// <exception cref="ImageDecodeException">The file is not a decodable image within the decoder's limits.</exception>
    public static PdqResult HashFile(string path, PdqFrontEnd frontEnd = PdqFrontEnd.Full, ImageDecoderOptions? decoderOptions = null)
    {
        using var image = ImageDecoder.Decode(path, decoderOptions);
        return Hash(image, frontEnd);
    }

    /// <summary>Decodes a file and computes its eight dihedral hashes.</summary>
    /// <exception cref="ImageDecodeException">The file is not a decodable image within the decoder's limits.</exception>
    public static PdqDihedralResult HashDihedralFile(string path, PdqFrontEnd frontEnd = PdqFrontEnd.Full, ImageDecoderOptions? decoderOptions = null)
    {
        using var image = ImageDecoder.Decode(path, decoderOptions);
        return HashDihedral(image, frontEnd);
    }
}
