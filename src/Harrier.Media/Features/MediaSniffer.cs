using Harrier.Media.Imaging;

namespace Harrier.Media.Features;

/// <summary>Tells images, videos and other files apart by their first bytes (never the file name).</summary>
public static class MediaSniffer
{
    /// <summary>The kind and format name of the file's content.</summary>
    public static (string Kind, string? Format) Sniff(string path)
    {
        Span<byte> header = stackalloc byte[32];
        int n;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None))
        {
            n = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        return Sniff(header[..n]);
    }

    /// <summary>The kind and format name of content starting with <paramref name="header"/>.</summary>
    public static (string Kind, string? Format) Sniff(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 12 && header.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = header.Slice(8, 4);
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("avif"u8))
            {
                return (MediaKinds.Other, "heif");
            }

            return (MediaKinds.Video, brand.SequenceEqual("qt  "u8) ? "mov" : "mp4");
        }

        if (header.Length >= 4 && header[..4].SequenceEqual((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return (MediaKinds.Video, "matroska");
        }

        if (header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header.Slice(8, 4).SequenceEqual("AVI "u8))
        {
            return (MediaKinds.Video, "avi");
        }

        if (header.Length >= 3 && header[..3].SequenceEqual("FLV"u8))
        {
            return (MediaKinds.Video, "flv");
        }

        if (header.Length >= 4 && header[..4].SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0xBA]))
        {
            return (MediaKinds.Video, "mpeg-ps");
        }

        var image = ImageSniffer.Detect(header);
        if (image != ImageFormat.Unknown)
        {
            return ImageSniffer.IsDecodable(image) ? (MediaKinds.Image, image.ToString().ToLowerInvariant()) : (MediaKinds.Other, image.ToString().ToLowerInvariant());
        }

        return (MediaKinds.Other, null);
    }
}
