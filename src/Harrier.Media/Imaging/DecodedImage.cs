
namespace Harrier.Media.Imaging;

/// <summary>
/// Decoded 8-bit pixels, rows top first, no padding (<see cref="Stride"/> = width × bytes per pixel).
/// The buffer is pooled: dispose the image when done and do not keep <see cref="Pixels"/> beyond that.
/// </summary>
public sealed class DecodedImage : IDisposable
{
    private byte[]? _buffer;

    internal DecodedImage(byte[] buffer, int width, int height, DecodedPixelFormat format, ImageFormat sourceFormat, int sourceChannels, int exifOrientation, bool orientationApplied)
    {
        _buffer = buffer;
        Width = width;
        Height = height;
        Format = format;
        SourceFormat = sourceFormat;
        SourceChannels = sourceChannels;
        ExifOrientation = exifOrientation;
        OrientationApplied = orientationApplied;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixel layout.</summary>
    public DecodedPixelFormat Format { get; }

    /// <summary>The container format the pixels came from.</summary>
    public ImageFormat SourceFormat { get; }

    /// <summary>Channels in the source as the PDQ reference counts them: 1 grey, 2 grey+alpha, 3 colour, 4 colour+alpha or CMYK.</summary>
    public int SourceChannels { get; }

    /// <summary>The EXIF orientation tag (1..8; 1 when absent).</summary>
    public int ExifOrientation { get; }

    /// <summary>Whether <see cref="ExifOrientation"/> was applied to the pixels.</summary>
    public bool OrientationApplied { get; }

    /// <summary>Bytes per pixel (1 or 4).</summary>
    public int BytesPerPixel => Format == DecodedPixelFormat.Gray8 ? 1 : 4;

    /// <summary>Bytes from one row to the next.</summary>
    public int Stride => Width * BytesPerPixel;

    /// <summary>The pixel bytes (Stride × Height).</summary>
    public ReadOnlySpan<byte> Pixels => (_buffer ?? throw new ObjectDisposedException(nameof(DecodedImage))).AsSpan(0, Stride * Height);

    internal byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(DecodedImage));

    /// <summary>Returns the pixel buffer to the pool.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            MediaBuffers.Return(buffer);
        }
    }
}
