namespace Harrier.Media.Imaging;

/// <summary>Recognises image formats by content (magic bytes).</summary>
public static class ImageSniffer
{
    /// <summary>How many leading bytes format detection looks at.</summary>
    public const int HeaderLength = 16;

    /// <summary>The format whose signature starts <paramref name="header"/>, or <see cref="ImageFormat.Unknown"/>.</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (header.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (header.StartsWith("GIF87a"u8) || header.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        if (header.Length >= 14 && header[0] == (byte)'B' && header[1] == (byte)'M')
        {
            return ImageFormat.Bmp;
        }

        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        if (header.StartsWith("II*\0"u8) || header.StartsWith("MM\0*"u8))
        {
            return ImageFormat.Tiff;
        }

        if (header.Length >= 12 && header.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return ImageFormat.Heif;
        }

        if (header.Length >= 6 && header[0] == 0 && header[1] == 0 && header[2] == 1 && header[3] == 0 && (header[4] | header[5]) != 0)
        {
            return ImageFormat.Ico;
        }

        return ImageFormat.Unknown;
    }

    /// <summary>Reads the first bytes of a file and detects its format.</summary>
    public static ImageFormat Detect(string path)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        return Detect(header[..read]);
    }

    /// <summary>Whether the decoder in this build can decode <paramref name="format"/>.</summary>
    public static bool IsDecodable(ImageFormat format) =>
        format is ImageFormat.Jpeg or ImageFormat.Png or ImageFormat.Gif or ImageFormat.Bmp or ImageFormat.WebP or ImageFormat.Ico;
}
