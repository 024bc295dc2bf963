namespace Harrier.Media.Imaging;

/// <summary>Why a file could not be decoded.</summary>
public enum ImageDecodeError
{
    /// <summary>The file is empty (zero bytes).</summary>
    Empty,

    /// <summary>The content is not a recognised image format.</summary>
    UnrecognisedFormat,

    /// <summary>A recognised format this decoder cannot read (e.g. TIFF, HEIF).</summary>
    UnsupportedFormat,

    /// <summary>The declared dimensions exceed the configured pixel cap (checked before any pixel memory is allocated).</summary>
    TooLarge,

    /// <summary>The file is larger than the configured byte cap.</summary>
    FileTooLarge,

    /// <summary>The data ends before the image does.</summary>
    Truncated,

    /// <summary>Headers or compressed data are invalid.</summary>
    Corrupt,

    /// <summary>The file could not be read.</summary>
    Io,
}
