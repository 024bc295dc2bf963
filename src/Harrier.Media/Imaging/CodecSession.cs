using SkiaSharp;

namespace Harrier.Media.Imaging;

/// <summary>
/// An opened Skia codec with Harrier's checks done: non-empty, recognised, decodable, header valid, declared size
/// under the pixel cap (before any pixel memory exists), and the decode target chosen.
/// </summary>
internal sealed class CodecSession : IDisposable
{
    private readonly SKData _data;
    private readonly SKMemoryStream _stream;

    private CodecSession(SKData data, SKMemoryStream stream, SKCodec codec, ImageFormat format, int channels, string name)
    {
        _data = data;
        _stream = stream;
        Codec = codec;
        Format = format;
        Channels = channels;
        Name = name;
        var info = codec.Info;
        DirectGrey = channels <= 2 && info.ColorType == SKColorType.Gray8;
        DecodeInfo = new SKImageInfo(info.Width, info.Height, DirectGrey ? SKColorType.Gray8 : SKColorType.Rgba8888,
            DirectGrey ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
    }

    public SKCodec Codec { get; }

    public ImageFormat Format { get; }

    /// <summary>Channels as the PDQ reference (CImg) counts them.</summary>
    public int Channels { get; }

    public string Name { get; }

    /// <summary>Grey source decoded straight to Gray8 (grey+alpha instead goes through RGBA, keeping R).</summary>
    public bool DirectGrey { get; }

    public SKImageInfo DecodeInfo { get; }

    public int ExifOrientation
    {
        get
        {
            var origin = (int)Codec.EncodedOrigin;
            return origin is < 1 or > 8 ? 1 : origin;
        }
    }

    public static CodecSession Open(ReadOnlySpan<byte> data, string name, ImageDecoderOptions options)
    {
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

        var skData = SKData.CreateCopy(data);
        var stream = new SKMemoryStream(skData);
        var codec = SKCodec.Create(stream, out var createResult);
        try
        {
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

            var session = new CodecSession(skData, stream, codec, format, SourceChannels(format, data, info), name);
            codec = null;
            return session;
        }
        catch
        {
            codec?.Dispose();
            stream.Dispose();
            skData.Dispose();
            throw;
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

    public void Dispose()
    {
        Codec.Dispose();
        _stream.Dispose();
        _data.Dispose();
    }
}
