using SkiaSharp;

namespace Harrier.Media.Imaging;

/// <summary>
/// The one image decoder every perceptual hash uses: SkiaSharp (libjpeg-turbo, libpng, libwebp, Skia's GIF/BMP),
/// 8-bit pixels with no colour-space conversion. Grey sources decode to grey bytes (the PDQ reference uses grey
/// directly); everything else to unpremultiplied RGBA. Formats are recognised by content. Failures are
/// <see cref="ImageDecodeException"/> naming the file; the declared size is checked against
/// <see cref="ImageDecoderOptions.MaxPixels"/> before pixel memory is allocated. Thread-safe.
/// </summary>
public static class ImageDecoder
{
    /// <summary>
    /// Opens a file for top-to-bottom row reading (scanline decoding where the codec supports it, so no full frame is
    /// held; otherwise a full decode served row by row). Same formats, limits and errors as <see cref="Decode(string, ImageDecoderOptions?)"/>.
    /// </summary>
    public static ImageRowReader OpenRows(string path, ImageDecoderOptions? options = null)
    {
        options ??= ImageDecoderOptions.Default;
        return OpenRows(ReadFile(path, options), path, options);
    }

    /// <summary>Opens an in-memory file for row reading; <paramref name="name"/> is used in error messages.</summary>
    public static ImageRowReader OpenRows(ReadOnlySpan<byte> data, string name, ImageDecoderOptions? options = null)
    {
        options ??= ImageDecoderOptions.Default;
        if (!options.ApplyExifOrientation)
        {
            var session = CodecSession.Open(data, name, options);
            var reader = ImageRowReader.TryScanlines(session);
            if (reader is not null)
            {
                return reader;
            }

            session.Dispose();
        }

        return ImageRowReader.FromImage(Decode(data, name, options), name);
    }

    private static byte[] ReadFile(string path, ImageDecoderOptions options)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > options.MaxFileBytes)
            {
                throw new ImageDecodeException(path, ImageDecodeError.FileTooLarge, $"{length} bytes, over the {options.MaxFileBytes}-byte cap");
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, ImageDecodeError.Io, e.Message, e);
        }
    }

    /// <summary>
    /// The size an image declares in its header, read from its first bytes without decoding any pixel (ingest reserves
    /// memory from it before decoding). False when <paramref name="header"/> is not a decodable image or does not reach the
    /// size (a JPEG with large metadata segments before its frame header, say).
    /// </summary>
    public static bool TryReadSize(ReadOnlySpan<byte> header, out int width, out int height)
    {
        (width, height) = (0, 0);
        var format = ImageSniffer.Detect(header[..Math.Min(header.Length, ImageSniffer.HeaderLength)]);
        if (format == ImageFormat.Unknown || !ImageSniffer.IsDecodable(format))
        {
            return false;
        }

        using var data = SKData.CreateCopy(header);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            return false;
        }

        (width, height) = (codec.Info.Width, codec.Info.Height);
        return true;
    }

    /// <summary>Decodes a file.</summary>
    /// <exception cref="ImageDecodeException">The file is empty, not an image, unsupported, too large, truncated, corrupt or unreadable.</exception>
    public static DecodedImage Decode(string path, ImageDecoderOptions? options = null)
    {
        options ??= ImageDecoderOptions.Default;
        var bytes = ReadFile(path, options);
        return Decode(bytes, path, options);
    }

    /// <summary>Decodes an in-memory file; <paramref name="name"/> is used in error messages.</summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> data, string name, ImageDecoderOptions? options = null)
    {
        options ??= ImageDecoderOptions.Default;
        using var session = CodecSession.Open(data, name, options);
        var codec = session.Codec;
        var info = codec.Info;
        var format = session.Format;
        var channels = session.Channels;
        var grey = channels <= 2;
        var directGrey = session.DirectGrey;
        var decodeInfo = session.DecodeInfo;
        var pixelCount = (long)info.Width * info.Height;
        var decodeBytes = checked((int)(pixelCount * decodeInfo.BytesPerPixel));
        var buffer = MediaBuffers.Rent<byte>(decodeBytes);
        var keep = false;
        try
        {
            SKCodecResult result;
            unsafe
            {
                fixed (byte* p = buffer)
                {
                    result = codec.GetPixels(decodeInfo, (IntPtr)p, decodeInfo.RowBytes, new SKCodecOptions(0));
                }
            }

            switch (result)
            {
                case SKCodecResult.Success:
                    break;
                case SKCodecResult.IncompleteInput:
                    throw new ImageDecodeException(name, ImageDecodeError.Truncated, $"{format} data ends before the image does");
                case SKCodecResult.ErrorInInput:
                case SKCodecResult.InvalidInput:
                    throw new ImageDecodeException(name, ImageDecodeError.Corrupt, $"{format} data is invalid ({result})");
                default:
                    throw new ImageDecodeException(name, ImageDecodeError.Corrupt, $"{format} could not be decoded ({result})");
            }

            var outFormat = DecodedPixelFormat.Rgba32;
            if (grey)
            {
                if (!directGrey)
                {
                    KeepRed(buffer, (int)pixelCount);
                }

                outFormat = DecodedPixelFormat.Gray8;
            }

            var origin = session.ExifOrientation;

            var width = info.Width;
            var height = info.Height;
            var applied = false;
            if (options.ApplyExifOrientation && origin != 1)
            {
                var bpp = outFormat == DecodedPixelFormat.Gray8 ? 1 : 4;
                var oriented = ExifOrientation.Apply(buffer, width, height, bpp, origin, out width, out height);
                MediaBuffers.Return(buffer);
                buffer = oriented;
                applied = true;
            }

            keep = true;
            return new DecodedImage(buffer, width, height, outFormat, format, channels, origin, applied);
        }
        finally
        {
            if (!keep)
            {
                MediaBuffers.Return(buffer);
            }
        }
    }

    internal static void KeepRed(Span<byte> rgba, int pixels)
    {
        for (var i = 0; i < pixels; i++)
        {
            rgba[i] = rgba[i * 4];
        }
    }
}
