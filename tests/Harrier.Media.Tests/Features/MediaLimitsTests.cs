using Harrier.Media.Features;
using Harrier.Media.Vpdq;
using Harrier.Testing;

namespace Harrier.Media.Tests.Features;

/// <summary>
/// Issue 20.3: what a video costs is bounded by configuration. The caps are set low here so that small synthetic videos
/// cross them; the defaults (100 MP refused, over 4K UHD scaled) are the same code with other numbers.
/// </summary>
public sealed class MediaLimitsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Video(string name, int width, int height)
    {
        var path = Path.Combine(_dir, name);
        FfmpegTool.Run($"-f lavfi -i testsrc2=size={width}x{height}:rate=10 -t 2 -c:v libx264 -preset veryfast -g 10 -pix_fmt yuv420p", path);
        return path;
    }

    [Fact]
    public async Task Frames_over_the_hashing_cap_are_scaled_by_ffmpeg_keeping_the_aspect_and_the_file_says_so()
    {
        var path = Video("wide.mp4", 640, 360);
        var limits = new MediaLimits { MaxHashPixels = 160 * 90 };
        var features = await new MediaFeatureExtractor { Thumbnails = null, Limits = limits }.ExtractAsync(path, null, CancellationToken.None);
        Assert.Equal(MediaKinds.Video, features.Kind);
        Assert.Equal((640, 360), (features.Width, features.Height));
        var note = Assert.Single(features.Notes, n => n.Contains("scaled by ffmpeg", StringComparison.Ordinal));
        Assert.Contains("frames hashed at 160×90, scaled by ffmpeg from the coded 640×360", note, StringComparison.Ordinal);

        // The same frames as the hasher's own scaling to that size: the pixels reaching PDQ are the scaled ones.
        var direct = await VpdqHasher.HashFileAsync(path, new VpdqOptions { SecondsPerHash = 0.25, MaxFramePixels = 160 * 90, KeyframeDecoding = false });
        Assert.True(direct.Scaled);
        Assert.Equal((160, 90), (direct.FrameWidth, direct.FrameHeight));
        Assert.NotEmpty(direct.Features);
        Assert.All(direct.Features, d => Assert.Contains(features.Vpdq!, f => f.FrameNumber == d.FrameNumber && f.Hash == d.Hash));

        var native = await new MediaFeatureExtractor { Thumbnails = null }.ExtractAsync(path, null, CancellationToken.None);
        Assert.DoesNotContain(native.Notes, n => n.Contains("scaled by ffmpeg", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_video_over_the_pixel_cap_is_refused_with_its_size_before_anything_is_decoded()
    {
        var path = Video("big.mp4", 320, 240);
        var features = await new MediaFeatureExtractor { Limits = new MediaLimits { MaxVideoPixels = 320 * 240 - 1 } }.ExtractAsync(path, null, CancellationToken.None);
        Assert.Equal(MediaKinds.Unreadable, features.Kind);
        Assert.Equal("video frame of 320×240 = 76800 pixels, over the 76799-pixel cap for video; not decoded", features.Error);
    }

    [Fact]
    public async Task A_file_that_needs_more_than_the_whole_budget_is_refused_with_the_reason_and_one_that_fits_is_hashed()
    {
        var path = Video("v.mp4", 320, 240);
        var limits = MediaLimits.Default;
        var need = limits.VideoBytes(320, 240, 320, 240);
        var refused = await new MediaFeatureExtractor { Budget = new MemoryBudget(need - 1) }.ExtractAsync(path, null, CancellationToken.None);
        Assert.Equal(MediaKinds.Unreadable, refused.Kind);
        Assert.Contains($"needs an estimated {need >> 20} MiB, more than the whole ingest memory budget", refused.Error, StringComparison.Ordinal);

        var budget = new MemoryBudget(need);
        var hashed = await new MediaFeatureExtractor { Budget = budget }.ExtractAsync(path, null, CancellationToken.None);
        Assert.Equal(MediaKinds.Video, hashed.Kind);
        Assert.Equal((need, 0L), (budget.PeakBytes, budget.InUseBytes));
    }

    [Fact]
    public async Task An_image_reserves_from_the_size_its_header_declares()
    {
        var path = Path.Combine(_dir, "p.png");
        FfmpegTool.Run("-f lavfi -i testsrc2=size=300x200 -frames:v 1", path);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(Harrier.Media.Imaging.ImageDecoder.TryReadSize(bytes.AsSpan(0, 64), out var w, out var h));
        Assert.Equal((300, 200), (w, h));
        Assert.False(Harrier.Media.Imaging.ImageDecoder.TryReadSize("not an image"u8, out _, out _));

        var budget = new MemoryBudget(1L << 30);
        var features = await new MediaFeatureExtractor { Budget = budget }.ExtractAsync(path, null, CancellationToken.None);
        Assert.Equal(MediaKinds.Image, features.Kind);
        Assert.Equal(MediaLimits.ImageBytes(300, 200, bytes.Length), budget.PeakBytes);
    }

    [Theory]
    [InlineData(8192, 8192, 3840L * 2160, 2880, 2880)]
    [InlineData(7680, 4320, 3840L * 2160, 3840, 2160)]
    [InlineData(1920, 1080, 3840L * 2160, 1920, 1080)]
    [InlineData(640, 360, 160 * 90, 160, 90)]
    [InlineData(100000, 10, 10000, 10000, 1)]
    [InlineData(100000, 3, 10000, 10000, 1)] // 3 rows scaled by 0.18 would be none: at least one is kept, and the width gives way
    public void Fitting_keeps_the_aspect_and_never_exceeds_the_cap(int width, int height, long max, int expectedWidth, int expectedHeight)
    {
        var (w, h) = VpdqOptions.FitPixels(width, height, max);
        Assert.True((long)w * h <= max && w >= 1 && h >= 1, $"{w}×{h}");
        Assert.Equal((expectedWidth, expectedHeight), (w, h));
    }
}
