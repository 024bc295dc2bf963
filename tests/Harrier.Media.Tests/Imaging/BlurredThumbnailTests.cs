using Harrier.Media.Imaging;
using Harrier.Media.Video;
using Harrier.Testing;

namespace Harrier.Media.Tests.Imaging;

public sealed class BlurredThumbnailTests
{
    [Fact]
    public void Real_photos_become_small_greyscale_pngs_with_little_high_frequency_energy_left()
    {
        var photos = Directory.EnumerateFiles(TestPaths.Photos(), "*.jpg", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Where((_, i) => i % 25 == 0).ToList();
        Assert.True(photos.Count >= 20);
        var options = ThumbnailOptions.Default;
        var worst = 0.0;
        foreach (var path in photos)
        {
            using var image = ImageDecoder.Decode(path);
            var png = BlurredThumbnail.EncodePng(BlurredThumbnail.FromImage(image, options));
            var (w, h, grey) = GreyPlanes.DecodeGrey(png);
            Assert.Equal(options.MaxSide, Math.Max(w, h));
            Assert.InRange(Math.Abs(((double)image.Width / image.Height) - ((double)w / h)), 0, 0.02);

            // The same downscale without the blur is the reference: the blur must remove almost all of its detail.
            var (plane, rw, rh) = BlurredThumbnail.DownscaleLuma(image.Pixels, image.Width, image.Height, image.Stride, image.BytesPerPixel, options.MaxSide);
            Assert.Equal((w, h), (rw, rh));
            var sharp = GreyPlanes.HighFrequencyEnergy((x, y) => plane[(y * rw) + x], rw, rh);
            var blurred = GreyPlanes.HighFrequencyEnergy((x, y) => grey[(y * w) + x], w, h);
            var ratio = blurred / sharp;
            worst = Math.Max(worst, ratio);
            Assert.True(ratio < 0.02, $"{Path.GetFileName(path)}: high-frequency energy {blurred:F2} vs {sharp:F2} unblurred (ratio {ratio:F4})");
        }

        Assert.True(worst > 0, "a blurred thumbnail still has some gradient (the measure is not degenerate)");
    }

    [Fact]
    public void A_stronger_blur_leaves_less_detail_and_a_weak_blur_is_refused()
    {
        using var image = ImageDecoder.Decode(TestPaths.Photos("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg"));
        double Energy(double sigma)
        {
            var g = BlurredThumbnail.FromImage(image, ThumbnailOptions.Default with { BlurSigma = sigma });
            return GreyPlanes.HighFrequencyEnergy((x, y) => g.Pixels[(y * g.Width) + x], g.Width, g.Height);
        }

        Assert.True(Energy(6) < Energy(3) && Energy(3) < Energy(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => BlurredThumbnail.FromImage(image, ThumbnailOptions.Default with { BlurSigma = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BlurredThumbnail.FromImage(image, ThumbnailOptions.Default with { BlurSigma = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BlurredThumbnail.FromImage(image, ThumbnailOptions.Default with { MaxSide = 1024 }));
    }

    [Fact]
    public async Task A_video_gives_a_strip_of_five_evenly_spaced_greyscale_blurred_frames()
    {
        var dir = Directory.CreateTempSubdirectory("harrier-strip-").FullName;
        try
        {
            // 10 s, 25 fps, 320×240: a colour test pattern whose moving parts change from frame to frame.
            var path = Path.Combine(dir, "clip.mp4");
            FfmpegTool.Run("-f lavfi -i testsrc2=size=320x240:rate=25:duration=10 -c:v libx264 -preset ultrafast -pix_fmt yuv420p", path);

            var reader = new VideoFrameReader();
            var info = await reader.ProbeAsync(path);
            Assert.Equal(50, VideoKeyframeStrip.Modulus(info, 5)); // 250 frames / 5
            var strip = await VideoKeyframeStrip.MakeAsync(path, info, ThumbnailOptions.Default, null, CancellationToken.None);
            Assert.Equal((5 * 128, 96), (strip.Width, strip.Height));
            var (w, h, grey) = GreyPlanes.DecodeGrey(BlurredThumbnail.EncodePng(strip));
            Assert.Equal((strip.Width, strip.Height), (w, h));
            Assert.Equal(strip.Pixels, grey);

            // Each tile against the unblurred frame at the same size: frame 0, 50, 100, 150 and 200.
            var tiles = new List<byte[]>();
            for (var t = 0; t < 5; t++)
            {
                tiles.Add([.. Enumerable.Range(0, 96).SelectMany(y => grey.AsSpan((y * w) + (t * 128), 128).ToArray())]);
            }

            var request = new VideoFrameRequest { Width = 128, Height = 96, ScaleFlags = "area", ApplyRotation = true, FrameModulus = 50 };
            var n = 0;
            await foreach (var frame in reader.ReadFramesAsync(path, info, request))
            {
                var (plane, pw, ph) = BlurredThumbnail.DownscaleLuma(frame.Rgb24.Span, frame.Width, frame.Height, frame.Width * 3, 3, 128);
                var sharp = GreyPlanes.HighFrequencyEnergy((x, y) => plane[(y * pw) + x], pw, ph);
                var tile = tiles[n];
                var blurred = GreyPlanes.HighFrequencyEnergy((x, y) => tile[(y * 128) + x], 128, 96);
                Assert.True(blurred < 0.02 * sharp, $"frame {frame.FrameNumber}: {blurred:F2} vs {sharp:F2}");
                n++;
            }

            Assert.Equal(5, n);
            Assert.True(tiles.Distinct(new BytesComparer()).Count() > 1, "the strip's frames are different frames");
            Assert.Equal([0, 1, 3, 4, 5], VideoKeyframeStrip.Pick([0, 1, 2, 3, 4, 5], 5));
            Assert.Equal([0, 1], VideoKeyframeStrip.Pick([0, 1], 5));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
