using System.Buffers;
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
    /// <summary>Decodes a file.</summary>
    /// <exception cref="ImageDecodeException">The file is empty, not an image, unsupported, too large, truncated, corrupt or unreadable.</exception>
    public static DecodedImage Decode(string path, ImageDecoderOptions? options = null)
    {
        options ??= ImageDecoderOptions.Default;
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > options.MaxFileBytes)
            {
                throw new ImageDecodeException(path, ImageDecodeError.FileTooLarge, $"{length} bytes, over the {options.MaxFileBytes}-byte cap");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, ImageDecodeError.Io, e.Message, e);
        }

        return Decode(bytes, path, options);
    }

    /// <summary>Decodes an in-memory file; <paramref name="name"/> is used in error messages.</summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> data, string name, ImageDecoderOptions? options = null)
    {
        options ??= ImageDecoderOptions.Default;
        if (data.IsEmpty)
        {
            throw new ImageDecodeException(name, ImageDecodeError.Empty, "0 bytes");
        }

        if (data.Length > options.MaxFileBytes)
        {
            throw new ImageDecodeException(name, ImageDecodeError.FileTooLarge, $"{data.Length} bytes, over the {options.MaxFileBytes}-byte cap");
        }

        var format = ImageSniffer.Detect(data[..Math.Min(data.Length, ImageSniffer.HeaderLength)]);
        if (format == ImageFormat.Unknown)
        {
            throw new ImageDecodeException(name, ImageDecodeError.UnrecognisedFormat, "no known image signature in the first bytes");
        }

        if (!ImageSniffer.IsDecodable(format))
        {
            throw new ImageDecodeException(name, ImageDecodeError.UnsupportedFormat, $"{format} is recognised but this build cannot decode it");
        }

        using var skData = SKData.CreateCopy(data);
        using var stream = new SKMemoryStream(skData);
        using var codec = SKCodec.Create(stream, out var createResult);
        if (codec is null)
        {
            throw createResult == SKCodecResult.IncompleteInput
                ? new ImageDecodeException(name, ImageDecodeError.Truncated, $"{format} header is incomplete")
                : new ImageDecodeException(name, ImageDecodeError.Corrupt, $"{format} header is invalid ({createResult})");
        }

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new ImageDecodeException(name, ImageDecodeError.Corrupt, $"declared size {info.Width}×{info.Height}");
        }

        var pixelCount = (long)info.Width * info.Height;
        if (pixelCount > options.MaxPixels)
        {
            throw new ImageDecodeException(name, ImageDecodeError.TooLarge,
                $"declared {info.Width}×{info.Height} = {pixelCount} pixels, over the {options.MaxPixels}-pixel cap");
        }

        var channels = SourceChannels(format, data, info);
        var grey = channels <= 2;

        // Grey decodes straight to Gray8; grey+alpha (no such Skia colour type) goes through RGBA and keeps R.
        var directGrey = grey && info.ColorType == SKColorType.Gray8;
        var decodeInfo = new SKImageInfo(info.Width, info.Height, directGrey ? SKColorType.Gray8 : SKColorType.Rgba8888,
            directGrey ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var decodeBytes = checked((int)(pixelCount * decodeInfo.BytesPerPixel));
        var buffer = ArrayPool<byte>.Shared.Rent(decodeBytes);
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

            var origin = (int)codec.EncodedOrigin;
            if (origin is < 1 or > 8)
            {
                origin = 1;
            }

            var width = info.Width;
            var height = info.Height;
            var applied = false;
            if (options.ApplyExifOrientation && origin != 1)
            {
                var bpp = outFormat == DecodedPixelFormat.Gray8 ? 1 : 4;
                var oriented = ExifOrientation.Apply(buffer, width, height, bpp, origin, out width, out height);
                ArrayPool<byte>.Shared.Return(buffer);
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
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Channel count as the reference (CImg) would see the file: 1 or 2 for grey PNG and grey JPEG, else 3 or 4.
    /// </summary>
    private static int SourceChannels(ImageFormat format, ReadOnlySpan<byte> data, SKImageInfo info)
    {
        if (format == ImageFormat.Png && data.Length >= 26)
        {
            // IHDR is the first chunk: colour type at byte 25 (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA).
            return data[25] switch
            {
                0 => 1,
                4 => 2,
                6 => 4,
                _ => 3,
            };
        }

        if (info.ColorType == SKColorType.Gray8)
        {
            return 1;
        }

        return info.AlphaType == SKAlphaType.Opaque ? 3 : 4;
    }

    private static void KeepRed(byte[] rgba, int pixels)
    {
        for (var i = 0; i < pixels; i++)
        {
            rgba[i] = rgba[i * 4];
        }
    }
}
