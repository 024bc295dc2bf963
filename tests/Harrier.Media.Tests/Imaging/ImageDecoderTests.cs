using System.Buffers.Binary;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Media.Tests.Pdq;
using Harrier.Testing;

namespace Harrier.Media.Tests.Imaging;

/// <summary>The decoder on good files, hostile files (generated here, in a temp folder) and EXIF orientation.</summary>
public sealed class ImageDecoderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-decoder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static ImageDecodeException DecodeFails(string path, ImageDecoderOptions? options = null)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(path, options).Dispose());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);

        // Bounded memory: no pixel buffer was allocated for a file that fails (the file itself is read once).
        Assert.True(allocated < (4 * new FileInfo(path).Length) + (2 << 20), $"{allocated} bytes allocated for a failing decode of {path}");
        return e;
    }

    [Fact]
    public void Zero_bytes_is_an_empty_file_error() =>
        Assert.Equal(ImageDecodeError.Empty, DecodeFails(Write("empty.jpg", [])).Error);

    [Fact]
    public void Text_with_an_image_extension_is_not_recognised() =>
        Assert.Equal(ImageDecodeError.UnrecognisedFormat, DecodeFails(Write("notes.jpg", "hello, this is not a JPEG"u8.ToArray())).Error);

    [Fact]
    public void Png_signature_followed_by_garbage_is_corrupt()
    {
        var bytes = new byte[400];
        new Random(1).NextBytes(bytes);
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);
        var e = DecodeFails(Write("garbage.png", bytes));
        Assert.True(e.Error is ImageDecodeError.Corrupt or ImageDecodeError.Truncated, e.Message);
    }

    [Fact]
    public void Jpeg_signature_followed_by_garbage_fails()
    {
        var bytes = new byte[400];
        new Random(2).NextBytes(bytes);
        new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }.CopyTo(bytes, 0);
        var e = DecodeFails(Write("garbage.jpg", bytes));
        Assert.True(e.Error is ImageDecodeError.Corrupt or ImageDecodeError.Truncated, e.Message);
    }

    [Theory]
    [InlineData("images/reg-test-input/dih/bridge-1-original.jpg")]
    [InlineData("images/misc-images/c.png")]
    public void Truncated_files_are_reported_as_truncated(string vector)
    {
        var bytes = File.ReadAllBytes(PdqVectors.PathOf(vector));
        var path = Write("cut-" + Path.GetFileName(vector), bytes[..(bytes.Length / 2)]);
        Assert.Equal(ImageDecodeError.Truncated, DecodeFails(path).Error);
    }

    [Theory]
    [InlineData("images/reg-test-input/dih/bridge-1-original.jpg")]
    [InlineData("images/misc-images/c.png")]
    public void Truncated_files_fail_the_same_way_when_read_row_by_row(string vector)
    {
        var bytes = File.ReadAllBytes(PdqVectors.PathOf(vector));
        var path = Write("cut-rows-" + Path.GetFileName(vector), bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ImageDecodeException>(() => PdqImageHasher.HashFile(path));
        Assert.Equal(ImageDecodeError.Truncated, e.Error);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> DecodableVectors()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(PdqVectors.Dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (ImageSniffer.IsDecodable(ImageSniffer.Detect(f)))
            {
                data.Add(Path.GetRelativePath(PdqVectors.Dir, f));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DecodableVectors))]
    public void Row_reader_gives_the_same_pixels_and_hashes_as_a_full_decode(string vector)
    {
        var path = PdqVectors.PathOf(vector);
        using var image = ImageDecoder.Decode(path);
        using (var reader = ImageDecoder.OpenRows(path))
        {
            Assert.Equal((image.Width, image.Height, image.Format, image.SourceChannels), (reader.Width, reader.Height, reader.Format, reader.SourceChannels));
            if (image.SourceFormat is ImageFormat.Jpeg)
            {
                // (This Skia build's PNG codec does not offer scanline decoding; PNGs fall back to a full decode.)
                Assert.True(reader.Streaming, "JPEG should use the scanline decoder");
            }

            var rows = new byte[3 * reader.Stride];
            for (var y = 0; y < reader.Height; y += 3)
            {
                var n = Math.Min(3, reader.Height - y);
                reader.ReadRows(rows, n);
                Assert.True(rows.AsSpan(0, n * reader.Stride).SequenceEqual(image.Pixels.Slice(y * image.Stride, n * image.Stride)), $"rows {y}..{y + n - 1} differ");
            }
        }

        foreach (var fe in new[] { PdqFrontEnd.Full, PdqFrontEnd.Pre512 })
        {
            Assert.Equal(PdqImageHasher.HashDihedral(image, fe), PdqImageHasher.HashDihedralFile(path, fe));
        }
    }

    [Fact]
    public void Tiff_is_recognised_but_unsupported()
    {
        var e = DecodeFails(Write("scan.bin", [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0]));
        Assert.Equal(ImageDecodeError.UnsupportedFormat, e.Error);
        Assert.Contains("Tiff", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Png_declaring_50000_by_50000_fails_on_the_pixel_cap_before_allocating()
    {
        // A real 8×8 IDAT under a header that claims 50,000 × 50,000.
        var png = PngBuilder.Build(8, 8, 0, 8, _ => new byte[8], declaredWidth: 50_000, declaredHeight: 50_000);
        var e = DecodeFails(Write("huge.png", png));
        Assert.Equal(ImageDecodeError.TooLarge, e.Error);
        Assert.Contains("50000×50000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jpeg_declaring_50000_by_50000_fails_on_the_pixel_cap()
    {
        var bytes = File.ReadAllBytes(PdqVectors.PathOf("images/misc-images/wee.jpg"));
        var sof = FindSof(bytes);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 5), 50_000);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 7), 50_000);
        Assert.Equal(ImageDecodeError.TooLarge, DecodeFails(Write("huge.jpg", bytes)).Error);
    }

    [Fact]
    public void Gif_declaring_65535_square_fails_on_the_pixel_cap()
    {
        // Logical screen and image descriptor of 65535×65535, a 2-colour table, a minimal LZW stream.
        byte[] gif =
        [
            .. "GIF89a"u8, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF,
            0x2C, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0x02, 0x02, 0x44, 0x01, 0, 0x3B,
        ];
        var e = DecodeFails(Write("huge.gif", gif));
        Assert.True(e.Error is ImageDecodeError.TooLarge or ImageDecodeError.Corrupt, e.Message);
    }

    [Fact]
    public void Decompression_bomb_png_is_refused_by_the_pixel_cap()
    {
        // 12,000 × 12,000 grey zeros: ~144 MP declared, compressed to a few hundred KB. The default cap is 100 MP.
        var zeros = new byte[12_000];
        var png = PngBuilder.Build(12_000, 12_000, 0, 12_000, _ => zeros);
        Assert.True(png.Length < 1_000_000, $"bomb is {png.Length} bytes");
        Assert.Equal(ImageDecodeError.TooLarge, DecodeFails(Write("bomb.png", png)).Error);
    }

    [Fact]
    public void Pixel_cap_is_configurable()
    {
        var path = PdqVectors.PathOf("images/misc-images/c.png");
        using (var ok = ImageDecoder.Decode(path))
        {
            Assert.True(ok.Width * ok.Height > 10_000);
        }

        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(path, new ImageDecoderOptions { MaxPixels = 10_000 }));
        Assert.Equal(ImageDecodeError.TooLarge, e.Error);
        var f = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(path, new ImageDecoderOptions { MaxFileBytes = 100 }));
        Assert.Equal(ImageDecodeError.FileTooLarge, f.Error);
    }

    [Fact]
    public void Missing_file_is_an_io_error()
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(Path.Combine(_dir, "absent.png")));
        Assert.Equal(ImageDecodeError.Io, e.Error);
    }

    [Theory]
    [InlineData("images/misc-images/modes/L.png", DecodedPixelFormat.Gray8, 1)]
    [InlineData("images/misc-images/modes/LA.png", DecodedPixelFormat.Gray8, 2)]
    [InlineData("images/misc-images/modes/1.png", DecodedPixelFormat.Gray8, 1)]
    [InlineData("images/misc-images/modes/P.png", DecodedPixelFormat.Rgba32, 3)]
    [InlineData("images/misc-images/modes/RGBA.png", DecodedPixelFormat.Rgba32, 4)]
    [InlineData("images/misc-images/modes/CMYK.jpg", DecodedPixelFormat.Rgba32, 3)]
    [InlineData("images/misc-images/modes/RGB.jpg", DecodedPixelFormat.Rgba32, 3)]
    [InlineData("images/misc-images/modes/F.webp", DecodedPixelFormat.Rgba32, 3)]
    [InlineData("images/misc-images/modes/PA.webp", DecodedPixelFormat.Rgba32, 3)]
    public void Channel_handling_follows_the_reference(string vector, DecodedPixelFormat format, int channels)
    {
        using var image = ImageDecoder.Decode(PdqVectors.PathOf(vector));
        Assert.Equal((1600, 1004), (image.Width, image.Height));
        Assert.Equal(format, image.Format);
        Assert.Equal(channels, image.SourceChannels);
    }

    [Fact]
    public void Lossless_webp_hashes_as_the_png_and_the_upstream_webp_vector_lands_within_31_bits()
    {
        // Re-encode c.png losslessly with Skia into WebP (lossless) and compare: same pixels, same hash.
        var png = PdqVectors.PathOf("images/misc-images/c.png");
        var expected = PdqImageHasher.HashFile(png);
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        using var webp = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Webp, 100);
        var webpPath = Write("c.webp", webp.ToArray());
        Assert.Equal(ImageFormat.WebP, ImageSniffer.Detect(webpPath));
        Assert.Equal(expected, PdqImageHasher.HashFile(webpPath));

        // The upstream WebP vectors (not decodable by the reference build) decode and land near the original.
        var original = PdqImageHasher.HashFile(PdqVectors.PathOf("images/misc-images/modes/original.jpg"));
        var webpVector = PdqImageHasher.HashFile(PdqVectors.PathOf("images/misc-images/modes/F.webp"));
        Assert.True(original.Hash.DistanceTo(webpVector.Hash) <= 31, $"F.webp is {original.Hash.DistanceTo(webpVector.Hash)} bits away");
    }

    [Fact]
    public void Gif_made_by_ffmpeg_decodes_to_the_pixels_of_the_same_frame_as_png()
    {
        // A real GIF (LZW, ffmpeg's 3-3-2 palette), and the same palettised frame expanded losslessly to PNG.
        var gif = Path.Combine(_dir, "pattern.gif");
        FfmpegTool.Run("-f lavfi -i testsrc=size=96x64:rate=1:duration=1 -frames:v 1 -pix_fmt rgb8", gif);
        var png = Path.Combine(_dir, "pattern.png");
        FfmpegTool.Run(["-i", gif, "-frames:v", "1", "-pix_fmt", "rgb24", png]);
        Assert.Equal(ImageFormat.Gif, ImageSniffer.Detect(gif));

        using var fromGif = ImageDecoder.Decode(gif);
        using var fromPng = ImageDecoder.Decode(png);
        Assert.Equal(ImageFormat.Gif, fromGif.SourceFormat);
        Assert.Equal((96, 64), (fromGif.Width, fromGif.Height));
        Assert.Equal(fromPng.Format, fromGif.Format);
        Assert.True(fromPng.Pixels.SequenceEqual(fromGif.Pixels), "the GIF's pixels differ from the PNG of the same frame");
        Assert.Equal(PdqImageHasher.HashFile(png), PdqImageHasher.HashFile(gif));
    }

    [Fact]
    public void Bmp_written_here_decodes_to_its_pixels()
    {
        // 6×5 RGB pattern, 4 colours: BMP (24-bit, bottom-up rows).
        byte[][] palette = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]];
        int Index(int x, int y) => ((x * 3) + y) % 4;
        const int w = 6, h = 5;
        var rowSize = ((w * 3) + 3) & ~3;
        var bmp = new byte[54 + (rowSize * h)];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), w);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), h);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var c = palette[Index(x, y)];
                var o = 54 + ((h - 1 - y) * rowSize) + (x * 3);
                bmp[o] = c[2];
                bmp[o + 1] = c[1];
                bmp[o + 2] = c[0];
            }
        }

        using var image = ImageDecoder.Decode(Write("p.bmp", bmp));
        Assert.Equal(ImageFormat.Bmp, image.SourceFormat);
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var c = palette[Index(x, y)];
                var o = ((y * w) + x) * 4;
                Assert.Equal(c, image.Pixels.Slice(o, 3).ToArray());
            }
        }
    }

    [Theory]
    [InlineData(0, 1, DecodedPixelFormat.Gray8)]
    [InlineData(2, 3, DecodedPixelFormat.Rgba32)]
    public void Sixteen_bit_png_samples_decode_to_their_high_byte(byte colorType, int channels, DecodedPixelFormat format)
    {
        // Samples v·257 (0xVVVV) are exactly representable in 8 bits as v.
        const int w = 16, h = 4;
        var png = PngBuilder.Build(w, h, colorType, w * channels * 2, y =>
        {
            var row = new byte[w * channels * 2];
            for (var x = 0; x < w * channels; x++)
            {
                row[2 * x] = row[(2 * x) + 1] = (byte)((y * 50) + x);
            }

            return row;
        }, bitDepth: 16);
        using var image = ImageDecoder.Decode(png, "deep.png");
        Assert.Equal(format, image.Format);
        Assert.Equal(channels, image.SourceChannels);
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    Assert.Equal((byte)((y * 50) + (x * channels) + c), image.Pixels[(y * image.Stride) + (x * image.BytesPerPixel) + c]);
                }
            }
        }
    }

    [Theory]
    [InlineData(3, PdqDihedral.Rotate180)]
    [InlineData(6, PdqDihedral.Rotate270)]
    [InlineData(8, PdqDihedral.Rotate90)]
    public void Exif_orientation_is_ignored_by_default_and_applied_on_request(int orientation, PdqDihedral displayedAs)
    {
        var path = PdqVectors.PathOf($"images/reg-test-input/exif-rotn/exif-rotn-{orientation}.jpg");
        using var stored = ImageDecoder.Decode(path);
        Assert.Equal(orientation, stored.ExifOrientation);
        Assert.False(stored.OrientationApplied);

        using var shown = ImageDecoder.Decode(path, new ImageDecoderOptions { ApplyExifOrientation = true });
        Assert.True(shown.OrientationApplied);
        var transposed = orientation >= 5;
        Assert.Equal(transposed ? (stored.Height, stored.Width) : (stored.Width, stored.Height), (shown.Width, shown.Height));

        // Displaying = a dihedral transform of the stored pixels, so the displayed hash is near that variant.
        var variant = PdqImageHasher.HashDihedral(stored)[displayedAs];
        var displayed = PdqImageHasher.Hash(shown).Hash;
        Assert.True(variant.DistanceTo(displayed) <= 16, $"orientation {orientation}: {variant.DistanceTo(displayed)} bits from {displayedAs}");
        Assert.True(PdqImageHasher.Hash(stored).Hash.DistanceTo(displayed) > 31);
    }

    private static int FindSof(byte[] jpeg)
    {
        // Walk the marker segments (an EXIF thumbnail can hold SOF bytes of its own).
        var i = 2;
        while (i + 4 < jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                return i;
            }

            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }

        throw new InvalidOperationException("no SOF marker");
    }
}
