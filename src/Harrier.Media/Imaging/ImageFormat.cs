namespace Harrier.Media.Imaging;

/// <summary>Image container formats recognised by their leading bytes (never by file extension).</summary>
public enum ImageFormat
{
    /// <summary>Not a recognised image.</summary>
    Unknown = 0,

    /// <summary>JPEG (SOI marker FF D8 FF).</summary>
    Jpeg,

    /// <summary>PNG.</summary>
    Png,

    /// <summary>GIF87a/89a (the first frame is decoded).</summary>
    Gif,

    /// <summary>Windows bitmap.</summary>
    Bmp,

    /// <summary>WebP (RIFF....WEBP).</summary>
    WebP,

    /// <summary>TIFF: recognised, but the decoder has no TIFF support.</summary>
    Tiff,

    /// <summary>HEIF/HEIC/AVIF (ISO-BMFF ftyp): recognised, not decodable here.</summary>
    Heif,

    /// <summary>Windows icon.</summary>
    Ico,
}
