using SkiaSharp;

namespace Harrier.Media.Imaging;

/// <summary>
/// Reads a decoded image top to bottom, a few rows at a time. Backed by Skia's scanline decoder where the codec
/// supports it (JPEG in this build; its PNG codec does not), so only the rows asked for exist in memory; otherwise
/// by a full decode. Pixels are the same bytes <see cref="ImageDecoder.Decode(string, ImageDecoderOptions?)"/> gives.
/// Not thread-safe. Created by <see cref="ImageDecoder.OpenRows(string, ImageDecoderOptions?)"/>.
/// </summary>
public sealed class ImageRowReader : IDisposable
{
    private readonly CodecSession? _session;
    private readonly DecodedImage? _image;
    private readonly string _name;
    private readonly byte[]? _rgbaRow;
    private int _nextRow;

    private ImageRowReader(CodecSession session)
    {
        _session = session;
        _name = session.Name;
        Width = session.DecodeInfo.Width;
        Height = session.DecodeInfo.Height;
        Format = session.Channels <= 2 ? DecodedPixelFormat.Gray8 : DecodedPixelFormat.Rgba32;
        SourceFormat = session.Format;
        SourceChannels = session.Channels;
        ExifOrientation = session.ExifOrientation;
        if (Format == DecodedPixelFormat.Gray8 && !session.DirectGrey)
        {
            _rgbaRow = new byte[Width * 4];
        }
    }

    private ImageRowReader(DecodedImage image, string name)
    {
        _image = image;
        _name = name;
        Width = image.Width;
        Height = image.Height;
        Format = image.Format;
        SourceFormat = image.SourceFormat;
        SourceChannels = image.SourceChannels;
        ExifOrientation = image.ExifOrientation;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixel layout of the rows.</summary>
    public DecodedPixelFormat Format { get; }

    /// <summary>The container format.</summary>
    public ImageFormat SourceFormat { get; }

    /// <summary>Channels as the PDQ reference counts them (see <see cref="DecodedImage.SourceChannels"/>).</summary>
    public int SourceChannels { get; }

    /// <summary>The EXIF orientation tag (1..8).</summary>
    public int ExifOrientation { get; }

    /// <summary>Whether rows come from the scanline decoder (true) or a full decode (false).</summary>
    public bool Streaming => _session is not null;

    /// <summary>Bytes per pixel (1 or 4).</summary>
    public int BytesPerPixel => Format == DecodedPixelFormat.Gray8 ? 1 : 4;

    /// <summary>Bytes per row.</summary>
    public int Stride => Width * BytesPerPixel;

    /// <summary>Index of the next row <see cref="ReadRows"/> returns.</summary>
    public int NextRow => _nextRow;

    internal static ImageRowReader? TryScanlines(CodecSession session)
    {
        if (session.Codec.StartScanlineDecode(session.DecodeInfo) != SKCodecResult.Success
            || session.Codec.ScanlineOrder != SKCodecScanlineOrder.TopDown)
        {
            return null;
        }

        return new ImageRowReader(session);
    }

    internal static ImageRowReader FromImage(DecodedImage image, string name) => new(image, name);

    /// <summary>Reads the next <paramref name="rows"/> rows into <paramref name="destination"/> (rows × <see cref="Stride"/> bytes).</summary>
    /// <exception cref="ImageDecodeException">The data ends before these rows (truncated file).</exception>
    public void ReadRows(Span<byte> destination, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (_nextRow + rows > Height)
        {
            throw new InvalidOperationException($"rows {_nextRow}..{_nextRow + rows - 1} requested of {Height}");
        }

        var stride = Stride;
        destination = destination[..(rows * stride)];
        if (_image is not null)
        {
            _image.Pixels.Slice(_nextRow * stride, rows * stride).CopyTo(destination);
            _nextRow += rows;
            return;
        }

        if (_rgbaRow is not null)
        {
            // Grey+alpha: decode each row as RGBA and keep R (= grey).
            for (var k = 0; k < rows; k++)
            {
                Scanlines(_rgbaRow, 1, Width * 4);
                ImageDecoder.KeepRed(_rgbaRow, Width);
                _rgbaRow.AsSpan(0, Width).CopyTo(destination.Slice(k * stride, stride));
            }

            return;
        }

        Scanlines(destination, rows, stride);
    }

    /// <summary>Skips the next <paramref name="rows"/> rows (still decoded, not returned).</summary>
    public void SkipRows(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (_nextRow + rows > Height)
        {
            throw new InvalidOperationException($"cannot skip {rows} rows from row {_nextRow} of {Height}");
        }

        if (_session is null)
        {
            _nextRow += rows;
            return;
        }

        if (rows > 0 && !_session.Codec.SkipScanlines(rows))
        {
            throw new ImageDecodeException(_name, ImageDecodeError.Truncated, $"{SourceFormat} data ends before row {_nextRow + rows}");
        }

        _nextRow += rows;
    }

    private void Scanlines(Span<byte> destination, int rows, int rowBytes)
    {
        int got;
        unsafe
        {
            fixed (byte* p = destination)
            {
                got = _session!.Codec.GetScanlines((IntPtr)p, rows, rowBytes);
            }
        }

        if (got != rows)
        {
            throw new ImageDecodeException(_name, ImageDecodeError.Truncated, $"{SourceFormat} data ends before row {_nextRow + got + 1} of {Height}");
        }

        _nextRow += rows;
    }

    public void Dispose()
    {
        _session?.Dispose();
        _image?.Dispose();
    }
}
