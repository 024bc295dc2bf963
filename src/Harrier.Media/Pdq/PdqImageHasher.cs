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

    /// <summary>Hashes the rows of a reader (which must be at row 0); no full frame is needed.</summary>
    public static PdqResult Hash(ImageRowReader reader, PdqFrontEnd frontEnd = PdqFrontEnd.Full)
    {
        Span<float> buffer64 = stackalloc float[PdqCore.BufferLength];
        if (!TryBuffer(reader, frontEnd, buffer64))
        {
            return new PdqResult(Hashing.Hash256.Zero, 0);
        }

        Span<float> dct = stackalloc float[PdqCore.DctLength];
        PdqCore.Dct16(buffer64, dct);
        return new PdqResult(PdqCore.Threshold(dct), PdqCore.Quality(buffer64));
    }

    /// <summary>The eight dihedral hashes of a reader's rows.</summary>
    public static PdqDihedralResult HashDihedral(ImageRowReader reader, PdqFrontEnd frontEnd = PdqFrontEnd.Full)
    {
        Span<float> buffer64 = stackalloc float[PdqCore.BufferLength];
        if (!TryBuffer(reader, frontEnd, buffer64))
        {
            return PdqHasher.ZeroDihedral();
        }

        Span<float> dct = stackalloc float[PdqCore.DctLength];
        PdqCore.Dct16(buffer64, dct);
        return PdqHasher.DihedralFromDct(dct, PdqCore.Quality(buffer64));
    }

    private static bool TryBuffer(ImageRowReader reader, PdqFrontEnd frontEnd, Span<float> buffer64)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.NextRow != 0)
        {
            throw new ArgumentException("the reader must be at row 0", nameof(reader));
        }

        if (reader.Width < PdqHasher.MinDimension || reader.Height < PdqHasher.MinDimension)
        {
            return false;
        }

        var pre512 = frontEnd == PdqFrontEnd.Pre512 && (reader.Width > PdqCore.Pre512Size || reader.Height > PdqCore.Pre512Size);
        PdqCore.Buffer64FromReader(reader, pre512, buffer64);
        return true;
    }

    /// <summary>Decodes and hashes a file, streaming rows from the decoder where it can.</summary>
    /// <exception cref="ImageDecodeException">The file is not a decodable image within the decoder's limits.</exception>
    public static PdqResult HashFile(string path, PdqFrontEnd frontEnd = PdqFrontEnd.Full, ImageDecoderOptions? decoderOptions = null)
    {
        using var reader = ImageDecoder.OpenRows(path, decoderOptions);
        return Hash(reader, frontEnd);
    }

    /// <summary>Decodes a file and computes its eight dihedral hashes, streaming rows where it can.</summary>
    /// <exception cref="ImageDecodeException">The file is not a decodable image within the decoder's limits.</exception>
    public static PdqDihedralResult HashDihedralFile(string path, PdqFrontEnd frontEnd = PdqFrontEnd.Full, ImageDecoderOptions? decoderOptions = null)
    {
        using var reader = ImageDecoder.OpenRows(path, decoderOptions);
        return HashDihedral(reader, frontEnd);
    }
}
